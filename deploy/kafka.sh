#!/usr/bin/env bash
# Runs a real Apache Kafka cluster (KRaft, combined broker+controller nodes) on 127.0.0.1 from
# the Maven Central jars that deploy/install-deps.sh fetches. For development, tests and CI.
set -euo pipefail

SKEIN_PROG="kafka.sh"
# shellcheck source=deploy/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

readonly START_TIMEOUT_S=90
readonly STOP_TIMEOUT_S=30
readonly STARTED_LINE="Kafka Server started"

usage() {
  cat <<EOF
Usage: deploy/kafka.sh COMMAND [OPTIONS]

Runs an Apache Kafka ${SKEIN_KAFKA_VERSION} cluster in KRaft mode on 127.0.0.1 (every node is
both broker and controller). The jars come from deploy/install-deps.sh (fetched on first use).

Commands:
  start            start every node that is not running; wait (up to ${START_TIMEOUT_S}s) until the
                   cluster serves metadata with all brokers registered; print ONLY the bootstrap
                   list on stdout. Already running: says so on stderr, prints it, exits 0.
  stop             stop all nodes (SIGTERM, ${STOP_TIMEOUT_S}s grace, then SIGKILL); idempotent
  status           print each node up/down and the bootstrap; exit 0 only if all are up
  stop-node N      stop node N only (fail-over tests)
  start-node N     start node N only, wait until it has rejoined, print the bootstrap
  bootstrap        print the bootstrap list of the cluster in --dir
  reset            stop the cluster and delete its directory (data, logs, cluster id)
  tool CLASS ...   run a Kafka main class on the cluster's classpath, e.g.
                     deploy/kafka.sh tool org.apache.kafka.tools.ConsoleConsumer --help
  topics ...       org.apache.kafka.tools.TopicCommand; --bootstrap-server is added, e.g.
                     deploy/kafka.sh topics --create --topic t --partitions 6
Options (for tool: before the class name; for topics: anywhere):
  --brokers 1|3    number of nodes (default 1; an existing --dir keeps the count it was made with)
  --port-base P    port base (default 9092)
  --dir D          cluster directory (default <repo>/.run/kafka); isolated clusters need their
                   own --dir and --port-base
  -h, --help       this text

Port layout: node i (1-based) listens PLAINTEXT on P + 10*(i-1) and its controller on
P + 10*(i-1) + 1. Defaults: 1 node -> 9092 (controller 9093); 3 nodes -> 9092/9093,
9102/9103, 9112/9113, bootstrap 127.0.0.1:9092,127.0.0.1:9102,127.0.0.1:9112.

Layout of D: cluster.env (node count, port base), cluster.id, tools-log4j.properties and
node-<i>/{server.properties,log4j.properties,data/,kafka.log,kafka.log.1,kafka.pid}.
3 nodes: replication factor 3 for internal and new topics, min.insync.replicas=2.

Environment:
  SKEIN_KAFKA_JVM_OPTS  extra JVM options for each node (heap default -Xms256m -Xmx768m);
                        -XX:TieredStopAtLevel=1 starts ~1/3 faster, at a cost in throughput
  SKEIN_KAFKA_CDS=0     no class-data sharing archives (they make JVM starts ~3x faster)
  SKEIN_KAFKA_LIBS      jar directory (default <repo>/.cache/kafka/${SKEIN_KAFKA_VERSION}/libs)
EOF
}

# ---------------------------------------------------------------------------------------------
# Arguments.

cmd=""
node_arg=""
opt_brokers=""
opt_port_base=""
opt_dir=""
passthrough=()

need_value() {
  if (($# < 2)) || [[ -z "$2" ]]; then
    skein_die 2 "option $1 needs a value (see --help)"
  fi
}

while (($# > 0)); do
  if [[ "${cmd}" == topics ]] && [[ "$1" != --dir* && "$1" != --port-base* && "$1" != --brokers* ]]; then
    passthrough+=("$1")
    shift
    continue
  fi
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --brokers)
      need_value "$@"
      opt_brokers="$2"
      shift
      ;;
    --brokers=*) opt_brokers="${1#*=}" ;;
    --port-base)
      need_value "$@"
      opt_port_base="$2"
      shift
      ;;
    --port-base=*) opt_port_base="${1#*=}" ;;
    --dir)
      need_value "$@"
      opt_dir="$2"
      shift
      ;;
    --dir=*) opt_dir="${1#*=}" ;;
    -*)
      skein_die 2 "unknown option '$1' (see --help)"
      ;;
    *)
      [[ -z "${cmd}" ]] || skein_die 2 "unexpected argument '$1' (see --help)"
      cmd="$1"
      case "${cmd}" in
        start | stop | status | bootstrap | reset) ;;
        stop-node | start-node)
          if (($# < 2)) || [[ "$2" == -* ]]; then
            skein_die 2 "${cmd} needs a node number (see --help)"
          fi
          node_arg="$2"
          shift
          ;;
        tool)
          shift
          passthrough=("$@")
          break
          ;;
        topics) ;;
        *) skein_die 2 "unknown command '${cmd}' (see --help)" ;;
      esac
      ;;
  esac
  shift
done

[[ -n "${cmd}" ]] || skein_die 2 "no command given (see --help)"
if [[ -n "${opt_brokers}" ]] && [[ "${opt_brokers}" != 1 && "${opt_brokers}" != 3 ]]; then
  skein_die 2 "--brokers must be 1 or 3, got '${opt_brokers}'"
fi
if [[ -n "${opt_port_base}" ]] && ! skein_is_int_in "${opt_port_base}" 1024 65500; then
  skein_die 2 "--port-base must be an integer in 1024..65500, got '${opt_port_base}'"
fi

repo="$(skein_repo_root)"
dir="$(skein_abspath "${opt_dir:-${repo}/.run/kafka}")"
dir="${dir%/}"
libs="${SKEIN_KAFKA_LIBS:-${repo}/.cache/kafka/${SKEIN_KAFKA_VERSION}/libs}"

# Node count and port base: from D/cluster.env when the cluster exists, else options/defaults.
# Commands that change the cluster call this only after taking the directory lock, so a
# concurrent first start cannot leave them with stale settings.
load_config() {
  brokers=1
  port_base=9092
  have_env=0
  if [[ -f "${dir}/cluster.env" ]]; then
    have_env=1
    env_brokers="$(sed -n 's/^BROKERS=//p' "${dir}/cluster.env")"
    env_port_base="$(sed -n 's/^PORT_BASE=//p' "${dir}/cluster.env")"
    if [[ "${env_brokers}" != 1 && "${env_brokers}" != 3 ]] ||
      ! skein_is_int_in "${env_port_base}" 1024 65500; then
      skein_die "${dir}/cluster.env is damaged; run: deploy/kafka.sh reset --dir ${dir}"
    fi
    brokers="${env_brokers}"
    port_base="${env_port_base}"
    if [[ "${cmd}" != reset ]]; then
      if [[ -n "${opt_brokers}" && "${opt_brokers}" != "${brokers}" ]] ||
        [[ -n "${opt_port_base}" && "${opt_port_base}" != "${port_base}" ]]; then
        skein_die "${dir} holds a ${brokers}-node cluster on port base ${port_base}; use another --dir, or run: deploy/kafka.sh reset --dir ${dir}"
      fi
    fi
  else
    brokers="${opt_brokers:-1}"
    port_base="${opt_port_base:-9092}"
  fi
  if ((port_base + 10 * (brokers - 1) + 1 > 65535)); then
    skein_die 2 "--port-base ${port_base} leaves no room for ${brokers} nodes (highest port > 65535)"
  fi
}

broker_port() { echo $((port_base + 10 * ($1 - 1))); }
controller_port() { echo $((port_base + 10 * ($1 - 1) + 1)); }
node_dir() { echo "${dir}/node-$1"; }

bootstrap_list() {
  local i out=""
  for ((i = 1; i <= brokers; i++)); do
    out+="${out:+,}127.0.0.1:$(broker_port "${i}")"
  done
  echo "${out}"
}

# Pid of node i when it runs, else return 1. The marker is the node's own config path.
node_pid() {
  skein_live_pid "$(node_dir "$1")/kafka.pid" "$(node_dir "$1")/server.properties"
}

# ---------------------------------------------------------------------------------------------
# Classpath and tools.

require_java() {
  command -v java >/dev/null 2>&1 ||
    skein_die "java not found on PATH (Kafka needs Java 17: run deploy/install-deps.sh)"
}

ensure_jars() {
  require_java
  if [[ ! -f "${libs}/.complete" ]]; then
    skein_log "Kafka jars missing in ${libs}; fetching them (deploy/install-deps.sh --kafka-only)"
    SKEIN_KAFKA_LIBS="${libs}" "${repo}/deploy/install-deps.sh" --kafka-only >&2 ||
      skein_die "could not fetch the Kafka jars"
  fi
}

# log4j config for command-line tools: warnings only, on stderr.
tools_log4j() {
  local f="${dir}/tools-log4j.properties"
  if [[ ! -f "${f}" ]]; then
    mkdir -p "${dir}"
    cat >"${f}.tmp.$$" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
    mv "${f}.tmp.$$" "${f}"
  fi
  echo "${f}"
}

# --- Class-data sharing (AppCDS). Loading Kafka's ~100 jars dominates a node's start on a
# 2-core machine: with a dynamic CDS archive a node starts in ~2.5 s instead of ~8-10 s. The
# first JVM of a kind (broker or tool) records an archive when it exits
# (-XX:ArchiveClassesAtExit); later JVMs map it (-XX:SharedArchiveFile). Archives live in the
# libs directory, so a re-fetch of the jars drops them, and are keyed by the Java version.
# SKEIN_KAFKA_CDS=0 turns this off.

java_tag() {
  if [[ -z "${JAVA_TAG:-}" ]]; then
    JAVA_TAG="$(java -version 2>&1 | sed -n '1s/^[^"]*"\([^"]*\)".*/\1/p' | tr -c 'A-Za-z0-9._\n-' '_')"
    JAVA_TAG="${JAVA_TAG:-unknown}"
  fi
  echo "${JAVA_TAG}"
}

# Path of the shared archive of a kind: cds_archive broker|tool
cds_archive() {
  echo "${libs}/$1-java$(java_tag).jsa"
}

# Sets CDS_ARGS for a JVM of the kind; RECORD_TO is set when this JVM records a new archive.
#   cds_args KIND RECORD_PATH
cds_args() {
  CDS_ARGS=()
  RECORD_TO=""
  [[ "${SKEIN_KAFKA_CDS:-1}" != 0 ]] || return 0
  local archive
  archive="$(cds_archive "$1")"
  if [[ -s "${archive}" ]]; then
    CDS_ARGS=(-XX:SharedArchiveFile="${archive}" -Xshare:auto)
  elif [[ -w "${libs}" ]]; then
    RECORD_TO="$2"
    rm -f "${RECORD_TO}"
    CDS_ARGS=(-XX:ArchiveClassesAtExit="${RECORD_TO}")
  fi
}

# Moves a recorded archive into place once the JVM that wrote it has exited.
#   cds_promote KIND RECORDED_PATH
cds_promote() {
  local archive tmp
  [[ -s "$2" ]] || return 0
  archive="$(cds_archive "$1")"
  if [[ ! -s "${archive}" ]]; then
    tmp="${archive}.tmp.$$"
    if ! { cp "$2" "${tmp}" 2>/dev/null && mv -f "${tmp}" "${archive}"; }; then
      rm -f "${tmp}"
    fi
  fi
  rm -f "$2"
}

# Sets TOOL_ARGV to the command running a Kafka main class in a small client JVM. JVM warnings
# go to stderr so that stdout carries only the tool's output.
tool_argv() {
  cds_args tool "${libs}/.tool-recording.$$.jsa"
  TOOL_ARGV=(java -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    -Xlog:disable -Xlog:all=warning:stderr "${CDS_ARGS[@]}"
    -Djava.awt.headless=true -Dlog4j.configuration="file:$(tools_log4j)"
    -cp "${libs}/*" "$@")
}

# Runs a Kafka main class: run_class CLASS [ARGS...]
run_class() {
  local rc=0
  tool_argv "$@"
  "${TOOL_ARGV[@]}" || rc=$?
  [[ -z "${RECORD_TO}" ]] || cds_promote tool "${RECORD_TO}"
  return "${rc}"
}

# Runs a Kafka main class as the last act of this script (exec when no archive is recorded).
exec_class() {
  tool_argv "$@"
  if [[ -z "${RECORD_TO}" ]]; then
    exec "${TOOL_ARGV[@]}"
  fi
  local rc=0
  "${TOOL_ARGV[@]}" || rc=$?
  cds_promote tool "${RECORD_TO}"
  exit "${rc}"
}

# ---------------------------------------------------------------------------------------------
# Configuration.

write_env() {
  mkdir -p "${dir}"
  printf 'BROKERS=%s\nPORT_BASE=%s\nKAFKA_VERSION=%s\n' "${brokers}" "${port_base}" \
    "${SKEIN_KAFKA_VERSION}" >"${dir}/cluster.env"
}

write_node_config() {
  local i="$1" nd voters="" j rf isr
  nd="$(node_dir "${i}")"
  mkdir -p "${nd}/data"
  for ((j = 1; j <= brokers; j++)); do
    voters+="${voters:+,}${j}@127.0.0.1:$(controller_port "${j}")"
  done
  if ((brokers == 3)); then
    rf=3
    isr=2
  else
    rf=1
    isr=1
  fi
  cat >"${nd}/server.properties" <<EOF
# Written by deploy/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=${i}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://127.0.0.1:$(broker_port "${i}"),CONTROLLER://127.0.0.1:$(controller_port "${i}")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "${i}")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${nd}/data

# Topics are created explicitly (the coordinator and the tests do it).
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=${rf}
min.insync.replicas=${isr}

# Internal topics. Fewer partitions than Kafka's default 50 so the first group or
# transaction coordinator lookup is fast on a dev cluster.
offsets.topic.replication.factor=${rf}
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${isr}
transaction.state.log.num.partitions=10

# Fast feedback for tests.
group.initial.rebalance.delay.ms=0
log.retention.check.interval.ms=10000

# Small footprint: several nodes share a 2-core machine.
num.network.threads=2
num.io.threads=4
log.cleaner.dedupe.buffer.size=33554432
EOF
  cat >"${nd}/log4j.properties" <<'EOF'
# Written by deploy/kafka.sh. Everything goes to stdout, which the script appends to kafka.log.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=INFO
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

# The cluster id, made once per directory. Same format as StorageTool random-uuid (Kafka's
# Uuid: 16 random bytes, URL-safe base64 without padding, never starting with '-', never
# the reserved all-zero id), generated here to save a JVM start (~1.5 s) on a cold start.
cluster_id() {
  local f="${dir}/cluster.id" id=""
  if [[ ! -s "${f}" ]]; then
    while [[ -z "${id}" || "${id}" == -* || "${id}" == AAAAAAAAAAAAAAAAAAAAA[AQ] ]]; do
      id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    echo "${id}" >"${f}"
  fi
  id="$(<"${f}")"
  [[ "${id}" =~ ^[A-Za-z0-9_-]{22}$ ]] || skein_die "${f} does not hold a cluster id; run: deploy/kafka.sh reset --dir ${dir}"
  echo "${id}"
}

# Formats the storage of the given nodes (in parallel) unless already formatted.
format_nodes() {
  local id="$1" i nd pids=() failed=0
  shift
  for i in "$@"; do
    nd="$(node_dir "${i}")"
    [[ -f "${nd}/data/meta.properties" ]] && continue
    run_class kafka.tools.StorageTool format -t "${id}" -c "${nd}/server.properties" \
      --ignore-formatted >"${nd}/format.log" 2>&1 &
    pids+=("$!:${i}")
  done
  local p
  for p in "${pids[@]}"; do
    if ! wait "${p%%:*}"; then
      i="${p##*:}"
      tail -n 20 "$(node_dir "${i}")/format.log" >&2 || true
      skein_log "formatting node ${i} failed (log: $(node_dir "${i}")/format.log)"
      failed=1
    fi
  done
  ((failed == 0)) || exit 1
}

launch_node() {
  local i="$1" nd heap
  nd="$(node_dir "${i}")"
  [[ -f "${nd}/kafka.log" ]] && mv -f "${nd}/kafka.log" "${nd}/kafka.log.1"
  cds_promote broker "${nd}/cds-recording.jsa"
  cds_args broker "${nd}/cds-recording.jsa"
  heap="-Xms256m -Xmx768m"
  local -a jvm
  # shellcheck disable=SC2206  # word splitting of the option strings is intended
  jvm=(${heap} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    ${SKEIN_KAFKA_JVM_OPTS:-})
  skein_spawn "${nd}/kafka.pid" "${nd}/kafka.log" \
    java "${jvm[@]}" "${CDS_ARGS[@]}" -Dlog4j.configuration="file:${nd}/log4j.properties" \
    -Dkafka.logs.dir="${nd}" -cp "${libs}/*" kafka.Kafka "${nd}/server.properties" ||
    skein_die "node ${i} did not start (log: ${nd}/kafka.log)"
  [[ -z "${RECORD_TO}" ]] || skein_log "node ${i} records the class-data archive (faster starts from the next one on)"
  skein_log "launched node ${i} (pid $(<"${nd}/kafka.pid")) on 127.0.0.1:$(broker_port "${i}"), controller $(controller_port "${i}")"
}

# Fails (with the log tail) when any wanted port is taken by something else.
check_ports_free() {
  local i p
  for i in "$@"; do
    for p in "$(broker_port "${i}")" "$(controller_port "${i}")"; do
      if skein_port_in_use "${p}"; then
        skein_die "port ${p} (node ${i}) is already in use; stop what holds it or pick another --port-base/--dir"
      fi
    done
  done
}

show_log_tail() {
  local i="$1" nd
  nd="$(node_dir "${i}")"
  skein_log "last lines of ${nd}/kafka.log:"
  tail -n 25 "${nd}/kafka.log" >&2 2>/dev/null || true
}

# Waits until each given node logged "Kafka Server started" and accepts connections. A KRaft
# node logs that line only after the controller quorum registered and unfenced its broker and
# it published the initial metadata, so the cluster then serves metadata listing it. Asking
# with a JVM tool (BrokerApiVersionsCommand) instead costs about 2 s per probe.
wait_ready() {
  local deadline i nd pending
  deadline=$(($(date +%s) + START_TIMEOUT_S))
  while :; do
    pending=()
    for i in "$@"; do
      nd="$(node_dir "${i}")"
      if ! node_pid "${i}" >/dev/null; then
        show_log_tail "${i}"
        skein_die "node ${i} exited during startup (log: ${nd}/kafka.log)"
      fi
      if ! grep -q "${STARTED_LINE}" "${nd}/kafka.log" 2>/dev/null ||
        ! skein_port_accepts 127.0.0.1 "$(broker_port "${i}")"; then
        pending+=("${i}")
      fi
    done
    ((${#pending[@]} == 0)) && return 0
    if (($(date +%s) >= deadline)); then
      for i in "${pending[@]}"; do show_log_tail "${i}"; done
      skein_die "timed out after ${START_TIMEOUT_S}s waiting for node(s) ${pending[*]} to start"
    fi
    sleep 0.2
  done
}

# True when D holds anything besides the lock file (a directory kafka.sh did not make).
dir_has_other_files() {
  local f
  for f in "${dir}"/* "${dir}"/.[!.]* "${dir}"/..?*; do
    [[ -e "${f}" && "${f##*/}" != .lock ]] && return 0
  done
  return 1
}

# Takes the per-directory lock so two starts/stops of the same cluster do not interleave.
lock_dir() {
  mkdir -p "${dir}"
  exec 8>"${dir}/.lock"
  if flock -n 8; then return 0; fi
  skein_log "waiting for another kafka.sh working on ${dir}"
  flock -w 120 8 || skein_die "another kafka.sh is working on ${dir} (waited 120s for ${dir}/.lock)"
}

# ---------------------------------------------------------------------------------------------
# Commands.

# Starts the given nodes that are down; prints the bootstrap when the cluster is ready.
start_nodes() {
  local i down=() t0
  t0="$(skein_now_ms)"
  for i in "$@"; do
    node_pid "${i}" >/dev/null || down+=("${i}")
  done
  if ((${#down[@]} == 0)); then
    skein_log "already running in ${dir} ($(bootstrap_list))"
    bootstrap_list
    return 0
  fi
  ensure_jars
  check_ports_free "${down[@]}"
  ((have_env)) || write_env
  for i in $(seq 1 "${brokers}"); do write_node_config "${i}"; done
  local id
  id="$(cluster_id)"
  format_nodes "${id}" "${down[@]}"
  for i in "${down[@]}"; do launch_node "${i}"; done
  wait_ready "${down[@]}"
  skein_log "ready: node(s) ${down[*]} of ${brokers} started, cluster id ${id}, in $((($(skein_now_ms) - t0) / 1000)).$((($(skein_now_ms) - t0) % 1000 / 100))s"
  bootstrap_list
}

# Stops the given nodes: SIGTERM to all at once, up to STOP_TIMEOUT_S for them to exit, then
# SIGKILL. A KRaft node finishing its shutdown after most controllers are gone waits on a quorum
# that will never answer, so once fewer than a majority of the cluster's nodes are alive the
# remaining ones get QUORUM_LOST_GRACE_S more and are then killed (harmless for a dev cluster:
# the next start recovers the log).
readonly QUORUM_LOST_GRACE_S=5
stop_nodes() {
  local i pid
  local -A pid_of=() killed=()
  for i in "$@"; do
    if pid="$(node_pid "${i}")"; then
      kill -TERM "${pid}" 2>/dev/null || true
      pid_of[${i}]="${pid}"
      skein_log "stopping node ${i} (pid ${pid})"
    else
      rm -f "$(node_dir "${i}")/kafka.pid"
    fi
  done
  local deadline lost_at="" now alive_total majority=$((brokers / 2 + 1))
  deadline=$(($(skein_now_ms) + STOP_TIMEOUT_S * 1000))
  while ((${#pid_of[@]} > 0)); do
    for i in "${!pid_of[@]}"; do
      if ! kill -0 "${pid_of[${i}]}" 2>/dev/null; then
        skein_log "stopped node ${i} (pid ${pid_of[${i}]})"
        rm -f "$(node_dir "${i}")/kafka.pid"
        unset "pid_of[${i}]"
      fi
    done
    ((${#pid_of[@]} > 0)) || break
    now="$(skein_now_ms)"
    alive_total=0
    for ((i = 1; i <= brokers; i++)); do
      node_pid "${i}" >/dev/null && alive_total=$((alive_total + 1))
    done
    if ((alive_total < majority)) && [[ -z "${lost_at}" ]]; then lost_at="${now}"; fi
    if ((${#killed[@]} > 0 && now >= deadline)); then
      skein_die "node(s) ${!pid_of[*]} survived SIGKILL for 5s (pids ${pid_of[*]})"
    fi
    if ((${#killed[@]} == 0)) && { ((now >= deadline)) ||
      { [[ -n "${lost_at}" ]] && ((now - lost_at >= QUORUM_LOST_GRACE_S * 1000)); }; }; then
      for i in "${!pid_of[@]}"; do
        killed[${i}]=1
        if ((now >= deadline)); then
          skein_log "node ${i} (pid ${pid_of[${i}]}) still running after ${STOP_TIMEOUT_S}s; sending SIGKILL"
        else
          skein_log "node ${i} (pid ${pid_of[${i}]}) has no controller quorum left to finish its shutdown; sending SIGKILL"
        fi
        kill -KILL "${pid_of[${i}]}" 2>/dev/null || true
      done
      deadline=$((now + 5000))
    fi
    sleep 0.1
  done
  # A node killed while writing its class-data archive leaves a partial one: drop it.
  for i in "$@"; do
    if [[ -n "${killed[${i}]:-}" ]]; then
      rm -f "$(node_dir "${i}")/cds-recording.jsa"
    else
      cds_promote broker "$(node_dir "${i}")/cds-recording.jsa"
    fi
  done
}

cmd_status() {
  local i all=0 pid
  if ((have_env == 0)); then
    echo "no cluster in ${dir}"
    return 1
  fi
  for ((i = 1; i <= brokers; i++)); do
    if pid="$(node_pid "${i}")"; then
      if skein_port_accepts 127.0.0.1 "$(broker_port "${i}")"; then
        echo "node-${i} up     pid ${pid} 127.0.0.1:$(broker_port "${i}") controller :$(controller_port "${i}")"
      else
        echo "node-${i} up (not listening yet) pid ${pid} 127.0.0.1:$(broker_port "${i}")"
        all=1
      fi
    else
      echo "node-${i} down   127.0.0.1:$(broker_port "${i}") controller :$(controller_port "${i}")"
      all=1
    fi
  done
  echo "bootstrap $(bootstrap_list)"
  return "${all}"
}

check_node_arg() {
  skein_is_int_in "${node_arg}" 1 "${brokers}" ||
    skein_die 2 "node must be in 1..${brokers} for the cluster in ${dir}, got '${node_arg}'"
}

case "${cmd}" in
  start)
    lock_dir
    load_config
    start_nodes $(seq 1 "${brokers}")
    ;;
  stop)
    if [[ ! -f "${dir}/cluster.env" ]]; then
      skein_log "no cluster in ${dir}; nothing to stop"
      exit 0
    fi
    lock_dir
    load_config
    stop_nodes $(seq 1 "${brokers}")
    skein_log "cluster in ${dir} stopped"
    ;;
  status)
    load_config
    cmd_status
    ;;
  stop-node | start-node)
    [[ -f "${dir}/cluster.env" ]] || skein_die "no cluster in ${dir}; use start first"
    lock_dir
    load_config
    check_node_arg
    if [[ "${cmd}" == stop-node ]]; then
      stop_nodes "${node_arg}"
    else
      start_nodes "${node_arg}"
    fi
    ;;
  bootstrap)
    load_config
    bootstrap_list
    ;;
  reset)
    if [[ -d "${dir}" ]]; then
      if [[ ! -f "${dir}/cluster.env" ]] && dir_has_other_files; then
        skein_die "${dir} has no cluster.env: not a kafka.sh directory, refusing to delete it"
      fi
      lock_dir
      load_config
      stop_nodes $(seq 1 "${brokers}")
      rm -rf "${dir}"
      skein_log "deleted ${dir}"
    else
      skein_log "nothing to reset in ${dir}"
    fi
    ;;
  tool)
    ((${#passthrough[@]} > 0)) || skein_die 2 "tool needs a class name (see --help)"
    ensure_jars
    exec_class "${passthrough[@]}"
    ;;
  topics)
    load_config
    ensure_jars
    args=("${passthrough[@]}")
    if [[ " ${args[*]} " != *" --bootstrap-server "* ]]; then
      args=(--bootstrap-server "$(bootstrap_list)" "${args[@]}")
    fi
    exec_class org.apache.kafka.tools.TopicCommand "${args[@]}"
    ;;
esac
