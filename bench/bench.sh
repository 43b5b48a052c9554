#!/usr/bin/env bash
# Gateway overhead benchmark: the same load, in one run, against
#   direct      the upstream itself (nginx returning a fixed chat completion, or a fixed SSE stream)
#   nginx-proxy nginx proxying to that upstream: the cost of one extra HTTP hop, our floor
#   <label>     each gateway under test (--jar, repeatable), one route with one target on that upstream
#   portkey     (optional, --portkey DIR with node_modules/@portkey-ai/gateway) a peer gateway
# Prints requests/s and latency p50/p99 per system and round, each gateway's start-up to a ready probe
# and RSS after the load, and the ratios against nginx-proxy (medians over the rounds). See bench/README.md.
#
#   bench/bench.sh [--jar [LABEL=]PATH]... [--mode plain|stream|both] [--duration 10] [--warmup 10]
#       [--connections 32] [--rounds 3] [--starts 3] [--jvm-opts '-Xmx128m ...'] [--no-cache]
#       [--portkey DIR] [--tsv FILE] [--keep] [--opts LABEL='-D...'] [--shared-limits LABEL] [--paced MS]
#   --opts LABEL=OPTS      extra JVM options for one gateway only, e.g. tracing on for a second label of the
#                          same jar: --jar understudy=J --jar traced=J --opts traced='-Dquarkus.otel.exporter...'
#   --shared-limits LABEL  that gateway runs on a local redis-server with a rate-limited caller key and a route
#                          budget (never reached): the cost of counting both once for the whole deployment
#   --paced MS             after each mode's rounds, as many again at a steady load instead of flat out: each
#                          connection waits MS ms after every answer (modes plain-paced, stream-paced)
# Needs: nginx and wrk (Debian: apt-get install -y nginx-light wrk), java, curl, python3.
set -euo pipefail
declare -A XOPTS=(); SHARED_LABEL=
JARS=() MODE=plain DUR=10 WARM=10 CONN=32 ROUNDS=3 STARTS=3 PORTKEY= JOPTS= TSV= CACHE=on KEEP=0 PACE=
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JARS+=("$2"); shift 2;; --mode) MODE=$2; shift 2;; --stream) MODE=stream; shift;;
    --duration) DUR=$2; shift 2;; --warmup) WARM=$2; shift 2;; --connections) CONN=$2; shift 2;;
    --rounds) ROUNDS=$2; shift 2;; --starts) STARTS=$2; shift 2;; --jvm-opts) JOPTS=$2; shift 2;;
    --opts) XOPTS[${2%%=*}]=${2#*=}; shift 2;; --shared-limits) SHARED_LABEL=$2; shift 2;; --paced) PACE=$2; shift 2;;
    --no-cache) CACHE=off; shift;; --portkey) PORTKEY=$2; shift 2;; --tsv) TSV=$2; shift 2;; --keep) KEEP=1; shift;;
    -h|--help) sed -n 2,17p "$0"; exit 0;;
    *) echo "unknown option $1 (see bench/README.md)" >&2; exit 2;;
  esac
done
case $MODE in plain) MODES=(plain);; stream) MODES=(stream);; both) MODES=(plain stream);; *) echo "--mode plain|stream|both" >&2; exit 2;; esac
for t in nginx wrk java curl python3; do command -v $t >/dev/null || { echo "needs $t (apt-get install -y nginx-light wrk)" >&2; exit 2; }; done
[ ${#JARS[@]} -gt 0 ] || JARS=(understudy=target/quarkus-app/quarkus-run.jar)
LABELS=() PATHS=()
for j in "${JARS[@]}"; do
  if [ "$j" = none ]; then continue; fi
  label=understudy path=$j
  case $j in *=*) label=${j%%=*} path=${j#*=};; esac
  [ -f "$path" ] || { echo "no $path: build first (./mvnw -B -ntp -q package -DskipTests)" >&2; exit 2; }
  LABELS+=("$label"); PATHS+=("$(readlink -f "$path")")
done
W=$(mktemp -d /tmp/understudy-bench.XXXX)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
UP=$(port); PX=$(port); PK=$(port)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null || true
  [ "$KEEP" = 1 ] && echo "# work files kept in $W" || rm -rf "$W"
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
start_nginx "$W" "$UP" "$PX"
write_gateway_files "$W" "$UP" "$CACHE"
if [ -n "$PACE" ]; then
  for m in plain stream; do
    { cat "$W/chat-$m.lua"; echo "function delay() return $PACE end"; } > "$W/chat-$m-paced.lua"
  done
fi

if [ -n "$SHARED_LABEL" ]; then
  command -v redis-server >/dev/null || { echo "--shared-limits needs redis-server" >&2; exit 2; }
  RP=$(port)
  redis-server --port "$RP" --bind 127.0.0.1 --save '' --appendonly no > "$W/redis.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$RP" ping > /dev/null 2>&1 && break; sleep 0.05; done
  # the caller key is "bench" (wrk sends it); its rate and the route budgets are far above what the run uses
  XOPTS[$SHARED_LABEL]="${XOPTS[$SHARED_LABEL]:-} -Dquarkus.redis.hosts=redis://127.0.0.1:$RP
    -Dunderstudy.auth.keys.bench.hash=sha256:$(printf %s bench | sha256sum | cut -d' ' -f1)
    -Dunderstudy.auth.keys.bench.rate=1000000 -Dunderstudy.auth.keys.bench.burst=1000000
    -Dunderstudy.routes.bench.budget.daily-usd=1000000 -Dunderstudy.routes.bench-stream.budget.daily-usd=1000000"
fi

gw_start() { # index -> starts the gateway in the background, sets GPID
  local i=$1
  # shellcheck disable=SC2086 # JOPTS and XOPTS are lists of options
  java $JOPTS ${XOPTS[${LABELS[$i]}]:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=${GWPORT[$i]} -Dquarkus.config.locations="$W/gateway.yaml" \
    -Dquarkus.log.level=WARN -jar "${PATHS[$i]}" >> "$W/gw-${LABELS[$i]}.log" 2>&1 &
  GPID=$!
}
gw_ready() { # index pid -> waits for the ready probe (60 s at most)
  local i=$1 pid=$2 n=0
  until curl -sf -o /dev/null "http://127.0.0.1:${GWPORT[$i]}/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { echo "gateway ${LABELS[$i]} exited; its log:" >&2; tail -30 "$W/gw-${LABELS[$i]}.log" >&2; exit 1; }
    n=$((n + 1)); [ $n -lt 3000 ] || { echo "gateway ${LABELS[$i]} not ready in 60 s" >&2; exit 1; }
    sleep 0.02
  done
}
GWPORT=() GWPID=()
for i in "${!LABELS[@]}"; do GWPORT+=("$(port)"); done

# start-up: launch to the first ready probe, STARTS times per gateway, the gateways taking turns
for s in $(seq 1 "$STARTS"); do
  for i in "${!LABELS[@]}"; do
    t0=$(date +%s%N); gw_start "$i"; gw_ready "$i" "$GPID"
    echo "${LABELS[$i]} $(( ($(date +%s%N) - t0) / 1000000 ))" >> "$W/starts.txt"
    kill "$GPID"; wait "$GPID" 2>/dev/null || true
  done
done
for i in "${!LABELS[@]}"; do
  gw_start "$i"; GWPID+=("$GPID"); PIDS+=("$GPID"); gw_ready "$i" "$GPID"
  for m in "${MODES[@]}"; do
    model=bench; [ $m = stream ] && model=bench-stream
    curl -sf "http://127.0.0.1:${GWPORT[$i]}/v1/chat/completions" -H 'Content-Type: application/json' -H 'Authorization: Bearer bench' \
      -d "{\"model\":\"$model\",\"stream\":$([ $m = stream ] && echo true || echo false),\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
      > "$W/probe-$i-$m.txt" || { echo "gateway ${LABELS[$i]} did not answer a $m chat request" >&2; exit 1; }
  done
done
if [ -n "$PORTKEY" ]; then
  pre=(); [ -f "$PORTKEY/loopback.mjs" ] && pre=(--import "$PORTKEY/loopback.mjs")  # bind 127.0.0.1 only
  node "${pre[@]}" "$PORTKEY/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$PK" --headless > "$W/pk.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PK/" && break; sleep 0.1; done
fi

run() { # mode name url [env...] -> one wrk run, one result line
  local m=$1 name=$2 url=$3; shift 3
  env "$@" wrk -t1 -c"$CONN" -d"${DUR}s" --latency -s "$W/chat-$m.lua" "$url" > "$W/wrk.txt" 2>&1 || true
  python3 - "$W/wrk.txt" "$m" "$name" >> "$W/results.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if not (rps and p50 and p99):
    sys.exit("wrk gave no result for %s:\n%s" % (sys.argv[3], text))
print(sys.argv[2], sys.argv[3], rps.group(1), "%.3f" % ms(p50.group(1)), "%.3f" % ms(p99.group(1)),
      errors.group(1) if errors else 0)
EOF
  tail -1 "$W/results.txt" | awk '{printf "%-6s %-12s %10.0f req/s   p50 %7.2f ms   p99 %7.2f ms%s\n", $1, $2, $3, $4, $5, ($6 > 0 ? "   NON-2xx: " $6 : "")}'
}
rounds() { # mode base
  local m=$1 base=$2
  for r in $(seq 1 "$ROUNDS"); do
    run "$m" direct "http://127.0.0.1:$UP$base/chat/completions"
    run "$m" nginx-proxy "http://127.0.0.1:$PX$base/chat/completions"
    for i in "${!LABELS[@]}"; do run "$m" "${LABELS[$i]}" "http://127.0.0.1:${GWPORT[$i]}/v1/chat/completions"; done
    if [ -n "$PORTKEY" ]; then run "$m" portkey "http://127.0.0.1:$PK/v1/chat/completions" PK_HOST="http://127.0.0.1:$UP$base"; fi
  done
}
for m in "${MODES[@]}"; do
  base=/v1; [ $m = stream ] && base=/sse/v1
  for i in "${!LABELS[@]}"; do
    echo "# warm-up (JIT) ${WARM} s through ${LABELS[$i]}, $m"
    DUR=$WARM run "$m" warmup "http://127.0.0.1:${GWPORT[$i]}/v1/chat/completions" > /dev/null
  done
  rounds "$m" "$base"
  if [ -n "$PACE" ]; then echo "# steady load: ${PACE} ms between a connection's answer and its next request"; rounds "$m-paced" "$base"; fi
done
for i in "${!LABELS[@]}"; do
  echo "${LABELS[$i]} $(awk '/^VmRSS:/ {print $2}' "/proc/${GWPID[$i]}/status")" >> "$W/rss.txt"
done

python3 - "$W" "${TSV:-}" "${LABELS[@]}" <<'EOF'
import sys, statistics as st
w, tsv, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
res = {}
for line in open(w + "/results.txt"):
    m, name, rps, p50, p99, _ = line.split()
    if name != "warmup":
        res.setdefault((m, name), []).append((float(rps), float(p50), float(p99)))
med = {k: tuple(st.median(x[i] for x in v) for i in range(3)) for k, v in res.items()}
starts = {}
for line in open(w + "/starts.txt"):
    k, v = line.split(); starts.setdefault(k, []).append(int(v))
rss = dict(line.split() for line in open(w + "/rss.txt"))
print("\n%-6s %-12s %10s %9s %9s" % ("mode", "system", "req/s", "p50 ms", "p99 ms"))
for (m, name), (rps, p50, p99) in sorted(med.items()):
    print("%-6s %-12s %10.0f %9.2f %9.2f" % (m, name, rps, p50, p99))
rows = []  # label, metric, value: the format of bench/baseline.tsv
for label in labels:
    for m in sorted({m for m, _ in med}):
        if (m, label) not in med:
            continue
        g, px = med[(m, label)], med[(m, "nginx-proxy")]
        if not m.endswith("-paced"):  # at a steady load both keep the pace: only the latency differs
            rows.append((label, m + ".throughput_vs_nginx_proxy", "%.2f" % (g[0] / px[0])))
        rows += [(label, m + ".p50_added_ms", "%.2f" % (g[1] - px[1])),
                 (label, m + ".p99_added_ms", "%.2f" % (g[2] - px[2]))]
        if (m, "portkey") in med:
            rows.append((label, m + ".throughput_vs_portkey", "%.2f" % (g[0] / med[(m, "portkey")][0])))
    rows += [(label, "start_ready_ms", "%d" % st.median(starts[label])),
             (label, "rss_after_load_mib", "%d" % (int(rss[label]) // 1024))]
print("\n%-12s %-34s %8s" % ("gateway", "metric", "value"))
for r in rows:
    print("%-12s %-34s %8s" % r)
if tsv:
    with open(tsv, "w") as f:
        f.write("# gateway\tmetric\tvalue\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
EOF
