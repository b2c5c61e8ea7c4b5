#!/usr/bin/env bash
# Installs what is missing, configures, builds and runs every test (ctest labels `unit` and
# `integration`; the integration tests start their own Kafka broker on free ports). Also builds
# the libFuzzer targets in <build>-fuzz (clang) for the unit test fuzz_smoke.
# Prints ctest's summary line and exits non-zero on any failure.
#
#   ./deploy/test.sh [-L REGEX] [-R REGEX]   (extra arguments go to ctest)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$SECONDS

"$root/deploy/install-deps.sh"

build=${SKEIN_BUILD_DIR:-$root/build}
# ccache keys on paths: hashing them relative to the checkout lets fresh clones reuse the cache.
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKEIN_WERROR=ON >/dev/null
cmake --build "$build" -j "${SKEIN_JOBS:-2}"
# The libFuzzer targets, in a companion clang build with sanitizers: only `fuzzers` (the fuzz
# binaries and the libraries they link) is built there. ctest's fuzz_smoke runs them briefly.
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build-fuzz" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKEIN_WERROR=ON -DSKEIN_FUZZ=ON >/dev/null
cmake --build "$build-fuzz" -j "${SKEIN_JOBS:-2}" --target fuzzers
build_done=$SECONDS

cd "$build"
labels='unit|integration|conformance'
set +e
ctest -L "$labels" --output-on-failure --no-tests=error "$@" 2>&1 | tee "$build/ctest.log"
rc=${PIPESTATUS[0]}
set -e
echo "deploy/test.sh: build $((build_done - start))s, tests $((SECONDS - build_done))s, total $((SECONDS - start))s"
grep -E '^[0-9]+% tests passed' "$build/ctest.log" | tail -1 || true
exit "$rc"
