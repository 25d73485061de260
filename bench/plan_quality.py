#!/usr/bin/env python3
"""How good were the planner's choices? Reads bench/results/planner.json (JMH) and
planner-plans.txt (the Plan.describe() lines ModelBenchmark printed, kept from the JMH log:
grep -E '^# Parameters|^plan:|^layer|^    batch' LOG) and prices each planned session's
per-layer methods with the times of the same methods forced on every layer in the same run
(a layer's share: the forced model time / layers). That separates the choice from the
fork-to-fork noise that the measured planned times carry. With several forks each fork plans
anew: every distinct plan is listed and the worst one priced. Standard library only.
Usage: bench/plan_quality.py [results-dir]
"""
import json
import re
import statistics
import sys
from pathlib import Path

# Engines that plan (or are ONNX Runtime); every other engine is a layer method forced on
# every layer (run-benchmarks.sh takes them from the list of layer methods).
PLANNED = {"sparsenn", "sparsenn_estimate", "sparsenn_dense", "onnxruntime"}


def main():
    results = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results")
    times = {}
    for e in json.loads((results / "planner.json").read_text()):
        p = e["params"]
        raw = [v for fork in e["primaryMetric"]["rawData"] for v in fork]
        times.setdefault((int(p["batch"]), float(p["sparsity"])), {})[p["engine"]] = \
            statistics.median(raw)
    plans = {}  # one plan per fork: each fork plans its own session
    for chunk in (results / "planner-plans.txt").read_text().split("# Parameters: ")[1:]:
        m = re.match(r"\(batch = (\d+), engine = (\w+), model = \w+, sparsity = ([\d.]+)", chunk)
        if not m or m.group(2) not in ("sparsenn", "sparsenn_estimate"):
            continue
        batch = int(m.group(1))
        for fork in chunk.split("plan: ")[1:]:
            layers = re.findall(r"layer \d+: .*?batch 1 -> (\w+), batch \d+ -> (\w+)", fork)
            plans.setdefault((batch, float(m.group(3)), m.group(2)), []).append(
                [l[0] if batch == 1 else l[1] for l in layers])
    print("| batch | sparsity | fastest forced | MEASURE chose | its price | ESTIMATE chose"
          " | its price |")
    print("|---|---|---|---|---|---|---|")
    for key in sorted(times):
        forced = {e: t for e, t in times[key].items() if e not in PLANNED}
        best = min(forced, key=forced.get)
        cells = []
        for engine in ("sparsenn", "sparsenn_estimate"):
            forks = plans.get(key + (engine,))
            if not forks:
                cells += ["", ""]
                continue
            distinct = []
            for plan in forks:
                if plan not in distinct:
                    distinct.append(plan)
            # the worst fork's plan: the target is about every choice
            price = max(sum(forced[m] / len(plan) for m in plan) / forced[best] for plan in forks)
            cells += ["; ".join(" ".join(f"`{m}`" for m in plan) for plan in distinct),
                      f"{price:.2f}"]
        print(f"| {key[0]} | {key[1]:g} | `{best}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
