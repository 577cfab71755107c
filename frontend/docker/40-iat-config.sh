#!/bin/sh
# Writes the front end's runtime config.json from the environment, at container start.
# Run by the nginx image's entrypoint (it runs /docker-entrypoint.d/*.sh before nginx).
#
#   CATALOGUE_PUBLIC_URL, SURVEY_PUBLIC_URL, AUDITIONS_PUBLIC_URL: the APIs' addresses as the
#   visitors' browsers reach them (http:// or https://, no quotes, spaces or semicolons:
#   they also go into the Content-Security-Policy header).
set -eu

target="${IAT_CONFIG_PATH:-/usr/share/nginx/html/config.json}"

public_url() {
    name="$1"
    eval "value=\${$name:-}"
    # shellcheck disable=SC2154  # set by eval above
    if ! printf '%s' "$value" | grep -Eq '^https?://[A-Za-z0-9._~%:@/+-]+$'; then
        echo "40-iat-config.sh: $name must be an http(s) address, got '$value'" >&2
        exit 1
    fi
    printf '%s' "${value%/}"
}

catalogue=$(public_url CATALOGUE_PUBLIC_URL)
survey=$(public_url SURVEY_PUBLIC_URL)
auditions=$(public_url AUDITIONS_PUBLIC_URL)

printf '{"catalogue_url": "%s", "survey_url": "%s", "auditions_url": "%s"}\n' \
    "$catalogue" "$survey" "$auditions" > "$target.tmp"
mv "$target.tmp" "$target"
echo "40-iat-config.sh: wrote $target"
