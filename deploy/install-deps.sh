#!/usr/bin/env bash
# Installs what building and running Skein needs on Debian 12: the missing Debian packages
# (only those), then the Apache Kafka jars for deploy/kafka.sh. Idempotent; takes a few
# seconds when everything is already present.
set -euo pipefail

SKEIN_PROG="install-deps.sh"
# shellcheck source=deploy/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: deploy/install-deps.sh [--packages-only | --kafka-only] [-h|--help]

Installs the Debian packages Skein needs (only the missing ones, as root or through sudo),
then fetches the Apache Kafka ${SKEIN_KAFKA_VERSION} jars into
<repo>/.cache/kafka/${SKEIN_KAFKA_VERSION}/libs with Maven (deploy/kafka/pom.xml).
Both steps are skipped when already complete. Prints a one-line summary on stdout.

Options:
  --packages-only   only the Debian packages
  --kafka-only      only the Kafka jars (needs java and mvn)
  -h, --help        this text

Environment:
  SKEIN_KAFKA_LIBS  fetch the jars into this directory instead of the default
EOF
}

readonly DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  librdkafka-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libavro-dev libabsl-dev libspdlog-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libcpp-httplib-dev
  clang-format clang-tidy libpq-dev postgresql
  # The libFuzzer build that deploy/test.sh runs (clang + its fuzzer/sanitizer runtimes).
  clang-14 libclang-rt-14-dev
)
readonly JAVA_PACKAGES=(openjdk-17-jdk-headless maven)

do_packages=1
do_kafka=1
while (($# > 0)); do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --packages-only) do_kafka=0 ;;
    --kafka-only) do_packages=0 ;;
    *) skein_die 2 "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
((do_packages + do_kafka > 0)) || skein_die 2 "--packages-only and --kafka-only exclude each other"

repo="$(skein_repo_root)"
summary=()

# Major version of the java on PATH, or 0 when there is none.
java_major() {
  local line ver
  command -v java >/dev/null 2>&1 || {
    echo 0
    return
  }
  line="$(java -version 2>&1 | head -n1)"
  ver="$(sed -nE 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/p' <<<"${line}")"
  read -r major minor <<<"${ver:-0 0}"
  # Java 8 and older report 1.x.
  if [[ "${major}" == 1 ]]; then major="${minor:-0}"; fi
  echo "${major:-0}"
}

install_packages() {
  command -v dpkg-query >/dev/null 2>&1 || skein_die "dpkg-query not found: this script supports Debian/Ubuntu only"
  local wanted=("${DEBIAN_PACKAGES[@]}") missing=() p
  if (($(java_major) >= 17)) && command -v mvn >/dev/null 2>&1; then
    :
  else
    wanted+=("${JAVA_PACKAGES[@]}")
  fi
  # One dpkg-query for all: "name status" lines for the known ones, "ii" when installed.
  local -A installed=()
  local name status
  while read -r name status; do
    [[ "${status}" == ii* ]] && installed[${name}]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
  for p in "${wanted[@]}"; do
    [[ -n "${installed[${p}]:-}" ]] || missing+=("${p}")
  done
  if ((${#missing[@]} == 0)); then
    summary+=("packages: all ${#wanted[@]} present")
    return
  fi
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      skein_die "missing packages and not root (no sudo); run as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    fi
  fi
  skein_log "installing ${#missing[@]} package(s): ${missing[*]}"
  local t0
  t0="$(skein_now_ms)"
  "${sudo[@]}" apt-get update -q >&2 || skein_die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >&2 || skein_die "apt-get install failed for: ${missing[*]}"
  summary+=("packages: installed ${#missing[@]} (${missing[*]}) in $((($(skein_now_ms) - t0) / 1000))s")
}

fetch_kafka() {
  local libs="${SKEIN_KAFKA_LIBS:-${repo}/.cache/kafka/${SKEIN_KAFKA_VERSION}/libs}"
  local marker="${libs}/.complete"
  if [[ -f "${marker}" ]]; then
    summary+=("kafka ${SKEIN_KAFKA_VERSION}: jars present")
    return
  fi
  command -v java >/dev/null 2>&1 || skein_die "java not found (install openjdk-17-jdk-headless, e.g. deploy/install-deps.sh --packages-only)"
  command -v mvn >/dev/null 2>&1 || skein_die "mvn not found (install maven, e.g. deploy/install-deps.sh --packages-only)"
  local parent
  parent="$(dirname "${libs}")"
  mkdir -p "${parent}"
  # Several scripts (parallel test clusters) may fetch at once: one fetches, the others wait.
  exec 9>"${parent}/.fetch.lock"
  flock -w 600 9 || skein_die "timed out after 600s waiting for another Kafka jar fetch (${parent}/.fetch.lock)"
  if [[ -f "${marker}" ]]; then
    summary+=("kafka ${SKEIN_KAFKA_VERSION}: jars present")
    exec 9>&-
    return
  fi
  skein_log "fetching Kafka ${SKEIN_KAFKA_VERSION} jars with Maven into ${libs}"
  local t0 staging mvnlog
  t0="$(skein_now_ms)"
  staging="${parent}/.libs.staging.$$"
  mvnlog="${parent}/mvn-fetch.log"
  rm -rf "${staging}"
  if ! timeout 900 mvn -B -q --no-transfer-progress -Dstyle.color=never \
    -f "${repo}/deploy/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="${staging}" >"${mvnlog}" 2>&1; then
    tail -n 20 "${mvnlog}" >&2 || true
    rm -rf "${staging}"
    skein_die "Maven could not fetch the Kafka jars (full log: ${mvnlog})"
  fi
  local count
  count="$(find "${staging}" -maxdepth 1 -name '*.jar' | wc -l)"
  [[ -f "${staging}/kafka_2.13-${SKEIN_KAFKA_VERSION}.jar" && -f "${staging}/kafka-tools-${SKEIN_KAFKA_VERSION}.jar" ]] ||
    skein_die "Maven finished but the Kafka jars are missing in ${staging}"
  printf 'kafka %s\njars %s\n' "${SKEIN_KAFKA_VERSION}" "${count}" >"${staging}/.complete"
  rm -rf "${libs}"
  mv "${staging}" "${libs}"
  exec 9>&-
  summary+=("kafka ${SKEIN_KAFKA_VERSION}: fetched ${count} jars in $((($(skein_now_ms) - t0) / 1000))s")
}

((do_packages)) && install_packages
((do_kafka)) && fetch_kafka

line="install-deps:"
for part in "${summary[@]}"; do line+=" ${part};"; done
echo "${line%;}"
