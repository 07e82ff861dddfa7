#!/bin/sh
# Starts Movie Ranking the way the image does: wait for the database, migrate, create the cache
# table, then replace this shell with gunicorn (so it receives the container's signals). It runs
# from a checkout too, with .venv/bin on PATH: CI starts it against the local services.
# Extra arguments go to gunicorn, e.g. `--log-level debug`.
set -eu
cd "$(dirname "$0")/.."

log() { echo "entrypoint: $*" >&2; }

log "waiting up to ${DB_WAIT_SECONDS:-60} s for the database"
python - <<'PY'
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "movieranking.settings")
django.setup()

from django.db import OperationalError, connection

give_up_at = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS") or 60)
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        # PostgreSQL refuses connections while its container initialises; that is not an error yet.
        if time.monotonic() > give_up_at:
            sys.exit(f"entrypoint: the database does not answer: {exc}")
        time.sleep(1)
PY

log "migrating"
python manage.py migrate --noinput
# Creates the table only for a database cache (the default CACHE_URL); with Redis it does nothing.
python manage.py createcachetable

bind="${BIND_ADDRESS:-0.0.0.0}:${PORT:-8000}"
workers="${WEB_CONCURRENCY:-2}"
threads="${GUNICORN_THREADS:-8}"
timeout="${GUNICORN_TIMEOUT:-60}"
log "starting gunicorn on ${bind} with ${workers} workers × ${threads} threads, ${timeout} s timeout"
# Heartbeat files in /dev/shm: on a container's overlay filesystem they can stall workers.
# No control socket: by default it lives in $HOME, which the image's user does not have, and
# two instances on one machine (CI beside a developer's) would fight over the same path.
exec gunicorn movieranking.wsgi \
    --bind "${bind}" \
    --workers "${workers}" \
    --threads "${threads}" \
    --timeout "${timeout}" \
    --worker-tmp-dir /dev/shm \
    --no-control-socket \
    --access-logfile - \
    "$@"
