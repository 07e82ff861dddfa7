import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.factories import MovieFactory, RankingFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_searches_keeps_one_history_entry_and_back_leaves_the_find_page(page):
    sign_up(page)
    main_menu = page.get_by_role("navigation", name="Main")
    main_menu.get_by_role("link", name="My rankings").click()
    main_menu.get_by_role("link", name="Find a film").click()
    search = page.get_by_label("Find a film")
    search.fill("Casablanca")
    expect(page.locator("li.film").first).to_contain_text("Casablanca")
    search.fill("Vertigo")
    expect(page.locator("li.film").first).to_contain_text("Vertigo")
    expect(page).to_have_url(re.compile(r"/find/\?q=Vertigo$"))

    page.go_back()

    expect(page).to_have_url(re.compile(r"/rankings/$"))
    expect(page.get_by_role("heading", name="My rankings")).to_be_visible()


def test_deleting_a_row_updates_how_many_films_are_ranked(page):
    sign_up(page)
    user = get_user_model().objects.get(username="eve")
    for title in ("Alpha Film", "Beta Film"):
        RankingFactory(user=user, movie=MovieFactory(title=title))
    page.goto("/rankings/")
    expect(page.get_by_text("2 films ranked")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete Alpha Film").click()

    expect(page.locator("tr").filter(has_text="Alpha Film")).to_have_count(0)
    expect(page.get_by_text("1 film ranked")).to_be_visible()
