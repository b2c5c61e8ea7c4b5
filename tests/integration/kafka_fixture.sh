#!/usr/bin/env bash
# ctest fixture: starts (or stops) one real Kafka broker for the integration tests of a run, on
# free ports, through deploy/kafka.sh. Each run gets a new cluster in DIR/cluster; the
# bootstrap address is written to DIR/bootstrap.
set -euo pipefail
cmd=${1:?usage: kafka_fixture.sh start|stop DIR}
dir=${2:?usage: kafka_fixture.sh start|stop DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
cluster="$dir/cluster"
stop_cluster() {
  if [ -d "$cluster" ]; then
    "$root/deploy/kafka.sh" stop --dir "$cluster" >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
  rm -f "$dir/bootstrap"
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    stop_cluster
    for _ in 1 2 3 4 5; do
      base=$(( 20000 + RANDOM % 20000 ))
      port_free "$base" && port_free $((base + 1)) || continue
      if bootstrap=$("$root/deploy/kafka.sh" start --brokers 1 --port-base "$base" --dir "$cluster"); then
        echo "$bootstrap" > "$dir/bootstrap"
        echo "test broker at $bootstrap"
        exit 0
      fi
      stop_cluster
    done
    echo "kafka_fixture: could not start a test broker (see $cluster/node-1 logs)" >&2
    exit 1
    ;;
  stop)
    stop_cluster
    ;;
  *) echo "usage: kafka_fixture.sh start|stop DIR" >&2; exit 2 ;;
esac
