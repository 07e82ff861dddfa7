import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_user_finds_casablanca_rates_it_and_exports_it(page):
    sign_up(page)
    page.get_by_role("link", name="Find a film").click()
    page.get_by_label("Find a film").fill("Casablanca")
    film = page.locator("li.film").filter(has_text="Casablanca").filter(has_text="1942")
    expect(film).to_be_visible()
    film.get_by_role("button", name="5 stars").click()
    expect(page.locator("li.film").filter(has_text="1942")).to_contain_text("Your rating: 5 of 5")

    page.get_by_role("link", name="My rankings").click()
    row = page.locator("tr").filter(has_text="Casablanca")
    expect(row).to_contain_text("1942")
    expect(row).to_contain_text("5 of 5")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["title"], r["year"], r["rating"], r["imdb_id"]) for r in rows] == [
        ("Casablanca", "1942", "5", "tt0034583")
    ]
