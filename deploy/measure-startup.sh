#!/usr/bin/env bash
# Start-up to a ready probe, and resident memory, of one packaged gateway in several JVM modes.
#
#   deploy/measure-startup.sh [-n RUNS] [-p PORT] APP_DIR MODE[:APP_DIR]...
#
# APP_DIR is a target/quarkus-app directory (copy it away first if other builds share the tree); a
# mode may name its own (plain:/tmp/fast-jar aot:/tmp/aot-jar compares the two packagings).
# The modes take turns (run 1 of every mode, then run 2, ...), so a machine whose load changes during
# the measurement slows them alike; the medians are what to compare. JAVA_OPTS (environment) is added
# to every JVM mode, e.g. JAVA_OPTS=-XX:+UseG1GC to match the image (an AOT cache needs the GC that wrote it).
# MODE is one of
#   plain   java -jar quarkus-run.jar
#   appcds  java -XX:SharedArchiveFile=app-cds.jsa -jar quarkus-run.jar   (needs app-cds.jsa)
#   aot     java -XX:AOTCache=app.aot -jar quarkus-run.jar                  (needs app.aot, JDK 24+)
#   native  APP_DIR is the native executable itself (…-runner)
#
# For every run: the time from launching the process to the first 200 on /q/health/ready (curl polls
# every 10 ms), the RSS at that moment, and the RSS after WARM requests to the shipped demo route.
# Prints one line per run and a median per mode. The JVM must be the one that created the archives.
set -euo pipefail

runs=3
port=18181
warm=${WARM:-50}
while getopts "n:p:" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    p) port=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-p PORT] APP_DIR MODE..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "usage: $0 [-n RUNS] [-p PORT] APP_DIR MODE..." >&2; exit 2; }
app=$1
shift
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v curl >/dev/null || { echo "needs curl" >&2; exit 2; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

now_ms() { date +%s%3N; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

one_run() { # mode[:dir] -> "ready_ms rss_ready_mib rss_warm_mib"
  local mode=${1%%:*} app=$app pid start ready status
  [ "$mode" = "$1" ] || app=${1#*:}
  local log
  log=$(mktemp)
  start=$(now_ms)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  case $mode in
    plain)  (cd "$app" && exec "$java" ${JAVA_OPTS:-} -Dquarkus.http.port="$port" -jar quarkus-run.jar) >"$log" 2>&1 & ;;
    appcds) (cd "$app" && exec "$java" ${JAVA_OPTS:-} -XX:SharedArchiveFile=app-cds.jsa -Dquarkus.http.port="$port" \
              -jar quarkus-run.jar) >"$log" 2>&1 & ;;
    aot)    (cd "$app" && exec "$java" ${JAVA_OPTS:-} -XX:AOTCache=app.aot -Dquarkus.http.port="$port" \
              -jar quarkus-run.jar) >"$log" 2>&1 & ;;
    native) "$app" -Dquarkus.http.port="$port" >"$log" 2>&1 & ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  pid=$!
  for _ in $(seq 1 3000); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready" || true)
    [ "$status" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "gateway exited; log:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.01
  done
  ready=$(($(now_ms) - start))
  [ "$status" = 200 ] || { echo "not ready after 30 s" >&2; kill "$pid"; exit 1; }
  local rss_ready rss_warm
  rss_ready=$(rss_kib "$pid")
  for _ in $(seq 1 "$warm"); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
      -d '{"model":"demo","messages":[{"role":"user","content":"hi"}]}'
  done
  rss_warm=$(rss_kib "$pid")
  if grep -qiE 'AOTCache.*(mismatch|fail|disabled)|unable to use shared archive|An error has occurred while processing the shared archive' "$log"; then
    echo "warning: the JVM refused the archive in mode $mode:" >&2
    grep -iE 'aot|shared archive|cds' "$log" >&2 || true
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
  echo "$ready $((rss_ready / 1024)) $((rss_warm / 1024))"
}

printf '%-7s %-4s %9s %10s %15s\n' mode run ready_ms rss_mib "rss_mib_${warm}req"
declare -A results
for i in $(seq 1 "$runs"); do
  for m in "$@"; do
    r=$(one_run "$m")
    results[$m]+="$r"$'\n'
    read -r t a b <<<"$r"
    printf '%-7s %-4s %9s %10s %15s\n' "${m%%:*}" "$i" "$t" "$a" "$b"
  done
done
for m in "$@"; do
  t=$(printf '%s' "${results[$m]}" | awk '{print $1}' | median)
  a=$(printf '%s' "${results[$m]}" | awk '{print $2}' | median)
  b=$(printf '%s' "${results[$m]}" | awk '{print $3}' | median)
  printf '%-7s %-4s %9s %10s %15s\n' "${m%%:*}" med "$t" "$a" "$b"
done
# The image's default start against the plain jar: the figure docs/performance.md reports.
modes=""
for m in "$@"; do modes+=" ${m%%:*}"; done
if [[ $modes == *" plain"* && $modes == *" aot"* ]]; then
  of() { for m in "${@:2}"; do if [ "${m%%:*}" = "$1" ]; then printf '%s' "${results[$m]}"; fi; done; }
  p=$(of plain "$@" | awk '{print $1}' | median)
  q=$(of aot "$@" | awk '{print $1}' | median)
  awk -v p="$p" -v q="$q" 'BEGIN { printf "ratio aot/plain (median ready_ms): %.2f\n", q / p }'
fi
