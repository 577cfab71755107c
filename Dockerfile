# One image for the three API services (catalogue, survey, auditions).
# The container picks its service from the SERVICE environment variable:
#   docker run -e SERVICE=catalogue -e CATALOGUE_DATABASE_URL=... -e AUTH_SECRET_KEY=... <image>
# It runs the service's Alembic migrations, then serves it with uvicorn on port 8000.
# Any command given to the container replaces that default (docker/entrypoint.sh), e.g.
#   docker compose run --rm catalogue iat-admin --help

# ---- build: install the project and its dependencies into a virtual environment ----
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
# Only what the wheel needs (hatchling reads README.md, declared as the project's readme).
COPY pyproject.toml README.md ./
COPY services ./services
RUN pip install --no-cache-dir .

# ---- runtime ----
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH"

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# Migrations run from here: alembic.ini's script locations are relative to it.
COPY alembic.ini ./
COPY alembic ./alembic
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/iat-entrypoint
# var/ only serves the SQLite fallback (no *_DATABASE_URL given); compose uses PostgreSQL.
RUN mkdir -p /app/var && chown app:app /app/var

USER app:app
EXPOSE 8000

# start-period leaves time for the migrations that run before uvicorn starts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

ENTRYPOINT ["/usr/local/bin/iat-entrypoint"]
