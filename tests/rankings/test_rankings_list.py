import codecs
import csv
import io
from datetime import date

import pytest
from django.test import Client

from rankings.models import Ranking
from tests.factories import MovieFactory, RankingFactory

pytestmark = pytest.mark.django_db


def _titles(page: str, *titles: str) -> list[str]:
    """The given titles in the order they appear on the page."""
    return sorted((t for t in titles if t in page), key=page.index)


def _row(page: str, ranking: Ranking) -> str:
    """The table row of one ranking."""
    start = page.index(f'<tr id="ranking-{ranking.pk}">')
    return page[start : page.index("</tr>", start)]


def _count_line(html: str) -> str:
    start = html.index('id="ranked-count"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


@pytest.fixture
def three(alice):
    return [
        RankingFactory(
            user=alice, movie=MovieFactory(title="Alpha Film"), rating=2, rated_at=date(2024, 1, 1)
        ),
        RankingFactory(
            user=alice, movie=MovieFactory(title="Beta Film"), rating=5, rated_at=date(2023, 1, 1)
        ),
        RankingFactory(
            user=alice, movie=MovieFactory(title="Gamma Film"), rating=3, rated_at=date(2025, 1, 1)
        ),
    ]


def test_my_rankings_lists_title_year_stars_and_rated_date(alice_client, three):
    page = alice_client.get("/rankings/").content.decode()
    row = _row(page, three[0])

    assert "Alpha Film" in row and "1999" in row and "1 Jan 2024" in row
    assert row.count('class="star on"') == 2
    assert 'aria-label="2 stars" aria-pressed="true"' in row
    assert "2 of 5" in row
    assert _count_line(page) == "3 films ranked"


def test_my_rankings_never_shows_another_users_rankings(alice_client, bob):
    RankingFactory(user=bob, movie=MovieFactory(title="Bobs Secret Film"))
    assert "Bobs Secret Film" not in alice_client.get("/rankings/").content.decode()


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("rated", ["Gamma Film", "Alpha Film", "Beta Film"]),
        ("rating", ["Beta Film", "Gamma Film", "Alpha Film"]),
        ("title", ["Alpha Film", "Beta Film", "Gamma Film"]),
    ],
)
def test_my_rankings_sorts_by_date_rating_or_title(alice_client, three, sort, order):
    page = alice_client.get("/rankings/", {"sort": sort}).content.decode()
    assert _titles(page, "Alpha Film", "Beta Film", "Gamma Film") == order


def test_my_rankings_filters_by_stars(alice_client, three):
    page = alice_client.get("/rankings/", {"stars": "5"}).content.decode()
    assert _titles(page, "Alpha Film", "Beta Film", "Gamma Film") == ["Beta Film"]


def test_my_rankings_is_paginated_by_25(alice_client, alice):
    for n in range(30):
        RankingFactory(
            user=alice,
            movie=MovieFactory(title=f"Paged {n:02d}"),
            rated_at=date(2020, 1, n % 28 + 1),
        )
    first = alice_client.get("/rankings/", {"sort": "title"}).content.decode()
    second = alice_client.get("/rankings/", {"sort": "title", "page": "2"}).content.decode()
    assert first.count('id="ranking-') == 25 and second.count('id="ranking-') == 5
    assert "Page 2 of 2" in second and "Paged 29" in second


def test_changing_a_rating_inline_returns_the_row(alice_client, three):
    ranking = three[0]
    response = alice_client.post(
        f"/rankings/{ranking.pk}/rating/", {"rating": "4"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "4 of 5" in response.content.decode() and "<html" not in response.content.decode()
    ranking.refresh_from_db()
    assert ranking.rating == 4


def test_changing_a_rating_without_javascript_redirects_back(alice_client, three):
    response = alice_client.post(
        f"/rankings/{three[0].pk}/rating/", {"rating": "1", "next": "/rankings/?sort=title"}
    )
    assert response.status_code == 302 and response["Location"] == "/rankings/?sort=title"


@pytest.mark.parametrize(
    "offsite", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:x"]
)
def test_an_offsite_next_is_ignored(alice_client, three, offsite):
    response = alice_client.post(
        f"/rankings/{three[0].pk}/rating/", {"rating": "1", "next": offsite}
    )
    assert response["Location"] == "/rankings/"


@pytest.mark.parametrize("rating", ["0", "6", "x"])
def test_a_bad_inline_rating_shows_a_message_and_keeps_the_old_one(alice_client, three, rating):
    response = alice_client.post(
        f"/rankings/{three[0].pk}/rating/", {"rating": rating}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "1 to 5" in response.content.decode()
    three[0].refresh_from_db()
    assert three[0].rating == 2


def test_deleting_one_ranking_removes_only_that_one(alice_client, three):
    response = alice_client.post(f"/rankings/{three[0].pk}/delete/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="ranking-' not in response.content.decode()
    assert list(
        Ranking.objects.order_by("movie__title").values_list("movie__title", flat=True)
    ) == [
        "Beta Film",
        "Gamma Film",
    ]


def test_deleting_a_ranking_with_htmx_refreshes_the_count_above_the_table(alice_client, three):
    response = alice_client.post(
        f"/rankings/{three[0].pk}/delete/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/rankings/"},
    )
    html = response.content.decode()

    assert '<p id="ranked-count" hx-swap-oob="true">' in html
    assert _count_line(html) == "2 films ranked"


def test_deleting_a_ranking_on_a_filtered_page_refreshes_how_many_it_shows(alice_client, three):
    RankingFactory(user=three[0].user, rating=5)
    response = alice_client.post(
        f"/rankings/{three[1].pk}/delete/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/rankings/?stars=5"},
    )

    assert _count_line(response.content.decode()) == "3 films ranked · showing 1 with 5 stars"


def test_the_count_line_says_how_many_the_star_filter_shows(alice_client, three):
    page = alice_client.get("/rankings/", {"stars": "2"}).content.decode()

    assert _count_line(page) == "3 films ranked · showing 1 with 2 stars"


@pytest.mark.parametrize("action", ["rating", "delete"])
def test_another_users_ranking_is_a_404(bob_client, three, action):
    response = bob_client.post(f"/rankings/{three[0].pk}/{action}/", {"rating": "1"})
    assert response.status_code == 404
    three[0].refresh_from_db()
    assert three[0].rating == 2


@pytest.mark.parametrize("action", ["rating", "delete"])
def test_ranking_actions_are_post_only(alice_client, three, action):
    assert alice_client.get(f"/rankings/{three[0].pk}/{action}/").status_code == 405


def test_ranking_actions_enforce_csrf(alice, three):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/rankings/{three[0].pk}/delete/").status_code == 403
    assert Ranking.objects.count() == 3


def test_delete_all_asks_for_confirmation_first(alice_client, three):
    page = alice_client.get("/rankings/delete-all/").content.decode()
    assert "Delete all 3 rankings" in page
    assert Ranking.objects.count() == 3


def test_delete_all_deletes_only_my_rankings(alice_client, three, bob):
    RankingFactory(user=bob)
    response = alice_client.post("/rankings/delete-all/", follow=True)
    assert "Deleted all 3 of your rankings." in response.content.decode()
    assert list(Ranking.objects.values_list("user__username", flat=True)) == ["bob"]


def test_the_export_has_one_row_per_ranking_with_the_documented_columns(alice_client, alice):
    RankingFactory(
        user=alice,
        movie=MovieFactory(title="Casablanca", year=1942, imdb_id="tt0034583", tmdb_id=289),
        rating=5,
        rated_at=date(2024, 3, 9),
    )
    response = alice_client.get("/rankings/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["title", "year", "rating", "rated_at", "tmdb_id", "imdb_id"],
        ["Casablanca", "1942", "5", "2024-03-09", "289", "tt0034583"],
    ]


def test_the_export_starts_with_a_byte_order_mark_so_excel_reads_it_as_utf_8(alice_client, alice):
    RankingFactory(user=alice, movie=MovieFactory(title="Amélie", year=2001))
    content = alice_client.get("/rankings/export.csv").content
    # Excel takes a CSV without a BOM for the local code page and shows "AmÃ©lie".
    assert content.startswith(codecs.BOM_UTF8 + b"title,year,rating,rated_at,tmdb_id,imdb_id\r\n")
    assert content.count(codecs.BOM_UTF8) == 1
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Amélie", "2001"]


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)"])
def test_the_export_neutralises_spreadsheet_formulas(alice_client, alice, title):
    RankingFactory(user=alice, movie=MovieFactory(title=title))
    content = alice_client.get("/rankings/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][0] == "'" + title
