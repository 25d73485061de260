#!/usr/bin/env bash
# Runs the JMH benchmark set whose JSON results are kept in bench/results/ and summarised in
# the README (1 thread; about 45 minutes on a 2-core machine). Build first:
#   mvn -q package -DskipTests
# Usage: bench/run-benchmarks.sh [results-dir]   (default: bench/results)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results}"
mkdir -p "$out"
jar=bench/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }

run() {
  local name="$1"
  shift
  echo "=== $name ==="
  java -jar "$jar" "$@" -foe true -rf json -rff "$out/$name.json"
}

for shape in 1024x1024 4096x4096 16384x4096; do
  rows=${shape%x*}
  cols=${shape#*x}
  run "spmv-$shape" SpmvBenchmark -p rows="$rows" -p cols="$cols"
done
for shape in 1024x1024 4096x4096; do
  rows=${shape%x*}
  cols=${shape#*x}
  run "spmm-$shape" SpmmBenchmark -p rows="$rows" -p cols="$cols"
done
# The pure-Java kernel at batch 64 on 67M weights takes seconds per call: native kernels only.
run "spmm-16384x4096" SpmmBenchmark -p rows=16384 -p cols=4096 -p kernel=dense_blas,csr,csr16
run "call-overhead" CallOverheadBenchmark
