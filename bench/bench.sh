#!/usr/bin/env bash
# Gateway overhead benchmark: the same load, in one run, against
#   direct      the upstream itself (nginx returning a fixed chat completion)
#   nginx-proxy nginx proxying to that upstream: the cost of one extra HTTP hop, our floor
#   understudy  the gateway under test, one route with one target on that upstream
#   portkey     (optional, --portkey DIR with node_modules/@portkey-ai/gateway) a peer gateway
# Prints requests/s and latency p50/p99 per system and round, the gateway's RSS, its
# start-up time to a ready probe, and the ratios. Everything binds to 127.0.0.1.
#
#   bench/bench.sh --jar target/quarkus-app/quarkus-run.jar [--duration 10]
#       [--connections 32] [--rounds 2] [--portkey DIR] [--stream] [--jvm-opts '-Xmx128m ...']
#       [--shared-limits]   the gateway on a local redis-server with a rate-limited caller key and a route
#                           budget (limits never reached): the cost of counting both once for the deployment
# Needs: nginx and wrk (Debian packages), java.
set -euo pipefail
JAR=target/quarkus-app/quarkus-run.jar DUR=10 CONN=32 ROUNDS=2 PORTKEY= STREAM=0 JOPTS= SHARED=0 GOPTS=
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR=$2; shift 2;; --duration) DUR=$2; shift 2;; --connections) CONN=$2; shift 2;;
    --rounds) ROUNDS=$2; shift 2;; --jvm-opts) JOPTS=$2; shift 2;; --portkey) PORTKEY=$2; shift 2;; --stream) STREAM=1; shift;; --shared-limits) SHARED=1; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
for t in nginx wrk java; do command -v $t >/dev/null || { echo "needs $t (apt-get install -y nginx-light wrk)" >&2; exit 2; }; done
if [ "$JAR" != none ]; then
  [ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -q package -DskipTests)" >&2; exit 2; }
  JAR=$(readlink -f "$JAR")
fi
W=$(mktemp -d /tmp/understudy-bench.XXXX)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
UP=$(port); PX=$(port); GW=$(port); PK=$(port)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [ -f $W/nginx.pid ] && kill "$(cat $W/nginx.pid)" 2>/dev/null || true; }
trap cleanup EXIT

COMPLETION='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'
SSE='data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"bench-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello!"},"finish_reason":null}]}\n\ndata: {"id":"c","object":"chat.completion.chunk","created":1,"model":"bench-model","choices":[{"index":0,"delta":{"content":" How can I help?"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
cat > $W/nginx.conf <<EOF
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream up { server 127.0.0.1:$UP; keepalive 64; }
  server {
    listen 127.0.0.1:$UP;
    location / { default_type application/json; return 200 '$COMPLETION'; }
    location /sse/ { default_type text/event-stream; return 200 '$(printf "$SSE")'; }
  }
  server {
    listen 127.0.0.1:$PX;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
nginx -p $W -c $W/nginx.conf -e $W/nginx-error.log
if [ "$SHARED" = 1 ]; then
  command -v redis-server >/dev/null || { echo "--shared-limits needs redis-server" >&2; exit 2; }
  RP=$(port)
  redis-server --port $RP --bind 127.0.0.1 --save '' --appendonly no --daemonize no > $W/redis.log 2>&1 &
  PIDS+=($!)
  until redis-cli -p $RP ping > /dev/null 2>&1; do sleep 0.05; done
  GOPTS="-Dquarkus.redis.hosts=redis://127.0.0.1:$RP -Dunderstudy.auth.keys.bench.hash=$(printf %s bench | sha256sum | cut -d' ' -f1)
    -Dunderstudy.auth.keys.bench.rate=1000000 -Dunderstudy.auth.keys.bench.burst=1000000
    -Dunderstudy.routes.bench.budget.daily-usd=1000000"
fi

STREAM_JSON=false; BASE=/v1; [ "$STREAM" = 1 ] && STREAM_JSON=true BASE=/sse/v1
cat > $W/gateway.yaml <<EOF
understudy:
  providers:
    up: { type: openai, base-url: "http://127.0.0.1:$UP$BASE", api-key: bench }
  routes:
    bench:
      targets: [ { provider: up, model: bench-model, timeout: 10s } ]
  cache: { enabled: false }
EOF
cat > $W/chat.lua <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
if os.getenv("PK_HOST") then
  wrk.headers["x-portkey-provider"] = "openai"
  wrk.headers["x-portkey-custom-host"] = os.getenv("PK_HOST")
end
wrk.body = '{"model":"bench","stream":$STREAM_JSON,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in one short sentence."}]}'
EOF

# start-up: exec to first ready probe, three times
starts=() GPID=
[ "$JAR" = none ] || for i in 1 2 3; do
  t0=$(date +%s%N)
  java $JOPTS $GOPTS -Dquarkus.http.port=$GW -Dquarkus.config.locations=$W/gateway.yaml -Dquarkus.log.level=WARN -jar "$JAR" > $W/gw-start-$i.log 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:$GW/q/health/ready; do
    kill -0 $pid 2>/dev/null || { echo "gateway exited; see $W/gw-start-$i.log" >&2; tail -20 $W/gw-start-$i.log >&2; exit 1; }
    sleep 0.02
  done
  starts+=($(( ($(date +%s%N) - t0) / 1000000 )))
  kill $pid; wait $pid 2>/dev/null || true
done
if [ "$JAR" != none ]; then
  java $JOPTS $GOPTS -Dquarkus.http.port=$GW -Dquarkus.config.locations=$W/gateway.yaml -Dquarkus.log.level=WARN -jar "$JAR" > $W/gw.log 2>&1 &
  GPID=$!; PIDS+=($GPID)
  until curl -sf -o /dev/null http://127.0.0.1:$GW/q/health/ready; do sleep 0.1; done
  curl -sf http://127.0.0.1:$GW/v1/chat/completions -H 'Content-Type: application/json' -H 'Authorization: Bearer bench' \
    -d '{"model":"bench","messages":[{"role":"user","content":"hi"}]}' > $W/probe.json || { echo "gateway did not answer a chat request" >&2; exit 1; }
fi
if [ -n "$PORTKEY" ]; then
  pre=(); [ -f "$PORTKEY/loopback.mjs" ] && pre=(--import "$PORTKEY/loopback.mjs")  # bind 127.0.0.1 only
  node "${pre[@]}" "$PORTKEY/node_modules/@portkey-ai/gateway/build/start-server.js" --port=$PK --headless > $W/pk.log 2>&1 &
  PIDS+=($!); sleep 3
fi

run() { # name url [env]
  local name=$1 url=$2; shift 2
  env "$@" wrk -t1 -c$CONN -d${DUR}s --latency -s $W/chat.lua "$url" > $W/wrk-$name.txt 2>&1 || true
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' $W/wrk-$name.txt)
  p50=$(awk '$1=="50%" {print $2}' $W/wrk-$name.txt)
  p99=$(awk '$1=="99%" {print $2}' $W/wrk-$name.txt)
  printf '%-12s %10s req/s   p50 %-9s p99 %-9s\n' "$name" "$rps" "$p50" "$p99"
  echo "$name $rps" >> $W/rps.txt
}
[ -n "$GPID" ] && { echo "# warm-up (JIT) $DUR s through the gateway"; run warmup http://127.0.0.1:$GW/v1/chat/completions > /dev/null; }
for r in $(seq 1 $ROUNDS); do
  run direct http://127.0.0.1:$UP$BASE/chat/completions
  run nginx-proxy http://127.0.0.1:$PX$BASE/chat/completions
  [ -n "$GPID" ] && run understudy http://127.0.0.1:$GW/v1/chat/completions
  [ -n "$PORTKEY" ] && run portkey http://127.0.0.1:$PK/v1/chat/completions PK_HOST=http://127.0.0.1:$UP$BASE
done
if [ -n "$GPID" ]; then
  rss=$(ps -o rss= -p $GPID | tr -d ' ')
  echo "gateway start-up to ready (ms): ${starts[*]}"
  echo "gateway RSS after load: $((rss / 1024)) MiB"
fi
python3 - "$W/rps.txt" <<'EOF'
import sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    k, v = line.split(); rows.setdefault(k, []).append(float(v))
med = {k: st.median(v) for k, v in rows.items() if k != "warmup"}
for k, v in sorted(med.items()): print("median %-12s %8.0f req/s" % (k, v))
u = med.get("understudy")
if u:
    print("ratio understudy/nginx-proxy (throughput): %.2f" % (u / med["nginx-proxy"]))
    if "portkey" in med: print("ratio understudy/portkey (throughput): %.2f" % (u / med["portkey"]))
EOF
