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
and Bedrock's access-key-id, secret-access-key, session-token) must reference an environment variable (${NAME:} with an empty default), and a Redis URL must not carry credentials.
values.schema.json says the same; this also holds with --skip-schema-validation.
*/}}
{{- define "understudy.validate" -}}
{{- if not (has .Values.mode (list "service" "sidecar")) }}
{{- fail (printf "mode must be service or sidecar, not %q" .Values.mode) }}
{{- end }}
{{- range $name, $p := (default dict .Values.understudy.providers) }}
{{- range $field := list "api-key" "access-key-id" "secret-access-key" "session-token" }}
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
