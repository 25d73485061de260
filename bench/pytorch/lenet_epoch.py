#!/usr/bin/env python3
"""Times one training epoch of LeNet-300-100 on Fashion-MNIST with PyTorch on the CPU.

The counterpart of `sparsenn train --layers 784,300,100,10 --batch 64`: the same data
(IDX files, pixels / 255), the same network (784-300-100-10, ReLU, softmax cross-entropy),
nn.Linear's default initialisation, plain minibatch SGD (or Adam) at batch 64 over a seeded
shuffle. The batches are cut from one in-memory tensor (no DataLoader), the fastest way to
feed PyTorch, so the comparison is against PyTorch at its best.

Usage: /usr/bin/python3 bench/pytorch/lenet_epoch.py [--data DIR] [--epochs N] [--batch 64]
           [--optimizer sgd|adam] [--threads T]
Prints one line per epoch: seconds, mean training loss, training accuracy; then the median.
"""
import argparse
import gzip
import os
import statistics
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    """An IDX file (optionally .gz) as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(os.path.join(folder, name) + "[.gz]")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch.set_num_threads; 0 keeps PyTorch's default")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    images = read_idx(find(args.data, "train-images-idx3-ubyte"))
    labels = read_idx(find(args.data, "train-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))

    model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                          nn.Linear(100, 10))
    loss_fn = nn.CrossEntropyLoss()
    if args.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"{len(x)} images, batch {args.batch}, {args.optimizer}")
    times = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        total_loss = 0.0
        correct = 0
        for begin in range(0, len(x), args.batch):
            index = order[begin:begin + args.batch]
            xb, yb = x[index], y[index]
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(index)
            correct += (logits.argmax(1) == yb).sum().item()
        seconds = time.perf_counter() - start
        times.append(seconds)
        print(f"epoch {epoch + 1}: {seconds:.3f} s, loss {total_loss / len(x):.4f}, "
              f"accuracy {correct / len(x):.4f}")
    print(f"median epoch: {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
