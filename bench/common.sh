# Shared by bench.sh and profile.sh: the fake provider (nginx), the gateway's routes, and the wrk scripts.
# Sourced, not run.

COMPLETION='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'
SSE='data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"bench-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello!"},"finish_reason":null}]}\n\ndata: {"id":"c","object":"chat.completion.chunk","created":1,"model":"bench-model","choices":[{"index":0,"delta":{"content":" How can I help?"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'

# start_nginx DIR UPSTREAM_PORT [PROXY_PORT]: nginx answering as the provider on UPSTREAM_PORT (a fixed chat
# completion, and a fixed three-event SSE stream under /sse/), and as a keep-alive proxy to it on PROXY_PORT.
start_nginx() {
  local w=$1 up=$2 px=${3:-} proxy=
  if [ -n "$px" ]; then
    proxy="  upstream up { server 127.0.0.1:$up; keepalive 64; }
  server {
    listen 127.0.0.1:$px;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
  fi
  cat > "$w/nginx.conf" <<CONF
worker_processes 1;
pid $w/nginx.pid;
error_log $w/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$up;
    location / { default_type application/json; return 200 '$COMPLETION'; }
    location /sse/ { default_type text/event-stream; return 200 '$(printf "$SSE")'; }
  }
$proxy
}
CONF
  nginx -p "$w" -c "$w/nginx.conf" -e "$w/nginx-error.log"
}

# write_gateway_files DIR UPSTREAM_PORT CACHE(on|off): DIR/gateway.yaml with the routes bench (JSON upstream)
# and bench-stream (SSE upstream), the emergency cache at the shipped defaults (on, similar lookup on) unless
# off; DIR/chat-plain.lua and DIR/chat-stream.lua, the wrk scripts of the two modes.
write_gateway_files() {
  local w=$1 up=$2 cache=$3 m model stream
  cat > "$w/gateway.yaml" <<CONF
understudy:
  providers:
    up: { type: openai, base-url: "http://127.0.0.1:$up/v1", api-key: bench }
    up-sse: { type: openai, base-url: "http://127.0.0.1:$up/sse/v1", api-key: bench }
  routes:
    bench:
      targets: [ { provider: up, model: bench-model, timeout: 10s } ]
    bench-stream:
      targets: [ { provider: up-sse, model: bench-model, timeout: 10s } ]
CONF
  if [ "$cache" = off ]; then printf '  cache: { enabled: false }\n' >> "$w/gateway.yaml"; fi
  for m in plain stream; do
    model=bench stream=false
    if [ "$m" = stream ]; then model=bench-stream stream=true; fi
    cat > "$w/chat-$m.lua" <<CONF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
if os.getenv("PK_HOST") then
  wrk.headers["x-portkey-provider"] = "openai"
  wrk.headers["x-portkey-custom-host"] = os.getenv("PK_HOST")
end
wrk.body = '{"model":"$model","stream":$stream,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in one short sentence."}]}'
CONF
  done
}
