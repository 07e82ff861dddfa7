import pytest
from django.db import IntegrityError, transaction

from catalog.interface import CatalogMovie
from rankings.models import Movie, Ranking
from tests.factories import MovieFactory, RankingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rating", [0, 6])
def test_the_database_rejects_a_rating_outside_1_to_5(rating):
    ranking = RankingFactory.build(user=UserFactory(), movie=MovieFactory(), rating=rating)
    with pytest.raises(IntegrityError), transaction.atomic():
        ranking.save()
    assert Ranking.objects.count() == 0


def test_the_database_rejects_a_second_ranking_of_the_same_film_by_the_same_user():
    first = RankingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ranking.objects.create(user=first.user, movie=first.movie, rating=2)
    assert Ranking.objects.count() == 1


def test_two_users_can_rank_the_same_film():
    movie = MovieFactory()
    RankingFactory(movie=movie)
    RankingFactory(movie=movie)
    assert movie.rankings.count() == 2


def test_the_database_rejects_a_film_without_any_id():
    with pytest.raises(IntegrityError), transaction.atomic():
        Movie.objects.create(title="Nameless")


def test_rating_again_updates_the_same_ranking():
    ranking = RankingFactory(rating=2)
    again = Ranking.objects.rate(user=ranking.user, movie=ranking.movie, rating=5)
    assert again.pk == ranking.pk
    assert Ranking.objects.get().rating == 5


def test_a_catalog_film_is_stored_once_and_refreshed_by_its_id():
    found = CatalogMovie(title="Casablanca", year=1942, imdb_id="tt0034583", runtime=102)
    first = Movie.objects.from_catalog(found)
    second = Movie.objects.from_catalog(
        CatalogMovie(title="Casablanca", year=1942, imdb_id="tt0034583", runtime=103)
    )
    assert first.pk == second.pk
    assert Movie.objects.get().runtime == 103


def test_a_tmdb_film_keeps_its_imdb_id_and_page_link():
    movie = Movie.objects.from_catalog(
        CatalogMovie(title="The Matrix", year=1999, tmdb_id=603, imdb_id="tt0133093")
    )
    assert movie.imdb_id == "tt0133093"
    assert movie.page_url == "https://www.themoviedb.org/movie/603"
    assert movie.page_label == "View on TMDB"


def test_an_offline_film_links_to_imdb():
    movie = Movie.objects.from_catalog(
        CatalogMovie(title="Casablanca", year=1942, imdb_id="tt0034583")
    )
    assert movie.page_url == "https://www.imdb.com/title/tt0034583/"
    assert movie.page_label == "View on IMDb"


@pytest.mark.parametrize(
    ("ids", "catalog_id", "page_url"),
    [
        ({"tmdb_id": 603, "imdb_id": "tt0133093"}, "603", "https://www.themoviedb.org/movie/603"),
        ({"imdb_id": "tt0133093"}, "tt0133093", "https://www.imdb.com/title/tt0133093/"),
    ],
)
def test_a_catalog_film_and_its_stored_film_go_by_the_same_id_and_link(ids, catalog_id, page_url):
    found = CatalogMovie(title="The Matrix", year=1999, **ids)
    stored = Movie.objects.from_catalog(found)

    assert (found.catalog_id, found.page_url, found.page_label) == (
        stored.catalog_id,
        stored.page_url,
        stored.page_label,
    )
    assert (stored.catalog_id, stored.page_url) == (catalog_id, page_url)


def test_a_catalog_film_without_any_id_is_not_stored():
    with pytest.raises(ValueError, match="needs a tmdb_id or an imdb_id"):
        Movie.objects.from_catalog(CatalogMovie(title="Nameless"))
    assert Movie.objects.count() == 0


def test_rankings_of_catalog_films_are_found_by_tmdb_id_or_offline_imdb_id(
    django_assert_num_queries,
):
    user = UserFactory()
    RankingFactory(user=user, movie=MovieFactory(tmdb_id=603, imdb_id="tt0133093"), rating=5)
    RankingFactory(user=user, movie=MovieFactory(imdb_id="tt0034583"), rating=3)
    films = [
        CatalogMovie("The Matrix", 1999, tmdb_id=603),
        CatalogMovie("Casablanca", 1942, imdb_id="tt0034583"),
        CatalogMovie("Vertigo", 1958, tmdb_id=426, imdb_id="tt0052357"),
    ]

    with django_assert_num_queries(1):
        ranked = Ranking.objects.for_user(user).of_catalog_films(films)

    assert {film_id: r.rating for film_id, r in ranked.items()} == {"603": 5, "tt0034583": 3}
