#!/usr/bin/env bash
# The five-minute start: installs what is missing, builds, starts a local cluster (Kafka, one
# coordinator, two executors) under .run/cluster and shows its executors.
#
#   ./deploy/quickstart.sh           start (or reuse) the cluster and show it
#   ./deploy/cluster.sh stop         stop it again
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/deploy/install-deps.sh"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j "${SKEIN_JOBS:-2}" --target skein skein-coordinator skein-executor

coordinator=$("$root/deploy/cluster.sh" start --executors 2)
export SKEIN_COORDINATOR=$coordinator
skein="$root/build/bin/skein"

# Wait until both executors hold a lease.
for _ in $(seq 1 60); do
  alive=$("$skein" executors list 2>/dev/null | grep -c ' ALIVE ' || true)
  [ "$alive" -ge 2 ] && break
  sleep 0.5
done
echo
echo "== Skein cluster at $coordinator"
"$skein" cluster info
echo
"$skein" executors list
echo
if [ "${alive:-0}" -lt 2 ]; then
  echo "quickstart: expected 2 ALIVE executors; logs are under .run/cluster" >&2
  exit 1
fi
cat <<TXT
Next:
  export SKEIN_COORDINATOR=$coordinator
  build/bin/skein executors list          # membership, leases, last heartbeats
  build/bin/skein cluster info            # coordinator, Kafka, counts
  ./deploy/cluster.sh status              # processes; logs under .run/cluster
  ./deploy/cluster.sh stop                # stop everything
TXT
