{#- Helpers shared by the templates: import with {% import "_helpers.tpl" as helpers %}. -#}

{#- The name of the release's objects: release name and chart name, at most 63 characters. -#}
{%- macro fullname(release, chart) -%}
{{ (release.name ~ "-" ~ chart.name) | trunc(63) | trimsuffix("-") }}
{%- endmacro -%}

{#- Labels that select the pods: never change them after the first install. -#}
{%- macro selector_labels(release, chart) -%}
app.kubernetes.io/name: {{ chart.name }}
app.kubernetes.io/instance: {{ release.name }}
{%- endmacro -%}

{#- Every label of the chart's objects. -#}
{%- macro labels(release, chart) -%}
{{ selector_labels(release, chart) }}
app.kubernetes.io/version: {{ chart.appVersion | quote }}
app.kubernetes.io/managed-by: kforge
{%- endmacro -%}
