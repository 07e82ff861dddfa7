"""The TMDB client against the fake TMDB server: real HTTP on 127.0.0.1, nothing mocked."""

import base64
import contextlib
import contextvars
import logging
import pickle
import queue
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial

import pytest
from django.core.cache import caches
from django.db import connection
from django.views.debug import ExceptionReporter

from rankings import tmdb
from rankings.catalog import (
    BadCredentials,
    CatalogError,
    CatalogUnavailable,
    NotFound,
    OutOfTime,
    RateLimited,
    deadline,
    get_catalog,
    storage_thread,
)
from rankings.models import CatalogPace
from rankings.tmdb import MalformedAnswer, RateLimiter, TMDBClient
from tests.fake_tmdb import FAKE_API_KEY, FAKE_READ_ACCESS_TOKEN

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def sleeps() -> list[float]:
    """What the client asked to sleep for between retries (it does not actually wait)."""
    return []


@pytest.fixture
def client(tmdb_settings, sleeps):
    with TMDBClient.from_settings(sleep=sleeps.append, timeout=0.3) as client:
        yield client


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def busiest_second(times: list[float]) -> int:
    """The most of these times in any 1-second window."""
    times = sorted(times)
    return max(
        sum(1 for later in times[i:] if later - start < 1.0) for i, start in enumerate(times)
    )


class RecordingLimiter(RateLimiter):
    """A limiter that notes when each request it lets go leaves, shared by its copies."""

    def __init__(self, *args, starts: list[float], **kwargs):
        super().__init__(*args, **kwargs)
        self.starts = starts

    def wait(self, max_wait: float | None = None) -> bool:
        went = super().wait(max_wait)
        if went:
            self.starts.append(time.monotonic())
        return went


# Measured where the requests leave: the fake counts them as its threads get to them, which
# a busy machine delays and bunches. Its cap has some room above the client's for that.
FAKE_CAP_ROOM = 1.2


# Auth


def test_it_sends_the_api_key_as_a_query_parameter(client, fake_tmdb):
    client.search("Casablanca")

    (request,) = fake_tmdb.received
    assert request.params["api_key"] == FAKE_API_KEY
    assert "Authorization" not in request.headers


def test_it_prefers_a_bearer_header_when_a_read_access_token_is_configured(
    tmdb_settings, fake_tmdb
):
    tmdb_settings.TMDB_READ_ACCESS_TOKEN = FAKE_READ_ACCESS_TOKEN

    with TMDBClient.from_settings() as client:
        client.search("Casablanca")

    (request,) = fake_tmdb.received
    assert request.headers["Authorization"] == f"Bearer {FAKE_READ_ACCESS_TOKEN}"
    assert "api_key" not in request.params


def test_a_rejected_key_raises_bad_credentials_without_retrying(tmdb_settings, fake_tmdb):
    with (
        TMDBClient.from_settings(api_key="not-the-right-key") as client,
        pytest.raises(BadCredentials) as error,
    ):
        client.search("Casablanca")

    assert "401" in error.value.message
    assert "not-the-right-key" not in str(error.value)
    assert fake_tmdb.request_count == 1


def test_get_catalog_returns_the_tmdb_client_when_a_key_is_set(tmdb_settings):
    catalog = get_catalog()

    assert isinstance(catalog, TMDBClient)
    assert catalog.name == "TMDB"
    assert "TMDB" in catalog.describe()


# What comes back


def test_search_returns_remakes_with_their_years_and_posters(client):
    results = client.search("Halloween")

    years = [movie.year for movie in results if movie.title == "Halloween"]
    assert sorted(years) == [1978, 2007, 2018]
    original = next(movie for movie in results if movie.year == 1978)
    assert original.release_date.year == 1978
    assert original.poster_url.startswith("https://image.tmdb.org/t/p/w185/")
    assert original.genres == ("Horror", "Thriller", "Mystery", "Drama", "Crime")


def test_search_passes_the_year_to_tmdb(client, fake_tmdb):
    results = client.search("Hamlet", 1990)

    assert [(movie.title, movie.year) for movie in results] == [("Hamlet", 1990)]
    assert fake_tmdb.received[0].params["year"] == "1990"


def test_a_film_without_release_date_or_poster_has_none_and_empty(client, fake_tmdb):
    undated = next(m for m in fake_tmdb.movies.values() if m["imdb_id"] == "tt1964758")

    movie = client.get(str(undated["id"]))

    assert movie.release_date is None
    assert movie.year is None
    assert movie.poster_url == ""


def test_get_returns_details_and_alternative_titles_in_one_request(client, fake_tmdb):
    anatomy = fake_tmdb.find("Anatomy of a Fall")

    movie = client.get(str(anatomy["id"]))

    assert movie.tmdb_id == anatomy["id"]
    assert movie.original_title == "Anatomie d'une chute"
    assert movie.release_date == date(2023, 8, 23)
    assert movie.imdb_id == "tt17009710"
    assert movie.runtime == 152
    assert "Drama" in movie.genres
    assert "Anatomie eines Falls" in movie.alternative_titles
    (request,) = fake_tmdb.received
    assert request.params["append_to_response"] == "alternative_titles"


def test_an_unknown_movie_id_raises_not_found(client, fake_tmdb):
    with pytest.raises(NotFound):
        client.get("1")
    with pytest.raises(NotFound):
        client.get("tt0111161")

    assert fake_tmdb.request_count == 1


def test_a_search_with_a_language_returns_the_localized_title(client, fake_tmdb):
    by_german_title = client.search("Die Verurteilten", language="de-DE")
    by_english_title = client.search("The Shawshank Redemption", language="de-DE")

    assert by_german_title[0].title == "Die Verurteilten"
    assert by_german_title[0].original_title == "The Shawshank Redemption"
    assert by_english_title[0].title == "Die Verurteilten"
    assert fake_tmdb.received[0].params["language"] == "de-DE"


def test_a_search_without_language_returns_the_english_title(client):
    results = client.search("Die Verurteilten")

    assert results[0].title == "The Shawshank Redemption"


def test_an_empty_title_makes_no_request(client, fake_tmdb):
    assert client.search("  ") == []
    assert fake_tmdb.request_count == 0


# Cache


def test_a_second_identical_search_is_served_from_the_cache(client, fake_tmdb):
    first = client.search("The Matrix")
    again = client.search("the  matrix")

    assert again == first
    assert fake_tmdb.request_count == 1


def test_a_different_year_or_language_is_a_different_cache_entry(client, fake_tmdb):
    client.search("Hamlet")
    client.search("Hamlet", 1996)
    client.search("Hamlet", language="de-DE")

    assert fake_tmdb.request_count == 3


def test_get_results_are_cached(client, fake_tmdb):
    movie_id = str(fake_tmdb.find("Inception")["id"])

    assert client.get(movie_id) == client.get(movie_id)
    assert fake_tmdb.request_count == 1


def test_the_api_key_appears_in_no_cache_key_or_value(client, fake_tmdb):
    client.search("Pulp Fiction")
    client.get(str(fake_tmdb.find("Pulp Fiction")["id"]))

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM django_cache")
        rows = cursor.fetchall()
    assert len(rows) == 2
    for cache_key, value in rows:
        assert FAKE_API_KEY not in cache_key
        assert FAKE_API_KEY not in repr(pickle.loads(base64.b64decode(value)))


def test_a_broken_cache_does_not_break_lookups(tmdb_settings, fake_tmdb, caplog):
    tmdb_settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    with TMDBClient.from_settings() as client:
        results = client.search("Casablanca")

    assert results[0].title == "Casablanca"
    assert "TMDB cache read failed" in caplog.text
    assert "Redis rate limiter unavailable" in caplog.text


# Retries


def test_a_429_is_retried_after_its_retry_after(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(1, status=429, retry_after=3)

    assert client.search("Casablanca")[0].title == "Casablanca"
    assert sleeps == [3.0]
    assert fake_tmdb.request_count == 2


def test_a_429_without_retry_after_waits_a_default_of_two_seconds(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(1, status=429)

    assert client.search("Casablanca")
    assert sleeps == [2.0]


def test_a_retry_after_of_zero_still_waits_one_second(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(2, status=429, retry_after=0)

    assert client.search("Casablanca")
    assert sleeps == [1.0, 1.0]


def test_persistent_429s_raise_rate_limited_after_five_attempts(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(10, status=429, retry_after=1)

    with pytest.raises(RateLimited):
        client.search("Casablanca")
    assert fake_tmdb.request_count == 5


def test_a_retry_after_of_minutes_raises_rate_limited_at_once(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(1, status=429, retry_after=600)

    with pytest.raises(RateLimited):
        client.search("Casablanca")
    assert sleeps == []


def test_server_errors_are_retried_with_backoff(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(2, status=503)

    assert client.search("Casablanca")[0].title == "Casablanca"
    assert sleeps == [0.5, 1.0]
    assert fake_tmdb.request_count == 3


def test_persistent_server_errors_give_up_after_three_attempts(client, fake_tmdb):
    fake_tmdb.fail_next(10, status=500)

    with pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")
    assert "500" in error.value.message
    assert fake_tmdb.request_count == 3


def test_a_single_timeout_is_retried_transparently(client, fake_tmdb):
    fake_tmdb.timeout_next(1)

    assert client.search("Casablanca")[0].title == "Casablanca"
    assert fake_tmdb.request_count == 2


def test_repeated_timeouts_raise_catalog_unavailable(client, fake_tmdb):
    fake_tmdb.timeout_next(3)

    with pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")
    assert "timed out" in error.value.message
    assert fake_tmdb.request_count == 3


def test_a_dropped_connection_is_retried(client, fake_tmdb):
    fake_tmdb.timeout_next(1, close_socket=True)

    assert client.search("Casablanca")[0].title == "Casablanca"


def test_an_unreachable_server_raises_catalog_unavailable(tmdb_settings, sleeps):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    tmdb_settings.TMDB_API_URL = f"http://127.0.0.1:{port}/3"

    with (
        TMDBClient.from_settings(sleep=sleeps.append) as client,
        pytest.raises(CatalogUnavailable),
    ):
        client.search("Casablanca")
    assert len(sleeps) == 2


# A caller's deadline


def test_an_answer_slower_than_the_callers_deadline_gives_up_with_out_of_time(client, fake_tmdb):
    fake_tmdb.latency = 0.25

    with deadline(0.1), pytest.raises(OutOfTime):
        client.search("Casablanca")
    assert fake_tmdb.request_count == 1


def test_a_retry_wait_past_the_deadline_raises_the_failure_without_waiting(
    client, fake_tmdb, sleeps
):
    fake_tmdb.fail_next(1, status=503)

    with deadline(0.2), pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")
    assert "503" in error.value.message
    assert sleeps == []


def test_a_retry_after_past_the_deadline_raises_rate_limited_without_waiting(
    client, fake_tmdb, sleeps
):
    fake_tmdb.fail_next(1, status=429, retry_after=5)

    with deadline(2), pytest.raises(RateLimited):
        client.search("Casablanca")
    assert sleeps == []


def test_a_timeout_after_a_failure_reports_the_failure_not_slowness(client, fake_tmdb):
    fake_tmdb.timeout_next(2)

    with deadline(0.45), pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")
    assert "timed out" in error.value.message


def test_a_search_well_inside_its_deadline_is_unaffected(client, fake_tmdb, sleeps):
    fake_tmdb.fail_next(1, status=503)

    with deadline(30):
        assert client.search("Casablanca")[0].title == "Casablanca"
    assert sleeps == [0.5]


def test_the_api_key_appears_in_no_log_message_error_or_repr(client, fake_tmdb, caplog):
    caplog.set_level(logging.DEBUG, logger="rankings")
    fake_tmdb.fail_next(1, status=429)
    fake_tmdb.fail_next(3, status=503)

    with pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")

    assert "retrying" in caplog.text
    for text in (caplog.text, str(error.value), repr(error.value), repr(client)):
        assert FAKE_API_KEY not in text


# Answers we cannot read

UNREADABLE = "TMDB sent an answer we could not read."


@pytest.mark.parametrize(
    "fields",
    [
        {"id": "abc"},
        {"id": None},
        {"id": True},
        {"id": 2**40},
        {"title": 42},
        {"overview": ["a", "list"]},
        {"popularity": "very"},
        {"runtime": "2h"},
        {"genre_ids": ["Drama"]},
        {"genres": "Drama"},
        {"alternative_titles": ["Casa"]},
    ],
)
def test_a_film_with_a_field_of_the_wrong_type_is_an_answer_we_could_not_read(
    client, fake_tmdb, fields
):
    fake_tmdb.corrupt_next(1, **fields)

    with pytest.raises(MalformedAnswer) as error:
        client.search("Casablanca")

    assert error.value.message == UNREADABLE


def test_an_answer_we_could_not_read_is_not_cached_and_the_next_search_asks_again(
    client, fake_tmdb
):
    fake_tmdb.corrupt_next(1, id="abc")
    with pytest.raises(MalformedAnswer):
        client.search("Casablanca")

    assert client.search("Casablanca")[0].title == "Casablanca"
    assert client.search("Casablanca")[0].title == "Casablanca"
    assert fake_tmdb.request_count == 2


def test_a_bad_movie_details_answer_is_not_cached_either(client, fake_tmdb):
    movie_id = str(fake_tmdb.find("Inception")["id"])
    fake_tmdb.corrupt_next(1, alternative_titles={"titles": "Origen"})
    with pytest.raises(MalformedAnswer):
        client.get(movie_id)

    assert client.get(movie_id).title == "Inception"
    assert fake_tmdb.request_count == 2


def test_a_bad_entry_left_in_the_cache_by_an_older_version_is_asked_for_again(client, fake_tmdb):
    client.search("Casablanca")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        (cache_key,) = cursor.fetchone()
    caches["default"].set(cache_key.split(":", 2)[-1], [{"id": "abc", "title": "Casablanca"}])

    assert client.search("Casablanca")[0].title == "Casablanca"
    assert fake_tmdb.request_count == 2


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda fake: fake.gzip_lie_next(1), id="gzip label on a plain body"),
        pytest.param(lambda fake: fake.nest_next(1), id="nested 100,000 deep"),
        pytest.param(lambda fake: fake.nest_next(1, depth=10), id="an array, not an object"),
    ],
)
def test_an_answer_that_does_not_decode_is_an_answer_we_could_not_read(client, fake_tmdb, spoil):
    spoil(fake_tmdb)

    with pytest.raises(MalformedAnswer) as error:
        client.search("Casablanca")

    assert error.value.message == UNREADABLE
    assert client.search("Casablanca")[0].title == "Casablanca"


@pytest.mark.parametrize(
    "body", [b'{"results": {"id": 1}}', b'{"page": 1}', b'{"results": [1]}', b"\xff\xfe{}"]
)
def test_results_that_are_not_a_list_of_films_are_an_answer_we_could_not_read(
    client, fake_tmdb, body
):
    fake_tmdb.answer_next(1, body)

    with pytest.raises(MalformedAnswer):
        client.search("Casablanca")


def test_a_release_date_that_is_no_date_is_an_unknown_date(client, fake_tmdb):
    fake_tmdb.corrupt_next(1, release_date="someday")

    casablanca = client.search("Casablanca")[0]

    assert casablanca.title == "Casablanca"
    assert casablanca.release_date is None and casablanca.year is None


def test_characters_a_database_cannot_store_are_dropped_from_titles(client, fake_tmdb):
    fake_tmdb.corrupt_next(1, title="Casa\x00blanca\ud800", imdb_id="<script>")

    casablanca = client.get(str(fake_tmdb.find("Casablanca")["id"]))

    assert casablanca.title == "Casablanca"
    assert casablanca.imdb_id is None


# A whole deadline for every call


def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_each_attempts_deadline(client, fake_tmdb):
    # Each byte comes well within the 0.3 s read timeout; the answer would take a minute.
    fake_tmdb.drip_next(3, interval=0.1)
    started = time.monotonic()

    with pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")

    assert time.monotonic() - started < 3 * 0.3 + 0.5
    assert "timed out" in error.value.message
    assert fake_tmdb.request_count == 3


def test_a_dripping_answer_ends_with_the_callers_deadline(tmdb_settings, fake_tmdb):
    fake_tmdb.drip_next(1, interval=0.1)
    started = time.monotonic()

    with TMDBClient.from_settings(timeout=10) as client, deadline(0.5), pytest.raises(OutOfTime):
        client.search("Casablanca")

    assert time.monotonic() - started < 0.5 + 0.3


def test_without_a_callers_deadline_a_call_still_ends_within_its_own(
    tmdb_settings, fake_tmdb, monkeypatch
):
    monkeypatch.setattr(tmdb, "CALL_SECONDS", 0.5)
    fake_tmdb.drip_next(1, interval=0.1)
    started = time.monotonic()

    with TMDBClient.from_settings(timeout=10) as client, pytest.raises(OutOfTime):
        client.search("Casablanca")

    assert time.monotonic() - started < 0.5 + 0.3


def test_a_rate_limit_queue_longer_than_the_deadline_gives_up_without_waiting(fake_tmdb):
    waits: list[float] = []
    limiter = RateLimiter(1, cache_alias=None, sleep=waits.append)
    client = TMDBClient(
        api_key=FAKE_API_KEY, api_url=fake_tmdb.url, cache_alias=None, rate_limiter=limiter
    )

    with client, deadline(0.5):
        client.search("Casablanca")
        with pytest.raises(OutOfTime):
            client.search("Alien")

    assert waits == [] and fake_tmdb.request_count == 1


def test_a_call_that_cannot_start_in_time_gives_up_while_a_started_one_retries_to_the_deadline(
    fake_tmdb,
):
    limiter = RateLimiter(2, cache_alias=None, sleep=lambda seconds: None)
    backoffs: list[float] = []
    client = TMDBClient(
        api_key=FAKE_API_KEY,
        api_url=fake_tmdb.url,
        cache_alias=None,
        rate_limiter=limiter,
        sleep=backoffs.append,
    )
    fake_tmdb.fail_next(1, status=503)

    with client, deadline(10, start_within=0.2):
        # Started at once, so its retry may wait past the start limit, within the deadline.
        assert client.search("Casablanca")[0].title == "Casablanca"
        with pytest.raises(OutOfTime):
            client.search("Alien")

    assert backoffs == [0.5]
    assert [r.params["query"] for r in fake_tmdb.received] == ["Casablanca", "Casablanca"]
    # The refused search took no place in the rate limit's queue.
    assert limiter.backlog() <= 2 / (2 * RateLimiter.HEADROOM)


# The key stays secret


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda fake: fake.gzip_lie_next(1), id="gzip lie"),
        pytest.param(lambda fake: fake.nest_next(1), id="deep nesting"),
        pytest.param(lambda fake: fake.timeout_next(3), id="timeouts"),
        pytest.param(lambda fake: fake.timeout_next(3, close_socket=True), id="dropped"),
        pytest.param(lambda fake: fake.drip_next(3, interval=0.1), id="drip"),
        pytest.param(lambda fake: fake.fail_next(3, status=503), id="503"),
    ],
)
def test_the_debug_error_page_for_an_error_out_of_the_client_shows_no_key(client, fake_tmdb, spoil):
    spoil(fake_tmdb)

    with pytest.raises(Exception) as error:
        client.search("Casablanca")

    assert isinstance(error.value, CatalogError)
    report = ExceptionReporter(None, error.type, error.value, error.tb)
    assert "search/movie" in report.get_traceback_text()
    assert FAKE_API_KEY not in report.get_traceback_html()
    assert FAKE_API_KEY not in report.get_traceback_text()


def test_httpx_turned_up_to_debug_logs_requests_without_the_key(client, caplog):
    caplog.set_level(logging.DEBUG, logger="httpx")

    client.search("Casablanca")

    assert "HTTP Request: GET" in caplog.text and "api_key=[redacted]" in caplog.text
    assert FAKE_API_KEY not in caplog.text


# Rate limiting


def test_the_limiter_spaces_request_starts_evenly() -> None:
    waits: list[float] = []
    limiter = RateLimiter(40, cache_alias=None, clock=lambda: 100.0, sleep=waits.append)

    for _ in range(4):
        limiter.wait()

    interval = 1 / (40 * RateLimiter.HEADROOM)
    assert waits == pytest.approx([interval, 2 * interval, 3 * interval])


def test_ten_threads_never_exceed_the_requests_per_second_cap(fake_tmdb):
    fake_tmdb.max_rps = round(100 * FAKE_CAP_ROOM)
    starts: list[float] = []
    limiter = RecordingLimiter(100, cache_alias=None, starts=starts)
    client = TMDBClient(
        api_key=FAKE_API_KEY, api_url=fake_tmdb.url, cache_alias=None, rate_limiter=limiter
    )

    with client, ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda i: client.search(f"Film {i}"), range(150)))

    assert fake_tmdb.request_count == len(starts) == 150
    assert busiest_second(starts) <= 100
    # Not slower than the cap needs either.
    assert max(starts) - min(starts) < 149 / (100 * RateLimiter.HEADROOM) + 0.5


@pytest.fixture
def redis_cache(settings):
    """Redis as the default cache, under a prefix of its own (so parallel test runs share
    neither cached results nor the pacer's slot), emptied afterwards."""
    if not redis_available():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    redis = caches["default"]._cache.get_client(write=True)
    redis.delete(*redis.scan_iter(match=f"{prefix}:*"))


@pytest.mark.usefixtures("redis_cache")
def test_clients_sharing_a_redis_cache_share_one_cap(fake_tmdb):
    fake_tmdb.max_rps = round(100 * FAKE_CAP_ROOM)
    starts: list[float] = []
    # Two clients with their own in-process limiters stand in for two gunicorn workers.
    workers = [
        TMDBClient(
            api_key=FAKE_API_KEY,
            api_url=fake_tmdb.url,
            rate_limiter=RecordingLimiter(100, starts=starts),
        )
        for _ in range(2)
    ]

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda i: workers[i % 2].search(f"Film {i}"), range(120)))

    for worker in workers:
        worker.close()
    assert fake_tmdb.request_count == len(starts) == 120
    # Each limiter alone would allow 100 per second; together they kept to one budget.
    assert busiest_second(starts) <= 100
    assert max(starts) - min(starts) >= 119 / 100


def _run_with_a_storage_thread(calls) -> None:
    """Run `calls` on 10 threads while this thread does their storage work, as the matcher's
    request thread does."""
    errands: queue.SimpleQueue = queue.SimpleQueue()
    with storage_thread(errands.put), ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(contextvars.copy_context().run, call) for call in calls]
        while not all(future.done() for future in futures):
            with contextlib.suppress(queue.Empty):
                errands.get(timeout=0.01).run()
    for future in futures:
        future.result()


@pytest.mark.django_db(transaction=True)
def test_clients_sharing_a_database_share_one_cap_without_redis(fake_tmdb):
    fake_tmdb.max_rps = round(100 * FAKE_CAP_ROOM)
    starts: list[float] = []
    # Two clients with their own in-process limiters stand in for two gunicorn workers.
    workers = [
        TMDBClient(
            api_key=FAKE_API_KEY,
            api_url=fake_tmdb.url,
            cache_alias=None,
            rate_limiter=RecordingLimiter(100, cache_alias=None, database="default", starts=starts),
        )
        for _ in range(2)
    ]
    calls = [partial(workers[i % 2].search, f"Film {i}") for i in range(120)]

    _run_with_a_storage_thread(calls)

    for worker in workers:
        worker.close()
    assert fake_tmdb.request_count == len(starts) == 120
    # Each limiter alone would allow 100 per second; together they kept to one budget.
    assert busiest_second(starts) <= 100
    assert max(starts) - min(starts) >= 119 / 100
    assert CatalogPace.objects.get().next_slot > 0


def test_inside_a_transaction_the_limiter_paces_in_the_process_and_takes_no_row_lock(fake_tmdb, db):
    waits: list[float] = []
    limiter = RateLimiter(1, cache_alias=None, database="default", sleep=waits.append)

    limiter.wait()
    limiter.wait()

    assert not CatalogPace.objects.exists()
    assert waits == [pytest.approx(1 / RateLimiter.HEADROOM, abs=0.01)]


def test_the_backlog_is_how_long_a_request_asked_for_now_would_wait():
    limiter = RateLimiter(10, cache_alias=None, clock=lambda: 100.0, sleep=lambda seconds: None)
    assert limiter.backlog() == 0

    for _ in range(3):
        limiter.wait()

    assert limiter.backlog() == pytest.approx(3 / (10 * RateLimiter.HEADROOM))


class _StallingClock:
    """A clock whose sleeps overrun by the given seconds, one sleep after another."""

    def __init__(self, overruns: list[float]):
        self.now, self.overruns = 100.0, overruns
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + (self.overruns.pop(0) if self.overruns else 0.0)


def test_a_caller_waking_late_takes_a_new_slot_instead_of_crowding_the_next_ones():
    clock = _StallingClock(overruns=[0.05])
    limiter = RateLimiter(10, cache_alias=None, clock=clock, sleep=clock.sleep)
    interval = 1 / (10 * RateLimiter.HEADROOM)
    limiter.wait()
    limiter.wait()  # sleeps one interval, wakes 50 ms late: queues again

    # It went in the slot after the one it missed, which nobody used.
    assert clock.sleeps == pytest.approx([interval, interval - 0.05])
    assert limiter.backlog() == pytest.approx(interval)


def test_a_caller_waking_only_a_little_late_goes():
    clock = _StallingClock(overruns=[RateLimiter.LATE_SECONDS / 2])
    limiter = RateLimiter(10, cache_alias=None, clock=clock, sleep=clock.sleep)
    limiter.wait()
    limiter.wait()

    assert len(clock.sleeps) == 1


def test_a_caller_who_would_wait_too_long_takes_no_slot():
    limiter = RateLimiter(1, cache_alias=None, clock=lambda: 100.0, sleep=lambda seconds: None)
    limiter.wait()
    limiter.wait()
    queued = limiter.backlog()

    assert limiter.wait(max_wait=0.5) is False
    assert limiter.wait(max_wait=-0.01) is False
    assert limiter.backlog() == pytest.approx(queued)
    assert limiter.wait(max_wait=queued + 0.01) is True
    assert limiter.backlog() == pytest.approx(queued + 1 / RateLimiter.HEADROOM)


@pytest.mark.django_db(transaction=True)
def test_a_caller_refused_by_the_database_shared_limiter_takes_no_slot():
    limiter = RateLimiter(1, cache_alias=None, database="default", sleep=lambda seconds: None)
    limiter.wait()
    limiter.wait()
    next_slot = CatalogPace.objects.get().next_slot

    assert limiter.wait(max_wait=0.5) is False
    assert CatalogPace.objects.get().next_slot == next_slot
    assert limiter.wait(max_wait=5) is True
    assert CatalogPace.objects.get().next_slot == pytest.approx(
        next_slot + 1 / RateLimiter.HEADROOM
    )


@pytest.mark.usefixtures("redis_cache")
def test_a_caller_refused_by_the_redis_shared_limiter_takes_no_slot():
    limiter = RateLimiter(1, sleep=lambda seconds: None)
    # Even with nobody queued, a caller whose time to start is over does not go.
    out_of_time = limiter.wait(max_wait=-0.01)
    limiter.wait()
    limiter.wait()
    queued = limiter.backlog()

    refused = limiter.wait(max_wait=0.5)
    after_refusal = limiter.backlog()
    granted = limiter.wait(max_wait=5)
    after_grant = limiter.backlog()
    assert out_of_time is False and refused is False
    # Redis's clock runs on between the calls: the backlog only shrinks while nothing is taken.
    assert after_refusal <= queued
    assert granted is True
    assert after_grant == pytest.approx(after_refusal + 1 / RateLimiter.HEADROOM, abs=0.05)


@pytest.mark.django_db(transaction=True)
def test_the_backlog_of_a_database_shared_limiter_counts_every_processs_requests():
    # Two limiters stand in for two gunicorn workers sharing the database.
    first, second = (
        RateLimiter(1, cache_alias=None, database="default", sleep=lambda seconds: None)
        for _ in range(2)
    )

    first.wait()
    first.wait()

    # SQLite's clock counts milliseconds.
    assert 0.9 < second.backlog() < 2 / RateLimiter.HEADROOM + 0.01
