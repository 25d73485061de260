#!/usr/bin/env python3
"""Writes the built-in sweep data: the first 2,000 images of the Fashion-MNIST test set, on
which the sweep measures accuracy, and the first 3,000 of the training set, on which it
fine-tunes each pruning level.

Fashion-MNIST (Zalando Research) is MIT-licensed. Debian's dataset-fashion-mnist package
installs it under /usr/share/datasets/fashion-mnist. The output keeps the IDX layout (the
count in the header changed), gzipped, so the same reader reads both.
Usage: java/cli/tools/make_sweep_sample.py [source-dir] [test-count] [train-count]
Standard library only.
"""
import gzip
import struct
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
TEST_COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
TRAIN_COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
OUT = Path(__file__).resolve().parent.parent / "src/main/resources/org/sparsenn/cli/sweep"


def subset(name, count, item_bytes_from_header):
    raw = gzip.decompress((SOURCE / (name + ".gz")).read_bytes())
    magic, total = struct.unpack(">II", raw[:8])
    rank = magic & 0xFF
    header_len = 4 + 4 * rank
    dims = struct.unpack(">" + "I" * rank, raw[4:header_len])
    item = item_bytes_from_header(dims)
    assert count <= total, f"{name} has only {total} items"
    header = struct.pack(">I", magic) + struct.pack(">I", count) + raw[8:header_len]
    body = raw[header_len:header_len + count * item]
    # mtime 0: the same input always gives the same bytes
    (OUT / (name + ".gz")).write_bytes(gzip.compress(header + body, mtime=0))


subset("t10k-images-idx3-ubyte", TEST_COUNT, lambda d: d[1] * d[2])
subset("t10k-labels-idx1-ubyte", TEST_COUNT, lambda d: 1)
subset("train-images-idx3-ubyte", TRAIN_COUNT, lambda d: d[1] * d[2])
subset("train-labels-idx1-ubyte", TRAIN_COUNT, lambda d: 1)
print("wrote", TEST_COUNT, "test and", TRAIN_COUNT, "training images and labels to", OUT)
