{{/* Chart name, or nameOverride. */}}
{{- define "understudy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object names: fullnameOverride, else <release>-<chart>, else <release> when it already names the chart. */}}
{{- define "understudy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "understudy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "understudy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "understudy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "understudy.labels" -}}
helm.sh/chart: {{ include "understudy.chart" . }}
{{ include "understudy.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: {{ if eq .Values.mode "sidecar" }}sidecar{{ else }}gateway{{ end }}
{{- end }}

{{- define "understudy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "understudy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "understudy.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Where the ConfigMap's application.yaml is mounted. */}}
{{- define "understudy.configDir" -}}/etc/understudy{{- end }}

{{/*
Refuses values that would put a secret into a ConfigMap or the release: a provider credential (api-key,
Bedrock's access-key-id, secret-access-key, session-token, Azure's client-secret) must reference an environment variable (${NAME:} with an empty default), and a Redis URL must not carry credentials.
values.schema.json says the same; this also holds with --skip-schema-validation.
*/}}
{{- define "understudy.validate" -}}
{{- if not (and (kindIs "map" .Values.auth) (kindIs "map" .Values.admin)) }}
{{- fail "auth and admin are missing: chart 0.2.0 added them (caller keys on by default). helm upgrade --reuse-values keeps the old chart's defaults; use --reset-then-reuse-values (Helm 3.14+) or your values file" }}
{{- end }}
{{- if not (has .Values.mode (list "service" "sidecar")) }}
{{- fail (printf "mode must be service or sidecar, not %q" .Values.mode) }}
{{- end }}
{{- range $name, $p := (default dict .Values.understudy.providers) }}
{{- range $field := list "api-key" "access-key-id" "secret-access-key" "session-token" "client-secret" }}
{{- $key := get (default dict $p) $field }}
{{- if and $key (not (regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*:?\\}$" (toString $key))) }}
{{- fail (printf "understudy.providers.%s.%s must reference an environment variable such as ${OPENAI_API_KEY:} filled from providerKeys.existingSecret; never put a credential in values" $name $field) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.redis.enabled (not (or .Values.redis.url .Values.redis.urlKey)) }}
{{- fail "redis.enabled needs redis.url, or redis.existingSecret with redis.urlKey" }}
{{- end }}
{{- if and .Values.redis.url (regexMatch "://[^/]*@" .Values.redis.url) }}
{{- fail "redis.url must not carry credentials: put the password in redis.existingSecret (redis.passwordKey) or the whole URL there (redis.urlKey)" }}
{{- end }}
{{- if and .Values.redis.urlKey (not .Values.redis.existingSecret) }}
{{- fail "redis.urlKey needs redis.existingSecret" }}
{{- end }}
{{- if and (eq .Values.mode "sidecar") (not .Values.sidecar.app.image) }}
{{- fail "sidecar mode needs sidecar.app: your application's container (name, image, ...)" }}
{{- end }}
{{- if hasKey (default dict .Values.understudy) "auth" }}
{{- fail "understudy.auth is set by the chart: put caller keys under auth.keys, the admin key under auth.adminKeyHash, and the admin API under admin.*" }}
{{- end }}
{{- range $name, $k := (default dict .Values.auth.keys) }}
{{- if not (regexMatch "^(sha256:)?[0-9a-f]{64}$" (toString (get (default dict $k) "hash"))) }}
{{- fail (printf "auth.keys.%s.hash must be the SHA-256 of the key in lower-case hex (printf %%s \"$KEY\" | sha256sum), optionally prefixed sha256:; never the key itself" $name) }}
{{- end }}
{{- end }}
{{- if and .Values.auth.adminKeyHash (not (regexMatch "^(sha256:)?[0-9a-f]{64}$" (toString .Values.auth.adminKeyHash))) }}
{{- fail "auth.adminKeyHash must be the SHA-256 of the admin key in lower-case hex, optionally prefixed sha256:; never the key itself" }}
{{- end }}
{{- if and .Values.admin.enabled .Values.admin.port (eq (int .Values.admin.port) (int .Values.gateway.port)) }}
{{- fail "admin.port must differ from gateway.port (null serves /admin/* on the gateway's port)" }}
{{- end }}
{{- if and .Values.admin.service.enabled (not (and .Values.admin.enabled .Values.admin.port)) }}
{{- fail "admin.service.enabled needs admin.enabled and an admin.port" }}
{{- end }}
{{- end }}

{{/* The Secret with the keys the chart generates. */}}
{{- define "understudy.authSecretName" -}}
{{- printf "%s-auth" (include "understudy.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The admin API on its own listener: admin.enabled and an admin.port. */}}
{{- define "understudy.adminPort" -}}
{{- if and .Values.admin.enabled .Values.admin.port }}{{ int .Values.admin.port }}{{ end }}
{{- end }}

{{/*
The keys the chart generates, as JSON {"caller-key": ..., "admin-key": ...}: a caller key when auth is on and
auth.keys is empty, an admin key when auth is on, the admin API is on and auth.adminKeyHash is empty. On helm
upgrade, a key already in the release's Secret is kept (lookup); a new one is randAlphaNum 48. Computed once per
render and remembered, so the Secret and the hashes in the ConfigMap always belong together.
*/}}
{{- define "understudy.generatedKeys" -}}
{{- if not (hasKey .Values "understudyGeneratedKeys__") }}
{{- $keys := dict }}
{{- if .Values.auth.enabled }}
{{- $existing := dict }}
{{- if .Release.IsUpgrade }}
{{- /* Only an upgrade has a Secret to keep (uninstall deletes it); helm template never looks it up. */}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "understudy.authSecretName" .) }}
{{- if and $secret $secret.data }}
{{- $existing = $secret.data }}
{{- end }}
{{- end }}
{{- $wanted := list }}
{{- if not .Values.auth.keys }}
{{- $wanted = append $wanted "caller-key" }}
{{- end }}
{{- if and .Values.admin.enabled (not .Values.auth.adminKeyHash) }}
{{- $wanted = append $wanted "admin-key" }}
{{- end }}
{{- range $wanted }}
{{- if get $existing . }}
{{- $_ := set $keys . (b64dec (get $existing .)) }}
{{- else }}
{{- $_ := set $keys . (randAlphaNum 48) }}
{{- end }}
{{- end }}
{{- end }}
{{- $_ := set .Values "understudyGeneratedKeys__" $keys }}
{{- end }}
{{- toJson (get .Values "understudyGeneratedKeys__") }}
{{- end }}

{{/*
The gateway's understudy.auth tree: only hashes of keys, never a key. Empty (the gateway is open) when
auth.enabled is false.
*/}}
{{- define "understudy.authConfig" -}}
{{- $generated := fromJson (include "understudy.generatedKeys" .) }}
{{- $auth := dict }}
{{- if .Values.auth.enabled }}
{{- $keys := dict }}
{{- range $name, $k := (default dict .Values.auth.keys) }}
{{- $_ := set $keys $name $k }}
{{- end }}
{{- with $generated }}
{{- if hasKey . "caller-key" }}
{{- $_ := set $keys "default" (dict "hash" (printf "sha256:%s" (sha256sum (get . "caller-key")))) }}
{{- end }}
{{- end }}
{{- $_ := set $auth "keys" $keys }}
{{- end }}
{{- if .Values.auth.adminKeyHash }}
{{- $_ := set $auth "admin-key-hash" .Values.auth.adminKeyHash }}
{{- else if hasKey $generated "admin-key" }}
{{- $_ := set $auth "admin-key-hash" (printf "sha256:%s" (sha256sum (get $generated "admin-key"))) }}
{{- end }}
{{- $_ := set $auth "admin-enabled" .Values.admin.enabled }}
{{- with include "understudy.adminPort" . }}
{{- $_ := set $auth "admin-port" (int .) }}
{{- with $.Values.admin.host }}
{{- $_ := set $auth "admin-host" . }}
{{- end }}
{{- end }}
{{- toJson $auth }}
{{- end }}

{{/* The gateway container: the same in service and sidecar mode. */}}
{{- define "understudy.container" -}}
- name: understudy
  image: {{ include "understudy.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- if and (eq .Values.mode "sidecar") .Values.sidecar.nativeSidecar }}
  restartPolicy: Always
  {{- end }}
  ports:
    - name: gateway
      containerPort: {{ .Values.gateway.port }}
      protocol: TCP
    {{- with include "understudy.adminPort" . }}
    # /admin/* only (understudy.auth.admin-port); probes and /q/metrics stay on the gateway's port.
    - name: admin
      containerPort: {{ . }}
      protocol: TCP
    {{- end }}
  env:
    - name: QUARKUS_HTTP_PORT
      value: {{ .Values.gateway.port | quote }}
    - name: QUARKUS_CONFIG_LOCATIONS
      value: {{ printf "%s/application.yaml" (include "understudy.configDir" .) | quote }}
    - name: QUARKUS_LOG_CONSOLE_JSON_ENABLED
      value: {{ .Values.gateway.jsonLogs | quote }}
    - name: QUARKUS_SHUTDOWN_TIMEOUT
      value: {{ .Values.gateway.shutdownTimeout | quote }}
    {{- with .Values.gateway.javaToolOptions }}
    - name: JAVA_TOOL_OPTIONS
      value: {{ . | quote }}
    {{- end }}
    {{- with .Values.gateway.eventLoops }}
    - name: QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE
      value: {{ . | quote }}
    {{- end }}
    {{- if .Values.providerKeys.existingSecret }}
    {{- range $var, $key := .Values.providerKeys.env }}
    - name: {{ $var }}
      valueFrom:
        secretKeyRef:
          name: {{ $.Values.providerKeys.existingSecret }}
          key: {{ $key }}
          optional: true
    {{- end }}
    {{- end }}
    {{- if .Values.redis.enabled }}
    {{- if .Values.redis.urlKey }}
    - name: QUARKUS_REDIS_HOSTS
      valueFrom:
        secretKeyRef:
          name: {{ .Values.redis.existingSecret }}
          key: {{ .Values.redis.urlKey }}
    {{- else }}
    - name: QUARKUS_REDIS_HOSTS
      value: {{ .Values.redis.url | quote }}
    {{- end }}
    {{- if and .Values.redis.existingSecret .Values.redis.passwordKey }}
    - name: QUARKUS_REDIS_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ .Values.redis.existingSecret }}
          key: {{ .Values.redis.passwordKey }}
    {{- end }}
    {{- end }}
    {{- if .Values.tracing.endpoint }}
    - name: QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT
      value: {{ .Values.tracing.endpoint | quote }}
    - name: QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL
      value: {{ .Values.tracing.protocol | quote }}
    - name: QUARKUS_OTEL_TRACES_SAMPLER_ARG
      value: {{ .Values.tracing.samplerRatio | quote }}
    - name: UNDERSTUDY_TRACING_CAPTURE_CONTENT
      value: {{ .Values.tracing.captureContent | quote }}
    {{- end }}
    {{- with .Values.gateway.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  startupProbe:
    httpGet:
      path: /q/health/started
      port: gateway
    periodSeconds: {{ .Values.probes.startup.periodSeconds }}
    timeoutSeconds: {{ .Values.probes.startup.timeoutSeconds }}
    failureThreshold: {{ .Values.probes.startup.failureThreshold }}
  readinessProbe:
    httpGet:
      path: /q/health/ready
      port: gateway
    periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
    timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
    failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
  livenessProbe:
    httpGet:
      path: /q/health/live
      port: gateway
    periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
    timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
    failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: config
      mountPath: {{ include "understudy.configDir" . }}
      readOnly: true
    - name: tmp
      mountPath: /tmp
{{- end }}

{{/* The label matcher that picks this release's series in the alert rules. */}}
{{- define "understudy.jobSelector" -}}
{{- if .Values.metrics.prometheusRule.jobSelector }}
{{- .Values.metrics.prometheusRule.jobSelector }}
{{- else if eq .Values.mode "sidecar" }}
{{- printf "job=%q" (printf "%s/%s" .Release.Namespace (include "understudy.fullname" .)) }}
{{- else }}
{{- printf "job=%q" (include "understudy.fullname" .) }}
{{- end }}
{{- end }}
