#!/usr/bin/env python3
"""Turns the JMH JSON files in bench/results/ into the README's markdown tables.

For each kernel file: per sparsity (and batch), the median over measurement iterations of each
kernel's time, and its speedup over dense_blas measured in the same run. For ModelBenchmark files:
speedup over ONNX Runtime, and how close the planner comes to the fastest forced method.
Standard library only.
Usage: bench/summarize.py [--headline] [results-dir]
  (no flag: every table, for bench/results/SUMMARY.md; --headline: the README's speedup table)
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

# Speedups are over this kernel; the other columns keep the order the kernels ran in, which
# run-benchmarks.sh takes from the list of layer methods (org.sparsenn.bench.Formats).
BASELINE = "dense_blas"
# ModelBenchmark engines that are not a layer method forced on every layer.
PLANNED_ENGINES = {"sparsenn", "sparsenn_estimate", "sparsenn_dense", "onnxruntime"}


def median_score(entry):
    raw = [value for fork in entry["primaryMetric"]["rawData"] for value in fork]
    return statistics.median(raw)


def fmt_time(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.1f} µs"


def layer_table(name, entries):
    groups = defaultdict(dict)
    kernels = [BASELINE]
    for e in entries:
        p = e["params"]
        key = (int(p["rows"]), int(p["cols"]), int(p.get("batch", 1)), float(p["sparsity"]))
        # a layer pruned N:M (-p pruning=2:4) is its own column, in the row of its sparsity
        pruning = p.get("pruning", "random")
        kernel = p["kernel"] if pruning == "random" else f"{p['kernel']} {pruning}"
        groups[key][kernel] = median_score(e)
        if kernel not in kernels:
            kernels.append(kernel)
    if not any(BASELINE in g for g in groups.values()):
        kernels.remove(BASELINE)
    shapes = sorted({(k[0], k[1]) for k in groups}, reverse=True)
    p = entries[0]["params"]
    shape_text = (f"{p['rows']} x {p['cols']}" if len(shapes) == 1
                  else ", ".join(f"{r} x {c}" for r, c in shapes))
    lines = [f"**{name}**: {shape_text}, threads {p['threads']}, "
             f"median time per call, and speedup over `dense_blas` in the same run", ""]
    lead = "| shape | batch | sparsity | " if len(shapes) > 1 else "| batch | sparsity | "
    header = lead + " | ".join(kernels) + " | " + " | ".join(
        f"{k} ×" for k in kernels if k != "dense_blas") + " |"
    lines.append(header)
    lines.append("|" + "---|" * (lead.count("|") - 1 + len(kernels) + len(kernels) - 1))
    for (rows, cols, batch, sparsity), scores in sorted(
            groups.items(), key=lambda kv: (-kv[0][0], -kv[0][1], kv[0][2], kv[0][3])):
        dense = scores.get("dense_blas")
        cells = [fmt_time(scores[k]) if k in scores else "" for k in kernels]
        ratios = [f"{dense / scores[k]:.2f}" if dense and k in scores else ""
                  for k in kernels if k != "dense_blas"]
        shape = f"| {rows} x {cols} " if len(shapes) > 1 else ""
        lines.append(f"{shape}| {batch} | {sparsity:g} | " + " | ".join(cells) + " | "
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


def is_yardstick(engine):
    """A layer method forced on every layer: any engine that is not a planned session or ORT."""
    return engine not in PLANNED_ENGINES


def model_key(p):
    return (p["model"], int(p["threads"]), int(p["batch"]), float(p["sparsity"]))


def model_times(entries):
    """{(model, threads, batch, sparsity): {engine: median µs}} for ModelBenchmark entries."""
    times = defaultdict(dict)
    for e in entries:
        times[model_key(e["params"])][e["params"]["engine"]] = median_score(e)
    return times


def versus_onnxruntime_table(name, entries):
    """Per model, threads and batch: speedup of sparsenn (and its dense-only plan) over ORT."""
    times = model_times(entries)
    columns = sorted({k[:3] for k in times})
    lines = [f"**{name}**: speedup over ONNX Runtime in the same run (median µs per call of "
             "`sparsenn` in brackets); `dense` is sparsenn restricted to its dense methods", "",
             "| sparsity | " + " | ".join(f"{m} t{t} b{b}" for m, t, b in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for sparsity in sorted({k[3] for k in times}):
        cells = []
        for m, t, b in columns:
            by_engine = times.get((m, t, b, sparsity), {})
            ort = by_engine.get("onnxruntime")
            ours = by_engine.get("sparsenn")
            cell = ""
            if ort and ours:
                cell = f"{ort / ours:.2f}× ({fmt_time(ours)})"
                if sparsity == 0 and by_engine.get("sparsenn_dense"):
                    cell += f", dense {ort / by_engine['sparsenn_dense']:.2f}×"
            cells.append(cell)
        lines.append(f"| {sparsity:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def planner_table(name, entries):
    """How close each planning mode comes to the fastest single method forced on every layer."""
    times = model_times(entries)
    lines = [f"**{name}**: planned session time over the fastest method forced on every layer "
             "(1.00 = as fast; below 1 = faster than any single method)", "",
             "| model | threads | batch | sparsity | fastest forced | MEASURE | ESTIMATE |",
             "|---|---|---|---|---|---|---|"]
    for key in sorted(times):
        by_engine = times[key]
        forced = {e: t for e, t in by_engine.items() if is_yardstick(e)}
        if not forced:
            continue
        best = min(forced, key=forced.get)
        measure = by_engine.get("sparsenn")
        estimate = by_engine.get("sparsenn_estimate")
        m, t, b, s = key
        lines.append(f"| {m} | {t} | {b} | {s:g} | `{best}` {fmt_time(forced[best])} | "
                     + (f"{measure / forced[best]:.2f}" if measure else "") + " | "
                     + (f"{estimate / forced[best]:.2f}" if estimate else "") + " |")
    return "\n".join(lines)


def parity_table(rounds):
    """0% sparsity: per configuration, the median over rounds of ONNX Runtime's time over ours,
    each round's two engines measured back to back (run-benchmarks.sh parity)."""
    ratios = defaultdict(list)
    ours = defaultdict(list)
    for entries in rounds:
        for key, by_engine in model_times(entries).items():
            if "sparsenn" in by_engine and "onnxruntime" in by_engine:
                ratios[key].append(by_engine["onnxruntime"] / by_engine["sparsenn"])
                ours[key].append(by_engine["sparsenn"])
    lines = [f"**parity**: 0% sparsity, speedup over ONNX Runtime, median of {len(rounds)} rounds "
             "(each round measures the two engines back to back), with the lowest and highest "
             "round, and the median µs per call of `sparsenn`", "",
             "| model | threads | batch | median | lowest | highest | sparsenn |",
             "|---|---|---|---|---|---|---|"]
    for key in sorted(ratios):
        m, t, b, _ = key
        r = ratios[key]
        lines.append(f"| {m} | {t} | {b} | {statistics.median(r):.2f}× | {min(r):.2f}× | "
                     f"{max(r):.2f}× | {fmt_time(statistics.median(ours[key]))} |")
    return "\n".join(lines)


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
    rounds = [entries for name, entries in files.items() if name.startswith("parity-round-")]
    if rounds:
        print(parity_table(rounds))
        print()
    for name, entries in files.items():
        if not entries or name.startswith("parity-round-"):
            continue
        if "CallOverhead" in entries[0]["benchmark"]:
            print(overhead_table(entries))
        elif "ModelBenchmark" in entries[0]["benchmark"]:
            engines = {e["params"]["engine"] for e in entries}
            if "onnxruntime" in engines:
                print(versus_onnxruntime_table(name, entries))
            if any(is_yardstick(e) for e in engines):
                print(planner_table(name, entries))
        else:
            print(layer_table(name, entries))
        print()


if __name__ == "__main__":
    main()
