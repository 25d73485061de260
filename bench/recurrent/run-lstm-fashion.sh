#!/usr/bin/env bash
# Issue 21's accuracy target: an LSTM on row-by-row Fashion-MNIST (28 steps of 28 pixels)
# pruned gradually to 50/90/95% with masked fine-tuning through time, beside its dense accuracy
# and the control (the dense model through the same fine-tune at 0%, trained as long), plus
# one-shot and gradual pruning with the gates' rows aligned and not. Prints a markdown table,
# writes bench/results/issue21/lstm-fashion.{md,json}.
# Build first: mvn -q -B package -DskipTests
# Usage: bench/recurrent/run-lstm-fashion.sh [key=value ...]  (see LstmFashion.java: hidden,
#   train, epochs, fineTune, sparsities, alignedAt, seed, data)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/results/issue21
mkdir -p "$out"
{
  echo "# bench/recurrent/run-lstm-fashion.sh $*, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -cp "${SPARSENN_JAR:-java/target/sparsenn.jar}" bench/recurrent/LstmFashion.java json="$out/lstm-fashion.json" "$@"
} | tee "$out/lstm-fashion.md"
