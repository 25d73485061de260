#!/usr/bin/env bash
# Regenerates the consumer test's fixture with the CLI (run `mvn -q package -DskipTests` first):
# mlp.onnx and x.npy from make-model.jsh, then expected.npy from `sparsenn prune` and
# `sparsenn infer`, the commands the README's example does in Java. ReadmeExampleTest checks the
# library example against expected.npy; the CLI's ReadmeExampleFixtureTest checks that the CLI
# still gives it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="${here}/../../../../../target/sparsenn.jar"   # java/target/sparsenn.jar
cd "${here}"
jshell --class-path "${jar}" make-model.jsh
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
java -jar "${jar}" prune --model mlp.onnx --sparsity 0.9 -o "${tmp}/p90.snn"
java -jar "${jar}" infer --model "${tmp}/p90.snn" --input x.npy --output expected.npy
