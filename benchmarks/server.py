"""The app as deployed, for the benchmarks: gunicorn workers on a fresh PostgreSQL database.

Everything listens on 127.0.0.1 only. The benchmark process configures Django on the same
database (to migrate and create users) and talks to gunicorn over HTTP.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"
SECRET_KEY = "benchmark-only-not-a-secret-0123456789abcdef"
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_postgres(name: str) -> str:
    """A new, empty database `name` (dropped first if a previous run left it)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def flush_redis() -> None:
    """Empty the benchmarks' own Redis database (13), so no run starts with cached answers."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def app_environment(database_url: str, cache_url: str, tmdb_url: str) -> dict[str, str]:
    from tests.fake_tmdb import FAKE_API_KEY

    return {
        "DJANGO_SETTINGS_MODULE": "movieranking.settings",
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "TMDB_API_KEY": FAKE_API_KEY,
        "TMDB_READ_ACCESS_TOKEN": "",
        "TMDB_API_URL": tmdb_url,
        "TMDB_MAX_RPS": "40",
        "LOG_LEVEL": "WARNING",
    }


def setup_django(environment: dict[str, str]) -> None:
    """Configure Django in this process on the app's database, migrated."""
    os.environ.update(environment)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def session_cookie(user) -> str:
    """A logged-in session for `user`, as the login form would have made it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore

    # The backend that logs people in: the lockout backend before it only refuses logins.
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    assert session.session_key is not None  # save() gave it one
    return session.session_key


@contextmanager
def gunicorn(environment: dict[str, str], *, workers: int = 4, threads: int = 8) -> Iterator[str]:
    """gunicorn serving the app on a free loopback port; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "movieranking.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--threads", str(threads), "--timeout", "30", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment})
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                sys.exit(f"gunicorn exited with {process.returncode}")
            try:
                httpx.get(f"{url}/accounts/login/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() - started > STARTUP_SECONDS:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
