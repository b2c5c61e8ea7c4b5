#!/usr/bin/env bash
# Runs `skein qtt DIR` and fails when fewer than FLOOR cases pass. Exit 77 (ctest: skipped)
# when the conformance files are not present, as on a user's machine.
set -uo pipefail
skein=${1:?usage: qtt_floor.sh SKEIN QTT_DIR FLOOR}
dir=${2:?usage: qtt_floor.sh SKEIN QTT_DIR FLOOR}
floor=${3:?usage: qtt_floor.sh SKEIN QTT_DIR FLOOR}
if [ ! -d "$dir" ]; then
  echo "conformance files not found at $dir: skipped"
  exit 77
fi
out=$("$skein" qtt "$dir")
printf '%s\n' "$out" | grep -E '^== ' || true
summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -1)
echo "qtt: $summary"
passed=${summary%% passed*}
if [ -z "$passed" ] || [ "$passed" -lt "$floor" ]; then
  echo "qtt: ${passed:-0} cases passed, below the floor of $floor" >&2
  exit 1
fi
