#!/usr/bin/env bash
# Training run for the JDK's AOT cache (JEP 483/514/515, JDK 25), for an image whose JVM is not the
# build's: the cache is only used by the very JVM (and GC) that wrote it, so Containerfile.jvm runs this
# inside the runtime image. On the build machine, `./mvnw verify -Daot` trains with the
# @QuarkusIntegrationTest suites instead.
#
#   deploy/aot-train.sh APP_DIR [JAVA_OPTION...]
#
# Starts APP_DIR/quarkus-run.jar with -XX:AOTCacheOutput=app.aot on a loopback port, sends it the
# requests a gateway serves (the shipped demo route, streaming and not, models, health, metrics,
# status), stops it, and leaves APP_DIR/app.aot. Needs only bash: HTTP goes through /dev/tcp.
set -euo pipefail

app=${1:?usage: $0 APP_DIR [JAVA_OPTION...]}
shift
port=${TRAIN_PORT:-18189}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
cd "$app"
rm -f app.aot

"$java" "$@" -XX:AOTCacheOutput=app.aot -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
  -jar quarkus-run.jar >aot-train.log 2>&1 &
pid=$!

# One HTTP/1.1 exchange over bash's /dev/tcp; prints the status line.
http() { # method path [json-body]
  local body=${3:-}
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  local status
  IFS= read -r status <&3 || true
  cat <&3 >/dev/null || true
  exec 3<&-
  printf '%s\n' "${status%$'\r'}"
}

ready=
for _ in $(seq 1 600); do
  if http GET /q/health/ready 2>/dev/null | grep -q ' 200'; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "the gateway did not get ready for training; its log:" >&2
  cat aot-train.log >&2
  kill "$pid" 2>/dev/null || true
  exit 1
fi

chat='{"model":"demo","messages":[{"role":"user","content":"hi"}]}'
stream='{"model":"demo","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}'
for _ in $(seq 1 200); do
  http POST /v1/chat/completions "$chat" >/dev/null
  http POST /v1/chat/completions "$stream" >/dev/null
done
for _ in $(seq 1 20); do
  http GET /v1/models >/dev/null
  http GET /admin/status >/dev/null
  http GET /q/metrics >/dev/null
  http GET /q/health/live >/dev/null
  http POST /v1/chat/completions '{"model":"nowhere","messages":[]}' >/dev/null
  http POST /v1/chat/completions '{not json' >/dev/null
done

kill -TERM "$pid"
wait "$pid" || true # the JVM writes the cache as it exits
if [ ! -s app.aot ]; then
  echo "no AOT cache was written; the training log:" >&2
  cat aot-train.log >&2
  exit 1
fi
rm -f aot-train.log app.aotconf
echo "AOT cache: $app/app.aot ($(du -h app.aot | cut -f1))"
