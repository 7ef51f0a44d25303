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
{{- $tag := toString (.Values.image.tag | default "") -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail "image.tag is required and must not be \"latest\" (set platform.jamie.tag)" -}}
{{- end -}}
{{ printf "%s:%s" .Values.image.repository $tag }}
{{- end -}}
