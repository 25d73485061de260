#!/usr/bin/env bash
# Issue 4's accuracy targets on Fashion-MNIST (LeNet-300-100, 10,000 test images): the dense
# model, global magnitude pruning one-shot (no retraining) and gradual (cubic schedule during
# masked fine-tuning) at 90, 95 and 98%, and structured neuron pruning of half of each hidden
# layer with fine-tuning, beside a control (the dense model trained as many more epochs).
# Prints one line per model; about 3 minutes on 2 cores.
# Build first: mvn -q package -DskipTests
# Usage: bench/pruning/run-fashion-targets.sh [data-dir] [work-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-/usr/share/datasets/fashion-mnist}"
work="${2:-$(mktemp -d)}"
jar=java/target/sparsenn.jar
dense=java/cli/src/main/resources/org/sparsenn/cli/sweep/fashion-mnist-mlp.snn
sparsenn() { java -jar "$jar" "$@"; }
accuracy() { sparsenn eval --model "$1" --data "$data" | tail -1; }

echo "dense (built-in model, sparsenn train 20 epochs): $(accuracy "$dense")"
# Control: the fine-tunes below train 10 more epochs; so does this dense model.
sparsenn train -q --init "$dense" --data "$data" --epochs 10 --lr 0.005 \
  -o "$work/dense-plus-10.snn" >/dev/null
echo "dense, 10 more epochs at lr 0.005 (control): $(accuracy "$work/dense-plus-10.snn")"
for s in 0.9 0.95 0.98; do
  sparsenn prune -q --model "$dense" --sparsity "$s" -o "$work/oneshot-$s.snn" >/dev/null
  echo "magnitude global $s one-shot, no fine-tune: $(accuracy "$work/oneshot-$s.snn")"
  sparsenn prune -q --model "$dense" --sparsity "$s" --schedule gradual --fine-tune-epochs 10 \
    --data "$data" -o "$work/gradual-$s.snn" >/dev/null
  echo "magnitude global $s gradual, 10 fine-tune epochs: $(accuracy "$work/gradual-$s.snn")"
done
sparsenn prune -q --model "$dense" --method neuron --sparsity 0.5 --fine-tune-epochs 10 \
  --data "$data" -o "$work/neuron-0.5.snn" >/dev/null
echo "neuron L2, half of each hidden layer, 10 fine-tune epochs: $(accuracy "$work/neuron-0.5.snn")"
sparsenn inspect "$work/neuron-0.5.snn" | grep -E "^network"
