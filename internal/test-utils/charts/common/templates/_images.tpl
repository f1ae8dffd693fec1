{{/*
The image reference of an `image:` map ({registry, repository, tag, digest}), as most charts
build it: global.imageRegistry wins over the map's registry; the tag defaults to the chart's
appVersion; a digest, when set, replaces the tag.
Usage: include "common.image" (dict "image" .Values.image "global" .Values.global "chart" .Chart)
*/}}
{{- define "common.image" -}}
{{- $registry := "" -}}
{{- if .global -}}{{- $registry = .global.imageRegistry | default "" -}}{{- end -}}
{{- $registry = $registry | default .image.registry | default "" -}}
{{- $name := .image.repository -}}
{{- if $registry -}}{{- $name = printf "%s/%s" $registry .image.repository -}}{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $name .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (.image.tag | default .chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}
