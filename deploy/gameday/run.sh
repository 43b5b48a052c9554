#!/usr/bin/env bash
# Understudy game day / soak: starts what is needed, runs deploy/gameday/GameDay.java, stops what it started.
#
#   deploy/gameday/run.sh [gameday] [--quick] [--scenario-seconds N] ...   the outage scenarios (default)
#   deploy/gameday/run.sh soak [--minutes 10] ...                           the soak test
#
# Options of this script (everything else goes to GameDay.java; see `java deploy/gameday/GameDay.java --help`):
#   --url URL          use a running gateway (it must serve deploy/gameday/gameday.yaml's routes) instead of
#                      starting target/quarkus-app/quarkus-run.jar with that config on a free port
#   --jvm-opts "..."   JVM options of the started gateway (default -Xmx384m: the chart's 512Mi limit x 75%)
#   --prometheus       start a Prometheus (scrape and rule evaluation every 1 s, deploy/prometheus alert rules)
#   --no-prometheus    do not (default: started for `gameday` when a prometheus binary is on the PATH)
#   --workdir DIR      logs, Prometheus data and the JSON report (default target/gameday)
#
# Needs Java 22+ ($JAVA_HOME/bin/java if JAVA_HOME is set, else found like ./mvnw does) and, unless --url,
# a packaged gateway:
#   ./mvnw -B -ntp -q package -DskipTests
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

# The driver is several source files run by the JDK's multi-file source launcher (JDK 22+). Without JAVA_HOME,
# an older `java` on the PATH makes this find an installed JDK 22+ (the same search as ./mvnw).
UNDERSTUDY_MIN_JDK=22
. "$ROOT/.mvn/jdk.sh"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MODE=gameday
URL=""
JVM_OPTS="-Xmx384m"
PROM=auto
WORKDIR="target/gameday"
PASS=()
JSON_GIVEN=no

version=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
if [[ -z "$version" || "$version" -lt 22 ]]; then
  echo "run.sh: $JAVA is Java ${version:-?}; Java 22+ is needed (the multi-file source launcher; set JAVA_HOME)" >&2
  exit 2
fi

while [[ $# -gt 0 ]]; do
  case "$1" in
    gameday|soak) MODE="$1"; shift ;;
    --url) URL="$2"; shift 2 ;;
    --url=*) URL="${1#*=}"; shift ;;
    --jvm-opts) JVM_OPTS="$2"; shift 2 ;;
    --jvm-opts=*) JVM_OPTS="${1#*=}"; shift ;;
    --prometheus) PROM=yes; shift ;;
    --no-prometheus) PROM=no; shift ;;
    --workdir) WORKDIR="$2"; shift 2 ;;
    --json|--json=*) JSON_GIVEN=yes; PASS+=("$1"); [[ "$1" == --json ]] && { PASS+=("$2"); shift; }; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exec "$JAVA" "$HERE/GameDay.java" --help ;;
    *) PASS+=("$1"); shift ;;
  esac
done

mkdir -p "$WORKDIR"
WORKDIR="$(cd "$WORKDIR" && pwd)"
GW_PID=""
PROM_PID=""

stop() { # stop a process this script started: SIGTERM, then SIGKILL after 10 s
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() { stop "$PROM_PID"; stop "$GW_PID"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

wait_http() { # url, seconds, what, pid
  local end=$(( SECONDS + $2 ))
  until curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
    if [[ -n "${4:-}" ]] && ! kill -0 "$4" 2>/dev/null; then
      echo "run.sh: $3 exited before it was ready" >&2; return 1
    fi
    if (( SECONDS > end )); then echo "run.sh: $3 not ready within $2 s" >&2; return 1; fi
    sleep 0.2
  done
}

DRIVER_ARGS=()
if [[ -z "$URL" ]]; then
  JAR="target/quarkus-app/quarkus-run.jar"
  if [[ ! -f "$JAR" ]]; then
    echo "run.sh: no $JAR: build it first with ./mvnw -B -ntp -q package -DskipTests (or pass --url)" >&2
    exit 2
  fi
  PORT=$(free_port)
  URL="http://127.0.0.1:$PORT"
  # shellcheck disable=SC2086
  "$JAVA" $JVM_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
    -Dquarkus.config.locations="$HERE/gameday.yaml" -jar "$JAR" >"$WORKDIR/gateway.log" 2>&1 &
  GW_PID=$!
  wait_http "$URL/q/health/ready" 60 "the gateway (log: $WORKDIR/gateway.log)" "$GW_PID"
  echo "run.sh: gateway pid $GW_PID on $URL ($JVM_OPTS; log $WORKDIR/gateway.log)"
  DRIVER_ARGS+=(--pid "$GW_PID" --gateway-log "$WORKDIR/gateway.log")
fi

if [[ "$PROM" == auto ]]; then
  if [[ "$MODE" == gameday ]] && command -v prometheus >/dev/null; then PROM=yes; else PROM=no; fi
fi
if [[ "$PROM" == yes ]]; then
  if ! command -v prometheus >/dev/null; then
    echo "run.sh: --prometheus, but no prometheus on the PATH (apt-get install -y prometheus)" >&2
    exit 2
  fi
  PPORT=$(free_port)
  HOSTPORT="${URL#http://}"; HOSTPORT="${HOSTPORT#https://}"; HOSTPORT="${HOSTPORT%%/*}"
  rm -rf "$WORKDIR/prometheus-data"
  cat >"$WORKDIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/deploy/prometheus/understudy-alerts.yaml
scrape_configs:
  - job_name: understudy
    metrics_path: /q/metrics
    scrape_interval: 1s
    static_configs:
      - targets: ["$HOSTPORT"]
EOF
  prometheus --config.file="$WORKDIR/prometheus.yml" --storage.tsdb.path="$WORKDIR/prometheus-data" \
    --web.listen-address="127.0.0.1:$PPORT" >"$WORKDIR/prometheus.log" 2>&1 &
  PROM_PID=$!
  wait_http "http://127.0.0.1:$PPORT/-/ready" 30 "prometheus (log: $WORKDIR/prometheus.log)" "$PROM_PID"
  echo "run.sh: prometheus pid $PROM_PID on http://127.0.0.1:$PPORT (scrape and evaluation every 1 s)"
  DRIVER_ARGS+=(--prometheus "http://127.0.0.1:$PPORT")
  sleep 2 # a first scrape, so the first scenario's rates have a base
fi

if [[ "$JSON_GIVEN" == no ]]; then
  DRIVER_ARGS+=(--json "$WORKDIR/$MODE-report.json")
fi

set +e
"$JAVA" "$HERE/GameDay.java" "$MODE" --url "$URL" --rules "$ROOT/deploy/prometheus/understudy-alerts.yaml" \
  "${DRIVER_ARGS[@]}" "${PASS[@]}"
rc=$?
set -e
exit $rc
