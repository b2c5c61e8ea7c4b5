#!/usr/bin/env bash
# Runs a whole local Skein cluster: Kafka (through deploy/kafka.sh), one skein-coordinator and
# N skein-executor processes, detached, with logs and data under one directory.
set -euo pipefail

SKEIN_PROG="cluster.sh"
# shellcheck source=deploy/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

readonly WAIT_TIMEOUT_S=30
readonly STOP_TIMEOUT_S=30
readonly LEASE_MS=3000

usage() {
  cat <<'EOF'
Usage: deploy/cluster.sh start|stop|status [OPTIONS]

Commands:
  start    start Kafka (deploy/kafka.sh, in D/kafka) unless it runs, then the coordinator and
           the executors that are not running; wait until the coordinator accepts connections
           (30s) and each executor listens (30s); print ONLY the coordinator address on stdout
  stop     stop the executors, then the coordinator (SIGTERM, 30s, SIGKILL), then Kafka
  status   list Kafka nodes, the coordinator and executors up/down; exit 0 only if all are up

Options:
  --executors N         executors to run (default 2; an existing D keeps its count unless
                        given; on a running cluster it adds or stops executors to match)
  --dir D               cluster directory (default <repo>/.run/cluster)
  --port-base P         Kafka port base (default 9092; see deploy/kafka.sh --help)
  --brokers 1|3         Kafka nodes (default 1)
  --coordinator-port C  coordinator gRPC port (default 7070); executor i listens on C + i
  --build-dir B         where the binaries are: B/bin/skein-coordinator, B/bin/skein-executor
                        (default <repo>/build)
  -h, --help            this text

Processes (all on 127.0.0.1):
  skein-coordinator --listen 127.0.0.1:C --bootstrap <kafka bootstrap> --lease-ms 3000 --insecure-single-tenant
  skein-executor --coordinator 127.0.0.1:C --listen 127.0.0.1:<C+i> --id exec-<i>
                 --data-dir D/executors/exec-<i>          (i = 1..N)

Layout of D: cluster.env (settings of the running cluster), kafka/ (deploy/kafka.sh --dir),
coordinator/{coordinator.log,coordinator.pid}, executors/exec-<i>/ (data),
executors/exec-<i>.log, executors/exec-<i>.pid.
EOF
}

cmd=""
opt_executors=""
opt_dir=""
opt_port_base=""
opt_brokers=""
opt_coord_port=""
opt_build_dir=""

while (($# > 0)); do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --executors | --dir | --port-base | --brokers | --coordinator-port | --build-dir)
      if (($# < 2)) || [[ -z "$2" ]]; then
        skein_die 2 "option $1 needs a value (see --help)"
      fi
      case "$1" in
        --executors) opt_executors="$2" ;;
        --dir) opt_dir="$2" ;;
        --port-base) opt_port_base="$2" ;;
        --brokers) opt_brokers="$2" ;;
        --coordinator-port) opt_coord_port="$2" ;;
        --build-dir) opt_build_dir="$2" ;;
      esac
      shift
      ;;
    -*) skein_die 2 "unknown option '$1' (see --help)" ;;
    start | stop | status)
      [[ -z "${cmd}" ]] || skein_die 2 "unexpected argument '$1' (see --help)"
      cmd="$1"
      ;;
    *) skein_die 2 "unknown command '$1' (see --help)" ;;
  esac
  shift
done

[[ -n "${cmd}" ]] || skein_die 2 "no command given (see --help)"
if [[ -n "${opt_executors}" ]] && ! skein_is_int_in "${opt_executors}" 0 64; then
  skein_die 2 "--executors must be an integer in 0..64, got '${opt_executors}'"
fi
if [[ -n "${opt_port_base}" ]] && ! skein_is_int_in "${opt_port_base}" 1024 65500; then
  skein_die 2 "--port-base must be an integer in 1024..65500, got '${opt_port_base}'"
fi
if [[ -n "${opt_brokers}" && "${opt_brokers}" != 1 && "${opt_brokers}" != 3 ]]; then
  skein_die 2 "--brokers must be 1 or 3, got '${opt_brokers}'"
fi
if [[ -n "${opt_coord_port}" ]] && ! skein_is_int_in "${opt_coord_port}" 1024 65400; then
  skein_die 2 "--coordinator-port must be an integer in 1024..65400, got '${opt_coord_port}'"
fi

repo="$(skein_repo_root)"
dir="$(skein_abspath "${opt_dir:-${repo}/.run/cluster}")"
dir="${dir%/}"
kafka_sh="${repo}/deploy/kafka.sh"

# Settings: options win; else what D/cluster.env recorded; else defaults.
env_get() {
  [[ -f "${dir}/cluster.env" ]] || return 0
  sed -n "s/^$1=//p" "${dir}/cluster.env" | tail -n1
}
exec_port() { echo $((coord_port + $1)); }
exec_pidfile() { echo "${dir}/executors/exec-$1.pid"; }
exec_marker() { echo "--listen 127.0.0.1:$(exec_port "$1")"; }

# Called after taking the directory lock by commands that change the cluster, so a concurrent
# first start cannot leave them with stale settings.
load_settings() {
  executors="${opt_executors:-$(env_get EXECUTORS)}"
  executors="${executors:-2}"
  coord_port="${opt_coord_port:-$(env_get COORDINATOR_PORT)}"
  coord_port="${coord_port:-7070}"
  port_base="${opt_port_base:-$(env_get PORT_BASE)}"
  port_base="${port_base:-9092}"
  brokers="${opt_brokers:-$(env_get BROKERS)}"
  brokers="${brokers:-1}"
  build_dir="${opt_build_dir:-$(env_get BUILD_DIR)}"
  build_dir="$(skein_abspath "${build_dir:-${repo}/build}")"
  if ((coord_port + executors > 65535)); then
    skein_die 2 "--coordinator-port ${coord_port} leaves no room for ${executors} executor ports"
  fi

  coord_addr="127.0.0.1:${coord_port}"
  coord_pidfile="${dir}/coordinator/coordinator.pid"
  coord_marker="--listen ${coord_addr}"

  kafka_args=(--dir "${dir}/kafka")
  # Pass the port base and node count only to a Kafka directory that does not exist yet or was
  # asked for explicitly; kafka.sh keeps (and checks) what an existing directory was made with.
  [[ -z "${opt_port_base}" && -f "${dir}/kafka/cluster.env" ]] || kafka_args+=(--port-base "${port_base}")
  [[ -z "${opt_brokers}" && -f "${dir}/kafka/cluster.env" ]] || kafka_args+=(--brokers "${brokers}")
}

lock_dir() {
  mkdir -p "${dir}"
  exec 8>"${dir}/.lock"
  if flock -n 8; then return 0; fi
  skein_log "waiting for another cluster.sh working on ${dir}"
  flock -w 120 8 || skein_die "another cluster.sh is working on ${dir} (waited 120s for ${dir}/.lock)"
}

# Waits until host:port accepts connections while the process of the pid file lives.
#   wait_listening PIDFILE MARKER PORT LABEL LOGFILE
wait_listening() {
  local pidfile="$1" marker="$2" port="$3" label="$4" logfile="$5" deadline
  deadline=$(($(date +%s) + WAIT_TIMEOUT_S))
  while ! skein_port_accepts 127.0.0.1 "${port}"; do
    if ! skein_live_pid "${pidfile}" "${marker}" >/dev/null; then
      skein_log "last lines of ${logfile}:"
      tail -n 25 "${logfile}" >&2 || true
      skein_die "${label} exited during startup (log: ${logfile})"
    fi
    if (($(date +%s) >= deadline)); then
      skein_log "last lines of ${logfile}:"
      tail -n 25 "${logfile}" >&2 || true
      skein_die "timed out after ${WAIT_TIMEOUT_S}s waiting for ${label} to accept connections on 127.0.0.1:${port}"
    fi
    sleep 0.1
  done
}

cmd_start() {
  local t0 coord_bin exec_bin bootstrap i
  t0="$(skein_now_ms)"
  lock_dir
  load_settings
  coord_bin="${build_dir}/bin/skein-coordinator"
  exec_bin="${build_dir}/bin/skein-executor"
  [[ -x "${coord_bin}" ]] || skein_die "${coord_bin} not found or not executable (build first, or pass --build-dir)"
  ((executors == 0)) || [[ -x "${exec_bin}" ]] ||
    skein_die "${exec_bin} not found or not executable (build first, or pass --build-dir)"

  # Check our own ports before touching anything, so a clash fails fast and changes nothing.
  if ! skein_live_pid "${coord_pidfile}" "${coord_marker}" >/dev/null && skein_port_in_use "${coord_port}"; then
    skein_die "port ${coord_port} (coordinator) is already in use; stop what holds it or pass --coordinator-port"
  fi
  for ((i = 1; i <= executors; i++)); do
    if ! skein_live_pid "$(exec_pidfile "${i}")" "$(exec_marker "${i}")" >/dev/null &&
      skein_port_in_use "$(exec_port "${i}")"; then
      skein_die "port $(exec_port "${i}") (executor exec-${i}) is already in use; stop what holds it or pass --coordinator-port"
    fi
  done

  bootstrap="$("${kafka_sh}" start "${kafka_args[@]}")" || skein_die "Kafka did not start (see above; logs in ${dir}/kafka)"
  printf 'EXECUTORS=%s\nCOORDINATOR_PORT=%s\nPORT_BASE=%s\nBROKERS=%s\nBUILD_DIR=%s\nBOOTSTRAP=%s\n' \
    "${executors}" "${coord_port}" "${port_base}" "${brokers}" "${build_dir}" "${bootstrap}" \
    >"${dir}/cluster.env"

  mkdir -p "${dir}/coordinator" "${dir}/executors"
  local pid
  if pid="$(skein_live_pid "${coord_pidfile}" "${coord_marker}")"; then
    skein_log "coordinator already running (pid ${pid}) on ${coord_addr}"
  else
    skein_spawn "${coord_pidfile}" "${dir}/coordinator/coordinator.log" \
      "${coord_bin}" --listen "${coord_addr}" --bootstrap "${bootstrap}" --lease-ms "${LEASE_MS}" \
        --insecure-single-tenant ||
      skein_die "could not launch ${coord_bin}"
    skein_log "launched coordinator (pid $(<"${coord_pidfile}")) on ${coord_addr}"
  fi
  wait_listening "${coord_pidfile}" "${coord_marker}" "${coord_port}" coordinator \
    "${dir}/coordinator/coordinator.log"

  local started=()
  for ((i = 1; i <= executors; i++)); do
    if pid="$(skein_live_pid "$(exec_pidfile "${i}")" "$(exec_marker "${i}")")"; then
      skein_log "exec-${i} already running (pid ${pid}) on 127.0.0.1:$(exec_port "${i}")"
      continue
    fi
    mkdir -p "${dir}/executors/exec-${i}"
    skein_spawn "$(exec_pidfile "${i}")" "${dir}/executors/exec-${i}.log" \
      "${exec_bin}" --coordinator "${coord_addr}" --listen "127.0.0.1:$(exec_port "${i}")" \
      --id "exec-${i}" --data-dir "${dir}/executors/exec-${i}" ||
      skein_die "could not launch ${exec_bin}"
    skein_log "launched exec-${i} (pid $(<"$(exec_pidfile "${i}")")) on 127.0.0.1:$(exec_port "${i}")"
    started+=("${i}")
  done
  # --executors is the wanted count: executors numbered above it are stopped.
  local f j
  for f in "${dir}"/executors/exec-*.pid; do
    [[ -e "${f}" ]] || continue
    j="${f##*/exec-}"
    j="${j%.pid}"
    if [[ "${j}" =~ ^[0-9]+$ ]] && ((j > executors)); then
      skein_stop_pidfile "${f}" "$(exec_marker "${j}")" "${STOP_TIMEOUT_S}" "exec-${j}"
    fi
  done
  for i in "${started[@]}"; do
    wait_listening "$(exec_pidfile "${i}")" "$(exec_marker "${i}")" "$(exec_port "${i}")" \
      "exec-${i}" "${dir}/executors/exec-${i}.log"
  done
  skein_log "ready in $((($(skein_now_ms) - t0) / 1000)).$((($(skein_now_ms) - t0) % 1000 / 100))s: coordinator ${coord_addr}, ${executors} executor(s), Kafka ${bootstrap}"
  echo "${coord_addr}"
}

cmd_stop() {
  if [[ ! -d "${dir}" ]]; then
    skein_log "no cluster in ${dir}; nothing to stop"
    return 0
  fi
  lock_dir
  load_settings
  local f i pids=() marker
  # Every executor that has a pid file, whatever the count in cluster.env says.
  for f in "${dir}"/executors/exec-*.pid; do
    [[ -e "${f}" ]] || continue
    i="${f##*/exec-}"
    i="${i%.pid}"
    [[ "${i}" =~ ^[0-9]+$ ]] || continue
    marker="$(exec_marker "${i}")"
    skein_stop_pidfile "${f}" "${marker}" "${STOP_TIMEOUT_S}" "exec-${i}" &
    pids+=("$!")
  done
  for i in "${pids[@]}"; do wait "${i}" || true; done
  skein_stop_pidfile "${coord_pidfile}" "${coord_marker}" "${STOP_TIMEOUT_S}" coordinator
  if [[ -d "${dir}/kafka" ]]; then
    "${kafka_sh}" stop --dir "${dir}/kafka" || skein_die "stopping Kafka failed"
  fi
  skein_log "cluster in ${dir} stopped"
}

cmd_status() {
  local rc=0 i pid
  load_settings
  if [[ ! -f "${dir}/cluster.env" ]]; then
    echo "no cluster in ${dir}"
    return 1
  fi
  echo "kafka:"
  if ! "${kafka_sh}" status --dir "${dir}/kafka" | sed 's/^/  /'; then rc=1; fi
  if pid="$(skein_live_pid "${coord_pidfile}" "${coord_marker}")" &&
    skein_port_accepts 127.0.0.1 "${coord_port}"; then
    echo "coordinator up     pid ${pid} ${coord_addr}"
  else
    echo "coordinator down   ${coord_addr}"
    rc=1
  fi
  for ((i = 1; i <= executors; i++)); do
    if pid="$(skein_live_pid "$(exec_pidfile "${i}")" "$(exec_marker "${i}")")"; then
      echo "exec-${i}     up     pid ${pid} 127.0.0.1:$(exec_port "${i}")"
    else
      echo "exec-${i}     down   127.0.0.1:$(exec_port "${i}")"
      rc=1
    fi
  done
  return "${rc}"
}

case "${cmd}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
esac
