from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.interface import CatalogMovie
from imports.models import ImportItem, ImportSession
from imports.snapshots import movie_to_snapshot
from rankings.models import Ranking
from tests.e2e.conftest import sign_up
from tests.factories import MovieFactory, RankingFactory
from tests.imports.conftest import v3_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = [
    ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
    ("2024-04-25 20:00:00.000", "Series", "The Boys - Season 2"),
    ("2024-04-20 20:00:00.000", "Movie", "Hamlet"),
    ("2024-04-10 21:00:00.000", "Movie", "Die Verurteilten"),
    ("2024-03-05 19:00:00.000", "Movie", "Episode 0: Official Trailer"),
    ("2024-03-01 19:00:00.000", "Movie", "The Matrix"),
    ("2024-02-01 18:30:00.000", "Movie", "Inception"),
    ("2024-01-15 18:30:00.000", "Series", "The Boys - Season 2"),
    ("2023-12-24 16:00:00.000", "Movie", "Pulp Fiction"),
    ("2023-11-11 11:11:11.000", "Movie", "Zorblax the Unfilmed Saga"),
]


def _card_title(page):
    return page.locator("#card-title")


def test_a_person_imports_a_prime_history_end_to_end(page, tmp_path):
    sign_up(page, username="importer")
    user = get_user_model().objects.get(username="importer")
    RankingFactory(
        user=user,
        movie=MovieFactory(title="Pulp Fiction", imdb_id="tt0110912", year=1994),
        rating=4,
        rated_at=date(2020, 1, 1),
    )
    history = tmp_path / "prime-history.csv"
    history.write_bytes(v3_file(ROWS))

    page.goto("/settings/")
    page.get_by_role("link", name="Import Watch History").first.click()
    expect(page.get_by_role("heading", name="Import Watch History")).to_be_visible()
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_text("Detected:")).to_contain_text("Prime Video exporter")
    expect(page.locator("dt:text-is('TV episodes filtered') + dd")).to_have_text("2")
    expect(page.locator("dt:text-is('Already ranked') + dd")).to_have_text("1")
    expect(page.locator("dt:text-is('Ready for review') + dd")).to_have_text("6")

    # Matching runs by itself, then the first card arrives: add it with the keyboard.
    expect(_card_title(page)).to_have_text("Casablanca", timeout=20_000)
    expect(page.get_by_text("1 of 6")).to_be_visible()
    expect(page.get_by_role("link", name="View on IMDb").first).to_have_attribute(
        "href", "https://www.imdb.com/title/tt0034583/"
    )
    page.keyboard.press("5")
    page.keyboard.press("Enter")

    # Hamlet: several films share the title; pick an alternative instead of the proposal.
    expect(_card_title(page)).to_have_text("Hamlet")
    expect(page.locator(".band")).to_have_text("Medium")
    page.locator("label.choice").filter(has_text="(1996)").click()
    page.get_by_label("3 stars").check()
    page.get_by_role("button", name="Add").click()

    # A German title the offline catalog does not know: search for the film instead.
    expect(_card_title(page)).to_have_text("Die Verurteilten")
    page.get_by_label("Search for the right film").fill("Shawshank Redemption")
    page.locator("#search-choices label.choice").filter(has_text="The Shawshank Redemption").click()
    page.get_by_label("4 stars").check()
    page.get_by_role("button", name="Add").click()

    expect(_card_title(page)).to_have_text("The Matrix")
    page.get_by_role("button", name="Skip").click()

    # Add Inception, change our mind with Undo, then skip it.
    expect(_card_title(page)).to_have_text("Inception")
    page.get_by_label("2 stars").check()
    page.get_by_role("button", name="Add").click()
    expect(_card_title(page)).to_have_text("Zorblax the Unfilmed Saga")
    # No catalog film resembles it; the keys still work there (the search box waits below).
    expect(page.get_by_text("Search for it below, or Skip.")).to_be_visible()
    page.keyboard.press("u")
    expect(_card_title(page)).to_have_text("Inception")
    page.keyboard.press("s")

    expect(_card_title(page)).to_have_text("Zorblax the Unfilmed Saga")
    page.get_by_role("button", name="Skip").click()

    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    expect(page.locator("dt:text-is('Movies added') + dd")).to_have_text("3")
    expect(page.locator("dt:text-is('Movies skipped') + dd")).to_have_text("3")
    unmatched = page.locator("h3:text-is('Unmatched titles') + ul li")
    expect(unmatched).to_have_text(["Zorblax the Unfilmed Saga"])

    page.get_by_role("link", name="My rankings").first.click()
    rows = Ranking.objects.filter(user=user).order_by("movie__title")
    assert [(r.movie.title, r.movie.year, r.rating, r.rated_at) for r in rows] == [
        ("Casablanca", 1942, 5, date(2024, 5, 1)),
        ("Hamlet", 1996, 3, date(2024, 4, 20)),
        ("Pulp Fiction", 1994, 4, date(2020, 1, 1)),
        ("The Shawshank Redemption", 1994, 4, date(2024, 4, 10)),
    ]
    expect(page.locator("table.rankings tbody tr")).to_have_count(4)
    expect(page.locator("tr").filter(has_text="Casablanca")).to_contain_text("1 May 2024")


def test_an_add_the_server_refuses_shows_why_and_keeps_the_card(page, tmp_path):
    sign_up(page, username="refused")
    history = tmp_path / "prime-history.csv"
    history.write_bytes(v3_file(ROWS[:1]))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(_card_title(page)).to_have_text("Casablanca", timeout=20_000)

    # A film id the catalog does not know (a stale page, a tampered form): the answer is a 422.
    page.locator("input[name=film]:checked").evaluate("radio => radio.value = 'tt0000000'")
    page.get_by_label("4 stars").check()
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_role("alert")).to_contain_text("That film is not in the catalog.")
    expect(_card_title(page)).to_have_text("Casablanca")
    assert not Ranking.objects.filter(user__username="refused").exists()


def test_a_card_whose_only_proposal_is_low_selects_nothing_and_enter_says_so_by_the_choices(
    page,
):
    sign_up(page, username="doubter")
    user = get_user_model().objects.get(username="doubter")
    session = ImportSession.objects.create(user=user, status="reviewing", file_name="h.csv")
    proposal = CatalogMovie(title="Star Trek: Insurrection", year=1998, imdb_id="tt0120844")
    ImportItem.objects.create(
        session=session,
        position=1,
        prime_title="Star Track Insurection",
        clean_title="Star Track Insurection",
        match_status="needs_review",
        band="Low",
        confidence=0.45,
        reason="weak title match",
        proposal=movie_to_snapshot(proposal),
    )

    page.goto(f"/settings/import/{session.pk}/")
    expect(_card_title(page)).to_have_text("Star Track Insurection")
    expect(page.get_by_text("Needs review")).to_be_visible()
    expect(page.get_by_role("radio", name="Star Trek: Insurrection (1998)")).not_to_be_checked()

    page.keyboard.press("4")
    page.keyboard.press("Enter")

    choices = page.locator("fieldset.choices")
    expect(choices.get_by_role("alert")).to_have_text("Choose the film to add, or Skip.")
    expect(choices).to_have_attribute("aria-invalid", "true")
    assert not Ranking.objects.filter(user=user).exists()


def _center(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_double_click_on_add_adds_once_and_leaves_the_next_card_alone(page, tmp_path):
    sign_up(page, username="doubleclick")
    history = tmp_path / "prime-history.csv"
    history.write_bytes(v3_file([ROWS[0], ROWS[5], ROWS[6]]))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(_card_title(page)).to_have_text("Casablanca", timeout=20_000)
    expect(page.locator(".band")).to_have_text("High")
    page.get_by_label("4 stars").check()

    # A fast server answers the first click before the second: the second click of the double
    # click lands on the next card's Add.
    add = page.get_by_role("button", name="Add")
    page.mouse.click(*_center(add))
    expect(_card_title(page)).to_have_text("The Matrix")
    page.mouse.move(*_center(add))
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    page.wait_for_timeout(1000)

    expect(_card_title(page)).to_have_text("The Matrix")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("Choose a rating from 1 to 5 stars.")).to_have_count(0)
    rankings = Ranking.objects.filter(user__username="doubleclick")
    assert [(r.movie.title, r.rating) for r in rankings] == [("Casablanca", 4)]

    # The next card is decided as usual, by one click.
    page.get_by_label("5 stars").check()
    page.get_by_role("button", name="Add").click()
    expect(_card_title(page)).to_have_text("Inception")
    assert rankings.all().count() == 2
