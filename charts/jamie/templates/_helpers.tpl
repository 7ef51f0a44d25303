{{- define "jamie.name" -}}jamie{{- end -}}

{{- define "jamie.selectorLabels" -}}
app.kubernetes.io/name: jamie
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "jamie.labels" -}}
{{ include "jamie.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agent-platform
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "jamie.image" -}}
{{- if or (not .Values.image.tag) (eq .Values.image.tag "latest") -}}
{{- fail "image.tag is required and must not be \"latest\" (set platform.jamie.tag)" -}}
{{- end -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}
