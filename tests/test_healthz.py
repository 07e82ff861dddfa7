import socket

import pytest
from django.db import OperationalError, connections


@pytest.fixture
def closed_port():
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_200_without_a_login_when_database_and_cache_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_healthz_is_never_cached(client, db):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_answers_head_but_refuses_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def refused():
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


LOCAL_MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}


def test_healthz_answers_503_when_the_database_does_not_answer(client, db, settings, monkeypatch):
    settings.CACHES = LOCAL_MEMORY_CACHE
    # Undone before the db fixture's teardown, which needs a working cursor to roll back.
    with monkeypatch.context() as patched:
        patched.setattr(connections["default"], "cursor", refused)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database does not answer\n"


def test_healthz_names_both_when_the_cache_lives_in_the_failing_database(
    client, db, settings, monkeypatch
):
    settings.CACHES = DATABASE_CACHE
    with monkeypatch.context() as patched:
        patched.setattr(connections["default"], "cursor", refused)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database and cache do not answer\n"


def test_healthz_answers_503_when_redis_does_not_answer(client, db, settings, closed_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"cache does not answer\n"


def test_healthz_answers_503_when_the_cache_table_was_never_created(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_table_nobody_created",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"cache does not answer\n"
