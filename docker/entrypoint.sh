#!/bin/sh
# Container entrypoint of the API image (see Dockerfile).
# Without arguments: migrate the database of $SERVICE, then serve it on port 8000.
# With arguments: run them instead (one-off commands, e.g. `iat-admin migrate --service accounts`).
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

case "${SERVICE:-}" in
    catalogue | survey | auditions) ;;
    *)
        echo "entrypoint: SERVICE must be catalogue, survey or auditions (got '${SERVICE:-}')" >&2
        exit 64
        ;;
esac

iat-admin migrate --service "$SERVICE"
exec uvicorn --factory "services.${SERVICE}.app:create_app" \
    --host 0.0.0.0 --port 8000 --proxy-headers
