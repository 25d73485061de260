#!/usr/bin/env python3
"""Writes the built-in sweep data: the first 2,000 images of the Fashion-MNIST test set.

Fashion-MNIST (Zalando Research) is MIT-licensed. Debian's dataset-fashion-mnist package
installs it under /usr/share/datasets/fashion-mnist. The output keeps the IDX layout (the
count in the header changed to 2,000), gzipped, so the same reader reads both.
Usage: java/cli/tools/make_sweep_sample.py [source-dir] [count]
Standard library only.
"""
import gzip
import struct
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
OUT = Path(__file__).resolve().parent.parent / "src/main/resources/org/sparsenn/cli/sweep"


def subset(name, item_bytes_from_header):
    raw = gzip.decompress((SOURCE / (name + ".gz")).read_bytes())
    magic, count = struct.unpack(">II", raw[:8])
    rank = magic & 0xFF
    header_len = 4 + 4 * rank
    dims = struct.unpack(">" + "I" * rank, raw[4:header_len])
    item = item_bytes_from_header(dims)
    assert COUNT <= count, f"{name} has only {count} items"
    header = struct.pack(">I", magic) + struct.pack(">I", COUNT) + raw[8:header_len]
    body = raw[header_len:header_len + COUNT * item]
    # mtime 0: the same input always gives the same bytes
    (OUT / (name + ".gz")).write_bytes(gzip.compress(header + body, mtime=0))


subset("t10k-images-idx3-ubyte", lambda d: d[1] * d[2])
subset("t10k-labels-idx1-ubyte", lambda d: 1)
print("wrote", COUNT, "images and labels to", OUT)
