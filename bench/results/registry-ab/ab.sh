#!/usr/bin/env bash
# The no-regression check of the format and kernel registries (issue 15): the same JMH
# configurations on the benchmark jar of 58e64f9 (before) and of the registry (after), in
# alternating rounds (before, after, after, before), then three more ModelBenchmark batch-1
# rounds (after, before, after). Build each tree with `mvn -q package -DskipTests` first.
# Usage: ab.sh BEFORE_JAR AFTER_JAR [OUT_DIR]; summary: python3 ab_sum.py
set -u
B="$1"; A="$2"; out="${3:-bench/results/registry-ab}"; mkdir -p "$out"
one() { # side jar round
  local side=$1 jar=$2 r=$3
  java -jar $jar SpmvBenchmark -p rows=4096 -p cols=4096 -p sparsity=0,0.5,0.9 -p kernel=dense_blas,dense_packed,csr,csr16 \
    -jvmArgsAppend -Dsparsenn.cache.dir=/tmp/cache-$side -foe true -rf json -rff $out/spmv-$side-$r.json
  java -jar $jar SpmmBenchmark -p rows=4096 -p cols=4096 -p sparsity=0.9 -p batch=8 -p kernel=dense_blas,csr16 \
    -jvmArgsAppend -Dsparsenn.cache.dir=/tmp/cache-$side -foe true -rf json -rff $out/spmm-$side-$r.json
  java -jar $jar ModelBenchmark -p model=mlp -p sparsity=0,0.5,0.9 -p batch=1,8 -p engine=sparsenn \
    -jvmArgsAppend -Dsparsenn.cache.dir=/tmp/cache-$side -foe true -rf json -rff $out/model-$side-$r.json
}
one before "$B" 1; one after "$A" 1; one after "$A" 2; one before "$B" 2
for s in "after $A 3" "before $B 3" "after $A 4"; do
  set -- $s
  java -jar $2 ModelBenchmark -p model=mlp -p sparsity=0,0.5,0.9 -p batch=1 -p engine=sparsenn \
    -jvmArgsAppend -Dsparsenn.cache.dir=/tmp/cache-$1 -foe true -rf json -rff $out/model-$1-$3.json
done
