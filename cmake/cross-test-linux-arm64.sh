#!/usr/bin/env bash
# Cross-builds the native kernels and their tests for linux-arm64 and runs the tests under qemu
# (apt-get install g++-aarch64-linux-gnu qemu-user). The kernels run the NEON variants there
# (NEON is baseline on arm64). Usage: cmake/cross-test-linux-arm64.sh [build-dir]
# (default: target/native-tests-linux-arm64 under the repository root).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${repo_root}/target/native-tests-linux-arm64}"
jobs="${SNN_BUILD_JOBS:-2}"

cmake -S "${repo_root}/cmake" -B "${out}" -DCMAKE_BUILD_TYPE=Release -DSNN_BUILD_TESTS=ON \
  -DCMAKE_TOOLCHAIN_FILE="${repo_root}/cmake/aarch64-linux-gnu.cmake"
cmake --build "${out}" --parallel "${jobs}"
# The test binary itself, under qemu, without ctest's 300 s limit: emulated, the suite takes
# minutes (ctest --output-on-failure in the build folder works too, through the toolchain's
# CMAKE_CROSSCOMPILING_EMULATOR, on a machine fast enough for the limit).
qemu-aarch64 -L /usr/aarch64-linux-gnu "${out}/snn_kernels_test"
echo "native tests passed under qemu: linux-arm64"
