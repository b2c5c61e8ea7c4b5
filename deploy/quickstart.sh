#!/usr/bin/env bash
# The five-minute start: installs what is missing, builds, starts a local cluster (Kafka, one
# coordinator, two executors) under .run/cluster, runs the demo pipelines of
# deploy/demo/pipelines.sql on it and shows their output.
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
# ---- demo pipelines: statements, some input, then a look at each output.
echo "== Demo pipelines (deploy/demo/pipelines.sql)"
"$skein" sql -f "$root/deploy/demo/pipelines.sql"
bootstrap=$("$root/deploy/kafka.sh" bootstrap --dir "$root/.run/cluster/kafka")
produce() {  # produce TOPIC: lines "key|json" on stdin
  "$root/deploy/kafka.sh" tool kafka.tools.ConsoleProducer --bootstrap-server "$bootstrap" \
    --topic "$1" --property parse.key=true --property key.separator='|' >/dev/null
}
tiers=(gold silver bronze)
for u in 1 2 3 4 5; do
  echo "\"u$u\"|{\"NAME\":\"user-$u\",\"TIER\":\"${tiers[$((u % 3))]}\"}"
done | produce demo_users
sleep 2  # let the join load the users table before views arrive
for i in $(seq 1 200); do
  echo "\"u$((i % 5 + 1))\"|{\"PRODUCT_ID\":\"p$((i % 4))\",\"VIEW_MS\":$(((i * 137) % 1000))}"
done | produce demo_pageviews
echo
"$skein" queries list
for q in "SELECT * FROM long_views EMIT CHANGES LIMIT 3;" \
         "SELECT * FROM view_time EMIT CHANGES LIMIT 3;" \
         "SELECT * FROM tiered_views EMIT CHANGES LIMIT 3;"; do
  echo
  echo "\$ skein select --earliest \"$q\""
  timeout 60 "$skein" select --earliest "$q"
done
# A pull query (no EMIT CHANGES): the current aggregate, read from the executors' state.
q="SELECT * FROM view_time WHERE user_id = 'u5' AND product_id = 'p2';"
echo
echo "\$ skein select \"$q\""
timeout 60 "$skein" select "$q"
echo
cat <<TXT
Next:
  export SKEIN_COORDINATOR=$coordinator
  build/bin/skein executors list          # membership, leases, last heartbeats
  build/bin/skein cluster info            # coordinator, Kafka, counts
  build/bin/skein queries list            # the demo's queries; queries describe ID for tasks
  build/bin/skein sql "SHOW STREAMS;"     # more statements: skein sql "..." or -f FILE
  build/bin/skein select "SELECT * FROM tiered_views EMIT CHANGES;"   # Ctrl-C ends it
  build/bin/skein select "SELECT * FROM view_time WHERE user_id = 'u1';"   # a pull query
  ./deploy/cluster.sh status              # processes; logs under .run/cluster
  ./deploy/cluster.sh stop                # stop everything
TXT
