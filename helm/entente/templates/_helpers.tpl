{{/* Names, labels and the pieces every Entente pod shares. */}}

{{- define "entente.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "entente.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "entente.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "entente.labels" -}}
helm.sh/chart: {{ include "entente.chart" . }}
app.kubernetes.io/name: {{ include "entente.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: entente
{{- end }}

{{/* Selector labels of one component: include "entente.selectorLabels" (dict "root" . "component" "web") */}}
{{- define "entente.selectorLabels" -}}
app.kubernetes.io/name: {{ include "entente.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "entente.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "entente.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "entente.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "entente.secretName" -}}
{{- required "secrets.existingSecret must name a Secret holding DJANGO_SECRET_KEY, DATABASE_URL and REDIS_URL" .Values.secrets.existingSecret }}
{{- end }}

{{/* The non-secret settings as `KEY: "value"` lines: the ConfigMap's data, and the migrations
job's env (a pre-install hook runs before the ConfigMap exists). Empty values are left out so
that the application's default applies. */}}
{{- define "entente.configData" -}}
DJANGO_SETTINGS_MODULE: entente.config.settings.production
ENTENTE_DOMAIN: {{ required "domain is required (the platform's bare domain)" .Values.domain | quote }}
ENTENTE_SCHEME: https
ENTENTE_MEDIA_ROOT: {{ .Values.media.mountPath | quote }}
PROMETHEUS_MULTIPROC_DIR: /tmp/entente-metrics
{{- range $key, $value := .Values.config }}
{{- if ne (toString $value) "" }}
{{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "entente.envFrom" -}}
- configMapRef:
    name: {{ include "entente.fullname" . }}
- secretRef:
    name: {{ include "entente.secretName" . }}
{{- end }}

{{- define "entente.podAnnotations" -}}
checksum/config: {{ include "entente.configData" . | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "entente.volumes" -}}
- name: tmp
  emptyDir: {}
- name: media
{{- if .Values.media.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.media.existingClaim }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}

{{- define "entente.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: media
  mountPath: {{ .Values.media.mountPath }}
{{- end }}

{{/* Spread a component's pods over nodes unless the values give an affinity of their own. */}}
{{- define "entente.placement" -}}
{{- $values := index .root.Values .component }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $values.affinity }}
affinity:
  {{- toYaml $values.affinity | nindent 2 }}
{{- else }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "entente.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end }}
