"""Answers the TMDB client cannot read, from the fake TMDB server: checked before any is used."""

import pytest
from django.core.cache import caches
from django.db import connection

from catalog.answers import MalformedAnswer

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
