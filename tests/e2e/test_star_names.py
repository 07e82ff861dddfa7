"""Screen readers hear "3 stars", not "3 stars ★": the drawn stars stay out of the names."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.factories import MovieFactory, RankingFactory
from tests.imports.conftest import v3_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMES = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]


def test_the_review_cards_star_choices_are_named_by_their_count_alone(page, tmp_path):
    sign_up(page, username="listener")
    history = tmp_path / "prime-history.csv"
    history.write_bytes(v3_file([("2024-05-01 20:00:00.000", "Movie", "Casablanca")]))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#card-title")).to_have_text("Casablanca", timeout=20_000)

    rating = page.get_by_role("group", name="Your rating")
    for name in NAMES:
        expect(rating.get_by_role("radio", name=name, exact=True)).to_have_count(1)
    page.get_by_role("radio", name="3 stars", exact=True).check()
    expect(page.get_by_role("radio", name="3 stars", exact=True)).to_be_checked()


def test_the_star_buttons_on_my_rankings_and_find_are_named_by_their_count_alone(page):
    sign_up(page, username="lister")
    user = get_user_model().objects.get(username="lister")
    for title in ("Alpha Film", "Beta Film"):
        RankingFactory(user=user, movie=MovieFactory(title=title), rating=2)

    page.goto("/rankings/")
    for name in NAMES:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(2)

    page.goto("/find/?q=Casablanca")
    film = page.locator("li.film").filter(has_text="1942")
    for name in NAMES:
        expect(film.get_by_role("button", name=name, exact=True)).to_have_count(1)
