#!/usr/bin/env bash
# ctest fixture: starts (or stops) one real Kafka broker for the integration tests of a run, on
# free ports, through deploy/kafka.sh. The bootstrap address is written to DIR/bootstrap.
set -euo pipefail
cmd=${1:?usage: kafka_fixture.sh start|stop DIR}
dir=${2:?usage: kafka_fixture.sh start|stop DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$cmd" in
  start)
    mkdir -p "$dir"
    "$root/deploy/kafka.sh" stop --dir "$dir" >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5; do
      base=$(( 20000 + RANDOM % 20000 ))
      if ! (exec 3<>/dev/tcp/127.0.0.1/$base) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/$((base + 1))) 2>/dev/null; then
        if bootstrap=$("$root/deploy/kafka.sh" start --brokers 1 --port-base "$base" --dir "$dir"); then
          echo "$bootstrap" > "$dir/bootstrap"
          echo "test broker at $bootstrap"
          exit 0
        fi
      fi
    done
    echo "kafka_fixture: could not start a test broker" >&2
    exit 1
    ;;
  stop)
    "$root/deploy/kafka.sh" stop --dir "$dir"
    ;;
  *) echo "usage: kafka_fixture.sh start|stop DIR" >&2; exit 2 ;;
esac
