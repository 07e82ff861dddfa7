"""How many database connections a match request holds, whatever the cache and however many
lookup threads it runs: its own, and no other."""

import threading
import uuid

import pytest
from django.db.backends.signals import connection_created
from django.test import Client

from catalog.models import CatalogPace
from catalog.tmdb import TMDBClient
from imports import matcher, views
from imports.models import ImportSession
from tests.imports.conftest import upload, v3_file

HX = {"HX-Request": "true"}
TITLES = ["Casablanca", "Alien", "Argo", "Avatar", "Birdman", "Boyhood", "Coraline", "Drive"]
TITLES += ["Fury", "Gravity", "Gladiator", "Her"]


@pytest.fixture
def tmdb(tmdb_settings, fake_tmdb, monkeypatch):
    client = TMDBClient.from_settings(sleep=lambda seconds: None, timeout=2)
    monkeypatch.setattr(views, "get_catalog", lambda: client)
    yield fake_tmdb
    client.close()


@pytest.fixture
def database_cache(settings):
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "KEY_PREFIX": f"connections-{uuid.uuid4().hex}",
        }
    }
    call_command("createcachetable", verbosity=0)
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture
def connections_opened():
    """The threads that opened a database connection while the test ran."""
    opened: list[str] = []

    def record(sender, connection, **kwargs):
        opened.append(threading.current_thread().name)

    connection_created.connect(record)
    yield opened
    connection_created.disconnect(record)


def _import_and_match(user) -> ImportSession:
    client = Client()
    client.force_login(user)
    rows = [(f"2024-05-{day:02d} 20:00:00.000", "Movie", t) for day, t in enumerate(TITLES, 1)]
    upload(client, v3_file(rows))
    session = ImportSession.objects.get(user=user)
    client.post(f"/settings/import/{session.pk}/match/", headers=HX)
    session.refresh_from_db()
    return session


# Outside a test transaction, so the rate limiter paces through the database as deployed.
@pytest.mark.django_db(transaction=True)
def test_a_match_request_with_the_database_cache_opens_no_connection_on_its_lookup_threads(
    alice, bob, tmdb, database_cache, connections_opened
):
    alices = _import_and_match(alice)

    assert alices.status == "reviewing"
    assert connections_opened == []
    # The lookups' answers were cached, and their requests paced, on the request's thread.
    assert tmdb.request_count >= len(TITLES)
    assert CatalogPace.objects.get().next_slot > 0

    tmdb.reset()
    bobs = _import_and_match(bob)

    assert bobs.status == "reviewing"
    assert connections_opened == []
    assert tmdb.request_count == 0


def test_while_other_imports_fill_the_rate_limits_queue_a_request_claims_fewer_titles(
    alice_client, alice, tmdb, monkeypatch, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"backlog-{uuid.uuid4()}",
        }
    }
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.5)
    tmdb.latency = 0.2
    rows = [(f"2024-05-{day:02d} 20:00:00.000", "Movie", t) for day, t in enumerate(TITLES, 1)]
    upload(alice_client, v3_file(rows))
    session = ImportSession.objects.get(user=alice)
    catalog = views.get_catalog()
    # Other people's imports have queued more requests than this one's whole budget.
    monkeypatch.setattr(catalog, "backlog", lambda: 10.0)

    alice_client.post(f"/settings/import/{session.pk}/match/", headers=HX)

    # One title at a time, each waiting on TMDB: claiming all twelve would have matched them.
    matched = session.items.exclude(match_status="pending").count()
    assert 1 <= matched <= 4
    assert not session.items.filter(claimed_until__isnull=False).exists()

    monkeypatch.setattr(catalog, "backlog", lambda: 0.0)
    alice_client.post(f"/settings/import/{session.pk}/match/", headers=HX)

    assert not session.items.filter(match_status="pending").exists()
