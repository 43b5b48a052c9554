#!/usr/bin/env bash
# What one request costs the gateway, independent of how busy the machine is: CPU time and bytes allocated
# per request, garbage collections per 1,000 requests, plus a JFR recording to look into (jfr view hot-methods,
# allocation-by-site, gc, thread-cpu-load). The same nginx upstream and routes as bench.sh.
#
#   bench/profile.sh [--jar PATH] [--mode plain|stream] [--duration 15] [--warmup 10] [--connections 32]
#       [--jvm-opts '...'] [--no-cache] [--jfr FILE]
# Needs: nginx, wrk, curl, python3, a JDK 21+ (jfr on the PATH). See bench/README.md.
set -euo pipefail
JAR=target/quarkus-app/quarkus-run.jar MODE=plain DUR=15 WARM=10 CONN=32 JOPTS= CACHE=on JFR=
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR=$2; shift 2;; --mode) MODE=$2; shift 2;; --duration) DUR=$2; shift 2;; --warmup) WARM=$2; shift 2;;
    --connections) CONN=$2; shift 2;; --jvm-opts) JOPTS=$2; shift 2;; --no-cache) CACHE=off; shift;;
    --jfr) JFR=$2; shift 2;; -h|--help) sed -n 2,8p "$0"; exit 0;;
    *) echo "unknown option $1 (see bench/README.md)" >&2; exit 2;;
  esac
done
for t in nginx wrk java jfr curl python3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 2; }; done
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -ntp -q package -DskipTests)" >&2; exit 2; }
JAR=$(readlink -f "$JAR")
W=$(mktemp -d /tmp/understudy-profile.XXXX)
[ -n "$JFR" ] || JFR=$W/gateway.jfr
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
UP=$(port) GW=$(port) GPID=
cleanup() {
  [ -n "$GPID" ] && kill "$GPID" 2>/dev/null || true
  [ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
start_nginx "$W" "$UP"
write_gateway_files "$W" "$UP" "$CACHE"

# shellcheck disable=SC2086 # JOPTS is a list of options
java $JOPTS \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$GW" -Dquarkus.config.locations="$W/gateway.yaml" \
  -Dquarkus.log.level=WARN -jar "$JAR" > "$W/gateway.log" 2>&1 &
GPID=$!
for _ in $(seq 1 3000); do curl -sf -o /dev/null "http://127.0.0.1:$GW/q/health/ready" && break; sleep 0.02; done
URL="http://127.0.0.1:$GW/v1/chat/completions"
wrk -t1 -c"$CONN" -d"${WARM}s" -s "$W/chat-$MODE.lua" "$URL" > /dev/null
cpu() { awk '{print $14 + $15}' "/proc/$GPID/stat"; }  # utime + stime, in clock ticks
jcmd "$GPID" JFR.start settings=profile name=load > /dev/null
c0=$(cpu)
wrk -t1 -c"$CONN" -d"${DUR}s" --latency -s "$W/chat-$MODE.lua" "$URL" > "$W/wrk.txt"
c1=$(cpu)
jcmd "$GPID" JFR.dump name=load filename="$JFR" > /dev/null
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$GPID/status")
jfr print --json --events jdk.ThreadAllocationStatistics,jdk.GarbageCollection "$JFR" > "$W/events.json"
python3 - "$W/wrk.txt" "$W/events.json" "$c0" "$c1" "$(getconf CLK_TCK)" "$rss" "$JFR" <<'EOF'
import json, re, sys
wrk, events, c0, c1, hz, rss, jfr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
text = open(wrk).read()
reqs = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
ev = json.load(open(events))["recording"]["events"]
first, last = {}, {}
for e in ev:
    if e["type"] == "jdk.ThreadAllocationStatistics":
        t, a = e["values"]["thread"]["javaThreadId"] if e["values"]["thread"] else 0, e["values"]["allocated"]
        first.setdefault(t, a); last[t] = a
allocated = sum(last[t] - first[t] for t in last)
def dur(v):  # JFR durations as ISO-8601, e.g. PT0.000912S
    return float(v[2:-1]) * 1000 if v.startswith("PT") and v.endswith("S") else 0.0
pauses = sorted(dur(e["values"]["sumOfPauses"]) for e in ev if e["type"] == "jdk.GarbageCollection")
print("requests            %d in the measured window (%.0f req/s, p50 %.2f ms, p99 %.2f ms)" % (reqs, rps, p50, p99))
print("cpu per request     %.1f us (gateway process, user + system)" % ((c1 - c0) / hz * 1e6 / reqs))
print("allocated/request   %.1f KB (all threads; JFR thread allocation statistics)" % (allocated / reqs / 1024))
print("gc per 1000 req     %.2f collections, pause total %.1f ms, longest %.2f ms" % (len(pauses) * 1000 / reqs, sum(pauses), pauses[-1] if pauses else 0))
print("rss after load      %d MiB" % (rss // 1024))
print("recording           %s" % jfr)
EOF
