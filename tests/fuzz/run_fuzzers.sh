#!/usr/bin/env bash
# Short libFuzzer run of every fuzz target in a fuzz build (ctest `fuzz_smoke`, label unit).
#
#   tests/fuzz/run_fuzzers.sh FUZZ_BIN_DIR CORPUS_ROOT [SECONDS]
#
# Runs each FUZZ_BIN_DIR/*_fuzz for a fixed number of inputs from a fixed seed
# ($SKEIN_FUZZ_RUNS, default 100000; $SKEIN_FUZZ_SEED, default 1), so a commit's run is the same
# on every machine, bounded by SECONDS x 4 (default $SKEIN_FUZZ_SECONDS or 8), seeded from
# CORPUS_ROOT/<target>/ (read only: new inputs go to a scratch directory). Exits 1 on the first
# target that crashes, leaks, times out or fails a check, printing the reproducer; 77 (ctest
# skip) when there is no fuzz build. deploy/test.sh makes the fuzz build (<build>-fuzz).
set -euo pipefail

bin_dir=${1:?usage: run_fuzzers.sh FUZZ_BIN_DIR CORPUS_ROOT [SECONDS]}
corpus_root=${2:?usage: run_fuzzers.sh FUZZ_BIN_DIR CORPUS_ROOT [SECONDS]}
seconds=${3:-${SKEIN_FUZZ_SECONDS:-8}}

shopt -s nullglob
targets=("${bin_dir}"/*_fuzz)
if ((${#targets[@]} == 0)); then
  echo "skip: no fuzz targets in ${bin_dir} (configure a clang build with -DSKEIN_FUZZ=ON there," \
    "e.g. run deploy/test.sh)"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/skein-fuzz.XXXXXX")
trap 'rm -rf "${work}"' EXIT

for bin in "${targets[@]}"; do
  name=$(basename "${bin}")
  seeds="${corpus_root}/${name}"
  mkdir -p "${work}/${name}"
  args=(-seed="${SKEIN_FUZZ_SEED:-1}" -runs="${SKEIN_FUZZ_RUNS:-100000}"
    -max_total_time="$((seconds * 4))" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="${work}/${name}-")
  env=()
  # libavro's generic values drop a few KB of array storage that LeakSanitizer reports at exit
  # (about 2 KB after 45,000 inputs: bounded, not per record; third-party). Leaks stay checked
  # for every other target.
  if [[ "${name}" == serde_avro_fuzz ]]; then
    args+=(-detect_leaks=0)
    env+=(ASAN_OPTIONS="${ASAN_OPTIONS:+${ASAN_OPTIONS}:}detect_leaks=0")
  fi
  corpora=("${work}/${name}")
  [[ -d "${seeds}" ]] && corpora+=("${seeds}")
  start=${SECONDS}
  if ! env "${env[@]}" "${bin}" "${args[@]}" "${corpora[@]}" >"${work}/${name}.log" 2>&1; then
    echo "FAIL ${name}: libFuzzer found a failing input"
    grep -E -A12 'ERROR|check failed|runtime error|SUMMARY' "${work}/${name}.log" | head -40
    for artifact in "${work}/${name}"-*; do
      echo "reproducer ${artifact##*/} (base64): $(base64 -w0 "${artifact}")"
      echo "rerun: printf '%s' '$(base64 -w0 "${artifact}")' | base64 -d > /tmp/input && ${bin} /tmp/input"
    done
    exit 1
  fi
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "${work}/${name}.log")
  cov=$(grep -oE 'cov: [0-9]+' "${work}/${name}.log" | tail -1)
  echo "ok ${name}: ${runs:-?} inputs in $((SECONDS - start))s, ${cov:-cov: ?}," \
    "seeds $(find "${seeds}" -type f 2>/dev/null | wc -l)"
done
