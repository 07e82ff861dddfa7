"""With TMDB, the wizard page matches in two lanes of POSTs; the person sees one progress bar."""

from collections import Counter

import pytest
from playwright.sync_api import expect

from catalog.active import get_catalog
from imports import matcher
from tests.e2e.conftest import sign_up
from tests.fake_tmdb import FAKE_API_KEY
from tests.imports.conftest import v3_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLES = ["Casablanca", "Alien", "Argo", "Avatar", "Birdman", "Boyhood", "Coraline", "Drive"]


@pytest.fixture
def tmdb(page, settings, fake_tmdb, monkeypatch):
    """The live server's catalog is the fake TMDB, slow enough for several match requests."""
    settings.TMDB_API_URL = fake_tmdb.url
    settings.TMDB_API_KEY = FAKE_API_KEY
    get_catalog.cache_clear()
    settings.TMDB_MAX_RPS = 10
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.4)
    fake_tmdb.latency = 0.05
    return fake_tmdb


def test_the_page_matches_in_two_lanes_and_shows_one_progress_bar_then_the_review(
    page, tmdb, tmp_path
):
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    sign_up(page, username="lanes")
    history = tmp_path / "history.csv"
    rows = [(f"2024-05-{day:02d} 20:00:00.000", "Movie", t) for day, t in enumerate(TITLES, 1)]
    history.write_bytes(v3_file(rows))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_label("Matching progress")).to_have_count(1)
    expect(page.locator("#matching-helper")).to_be_hidden()

    expect(page.locator("#card-title")).to_be_visible(timeout=20_000)

    lanes = Counter(
        "helper" if url.endswith("/match/helper/") else "first" for url in posts if "/match/" in url
    )
    assert lanes["helper"] >= 1 and lanes["first"] >= 2
    searches = Counter(r.params["query"] for r in tmdb.requests_to("/3/search/movie"))
    assert searches == Counter(TITLES)
    assert tmdb.rate_limited_count == 0
    expect(page.get_by_label("Matching progress")).to_have_count(0)
