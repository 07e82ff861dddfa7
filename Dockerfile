# Movie Ranking behind gunicorn, static files collected at build time and served by whitenoise.
# `docker compose up` (compose.yaml) adds PostgreSQL and Redis; README "Docker" explains.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The dependencies alone first, read from pyproject.toml: this slow layer is rebuilt when they
# change, not on every change to the code.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

RUN groupadd --system --gid 10001 movieranking \
    && useradd --system --uid 10001 --gid movieranking --no-create-home --home-dir /nonexistent movieranking

COPY . .
# Settings refuse to load without a secret of 32 characters or more when DEBUG is off; this one
# signs nothing. The code stays root-owned and read-only to the app; only /app/data (SQLite,
# when used) is writable.
RUN SECRET_KEY=collectstatic-only-this-key-signs-nothing python manage.py collectstatic --noinput \
    && python -m compileall -q movieranking catalog rankings imports \
    && mkdir data \
    && chown movieranking:movieranking data

# SQLite in /app/data when no DATABASE_URL is given (mount a volume there to keep it).
ENV PORT=8000 \
    DATABASE_URL=sqlite:////app/data/db.sqlite3

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
