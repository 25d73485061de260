#!/usr/bin/env python3
"""Turns the JMH JSON files in bench/results/ into the README's markdown tables.

For each kernel file: per sparsity (and batch), the median over measurement iterations of each
kernel's time, and its speedup over dense_blas measured in the same run. For ModelBenchmark files:
speedup over ONNX Runtime, and how close the planner comes to the fastest forced method.
Where the run wrote records.jsonl (-Dsparsenn.bench.record, bench/run-issue16.sh), also: speedup
over ONNX Runtime and over own dense per pruning method, per-layer G nonzeros/s and dense-
equivalent GFLOP/s, the plan of every fork, and for layers the fraction of the roofline (bytes
one call moves / time, over the streaming bandwidth of BandwidthBenchmark); with regression-*
files (old and new jar in rounds), new over old.
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


def pruning_of(p):
    """A ModelBenchmark entry's pruning method (runs before the parameter was global magnitude)."""
    return p.get("pruning", "magnitude")


def model_times(entries):
    """{(model, threads, batch, sparsity): {engine: median µs}} for ModelBenchmark entries pruned
    by global magnitude (the other methods have their own table: pruning_table)."""
    times = defaultdict(dict)
    for e in entries:
        if pruning_of(e["params"]) == "magnitude":
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


def benchmark_class(entry):
    """'org.sparsenn.bench.ModelBenchmark.run' -> 'ModelBenchmark'."""
    return entry["benchmark"].rsplit(".", 2)[-2]


def params_key(benchmark, params):
    return (benchmark, tuple(sorted(params.items())))


def load_records(results):
    """{(benchmark, params): [record per fork, in fork order]} from records.jsonl, if any."""
    records = defaultdict(list)
    path = results / "records.jsonl"
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                records[params_key(r["benchmark"], r["params"])].append(r)
    return records


def fork_medians(entry):
    return [statistics.median(fork) for fork in entry["primaryMetric"]["rawData"] if fork]


def model_entries(files):
    """Every ModelBenchmark entry of every file except the regression rounds, files in name
    order (model-* before planner-*), each with its file name."""
    for name, entries in files.items():
        if name.startswith(("regression-", "parity-round-")):
            continue
        for e in entries:
            if benchmark_class(e) == "ModelBenchmark":
                yield name, e


def pruning_table(files):
    """Per model: sparsenn's speedup over ONNX Runtime and over its own dense plan, per pruning
    method, sparsity and batch. A structured method's row divides the ONNX Runtime and dense times
    of the same model, sparsity and batch under global magnitude pruning in the same run: dense
    engines do the same work wherever the zeros are."""
    ours = {}
    reference = defaultdict(dict)
    for name, e in model_entries(files):
        p = e["params"]
        key = model_key(p)
        engine = p["engine"]
        if engine in ("onnxruntime", "sparsenn_dense") and pruning_of(p) == "magnitude":
            reference[key].setdefault(engine, median_score(e))
        elif engine == "sparsenn":
            ours.setdefault(key + (pruning_of(p),), median_score(e))
    if not any(pr != "magnitude" for *_, pr in ours):
        return None
    lines = []
    for model, threads in sorted({k[:2] for k in ours}):
        keys = [k for k in ours if k[:2] == (model, threads)]
        batches = sorted({k[2] for k in keys})
        methods = ["magnitude"] + sorted({k[4] for k in keys} - {"magnitude"})
        lines += [f"**{model}, {threads} thread(s)**: speedup of `sparsenn` over ONNX Runtime and "
                  "over its own dense plan (`sparsenn_dense`), median µs per call of `sparsenn` "
                  "in brackets; structured rows against the same run's magnitude-pruned ONNX "
                  "Runtime and dense times at that sparsity", "",
                  "| pruning | sparsity | " + " | ".join(
                      f"b{b} × ORT | b{b} × dense" for b in batches) + " |",
                  "|---|---|" + "---|---|" * len(batches)]
        for method in methods:
            for sparsity in sorted({k[3] for k in keys if k[4] == method}):
                cells = []
                for b in batches:
                    t = ours.get((model, threads, b, sparsity, method))
                    ref = reference.get((model, threads, b, sparsity), {})
                    ort, dense = ref.get("onnxruntime"), ref.get("sparsenn_dense")
                    cells.append(f"{ort / t:.2f}× ({fmt_time(t)})" if t and ort
                                 else (f"({fmt_time(t)})" if t else ""))
                    cells.append(f"{dense / t:.2f}×" if t and dense else "")
                lines.append(f"| {method} | {sparsity:g} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip()


def layer_rate_table(files, records):
    """Where the time goes: each layer of each planned sparsenn model timed alone on its real
    activations (LayerProfile), its G nonzeros/s and dense-equivalent GFLOP/s, and the whole
    model's from the JMH median."""
    lines = []
    for name, e in model_entries(files):
        p = e["params"]
        if p["engine"] != "sparsenn":
            continue
        forks = records.get(params_key("ModelBenchmark", p), [])
        if not forks or not all("micros" in layer for layer in forks[0].get("layers", [])):
            continue
        batch = int(p["batch"])
        layers = forks[0]["layers"]
        cells = []
        for i, layer in enumerate(layers):
            methods = []
            for r in forks:
                if r["layers"][i]["method"] not in methods:
                    methods.append(r["layers"][i]["method"])
            us = statistics.median(r["layers"][i]["micros"] for r in forks)
            nnz, dense = layer["nonzeros"], layer["rows"] * layer["cols"]
            cells.append(f"{layer['rows']}x{layer['cols']} `{'/'.join(methods)}` "
                         f"{fmt_time(us)}, {nnz * batch / us / 1e3:.2f} Gnz/s, "
                         f"{2 * dense * batch / us / 1e3:.1f} GF/s")
        total_us = median_score(e)
        nnz = sum(layer["nonzeros"] for layer in layers)
        dense = sum(layer["rows"] * layer["cols"] for layer in layers)
        cells.append(f"{fmt_time(total_us)}, {nnz * batch / total_us / 1e3:.2f} Gnz/s, "
                     f"{2 * dense * batch / total_us / 1e3:.1f} GF/s")
        lines.append(f"| {p['model']} | {pruning_of(p)} | {float(p['sparsity']):g} | {batch} | "
                     + " | ".join(cells) + " |")
    if not lines:
        return None
    width = max(line.count("|") for line in lines) - 5  # layer columns and the model's
    header = ["**Per layer** (`sparsenn`, 1 thread): each layer alone on the activations of the "
              "benchmark's inputs, with the method its plan chose (several when forks differed): "
              "median time per call, G nonzeros/s (nonzeros × batch / time) and dense-equivalent "
              "GFLOP/s (2 × rows × cols × batch / time); last column the whole model from the "
              "JMH median", "",
              "| model | pruning | sparsity | batch | " + " | ".join(
                  f"layer {i}" for i in range(width - 1)) + " | model |",
              "|---|---|---|---|" + "---|" * width]
    return "\n".join(header + lines)


def fork_plan_table(files, records):
    """Every configuration run in more than one fork: each fork's median and its plan, so a slow
    fork can be told apart as a different plan or the same plan running slower."""
    lines = []
    for name, e in model_entries(files):
        p = e["params"]
        medians = fork_medians(e)
        forks = records.get(params_key("ModelBenchmark", p), [])
        if len(medians) < 2 or not forks or p["engine"] == "onnxruntime":
            continue
        plans = [" ".join(layer.get("method", "?") for layer in r["layers"]) for r in forks]
        cells = []
        for i, m in enumerate(medians):
            plan = plans[i] if i < len(plans) and len(plans) == len(medians) else "?"
            cells.append(f"{fmt_time(m)} `{plan}`")
        lines.append(f"| {p['model']} | {pruning_of(p)} | {float(p['sparsity']):g} | "
                     f"{p['batch']} | {p['engine']} | " + "; ".join(cells) + " |")
    if not lines:
        return None
    return "\n".join(["**Forks**: each fork's median time and its plan (method per layer), for "
                      "the configurations run in several forks", "",
                      "| model | pruning | sparsity | batch | engine | forks |",
                      "|---|---|---|---|---|---|"] + lines)


def bandwidth_gbs(files):
    """One thread's streaming read bandwidth from BandwidthBenchmark, GB/s, or None."""
    for entries in files.values():
        for e in entries:
            if benchmark_class(e) == "BandwidthBenchmark":
                return int(e["params"]["mib"]) * 2**20 / median_score(e) / 1e3
    return None


def roofline_table(name, entries, records, bandwidth):
    """Per kernel of a layer file with records: G nonzeros/s, bytes one call moves (weights in
    the method's storage, input, output) over its time, and that over the streaming bandwidth."""
    lines = []
    for e in entries:
        p = e["params"]
        forks = records.get(params_key(benchmark_class(e), p))
        if not forks:
            continue
        r = forks[0]
        us = median_score(e)
        moved = r["weightBytes"] + r["inputBytes"] + r["outputBytes"]
        gbs = moved / us / 1e3
        lines.append(f"| {float(p['sparsity']):g} | {r['batch']} | {p['kernel']} | {fmt_time(us)} | "
                     f"{r['nonzeros'] * r['batch'] / us / 1e3:.2f} | "
                     f"{2 * r['rows'] * r['cols'] * r['batch'] / us / 1e3:.1f} | "
                     f"{moved / 2**20:.1f} MiB | {gbs:.1f} | "
                     + (f"{gbs / bandwidth:.2f}" if bandwidth else "") + " |")
    if not lines:
        return None
    p = entries[0]["params"]
    return "\n".join([f"**{name}** ({p['rows']} x {p['cols']}): G nonzeros/s, dense-equivalent "
                      "GFLOP/s, bytes one call moves (weights as stored, input, output), GB/s, "
                      "and the fraction of the roofline: GB/s over one thread's streaming read "
                      "bandwidth" + (f" ({bandwidth:.1f} GB/s, BandwidthBenchmark, same run)"
                                     if bandwidth else " (no BandwidthBenchmark in this run)")
                      + "; meaningful where the weights stream from DRAM", "",
                      "| sparsity | batch | kernel | time | Gnz/s | GF/s | moved | GB/s | "
                      "of roofline |", "|---|---|---|---|---|---|---|---|---|"] + lines)


def regression_table(files):
    """New jar over old (run-issue16.sh with BASELINE_JAR), per configuration: the median over
    rounds of new / old (below 1: faster), lowest and highest round."""
    rounds = defaultdict(lambda: defaultdict(dict))
    for name, entries in files.items():
        if not name.startswith("regression-"):
            continue
        _, _kind, side, round_ = name.split("-")
        for e in entries:
            p = {k: v for k, v in e["params"].items() if k not in ("data", "pruning")}
            rounds[params_key(benchmark_class(e), p)][round_][side] = median_score(e)
    lines = []
    for (bench, params), by_round in sorted(rounds.items()):
        ratios = [r["new"] / r["base"] for r in by_round.values() if "new" in r and "base" in r]
        if ratios:
            shown = ", ".join(f"{k}={v}" for k, v in params if k != "threads")
            lines.append(f"| {bench} | {shown} | {statistics.median(ratios):.3f} | "
                         f"{min(ratios):.3f} | {max(ratios):.3f} | {len(ratios)} |")
    if not lines:
        return None
    return "\n".join(["**Regression**: new jar's time over the old one's, same configuration, "
                      "alternating rounds (median over rounds; below 1 is faster)", "",
                      "| benchmark | parameters | median | lowest | highest | rounds |",
                      "|---|---|---|---|---|---|"] + lines)


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
    records = load_records(results)
    bandwidth = bandwidth_gbs(files)
    rounds = [entries for name, entries in files.items() if name.startswith("parity-round-")]
    if rounds:
        print(parity_table(rounds))
        print()
    for table in (pruning_table(files), regression_table(files)):
        if table:
            print(table)
            print()
    for name, entries in files.items():
        if not entries or name.startswith(("parity-round-", "regression-")):
            continue
        if "CallOverhead" in entries[0]["benchmark"]:
            print(overhead_table(entries))
        elif "BandwidthBenchmark" in entries[0]["benchmark"]:
            print(f"**{name}**: one thread's streaming read bandwidth (`sasum`): "
                  f"{bandwidth:.1f} GB/s")
        elif "ModelBenchmark" in entries[0]["benchmark"]:
            engines = {e["params"]["engine"] for e in entries}
            if "onnxruntime" in engines:
                print(versus_onnxruntime_table(name, entries))
            if any(is_yardstick(e) for e in engines):
                print(planner_table(name, entries))
        else:
            print(layer_table(name, entries))
            roofline = roofline_table(name, entries, records, bandwidth)
            if roofline:
                print()
                print(roofline)
        print()
    for table in (layer_rate_table(files, records), fork_plan_table(files, records)):
        if table:
            print(table)
            print()


if __name__ == "__main__":
    main()
