#!/usr/bin/env python3
"""Summarizes RecurrentBenchmark's JMH JSON (bench/run-issue21.sh) as markdown.

Per cell, hidden size, batch and sparsity: the median time per call (median over measurement
iterations) of each engine, sparsenn's speedup over ONNX Runtime and over its own dense path
(sparsenn_dense) from the same run, then issue 21's targets checked: LSTM hidden 1024, batch 1,
90% sparse: >= 3x over both; at 0%: no slower than ONNX Runtime by more than 10%. With the
run's records.jsonl beside the JSON, also the methods the plan chose for W and R.
Standard library only.
Usage: bench/summarize_recurrent.py results-dir-or-json-file...
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def median_score(entry):
    raw = [value for fork in entry["primaryMetric"]["rawData"] for value in fork]
    return statistics.median(raw)


def fmt_time(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.1f} µs"


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def load(paths):
    entries, records = [], []
    for path in map(Path, paths):
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for f in files:
            doc = json.loads(f.read_text())
            if not isinstance(doc, list):  # not JMH output (e.g. the accuracy run's JSON)
                continue
            for e in doc:
                if e["benchmark"].endswith("RecurrentBenchmark.run"):
                    entries.append(e)
        rec = (path if path.is_dir() else path.parent) / "records.jsonl"
        if rec.exists():
            for line in rec.read_text().splitlines():
                r = json.loads(line)
                if r.get("benchmark") == "RecurrentBenchmark":
                    records.append(r)
    return entries, records


def key_of(p):
    return (p["cell"], int(p["hidden"]), int(p["steps"]), int(p["batch"]),
            float(p["sparsity"]), int(p["threads"]), p.get("pruning", "magnitude"))


def magnitude_row(times, key):
    """The same configuration pruned by magnitude: where a structured row takes its dense and
    ONNX Runtime times (they do not depend on where the zeros are)."""
    return times.get(key[:6] + ("magnitude",), {})


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    entries, records = load(argv)
    if not entries:
        print("no RecurrentBenchmark results found", file=sys.stderr)
        return 1
    times = defaultdict(dict)
    engines = []
    for e in entries:
        p = e["params"]
        times[key_of(p)][p["engine"]] = median_score(e)
        if p["engine"] not in engines:
            engines.append(p["engine"])
    plans = defaultdict(set)
    for r in records:
        p = r.get("params", {})
        if p.get("engine") == "sparsenn" and "cell" in p:
            for m in r.get("matrices", []):
                method = m["single"] if int(p["batch"]) == 1 else m["batched"]
                # W runs over steps x batch columns: its batched choice is the one used
                if m["matrix"] == "W":
                    method = m["batched"]
                plans[key_of(p)].add(f"{m['matrix']}: {method}")
    print("**RecurrentBenchmark**: one forward layer, last step into a dense head of 10, median "
          "time per call; speedups of `sparsenn` from the same run")
    print()
    header = ["cell", "hidden", "steps", "batch", "pruning", "sparsity"] + engines + [
        "× ORT", "× own dense", "plan (sparsenn)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for key in sorted(times):
        cell, hidden, steps, batch, sparsity, _, pruning = key
        row = dict(magnitude_row(times, key), **times[key])
        ours = row.get("sparsenn")
        cols = [cell, str(hidden), str(steps), str(batch), pruning, f"{sparsity:g}"]
        cols += [fmt_time(row[e]) if e in row else "–" for e in engines]
        cols += [ratio(row.get("onnxruntime"), ours), ratio(row.get("sparsenn_dense"), ours),
                 ", ".join(sorted(plans.get(key, []))) or "–"]
        print("| " + " | ".join(cols) + " |")
    print()
    print("**Issue 21 targets** (1 thread, same run):")
    print()
    for key in sorted(times):
        cell, hidden, steps, batch, sparsity, threads, pruning = key
        if cell != "lstm" or hidden != 1024 or batch != 1 or threads != 1:
            continue
        row = dict(magnitude_row(times, key), **times[key])
        ours, ort, dense = row.get("sparsenn"), row.get("onnxruntime"), row.get("sparsenn_dense")
        if not (ours and ort):
            continue
        if sparsity == 0.9 and dense:
            ok = ort / ours >= 3 and dense / ours >= 3
            print(f"- LSTM 1024, 28 steps, batch 1, 90% ({pruning}): {ort / ours:.2f}× ONNX Runtime, "
                  f"{dense / ours:.2f}× own dense (target ≥ 3× both): "
                  f"{'met' if ok else 'NOT met'}")
        if sparsity == 0 and pruning == "magnitude":
            ok = ours <= 1.10 * ort
            print(f"- LSTM 1024, batch 1, 0%: sparsenn {fmt_time(ours)} vs ONNX Runtime "
                  f"{fmt_time(ort)} ({ours / ort:.2f} of its time; target ≤ 1.10): "
                  f"{'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
