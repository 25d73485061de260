#!/usr/bin/env bash
# Builds and runs the native tests twice: Release, and RelWithDebInfo under
# AddressSanitizer + UndefinedBehaviorSanitizer. Usage: cmake/run-native-tests.sh [build-dir]
# (default: target/native-tests under the repository root). Exits non-zero on any failure.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${repo_root}/target/native-tests}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"
jobs="${SNN_BUILD_JOBS:-2}"

run_tree() {
  local name="$1"
  shift
  echo "=== ${name} ==="
  cmake -S "${repo_root}/cmake" -B "${out}/${name}" -DSNN_BUILD_TESTS=ON "$@"
  cmake --build "${out}/${name}" --parallel "${jobs}"
  (cd "${out}/${name}" && ctest --output-on-failure)
}

run_tree release -DCMAKE_BUILD_TYPE=Release
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  run_tree sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNN_SANITIZE=address,undefined
echo "native tests passed: release and address,undefined"
