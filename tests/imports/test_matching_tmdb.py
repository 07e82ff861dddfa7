"""Matching driven through the wizard against the fake TMDB server: slow, rate limited, failing.

Whatever TMDB does, every item ends matched, needs review or unmatched exactly once, no title
is fetched twice, progress never goes back, and a failure pauses matching with a message
instead of marking films unmatched.
"""

import contextvars
import itertools
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from catalog.interface import BadCredentials, CatalogUnavailable, RateLimited
from catalog.tmdb import TMDBClient
from imports import matcher, views
from imports.models import ImportItem, ImportSession
from tests.factories import RankingFactory
from tests.imports.conftest import upload, v3_file

HX = {"HX-Request": "true"}
TITLES = [
    "Casablanca",
    "Alien",
    "Argo",
    "Avatar",
    "Birdman",
    "Boyhood",
    "Coraline",
    "Drive",
    "Fury",
    "Gravity",
    "Gladiator",
    "Her",
]
PAUSED = "Matching is paused:"


@pytest.fixture(autouse=True)
def locmem_cache(request, settings):
    """A fresh in-memory cache per test.

    The lookups run on worker threads, which use their own database connections: with the
    database cache they would write outside the test's transaction (PostgreSQL keeps those rows
    for later tests; SQLite's in-memory test database refuses them). The tests at the end cover
    the database cache itself.
    """
    if "database_cache" in request.fixturenames:
        return
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"matching-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def catalog(tmdb_settings, monkeypatch):
    """The wizard's TMDB client, talking to the fake, with retry waits skipped and a short
    timeout."""
    client = TMDBClient.from_settings(sleep=lambda seconds: None, timeout=0.5)
    monkeypatch.setattr(views, "get_catalog", lambda: client)
    yield client
    client.close()


@pytest.fixture
def tmdb(catalog, fake_tmdb):
    """The fake TMDB server behind the wizard's catalog, to turn its knobs and read counters."""
    return fake_tmdb


@pytest.fixture
def small_batches(monkeypatch):
    """A few titles a request, so an import of a dozen takes several requests: at the
    catalog's 40 requests a second, two in 50 ms."""
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.05)


def _import(client, user, titles=TITLES) -> ImportSession:
    rows = [(f"2024-05-{day:02d} 20:00:00.000", "Movie", t) for day, t in enumerate(titles, 1)]
    upload(client, v3_file(rows))
    return ImportSession.objects.get(user=user, status="matching")


def _post(client, session) -> str:
    page = client.post(f"/settings/import/{session.pk}/match/", headers=HX).content.decode()
    session.refresh_from_db()
    return page


def _matches(session) -> dict[int, tuple]:
    """What matching stored, for every item it has finished with."""
    return {
        pk: (status, proposal and proposal["tmdb_id"], confidence)
        for pk, status, proposal, confidence in session.items.exclude(
            match_status="pending"
        ).values_list("pk", "match_status", "proposal", "confidence")
    }


def _match_all(client, session, *, max_posts=20) -> list[str]:
    """POST as the page does until matching ends, checking after each request that progress
    only moved forward: stored matches never change, return to pending or disappear."""
    pages: list[str] = []
    before: dict[int, tuple] = {}
    for _ in range(max_posts):
        pages.append(_post(client, session))
        after = _matches(session)
        assert after.items() >= before.items()
        before = after
        if session.status != "matching":
            return pages
    raise AssertionError("matching never finished")


def _searches(fake) -> Counter:
    return Counter(r.params["query"] for r in fake.requests_to("/3/search/movie"))


def _progress(page: str) -> tuple[int, int]:
    found = re.search(r"(\d+) of (\d+) films? matched", page)
    assert found, "the page shows no matching progress"
    return int(found[1]), int(found[2])


def _assert_matching_finished(session):
    """Every item ended matched, needs review or unmatched, and no claim is left behind."""
    statuses = set(session.items.values_list("match_status", flat=True))
    assert statuses and statuses <= {"matched", "needs_review", "unmatched"}
    assert not session.items.filter(claimed_until__isnull=False).exists()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Slow and rate-limited TMDB


def test_a_slow_tmdb_is_matched_over_several_requests_with_progress_moving_forward(
    alice_client, alice, tmdb, small_batches
):
    tmdb.latency = 0.05
    session = _import(alice_client, alice)

    pages = _match_all(alice_client, session)

    progress = [_progress(page) for page in pages[:-1]]
    assert len(progress) >= 2 and progress[0][0] > 0
    assert all(a[0] < b[0] for a, b in itertools.pairwise(progress))
    assert session.status == "reviewing" and '<h2 id="card-title"' in pages[-1]
    _assert_matching_finished(session)
    assert _searches(tmdb) == Counter(TITLES)


def test_a_short_429_storm_is_waited_out_within_the_request(alice_client, alice, tmdb):
    session = _import(alice_client, alice)
    tmdb.fail_next(4, status=429, retry_after=1)

    page = _post(alice_client, session)

    assert session.status == "reviewing" and PAUSED not in page
    _assert_matching_finished(session)
    assert set(_searches(tmdb)) == set(TITLES) and tmdb.request_count == len(TITLES) + 4


def test_a_long_429_storm_pauses_matching_and_it_resumes_once_tmdb_lets_us_in(
    alice_client, alice, tmdb
):
    session = _import(alice_client, alice)
    tmdb.max_rps = 2

    page = _post(alice_client, session)

    assert f"{PAUSED} {RateLimited.message}" in page and "Retry matching</button>" in page
    assert session.status == "matching"
    assert not session.items.filter(match_status="unmatched").exists()
    assert not session.items.filter(claimed_until__isnull=False).exists()
    matched_before = _matches(session)

    tmdb.max_rps = None
    pages = _match_all(alice_client, session)

    assert PAUSED not in pages[-1] and session.status == "reviewing"
    assert _matches(session).items() >= matched_before.items()
    _assert_matching_finished(session)
    # Every title was answered once; all other requests were refused with a 429 and retried.
    assert set(_searches(tmdb)) == set(TITLES)
    assert tmdb.request_count - tmdb.rate_limited_count == len(TITLES)


def test_server_errors_are_retried_without_losing_or_repeating_a_title(alice_client, alice, tmdb):
    session = _import(alice_client, alice)
    tmdb.fail_next(3, status=503)

    page = _post(alice_client, session)

    assert session.status == "reviewing" and PAUSED not in page
    _assert_matching_finished(session)
    assert set(_searches(tmdb)) == set(TITLES) and tmdb.request_count == len(TITLES) + 3


# TMDB failing


@pytest.mark.parametrize(
    ("break_tmdb", "message"),
    [
        (lambda fake: fake.fail_next(1000, status=503), "TMDB is not responding (answered 503)."),
        (lambda fake: fake.fail_next(1000, status=401), BadCredentials.message),
        (lambda fake: fake.timeout_next(1000), "TMDB is not responding (request timed out)."),
    ],
    ids=["server-errors", "rejected-key", "timeouts"],
)
def test_a_failing_tmdb_pauses_matching_keeps_what_was_matched_and_resumes_after_recovery(
    alice_client, alice, tmdb, small_batches, break_tmdb, message
):
    session = _import(alice_client, alice)
    _post(alice_client, session)
    matched_before = _matches(session)
    assert 0 < len(matched_before) < len(TITLES)
    still_to_match = list(session.items.to_match().values_list("clean_title", flat=True))

    break_tmdb(tmdb)
    page = _post(alice_client, session)

    assert f"{PAUSED} {message}" in page and "Nothing was lost" in page
    assert "Retry matching</button>" in page
    assert _progress(page) == (len(matched_before), len(TITLES))
    assert _matches(session) == matched_before
    assert not session.items.filter(claimed_until__isnull=False).exists()

    tmdb.reset()
    pages = _match_all(alice_client, session)

    assert PAUSED not in pages[-1] and session.status == "reviewing"
    assert _matches(session).items() >= matched_before.items()
    _assert_matching_finished(session)
    assert _searches(tmdb) == Counter(still_to_match)


def test_a_tmdb_slower_than_the_requests_deadline_ends_the_request_and_the_next_carries_on(
    alice_client, alice, tmdb, monkeypatch
):
    monkeypatch.setattr(matcher, "LOOKUP_GRACE_SECONDS", 0.2)
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.1)
    session = _import(alice_client, alice)
    tmdb.latency = 1.0

    page = _post(alice_client, session)

    # Waiting the 1 s TMDB takes would have matched every title.
    assert PAUSED not in page and session.status == "matching"
    assert _matches(session) == {}
    assert not session.items.filter(claimed_until__isnull=False).exists()

    tmdb.latency = 0
    _match_all(alice_client, session)

    _assert_matching_finished(session)
    assert session.status == "reviewing"


def test_identical_clean_titles_are_one_item_looked_up_once(alice_client, alice, tmdb):
    session = _import(alice_client, alice, ["Amélie [OV]", "Amélie", "Argo"])

    _post(alice_client, session)

    assert _searches(tmdb) == {"Amélie": 1, "Argo": 1}
    proposals = {i.prime_title: (i.proposal["title"], len(i.watched)) for i in session.items.all()}
    assert proposals == {"Amélie": ("Amélie", 2), "Argo": ("Argo", 1)}


# Localized exporter files

LOCALIZED_FILES = {
    "de": "Datum angesehen,Typ,Titel,Folge\n"
    '2025-03-14,Film,"Die Verurteilten",\n'
    '2025-03-10,Serie,"Babylon Berlin","Folge 1"\n'
    '2025-02-20,Film,"Der Pate [dt./OV]",\n'
    '2025-01-05,Film,"Ziemlich beste Freunde",\n',
    "fr": "Date regardée,Type,Titre,Épisode\n"
    '2025-03-14,Film,"Les Évadés",\n'
    '2025-03-10,Série,"Le Bureau des légendes","Épisode 1: Jour 1"\n'
    '2025-02-20,Film,"Le Parrain",\n'
    '2025-01-05,Film,"Intouchables",\n',
}


@pytest.mark.parametrize("language", LOCALIZED_FILES)
def test_a_localized_exporter_file_is_matched_in_its_language_to_the_catalogs_films(
    alice_client, alice, tmdb, language
):
    upload(alice_client, LOCALIZED_FILES[language].encode())
    session = ImportSession.objects.get(user=alice, status="matching")

    _match_all(alice_client, session)

    proposals = {
        item.proposal["title"]: (item.match_status, item.band)
        for item in session.items.order_by("position")
    }
    assert proposals == {
        "The Shawshank Redemption": ("matched", "High"),
        "The Godfather": ("matched", "High"),
        "The Intouchables": ("matched", "High"),
    }
    languages = {r.params.get("language") for r in tmdb.requests_to("/3/search/movie")}
    assert languages == {None, language}
    card = alice_client.get(f"/settings/import/{session.pk}/").content.decode()
    prime_title = "Die Verurteilten" if language == "de" else "Les Évadés"
    assert prime_title in card and "The Shawshank Redemption" in card


@pytest.mark.django_db(transaction=True)
def test_a_localized_import_claims_titles_for_two_searches_each(
    alice, tmdb, catalog, settings, monkeypatch
):
    settings.TMDB_MAX_RPS = 10
    slow = TMDBClient.from_settings(sleep=lambda seconds: None, timeout=0.5)
    rows = "".join(f'2025-01-{day:02d},Film,"{title}",\n' for day, title in enumerate(TITLES, 1))
    upload(_client(alice), f"Datum angesehen,Typ,Titel,Folge\n{rows}".encode())
    session = ImportSession.objects.get(user=alice, status="matching", language="de")
    searching, answer = threading.Event(), threading.Event()
    search = slow.search

    def held_search(title, year=None, *, language=None):
        searching.set()
        assert answer.wait(5)
        return search(title, year, language=language)

    monkeypatch.setattr(slow, "search", held_search)
    batch = threading.Thread(target=_match_batch_in_thread, args=(session, slow, 1.0))
    batch.start()
    try:
        assert searching.wait(5), "the batch never searched"
        claimed = session.items.filter(claimed_until__isnull=False).count()
    finally:
        answer.set()
        batch.join(10)

    slow.close()
    # 10 requests a second (9.7 with the limiter's headroom) for 1 s, two per title.
    assert claimed == 5


def test_the_cards_search_finds_a_film_by_its_localized_title(alice_client, alice, tmdb):
    upload(alice_client, LOCALIZED_FILES["de"].encode())
    session = ImportSession.objects.get(user=alice, status="matching")
    _match_all(alice_client, session)
    item = session.items.order_by("position").first()

    page = alice_client.get(
        f"/settings/import/{session.pk}/items/{item.pk}/search/", {"q": "Die Verurteilten"}
    )

    assert "The Shawshank Redemption" in page.content.decode()


# Concurrent requests: real transactions, each thread on its own database connection


# Which browser tab a request comes from. The lookup threads run in a copy of their request's
# context (the catalog deadline travels the same way), so a search knows its tab.
_tab: contextvars.ContextVar[str] = contextvars.ContextVar("tab", default="")


@pytest.fixture
def searches_by_tab(catalog, monkeypatch) -> dict[str, list[str]]:
    """The titles each tab's requests searched the catalog for."""
    searched: dict[str, list[str]] = defaultdict(list)
    search = catalog.search

    def recording_search(title, year=None, *, language=None):
        searched[_tab.get()].append(title)
        return search(title, year, language=language)

    monkeypatch.setattr(catalog, "search", recording_search)
    return searched


@pytest.fixture
def matched_by_tab(monkeypatch) -> dict[str, list[str]]:
    """The titles each tab's requests stored a match for."""
    matched: dict[str, list[str]] = defaultdict(list)
    store = matcher._store_matches

    def recording_store(session, arrived, ranked):
        matched[_tab.get()].extend(item.prime_title for item, _ in arrived)
        return store(session, arrived, ranked)

    monkeypatch.setattr(matcher, "_store_matches", recording_store)
    return matched


def _in_tab(name: str, client, pk: int) -> None:
    _tab.set(name)
    _post_in_thread(client, pk)


def _match_batch_in_thread(session, catalog, budget: float) -> None:
    try:
        matcher.match_batch(session=session, catalog=catalog, budget=budget)
    finally:
        connections.close_all()


@pytest.fixture
def shared_database():
    """Skip where the test database cannot take writes from two connections at once.

    Django's SQLite test database lives in memory in shared-cache mode, where overlapping
    write transactions fail at once with "database table is locked" instead of waiting as they
    do on the SQLite file the app really uses (busy timeout). PostgreSQL runs these.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs a database file or server: the in-memory SQLite test database")


def _post_in_thread(client, pk: int) -> None:
    try:
        client.post(f"/settings/import/{pk}/match/", headers=HX)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_match_request_made_while_another_waits_for_tmdb_takes_other_items(
    alice, tmdb, catalog, small_batches, searches_by_tab, monkeypatch
):
    session = _import(_client(alice), alice)
    first_tab_searching, answer_first_tab = threading.Event(), threading.Event()
    search = catalog.search

    def search_holding_the_first_tab(title, year=None, *, language=None):
        if _tab.get() == "first-tab":
            first_tab_searching.set()
            assert answer_first_tab.wait(5)
        return search(title, year, language=language)

    monkeypatch.setattr(catalog, "search", search_holding_the_first_tab)
    first_tab = threading.Thread(target=_in_tab, args=("first-tab", _client(alice), session.pk))
    first_tab.start()
    try:
        assert first_tab_searching.wait(5), "the first tab never searched"
        token = _tab.set("second-tab")
        page = _post(_client(alice), session)
        _tab.reset(token)
    finally:
        answer_first_tab.set()
        first_tab.join(10)

    first, second = set(searches_by_tab["first-tab"]), set(searches_by_tab["second-tab"])
    assert first and second and not first & second
    # What the second tab asked for and could start within its budget is matched; the rest
    # waits for the next request.
    assert 0 < _progress(page)[0] <= len(second)
    _match_all(_client(alice), session)
    _assert_matching_finished(session)
    assert _searches(tmdb) == Counter(TITLES)


@pytest.mark.django_db(transaction=True)
def test_two_match_requests_at_the_same_instant_never_take_the_same_item(
    alice, tmdb, small_batches, matched_by_tab, shared_database, database_cache
):
    tmdb.latency = 0.05
    session = _import(_client(alice), alice)
    together = threading.Barrier(2)
    errors = []

    def tab(name, client):
        _tab.set(name)
        try:
            together.wait(timeout=5)
            for _ in range(50):
                client.post(f"/settings/import/{session.pk}/match/", headers=HX)
                if ImportSession.objects.get(pk=session.pk).status != "matching":
                    return
                time.sleep(0.05)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    tabs = [threading.Thread(target=tab, args=(f"tab-{n}", _client(alice))) for n in (1, 2)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(30)

    assert not errors
    # A title whose lookup a tab could not start in time (a busy machine) is left for the
    # other: each is matched by one tab, and searched on TMDB once.
    first, second = matched_by_tab["tab-1"], matched_by_tab["tab-2"]
    assert first and second and not set(first) & set(second)
    assert sorted(first + second) == sorted(TITLES)
    _assert_matching_finished(session)
    assert _searches(tmdb) == Counter(TITLES)


def test_an_answer_arriving_after_another_title_failed_is_stored_not_searched_again(
    alice_client, alice, tmdb, catalog, monkeypatch
):
    session = _import(alice_client, alice, ["Fury", "Gravity"])
    gravity_failed = threading.Event()
    search = catalog.search

    def search_failing_gravity_while_fury_is_on_its_way(title, year=None, *, language=None):
        if title == "Gravity":
            gravity_failed.set()
            raise CatalogUnavailable("TMDB is not responding (answered 503).")
        assert gravity_failed.wait(5)
        return search(title, year, language=language)

    monkeypatch.setattr(catalog, "search", search_failing_gravity_while_fury_is_on_its_way)
    page = _post(alice_client, session)

    assert f"{PAUSED} TMDB is not responding (answered 503)." in page
    assert list(session.items.to_match().values_list("prime_title", flat=True)) == ["Gravity"]
    assert session.items.get(prime_title="Fury").match_status == "matched"
    monkeypatch.setattr(catalog, "search", search)
    _match_all(alice_client, session)
    _assert_matching_finished(session)
    assert _searches(tmdb) == Counter(["Fury", "Gravity"])


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_claim_ran_out_does_not_store_over_the_one_that_took_over(
    alice, tmdb, monkeypatch
):
    session = _import(_client(alice), alice, ["Casablanca"])
    casablanca = tmdb.find("Casablanca")
    # Ranked in another tab after the upload: matching finds it already ranked and counts it.
    RankingFactory(
        user=alice,
        movie__title="Casablanca",
        movie__tmdb_id=casablanca["id"],
        movie__imdb_id=casablanca["imdb_id"],
    )
    monkeypatch.setattr(matcher, "CLAIM_LEASE", timedelta(seconds=0.1))
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.05)
    tmdb.latency = 0.3

    slow = threading.Thread(target=_post_in_thread, args=(_client(alice), session.pk))
    slow.start()
    time.sleep(0.2)  # the slow request's lease runs out while TMDB is still answering it
    _post(_client(alice), session)
    slow.join()

    session.refresh_from_db()
    assert session.already_ranked == 1
    assert session.items.get().decision == ImportItem.Decision.ALREADY_RANKED
    _assert_matching_finished(session)


# The database cache, as deployed: written and read by the lookup threads


@pytest.fixture
def database_cache(settings):
    from django.core.management import call_command

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    yield caches["default"]
    # The cache table is not flushed between tests: leave no TMDB answers for later ones.
    caches["default"].clear()


def _open_connections() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_lookup_thread_fills_and_reuses_the_database_cache_and_closes_its_connection(
    alice, bob, tmdb, database_cache, caplog
):
    # One title, so one lookup thread: the in-memory SQLite test database cannot take several
    # writing at once (see `shared_database`); the test above runs many on PostgreSQL.
    connections_before = _open_connections()
    alices = _import(_client(alice), alice, ["Casablanca"])
    _post(_client(alice), alices)

    _assert_matching_finished(alices)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache")
        assert cursor.fetchone()[0] == 1

    tmdb.reset()
    bobs = _import(_client(bob), bob, ["Casablanca"])
    _post(_client(bob), bobs)

    _assert_matching_finished(bobs)
    assert tmdb.request_count == 0
    assert not [r for r in caplog.records if "cache" in r.getMessage()]
    assert _open_connections() == connections_before


# The page's second lane of match requests


def _helper(client, session, **extra):
    return client.post(f"/settings/import/{session.pk}/match/helper/", **{"headers": HX, **extra})


def test_with_tmdb_the_wizard_page_sends_match_requests_in_a_second_lane(alice, tmdb):
    session = _import(_client(alice), alice)

    page = _client(alice).get(f"/settings/import/{session.pk}/").content.decode()

    assert re.search(
        rf'id="matching-helper" hidden hx-post="/settings/import/{session.pk}/match/helper/" '
        r'hx-trigger="load delay:1250ms"',
        page,
    )
    assert "Matching progress" in page


def test_with_the_offline_catalog_the_page_has_one_lane(alice_client, alice, sample_file, settings):
    settings.TMDB_API_KEY = settings.TMDB_READ_ACCESS_TOKEN = ""
    upload(alice_client, sample_file)
    session = ImportSession.objects.get(user=alice)

    page = alice_client.get(f"/settings/import/{session.pk}/").content.decode()

    assert "matching-helper" not in page and "Matching progress" in page


def test_the_second_lane_matches_titles_and_asks_again_while_titles_are_left(
    alice, tmdb, small_batches
):
    session = _import(_client(alice), alice)

    answer = _helper(_client(alice), session).content.decode()

    matched = session.items.exclude(match_status="pending").count()
    assert 0 < matched < len(TITLES)
    assert 'id="matching-helper"' in answer and 'hx-trigger="load delay:50ms"' in answer
    # It shows nothing: the progress bar and the review are the first lane's.
    assert "Matching progress" not in answer


def test_the_second_lane_stops_when_the_first_holds_every_title_left(alice, tmdb):
    session = _import(_client(alice), alice)
    session.items.update(claimed_until=timezone.now() + timedelta(seconds=30))

    answer = _helper(_client(alice), session)

    assert answer.status_code == 200 and answer.content == b""
    assert tmdb.request_count == 0


def test_the_second_lane_stands_aside_while_another_person_is_matching(alice, bob, tmdb):
    _import(_client(bob), bob)
    session = _import(_client(alice), alice)

    answer = _helper(_client(alice), session)

    assert answer.content == b""
    assert not session.items.exclude(match_status="pending").exists()


def test_a_matching_page_left_alone_for_a_while_does_not_count_as_matching(alice, bob, tmdb):
    bobs = _import(_client(bob), bob)
    ImportSession.objects.filter(pk=bobs.pk).update(
        last_activity=timezone.now() - timedelta(seconds=16)
    )
    session = _import(_client(alice), alice)

    _helper(_client(alice), session)

    assert session.items.exclude(match_status="pending").exists()


def test_the_second_lane_stops_once_matching_is_over(alice, tmdb):
    session = _import(_client(alice), alice)
    _match_all(_client(alice), session)

    assert _helper(_client(alice), session).content == b""


def test_the_second_lane_is_post_only_csrf_protected_and_private(alice, bob, tmdb, client):
    session = _import(_client(alice), alice)
    url = f"/settings/import/{session.pk}/match/helper/"

    assert client.post(url, headers=HX).status_code == 302  # anonymous: to the login page
    assert _client(alice).get(url, headers=HX).status_code == 405
    assert _helper(_client(bob), session).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url, headers=HX).status_code == 403
    # Without htmx (no page would send one) it answers with the wizard.
    assert _client(alice).post(url).headers["Location"] == f"/settings/import/{session.pk}/"
    assert not session.items.exclude(match_status="pending").exists()


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_last_titles_another_holds_ends_matching_once_they_are_stored(alice, tmdb):
    session = _import(_client(alice), alice)
    lease = timezone.now() + timedelta(seconds=30)
    session.items.update(claimed_until=lease)

    def the_other_lane_stores_them():
        time.sleep(0.3)
        session.items.update(match_status="unmatched", claimed_until=None)
        connections.close_all()

    other = threading.Thread(target=the_other_lane_stores_them)
    other.start()
    started = time.monotonic()
    page = _post(_client(alice), session)
    other.join()

    assert session.status == "reviewing"
    assert time.monotonic() - started < matcher.MATCH_BUDGET_SECONDS
    assert "Matching progress" not in page


@pytest.mark.django_db(transaction=True)
def test_a_request_waiting_on_another_takes_over_the_titles_it_lets_go(alice, tmdb):
    session = _import(_client(alice), alice)
    session.items.update(claimed_until=timezone.now() + timedelta(seconds=30))

    def the_other_request_gives_up():
        time.sleep(0.3)
        session.items.update(claimed_until=None)
        connections.close_all()

    other = threading.Thread(target=the_other_request_gives_up)
    other.start()
    _post(_client(alice), session)
    other.join()

    assert session.status == "reviewing"
    _assert_matching_finished(session)
    assert _searches(tmdb) == Counter(TITLES)


def test_while_matching_is_paused_the_second_lane_neither_shows_nor_matches(alice, tmdb):
    session = _import(_client(alice), alice)
    ImportSession.objects.filter(pk=session.pk).update(matching_error="TMDB is not responding.")

    page = _client(alice).get(f"/settings/import/{session.pk}/").content.decode()
    answer = _helper(_client(alice), session)

    assert "matching-helper" not in page and PAUSED in page
    assert answer.content == b"" and tmdb.request_count == 0
