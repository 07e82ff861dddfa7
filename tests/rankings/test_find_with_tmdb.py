import pytest

from catalog import middleware
from catalog.interface import OutOfTime
from rankings.models import Ranking


@pytest.fixture
def on_tmdb(tmdb_settings, fake_tmdb):
    return fake_tmdb


def test_searching_tmdb_shows_posters_and_links_to_tmdb(alice_client, on_tmdb):
    matrix = on_tmdb.find("The Matrix", 1999)
    page = alice_client.get("/find/", {"q": "the matrix"}).content.decode()
    assert "The Matrix" in page and "(1999)" in page
    assert (
        f'href="https://www.themoviedb.org/movie/{matrix["id"]}"' in page
        and ">View on TMDB<" in page
    )
    assert 'alt="Poster of The Matrix"' in page


def test_rating_a_tmdb_film_stores_it_with_both_ids(alice_client, alice, on_tmdb):
    matrix = on_tmdb.find("The Matrix", 1999)
    alice_client.post("/rate/", {"film": str(matrix["id"]), "rating": "5"})
    ranking = Ranking.objects.get(user=alice)
    assert (ranking.movie.tmdb_id, ranking.movie.imdb_id) == (matrix["id"], matrix["imdb_id"])


def test_a_rejected_tmdb_key_is_explained_on_the_page(alice_client, on_tmdb):
    on_tmdb.fail_next(5, status=401)
    response = alice_client.get("/find/", {"q": "casablanca"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "TMDB rejected the configured API key (401)" in response.content.decode()


def test_tmdb_being_down_is_a_message_not_an_error_page(alice_client, on_tmdb):
    on_tmdb.fail_next(10, status=503)
    response = alice_client.get("/find/", {"q": "casablanca"})
    assert response.status_code == 200
    assert (
        "TMDB is not responding (answered 503). Please try again in a minute."
        in response.content.decode()
    )


def test_rating_while_tmdb_is_down_saves_nothing_and_says_why(alice_client, on_tmdb):
    on_tmdb.fail_next(10, status=503)
    response = alice_client.post(
        "/rate/", {"film": "603", "rating": "4"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert Ranking.objects.count() == 0


def test_a_search_tmdb_answers_too_slowly_for_the_page_says_so(alice_client, on_tmdb, monkeypatch):
    monkeypatch.setattr(middleware, "PAGE_DEADLINE_SECONDS", 0.1)
    on_tmdb.latency = 0.5

    response = alice_client.get("/find/", {"q": "casablanca"})

    assert response.status_code == 200
    assert OutOfTime.message in response.content.decode()
