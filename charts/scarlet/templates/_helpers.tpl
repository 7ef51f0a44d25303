{{- define "scarlet.name" -}}scarlet{{- end -}}

{{- define "scarlet.selectorLabels" -}}
app.kubernetes.io/name: scarlet
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "scarlet.labels" -}}
{{ include "scarlet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agent-platform
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "scarlet.image" -}}
{{- $tag := toString (.Values.image.tag | default "") -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail "image.tag is required and must not be \"latest\" (set platform.scarlet.tag)" -}}
{{- end -}}
{{ printf "%s:%s" .Values.image.repository $tag }}
{{- end -}}
