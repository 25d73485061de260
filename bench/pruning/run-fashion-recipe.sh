#!/usr/bin/env bash
# Issue 20's targets on Fashion-MNIST (LeNet-300-100, the 10,000 test images): a strong dense
# model trained with the documented recipe (Adam, cosine decay), then global magnitude pruning
# at 90% and 95%, gradual, 8 fine-tune epochs, with prune's default fine-tune recipe (Adam
# 0.002, batch 16, cosine, 5% warm-up, ramp over the first 40%, proximal L1 0.005); beside
# them the control (the dense model put through the same 8-epoch fine-tune at sparsity 0), the same
# recipe without L1 (plain magnitude pruning on the same budget) and, at 90%, the old recipe
# (SGD at a constant 0.005, batch 64, ramp over two thirds, no L1). Prints a markdown table.
# Seven models, about 30 s to 1.5 min each alone on 2 cores (training 20 epochs, each
# fine-tune 8), several minutes each on a loaded machine.
# Build first: mvn -q package -DskipTests
# Usage: bench/pruning/run-fashion-recipe.sh [data-dir] [work-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-/usr/share/datasets/fashion-mnist}"
work="${2:-$(mktemp -d)}"
mkdir -p "$work"
jar=java/target/sparsenn.jar
sparsenn() { java -jar "$jar" "$@"; }
# prune prints 'after: accuracy A (+D points from dense B)'; keep A and D.
pruned() {
  local name="$1"; shift
  sparsenn prune -q --model "$work/dense.snn" --method magnitude --scope global \
    --schedule gradual --fine-tune-epochs 8 --data "$data" -o "$work/$name.snn" "$@" \
    | sed -n 's/^after: accuracy \([0-9.]*\) (\([-+0-9.]*\) points.*/\1 | \2/p'
}

echo "# bench/pruning/run-fashion-recipe.sh, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
sparsenn train -q --layers 784,300,100,10 --data "$data" --epochs 20 --batch 64 \
  --optimizer adam --lr 0.001 --lr-schedule cosine --warmup 0.02 --seed 42 \
  -o "$work/dense.snn" >/dev/null
dense=$(sparsenn eval --model "$work/dense.snn" --data "$data" | tail -1 | sed 's/accuracy: //')
echo
echo "| model | test accuracy | vs dense (points) |"
echo "|---|---|---|"
echo "| dense: \`train\` 20 epochs, Adam lr 0.001, cosine, 2% warm-up | $dense | |"
echo "| control: dense through the same 8-epoch fine-tune at sparsity 0, no L1 | $(pruned control --sparsity 0 --l1 0) |"
for s in 0.9 0.95; do
  pct=$(awk "BEGIN { print $s * 100 }")
  echo "| $pct%, gradual, 8 epochs, default recipe (batch 16, ramp to 40%, L1 0.005) | $(pruned "recipe-$s" --sparsity "$s") |"
  echo "| $pct%, gradual, 8 epochs, same without L1 (plain magnitude) | $(pruned "plain-$s" --sparsity "$s" --l1 0) |"
  if [ "$s" = 0.9 ]; then
    echo "| $pct%, gradual, 8 epochs, old recipe (SGD 0.005 constant, batch 64, ramp over 2/3) | $(pruned "old-$s" --sparsity "$s" --optimizer sgd --lr 0.005 --lr-schedule constant --warmup 0 --prune-end 0.667 --l1 0 --batch 64) |"
  fi
done
