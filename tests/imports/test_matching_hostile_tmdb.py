"""The wizard's matching against a TMDB that answers badly: unreadable, lying or dripping.

Whatever arrives, the match request answers in time with the page (paused with a message when
TMDB is at fault), never a 500, and matching carries on once TMDB is itself again.
"""

import time
import uuid

import pytest

from catalog.tmdb import TMDBClient
from imports import matcher, views
from imports.models import ImportSession
from tests.fake_tmdb import FAKE_API_KEY
from tests.imports.conftest import upload, v3_file

HX = {"HX-Request": "true"}
TITLES = ["Casablanca", "Alien", "Argo", "Avatar", "Birdman", "Boyhood"]
PAUSED_UNREADABLE = "Matching is paused: TMDB sent an answer we could not read."


@pytest.fixture(autouse=True)
def locmem_cache(settings):
    """An in-memory cache: the lookup threads would write the database cache outside the
    test's transaction."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"hostile-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def tmdb(tmdb_settings, fake_tmdb, monkeypatch):
    """The fake TMDB behind the wizard's catalog, with retry waits skipped."""
    client = TMDBClient.from_settings(sleep=lambda seconds: None, timeout=0.5)
    monkeypatch.setattr(views, "get_catalog", lambda: client)
    yield fake_tmdb
    client.close()


def _import(client, user) -> ImportSession:
    rows = [(f"2024-05-{day:02d} 20:00:00.000", "Movie", t) for day, t in enumerate(TITLES, 1)]
    upload(client, v3_file(rows))
    return ImportSession.objects.get(user=user, status="matching")


def _post(client, session):
    response = client.post(f"/settings/import/{session.pk}/match/", headers=HX)
    session.refresh_from_db()
    return response


def _match_all(client, session) -> None:
    for _ in range(10):
        _post(client, session)
        if session.status != "matching":
            return
    raise AssertionError("matching never finished")


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda fake: fake.corrupt_next(100, id="abc"), id="a film id of abc"),
        pytest.param(lambda fake: fake.gzip_lie_next(100), id="gzip label on a plain body"),
        pytest.param(lambda fake: fake.nest_next(100), id="nested 100,000 deep"),
    ],
)
def test_an_unreadable_tmdb_answer_pauses_matching_and_it_resumes_once_tmdb_recovers(
    alice_client, alice, tmdb, settings, spoil
):
    settings.DEBUG = True
    session = _import(alice_client, alice)
    spoil(tmdb)

    response = _post(alice_client, session)

    page = response.content.decode()
    assert response.status_code == 200
    assert PAUSED_UNREADABLE in page and "Retry matching</button>" in page
    assert FAKE_API_KEY not in page
    assert session.status == "matching"
    assert not session.items.exclude(match_status="pending").exists()
    assert not session.items.filter(claimed_until__isnull=False).exists()

    tmdb.reset()
    _match_all(alice_client, session)

    assert session.status == "reviewing"
    assert not session.items.filter(match_status="pending").exists()
    proposals = session.items.exclude(proposal=None).values_list("proposal", flat=True)
    assert all(isinstance(proposal["tmdb_id"], int) for proposal in proposals)


def test_a_tmdb_sending_a_byte_at_a_time_cannot_hold_a_match_request_past_its_deadline(
    alice_client, alice, tmdb, monkeypatch
):
    # Scaled down from 2.5 s + 10 s: each byte comes well inside the read timeout.
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.3)
    monkeypatch.setattr(matcher, "LOOKUP_GRACE_SECONDS", 0.7)
    session = _import(alice_client, alice)
    tmdb.drip_next(100, interval=0.1)
    started = time.monotonic()

    response = _post(alice_client, session)

    assert time.monotonic() - started < 0.3 + 0.7 + 1.0
    assert response.status_code == 200
    assert "films matched" in response.content.decode()
    assert not session.items.exclude(match_status="pending").exists()
    assert not session.items.filter(claimed_until__isnull=False).exists()

    tmdb.reset()
    _match_all(alice_client, session)

    assert session.status == "reviewing"
