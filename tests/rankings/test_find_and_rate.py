import pytest
from django.test import Client

from rankings.models import Ranking
from tests.factories import MovieFactory, RankingFactory

pytestmark = pytest.mark.usefixtures("offline_catalog")

CASABLANCA = "tt0034583"


def test_the_find_page_lists_matching_films_with_title_and_year(alice_client):
    page = alice_client.get("/find/", {"q": "casablanca"}).content.decode()
    assert "Casablanca" in page and "(1942)" in page
    assert "<html" in page


def test_an_htmx_search_returns_only_what_goes_inside_the_results_region(alice_client):
    page = alice_client.get("/find/").content.decode()
    assert page.count('id="search-results"') == 1 and 'hx-target="#search-results"' in page

    response = alice_client.get("/find/", {"q": "casablanca"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "Casablanca" in fragment and '<ul class="film-list">' in fragment
    # Swapped into the region's inside: a second element with its id would nest in it.
    assert 'id="search-results"' not in fragment
    assert "<html" not in fragment


def test_going_back_to_a_search_htmx_has_not_cached_returns_the_whole_page(alice_client):
    # htmx asks again, with this header, for a history entry it has no snapshot of; a bare
    # fragment would replace the whole page.
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    page = alice_client.get("/find/", {"q": "casablanca"}, headers=headers).content.decode()

    assert "<html" in page and "<h1>Find a film</h1>" in page
    assert "Casablanca" in page


def test_the_live_search_replaces_the_address_rather_than_adding_history(alice_client):
    page = alice_client.get("/find/").content.decode()
    search_box = page[page.index('<input type="search"') :]
    search_box = search_box[: search_box.index(">")]

    assert 'hx-replace-url="true"' in search_box
    assert "hx-push-url" not in search_box


def test_searching_for_nothing_asks_for_a_title(alice_client):
    page = alice_client.get("/find/", {"q": "  "}).content.decode()
    assert "Type a title to search." in page


def test_a_500_character_search_says_it_is_too_long(alice_client):
    response = alice_client.get("/find/", {"q": "x" * 500})
    assert response.status_code == 200
    assert "That search is too long" in response.content.decode()


def test_a_search_without_results_says_so(alice_client):
    page = alice_client.get("/find/", {"q": "qzxqzxqzx"}).content.decode()
    assert "No films found" in page


def test_a_film_already_ranked_shows_its_current_stars_in_the_results(alice_client, alice):
    RankingFactory(user=alice, movie=MovieFactory(imdb_id=CASABLANCA, title="Casablanca"), rating=3)
    page = alice_client.get("/find/", {"q": "casablanca"}).content.decode()
    assert "Your rating: 3 of 5" in page


def test_rating_a_film_creates_the_film_and_the_ranking(alice_client, alice):
    response = alice_client.post(
        "/rate/", {"film": CASABLANCA, "rating": "5", "next": "/find/?q=casablanca"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/find/?q=casablanca"
    ranking = Ranking.objects.get(user=alice)
    assert (ranking.movie.title, ranking.movie.year, ranking.rating) == ("Casablanca", 1942, 5)


def test_rating_with_htmx_returns_the_updated_row(alice_client):
    response = alice_client.post(
        "/rate/", {"film": CASABLANCA, "rating": "4"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "Your rating: 4 of 5" in page and "<html" not in page


def test_rating_twice_keeps_one_ranking_with_the_latest_rating(alice_client, alice):
    alice_client.post("/rate/", {"film": CASABLANCA, "rating": "2"})
    alice_client.post("/rate/", {"film": CASABLANCA, "rating": "4"})
    assert list(Ranking.objects.filter(user=alice).values_list("rating", flat=True)) == [4]


@pytest.mark.parametrize("rating", ["0", "6", "abc", "", "3.5"])
def test_a_bad_rating_is_refused_with_a_message_and_nothing_saved(alice_client, rating):
    response = alice_client.post("/rate/", {"film": CASABLANCA, "rating": rating}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 to 5" in page
    assert Ranking.objects.count() == 0


def test_an_unknown_film_id_is_refused_with_a_message(alice_client):
    response = alice_client.post(
        "/rate/", {"film": "tt0000000", "rating": "3"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "not in the catalog" in response.content.decode()
    assert Ranking.objects.count() == 0


def test_rating_without_javascript_never_redirects_off_the_site(alice_client):
    response = alice_client.post(
        "/rate/", {"film": CASABLANCA, "rating": "5", "next": "/\\evil.example/"}
    )

    assert response["Location"] == "/find/"


def test_rate_is_post_only(alice_client):
    assert alice_client.get("/rate/").status_code == 405


def test_rate_enforces_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/rate/", {"film": CASABLANCA, "rating": "5"}).status_code == 403
    assert Ranking.objects.count() == 0


def test_anonymous_rating_redirects_to_login(client, db):
    response = client.post("/rate/", {"film": CASABLANCA, "rating": "5"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
