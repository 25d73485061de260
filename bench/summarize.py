#!/usr/bin/env python3
"""Turns the JMH JSON files in bench/results/ into the README's markdown tables.

For each file: per sparsity (and batch), the median over measurement iterations of each kernel's
time, and its speedup over dense_blas measured in the same run. Standard library only.
Usage: bench/summarize.py [--headline] [results-dir]
  (no flag: every table, for bench/results/SUMMARY.md; --headline: the README's speedup table)
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

KERNEL_ORDER = ["dense_blas", "dense_simd", "csr", "csr16", "java_csr"]


def median_score(entry):
    raw = [value for fork in entry["primaryMetric"]["rawData"] for value in fork]
    return statistics.median(raw)


def fmt_time(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.1f} µs"


def layer_table(name, entries):
    groups = defaultdict(dict)
    for e in entries:
        p = e["params"]
        key = (int(p.get("batch", 1)), float(p["sparsity"]))
        groups[key][p["kernel"]] = median_score(e)
    kernels = [k for k in KERNEL_ORDER if any(k in g for g in groups.values())]
    p = entries[0]["params"]
    lines = [f"**{name}**: {p['rows']} x {p['cols']}, threads {p['threads']}, "
             f"median time per call, and speedup over `dense_blas` in the same run", ""]
    header = "| batch | sparsity | " + " | ".join(kernels) + " | " + " | ".join(
        f"{k} ×" for k in kernels if k != "dense_blas") + " |"
    lines.append(header)
    lines.append("|" + "---|" * (2 + len(kernels) + len(kernels) - 1))
    for (batch, sparsity), scores in sorted(groups.items()):
        dense = scores.get("dense_blas")
        cells = [fmt_time(scores[k]) if k in scores else "" for k in kernels]
        ratios = [f"{dense / scores[k]:.2f}" if dense and k in scores else ""
                  for k in kernels if k != "dense_blas"]
        lines.append(f"| {batch} | {sparsity:g} | " + " | ".join(cells) + " | "
                     + " | ".join(ratios) + " |")
    return "\n".join(lines)


def overhead_table(entries):
    lines = ["**Call overhead** (16 x 16 CSR, 50% zeros): median ns per call", "",
             "| path | ns |", "|---|---|"]
    for e in entries:
        lines.append(f"| `{e['benchmark'].rsplit('.', 1)[1]}` | {median_score(e):.0f} |")
    return "\n".join(lines)


# The README's headline: (file, batch, kernel) columns of speedup over dense_blas.
HEADLINE = [
    ("spmv-4096x4096", 1, "csr16"),
    ("spmv-4096x4096", 1, "csr"),
    ("spmv-4096x4096", 1, "java_csr"),
    ("spmv-16384x4096", 1, "csr16"),
    ("spmm-4096x4096", 8, "csr16"),
    ("spmm-4096x4096", 64, "csr"),
    ("spmm-4096x4096", 64, "csr16"),
]


def load(results):
    files = {}
    for path in sorted(results.glob("*.json")):
        text = path.read_text().strip()
        if text:  # an empty file is a run still in progress
            files[path.stem] = json.loads(text)
    return files


def headline(files):
    speedups = defaultdict(dict)
    for column, (name, batch, kernel) in enumerate(HEADLINE):
        times = defaultdict(dict)
        for e in files.get(name, []):
            p = e["params"]
            if int(p.get("batch", 1)) == batch:
                times[float(p["sparsity"])][p["kernel"]] = median_score(e)
        for sparsity, by_kernel in times.items():
            if "dense_blas" in by_kernel and kernel in by_kernel:
                speedups[sparsity][column] = by_kernel["dense_blas"] / by_kernel[kernel]
    titles = [f"{n.split('-', 1)[0].upper()} {n.split('-', 1)[1]} b{b} `{k}`"
              for n, b, k in HEADLINE]
    lines = ["| sparsity | " + " | ".join(titles) + " |", "|---|" + "---|" * len(HEADLINE)]
    for sparsity in sorted(speedups):
        cells = [f"{speedups[sparsity][c]:.2f}×" if c in speedups[sparsity] else ""
                 for c in range(len(HEADLINE))]
        lines.append(f"| {sparsity:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    results = Path(args[0] if args else Path(__file__).parent / "results")
    files = load(results)
    if "--headline" in sys.argv:
        print(headline(files))
        return
    for name, entries in files.items():
        if not entries:
            continue
        if "CallOverhead" in entries[0]["benchmark"]:
            print(overhead_table(entries))
        else:
            print(layer_table(name, entries))
        print()


if __name__ == "__main__":
    main()
