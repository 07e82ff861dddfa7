"""The review works as plain forms where it can: with JavaScript off a row is still added by
its stars, all High matches after a confirmation, and a film found with the card's search."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.interface import CatalogMovie
from imports.models import ImportItem, ImportSession
from imports.snapshots import movie_to_snapshot
from rankings.models import Ranking
from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plain_page(browser, live_server, page):
    """A second browser tab with JavaScript off, signed in as the person `page` signed up."""
    sign_up(page, username="plain")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    context.set_default_timeout(10_000)
    plain = context.new_page()
    yield plain
    context.close()


def _in_review() -> ImportSession:
    user = get_user_model().objects.get(username="plain")
    session = ImportSession.objects.create(user=user, status="reviewing", file_name="h.csv")
    films = [
        CatalogMovie(title="Vertigo", year=1958, imdb_id="tt0052357"),
        CatalogMovie(title="Rear Window", year=1954, imdb_id="tt0047396"),
    ]
    watched = datetime(2024, 5, 1, 20, tzinfo=UTC)
    items = [
        ImportItem(
            session=session,
            position=n,
            prime_title=film.title,
            clean_title=film.title,
            watched=[(watched - timedelta(days=n)).isoformat()],
            last_watched=watched - timedelta(days=n),
            match_status="matched",
            band="High",
            confidence=0.95,
            reason="exact title",
            proposal=movie_to_snapshot(film),
        )
        for n, film in enumerate(films, start=1)
    ]
    items.append(
        ImportItem(
            session=session,
            position=3,
            prime_title="Casablanka",
            clean_title="Casablanka",
            watched=[watched.isoformat()],
            last_watched=watched,
            match_status="unmatched",
        )
    )
    ImportItem.objects.bulk_create(items)
    return session


def test_without_javascript_stars_on_a_row_are_saved_with_its_button(plain_page):
    session = _in_review()
    plain_page.goto(f"/settings/import/{session.pk}/list/")
    row = plain_page.get_by_role("row").filter(
        has=plain_page.get_by_role("rowheader", name="Vertigo")
    )

    row.get_by_label("4 stars").check()
    row.get_by_role("button", name="Save rating").click()

    expect(row).to_contain_text("Added ★★★★")
    assert Ranking.objects.get(movie__imdb_id="tt0052357").rating == 4


def test_without_javascript_add_all_high_matches_confirms_on_a_page_first(plain_page):
    session = _in_review()
    plain_page.goto(f"/settings/import/{session.pk}/list/")
    bulk = plain_page.get_by_role("group", name="Rating for all High matches")

    bulk.get_by_label("3 stars").check()
    plain_page.get_by_role("button", name="Add all High matches").click()

    dialog = plain_page.get_by_role("dialog")
    expect(dialog).to_contain_text("This adds 2 films to your rankings with 3 stars")
    assert not Ranking.objects.exists()
    dialog.get_by_role("button", name="Add").click()

    expect(plain_page.locator("#review-list tbody tr.decided")).to_have_count(2)
    assert sorted(Ranking.objects.values_list("rating", flat=True)) == [3, 3]


def test_without_javascript_the_card_search_finds_the_film_to_add(plain_page):
    session = _in_review()
    casablanka = session.items.get(prime_title="Casablanka")
    plain_page.goto(f"/settings/import/{session.pk}/?item={casablanka.pk}")

    plain_page.get_by_label("Search for the right film").fill("Casablanca")
    plain_page.get_by_label("Search for the right film").press("Enter")

    expect(plain_page.get_by_role("heading", name="Casablanka")).to_be_visible()
    plain_page.get_by_label("Casablanca (1942)").check()
    plain_page.get_by_label("5 stars").check()
    plain_page.get_by_role("button", name="Add", exact=True).click()

    expect(plain_page.get_by_text("Takes back: added “Casablanka”")).to_be_visible()
    assert Ranking.objects.get(movie__title="Casablanca").rating == 5
