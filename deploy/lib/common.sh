# Shared bash helpers for deploy/*.sh. Source it; it defines functions and constants only.
# shellcheck shell=bash

# Kafka release the local clusters run. Keep in step with deploy/kafka/pom.xml.
# shellcheck disable=SC2034  # used by the scripts that source this file
readonly SKEIN_KAFKA_VERSION="3.9.1"

# Name used as the prefix of every message; the sourcing script may set it first.
SKEIN_PROG="${SKEIN_PROG:-$(basename "$0")}"

# Repository root: two levels above this file (deploy/lib/common.sh).
skein_repo_root() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  (cd "${here}/../.." && pwd)
}

# Progress and diagnostics always go to stderr; stdout is reserved for results.
skein_log() {
  printf '%s: %s\n' "${SKEIN_PROG}" "$*" >&2
}

# One clear line on stderr, then exit non-zero (default 1).
skein_die() {
  local code=1
  if [[ "${1:-}" =~ ^[0-9]+$ ]] && (($# > 1)); then
    code="$1"
    shift
  fi
  printf '%s: error: %s\n' "${SKEIN_PROG}" "$*" >&2
  exit "${code}"
}

# Milliseconds since the epoch (for timings in progress lines).
skein_now_ms() {
  date +%s%3N
}

# True when the value is a decimal integer in [lo, hi].
skein_is_int_in() {
  local v="$1" lo="$2" hi="$3"
  [[ "${v}" =~ ^[0-9]+$ ]] && ((10#${v} >= lo && 10#${v} <= hi))
}

# Makes a path absolute without requiring it to exist.
skein_abspath() {
  local p="$1"
  if [[ "${p}" == /* ]]; then
    printf '%s\n' "${p}"
  else
    printf '%s/%s\n' "$(pwd)" "${p#./}"
  fi
}

# True when something accepts TCP connections on 127.0.0.1:port, or any socket is listening
# on that port on any local address (checked with ss when it exists).
skein_port_in_use() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    if [[ -n "$(ss -Htln "sport = :${port}" 2>/dev/null)" ]]; then
      return 0
    fi
  fi
  skein_port_accepts 127.0.0.1 "${port}"
}

# True when host:port accepts a TCP connection within about a second.
skein_port_accepts() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016  # $0 and $1 expand in the child shell on purpose
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "${host}" "${port}" 2>/dev/null
}

# Prints the pid stored in a pid file when that process is alive and its command line
# contains the marker (guards against a recycled pid); returns 1 otherwise.
skein_live_pid() {
  local pidfile="$1" marker="$2" pid cmdline
  [[ -f "${pidfile}" ]] || return 1
  pid="$(<"${pidfile}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  cmdline="$({ tr '\0' ' ' <"/proc/${pid}/cmdline"; } 2>/dev/null || true)"
  [[ "${cmdline}" == *"${marker}"* ]] || return 1
  printf '%s\n' "${pid}"
}

# Starts a command detached from the caller (own session, stdin from /dev/null, stdout and
# stderr appended to the log), so it survives the calling shell and never holds its pipes.
# The pid file receives the pid of the process that execs the command. File descriptors 8 and 9,
# which the deploy scripts use for flock(1) locks, are closed so the child never holds a lock.
#   skein_spawn PIDFILE LOGFILE CMD [ARGS...]
skein_spawn() {
  local pidfile="$1" logfile="$2"
  shift 2
  rm -f "${pidfile}"
  # shellcheck disable=SC2016  # $$ and "$@" expand in the child shell on purpose
  setsid bash -c 'echo "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "${pidfile}" "$@" \
    </dev/null >>"${logfile}" 2>&1 8>&- 9>&- &
  local waited=0
  while [[ ! -s "${pidfile}" ]]; do
    ((waited < 50)) || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Stops the process of a pid file: SIGTERM, wait up to the timeout (seconds), then SIGKILL.
# Idempotent: a missing or stale pid file is success. Removes the pid file.
#   skein_stop_pidfile PIDFILE MARKER TIMEOUT_S LABEL
skein_stop_pidfile() {
  local pidfile="$1" marker="$2" timeout_s="$3" label="$4" pid ticks
  if ! pid="$(skein_live_pid "${pidfile}" "${marker}")"; then
    rm -f "${pidfile}"
    return 0
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  ticks=$((timeout_s * 10))
  while kill -0 "${pid}" 2>/dev/null && ((ticks > 0)); do
    sleep 0.1
    ticks=$((ticks - 1))
  done
  if kill -0 "${pid}" 2>/dev/null; then
    skein_log "${label} (pid ${pid}) still running after ${timeout_s}s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    ticks=50
    while kill -0 "${pid}" 2>/dev/null && ((ticks > 0)); do
      sleep 0.1
      ticks=$((ticks - 1))
    done
  fi
  rm -f "${pidfile}"
  skein_log "stopped ${label} (pid ${pid})"
}
