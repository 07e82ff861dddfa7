"""Review as a list: every film of an import on one page, decided row by row or in bulk."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from catalog.interface import CatalogMovie
from imports.models import ImportItem, ImportSession, RememberedDecision
from imports.snapshots import movie_to_snapshot
from rankings.models import Ranking
from tests.factories import MovieFactory, RankingFactory

HX = {"HX-Request": "true"}


def _film(n: int) -> CatalogMovie:
    return CatalogMovie(title=f"Film {n}", year=1990 + n % 30, tmdb_id=10_000 + n)


def _session(user, *, high=3, medium=1, low=0, unmatched=1) -> ImportSession:
    """A session in review: `high` pre-selected matches, then the others, newest watch first."""
    session = ImportSession.objects.create(user=user, status="reviewing", file_name="h.csv")
    kinds = (
        [("matched", "High")] * high
        + [("needs_review", "Medium")] * medium
        + [("needs_review", "Low")] * low
        + [("unmatched", "")] * unmatched
    )
    items = []
    for n, (status, band) in enumerate(kinds, start=1):
        watched = datetime(2024, 6, 1, 20, tzinfo=UTC) - timedelta(days=n)
        proposal = movie_to_snapshot(_film(n)) if status != "unmatched" else None
        items.append(
            ImportItem(
                session=session,
                position=n,
                prime_title=f"Prime {n}",
                clean_title=f"Prime {n}",
                watched=[watched.isoformat()],
                last_watched=watched,
                match_status=status,
                band=band,
                confidence={"High": 0.9, "Medium": 0.6, "Low": 0.45}.get(band, 0.1),
                reason="exact title, released 1991" if band == "High" else "close title",
                proposal=proposal,
                alternatives=[movie_to_snapshot(_film(1000 + n))] if band else [],
            )
        )
    ImportItem.objects.bulk_create(items)
    return session


def _url(session, action="", item=None) -> str:
    base = f"/settings/import/{session.pk}/list/"
    return base + (f"items/{item.pk}/{action}" if item else action)


def _rate(client, session, item, rating="4", film=None, rated_on=None, **extra):
    data = {"rating": rating, "rated_on": rated_on or item.last_watched.date().isoformat()}
    if film is not None:
        data["film"] = film
    elif item.match_status == "matched":
        data["film"] = item.candidates[0].catalog_id
    return client.post(_url(session, "rate/", item), data, **extra)


def _row_headers(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><span class="prime-title">([^<]+)</span>', page)


@pytest.fixture
def reviewing(alice):
    return _session(alice, high=3, medium=1, low=1, unmatched=2)


def _items(session, status):
    return list(session.items.filter(match_status=status).order_by("position"))


def test_the_list_shows_every_film_high_matches_first_then_the_doubtful_then_no_match(
    alice_client, alice
):
    session = ImportSession.objects.create(user=alice, status="reviewing")
    ImportItem.objects.bulk_create(
        [
            ImportItem(
                session=session,
                position=1,
                prime_title="Nothing Like It",
                clean_title="x",
                match_status="unmatched",
            ),
            ImportItem(
                session=session,
                position=2,
                prime_title="Maybe This",
                clean_title="x",
                match_status="needs_review",
                band="Low",
                proposal=movie_to_snapshot(_film(2)),
            ),
            ImportItem(
                session=session,
                position=3,
                prime_title="Surely This",
                clean_title="x",
                match_status="matched",
                band="High",
                proposal=movie_to_snapshot(_film(3)),
            ),
        ]
    )

    page = alice_client.get(_url(session)).content.decode()

    assert _row_headers(page) == ["Surely This", "Maybe This", "Nothing Like It"]
    assert "Needs review" in page
    assert "No match found" in page
    assert page.count("View on TMDB") == 2  # the row without a proposal links nowhere
    assert page.count(">High<") == 1 and page.count(">Low<") == 1
    assert "Rating for all High matches" in page


def test_the_review_card_links_to_the_list_and_the_list_back_to_the_cards(alice_client, reviewing):
    card = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
    assert f'href="/settings/import/{reviewing.pk}/list/">Review as a list</a>' in card
    page = alice_client.get(_url(reviewing)).content.decode()
    assert "Review card by card" in page


def test_stars_on_a_high_row_add_it_on_its_watch_date_and_the_row_says_so(
    alice_client, alice, reviewing
):
    item = _items(reviewing, "matched")[0]

    response = _rate(alice_client, reviewing, item, rating="3", headers=HX)

    ranking = Ranking.objects.get(user=alice)
    assert (ranking.movie.title, ranking.rating) == ("Film 1", 3)
    assert ranking.rated_at == item.last_watched.date()
    row = response.content.decode()
    assert "Added ★★★<" in row and "Undo" in row
    assert 'id="list-progress"' in row and "1 of 7" in row
    assert "<html" not in row
    assert RememberedDecision.objects.get(user=alice).kind == "added"


def test_rating_a_row_twice_creates_one_ranking(alice_client, alice, reviewing):
    item = _items(reviewing, "matched")[0]
    _rate(alice_client, reviewing, item, headers=HX)
    _rate(alice_client, reviewing, item, rating="1", headers=HX)
    assert Ranking.objects.filter(user=alice).count() == 1
    assert Ranking.objects.get(user=alice).rating == 4


def test_a_row_never_overwrites_a_ranking_made_before(alice_client, alice, reviewing):
    item = _items(reviewing, "matched")[0]
    movie = MovieFactory(tmdb_id=10_001, title="Film 1")
    RankingFactory(user=alice, movie=movie, rating=5, rated_at=date(2020, 1, 1))

    page = _rate(alice_client, reviewing, item, rating="2", headers=HX).content.decode()

    assert Ranking.objects.get(user=alice).rating == 5
    assert "Already ranked, kept" in page


def test_stars_on_a_row_that_needs_a_look_without_a_film_chosen_say_so_in_the_row(
    alice_client, alice, reviewing
):
    item = _items(reviewing, "needs_review")[0]

    response = _rate(alice_client, reviewing, item, headers=HX)

    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose the film to add, or Skip." in page
    assert f'id="row-{item.pk}"' in page
    assert not Ranking.objects.filter(user=alice).exists()


def test_stars_on_a_row_that_needs_a_look_add_the_film_chosen_in_it(alice_client, alice, reviewing):
    item = _items(reviewing, "needs_review")[0]
    alternative = item.candidates[1]

    _rate(alice_client, reviewing, item, film=alternative.catalog_id, headers=HX)

    assert Ranking.objects.get(user=alice).movie.title == alternative.title


def test_add_all_high_matches_adds_each_on_its_own_watch_date_in_one_step(
    alice_client, alice, reviewing
):
    high = _items(reviewing, "matched")

    page = alice_client.post(_url(reviewing, "add-high/"), {"rating": "3"}, headers=HX)

    rankings = Ranking.objects.filter(user=alice).order_by("-rated_at")
    assert [(r.movie.title, r.rating, r.rated_at) for r in rankings] == [
        (f"Film {n}", 3, item.last_watched.date()) for n, item in enumerate(high, start=1)
    ]
    assert page.content.decode().count("Added ★★★<") == 3
    assert "Added 3 High matches." in page.content.decode()
    assert {i.decided_at for i in _items(reviewing, "matched")} == {
        high[0].__class__.objects.get(pk=high[0].pk).decided_at
    }


def test_adding_all_high_matches_twice_adds_nothing_twice(alice_client, alice, reviewing):
    alice_client.post(_url(reviewing, "add-high/"), {"rating": "3"}, headers=HX)
    alice_client.post(_url(reviewing, "add-high/"), {"rating": "5"}, headers=HX)

    assert Ranking.objects.filter(user=alice).count() == 3
    assert set(Ranking.objects.values_list("rating", flat=True)) == {3}


def test_add_all_high_matches_keeps_rankings_made_before(alice_client, alice, reviewing):
    RankingFactory(user=alice, movie=MovieFactory(tmdb_id=10_002), rating=5)

    alice_client.post(_url(reviewing, "add-high/"), {"rating": "2"}, headers=HX)

    assert sorted(Ranking.objects.filter(user=alice).values_list("rating", flat=True)) == [2, 2, 5]
    assert reviewing.items.filter(decision="kept").count() == 1


def test_add_all_high_matches_without_a_rating_asks_for_one(alice_client, alice, reviewing):
    response = alice_client.post(_url(reviewing, "add-high/"), {}, headers=HX)

    assert response.status_code == 422
    assert "Choose the rating for all High matches first." in response.content.decode()
    assert not Ranking.objects.exists()


def test_a_bulk_add_that_found_one_film_ranked_meanwhile_is_still_undone_as_an_add(
    alice_client, alice, reviewing
):
    ranked = MovieFactory(tmdb_id=10_001, imdb_id=None, title="Film 1")
    RankingFactory(user=alice, movie=ranked, rating=5)
    alice_client.post(_url(reviewing, "add-high/"), {"rating": "3"}, headers=HX)

    page = alice_client.get(_url(reviewing)).content.decode()

    assert reviewing.items.filter(decision="kept").count() == 1
    assert "Takes back: added 3 films at once" in page


def test_one_undo_takes_back_the_whole_bulk_step(alice_client, alice, reviewing):
    _rate(alice_client, reviewing, _items(reviewing, "needs_review")[0], film="11004", headers=HX)
    alice_client.post(_url(reviewing, "add-high/"), {"rating": "3"}, headers=HX)
    before = alice_client.get(_url(reviewing)).content.decode()
    assert "Takes back: added 3 films at once" in before

    page = alice_client.post(_url(reviewing, "undo/"), headers=HX).content.decode()

    assert [r.movie.title for r in Ranking.objects.filter(user=alice)] == ["Film 1004"]
    assert page.count("Added ★★★★<") == 1
    assert reviewing.items.pending_review().filter(match_status="matched").count() == 3
    assert (
        not RememberedDecision.objects.filter(user=alice, kind="added")
        .exclude(prime_title="Prime 4")
        .exists()
    )


def test_undo_on_a_row_takes_back_only_that_row(alice_client, alice, reviewing):
    alice_client.post(_url(reviewing, "add-high/"), {"rating": "3"}, headers=HX)
    first = _items(reviewing, "matched")[0]

    row = alice_client.post(_url(reviewing, "undo/", first), headers=HX).content.decode()

    assert Ranking.objects.filter(user=alice).count() == 2
    assert "1 star" in row and "Skip" in row and "Added" not in row


def test_skip_all_without_a_match_skips_only_rows_without_a_proposal(alice_client, reviewing):
    alice_client.post(_url(reviewing, "skip-unmatched/"), headers=HX)

    skipped = reviewing.items.filter(decision="skipped")
    assert sorted(skipped.values_list("match_status", flat=True)) == ["unmatched", "unmatched"]
    assert reviewing.items.pending_review().count() == 5


def test_a_skipped_row_says_skipped_and_offers_undo(alice_client, reviewing):
    item = _items(reviewing, "needs_review")[0]
    row = alice_client.post(_url(reviewing, "skip/", item), headers=HX).content.decode()
    assert "Skipped" in row and ">Undo</button>" in row


def test_deciding_the_last_row_shows_the_completion_summary_on_the_list(alice, alice_client):
    session = _session(alice, high=1, medium=0, unmatched=1)
    alice_client.post(_url(session, "skip-unmatched/"), headers=HX)
    high = _items(session, "matched")[0]

    response = _rate(alice_client, session, high, headers=HX)

    page = response.content.decode()
    assert "Import complete" in page and "Unmatched titles" in page
    assert response["HX-Retarget"] == "#review-list"
    session.refresh_from_db()
    assert session.status == "complete"


def test_cards_and_list_are_two_views_of_the_same_decisions(alice_client, reviewing):
    _rate(alice_client, reviewing, _items(reviewing, "matched")[0], headers=HX)
    card = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
    assert "2 of 7" in card and "Prime 2" in card
    alice_client.post(f"/settings/import/{reviewing.pk}/undo/", headers=HX)
    assert not Ranking.objects.exists()
    assert "0 of 7" in alice_client.get(_url(reviewing)).content.decode()


def test_review_this_card_opens_the_card_of_that_film(alice_client, reviewing):
    item = _items(reviewing, "needs_review")[1]
    card = alice_client.get(f"/settings/import/{reviewing.pk}/?item={item.pk}").content.decode()
    assert '<h2 id="card-title" tabindex="-1">Prime 5</h2>' in card


LIST_POSTS = ["add-high/", "skip-unmatched/", "undo/", "{item}rate/", "{item}skip/", "{item}undo/"]


def _post_url(session, action) -> str:
    item = session.items.first()
    return _url(session) + action.format(item=f"items/{item.pk}/")


@pytest.mark.parametrize("action", LIST_POSTS)
def test_another_users_list_and_rows_are_a_404(bob_client, reviewing, action):
    assert bob_client.post(_post_url(reviewing, action), {"rating": "5"}).status_code == 404
    assert bob_client.get(_url(reviewing)).status_code == 404
    assert not Ranking.objects.exists()


@pytest.mark.parametrize("action", LIST_POSTS)
def test_list_actions_are_post_only(alice_client, reviewing, action):
    assert alice_client.get(_post_url(reviewing, action)).status_code == 405


@pytest.mark.parametrize("action", ["", *LIST_POSTS])
def test_the_list_needs_a_login(reviewing, action):
    response = (
        Client().post(_post_url(reviewing, action)) if action else Client().get(_url(reviewing))
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_actions_enforce_csrf(alice, reviewing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(_url(reviewing, "add-high/"), {"rating": "3"}).status_code == 403
    assert not Ranking.objects.exists()


def test_a_list_action_without_htmx_comes_back_to_the_list(alice_client, reviewing):
    response = _rate(alice_client, reviewing, _items(reviewing, "matched")[0])
    assert response.status_code == 302 and response["Location"] == _url(reviewing)


@pytest.mark.parametrize("size", [50, 500])
def test_the_list_and_a_row_decision_cost_the_same_queries_at_any_size(
    alice, alice_client, size, django_assert_max_num_queries
):
    session = _session(alice, high=size - 20, medium=10, unmatched=10)
    with django_assert_max_num_queries(12):
        assert alice_client.get(_url(session)).status_code == 200
    with django_assert_max_num_queries(35):
        _rate(alice_client, session, _items(session, "matched")[0], headers=HX)


def test_add_all_high_matches_costs_a_fixed_number_of_queries(
    alice, alice_client, django_assert_max_num_queries
):
    session = _session(alice, high=460, medium=20, unmatched=20)
    with django_assert_max_num_queries(40):
        alice_client.post(_url(session, "add-high/"), {"rating": "4"}, headers=HX)
    assert Ranking.objects.filter(user=alice).count() == 460


def test_undo_after_row_undos_takes_back_the_bulk_step(alice_client, alice, reviewing):
    alice_client.post(_url(reviewing, "add-high/"), {"rating": "3"}, headers=HX)
    for item in _items(reviewing, "needs_review"):
        _rate(alice_client, reviewing, item, film=item.candidates[0].catalog_id, headers=HX)
    alice_client.post(_url(reviewing, "skip-unmatched/"), headers=HX)
    for _ in range(3):
        alice_client.post(_url(reviewing, "undo/"), headers=HX)
    assert Ranking.objects.filter(user=alice).count() == 3

    alice_client.post(_url(reviewing, "undo/"), headers=HX)

    assert not Ranking.objects.filter(user=alice).exists()
