"""The TMDB client against the fake TMDB server: real HTTP on 127.0.0.1, nothing mocked."""

import base64
import logging
import pickle
import socket
from datetime import date

import pytest
from django.db import connection

from catalog.active import get_catalog
from catalog.deadlines import deadline
from catalog.interface import BadCredentials, CatalogUnavailable, NotFound, OutOfTime, RateLimited
from catalog.tmdb import TMDBClient
from tests.fake_tmdb import FAKE_API_KEY, FAKE_READ_ACCESS_TOKEN

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
    caplog.set_level(logging.DEBUG, logger="catalog")
    fake_tmdb.fail_next(1, status=429)
    fake_tmdb.fail_next(3, status=503)

    with pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")

    assert "retrying" in caplog.text
    for text in (caplog.text, str(error.value), repr(error.value), repr(client)):
        assert FAKE_API_KEY not in text
