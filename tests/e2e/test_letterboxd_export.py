import csv
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rated_film_downloads_as_a_letterboxd_import_file(page):
    sign_up(page)
    page.get_by_role("link", name="Find a film").click()
    page.get_by_label("Find a film").fill("Casablanca")
    film = page.locator("li.film").filter(has_text="Casablanca").filter(has_text="1942")
    film.get_by_role("button", name="4 stars").click()
    expect(page.locator("li.film").filter(has_text="1942")).to_contain_text("Your rating: 4 of 5")

    page.get_by_role("link", name="My rankings").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export for Letterboxd").click()
    assert download.value.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(Path(download.value.path()))
    [name] = archive.namelist()
    rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
    assert [(r["Title"], r["Year"], r["imdbID"], r["Rating"], r["Rewatch"]) for r in rows] == [
        ("Casablanca", "1942", "tt0034583", "4", "false")
    ]
