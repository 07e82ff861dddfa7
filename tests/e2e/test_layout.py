"""Every page fits a phone and a laptop screen: no sideways scrolling, the review card's controls
in view. Set E2E_SCREENSHOTS to a directory to keep a screenshot of each page at each size."""

import os
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.factories import MovieFactory, RankingFactory
from tests.imports.conftest import v3_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
LONG_TITLE = (
    "Der Herr der Ringe: Die Gefährten – Special Extended Edition mit Bonusmaterial "
    "und Kommentaren der Regie [dt./OV] (4K UHD)"
)
ROWS = [
    ("2024-06-01 20:00:00.000", "Movie", LONG_TITLE),
    ("2024-05-01 21:30:00.000", "Movie", "Casablanca"),
    ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
    ("2024-04-25 20:00:00.000", "Series", "The Boys - Season 2"),
    ("2024-04-20 20:00:00.000", "Movie", "Hamlet"),
    ("2024-03-05 19:00:00.000", "Movie", "Episode 0: Official Trailer"),
]


def _png(width: int, height: int) -> bytes:
    """A plain PNG standing in for Prime's artwork, so no test fetches the real one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x3a\x6e\xa5" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PRIME_ART = _png(320, 180)


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser, live_server, settings):
    from catalog.active import get_catalog

    settings.TMDB_API_KEY = ""
    settings.TMDB_READ_ACCESS_TOKEN = ""
    get_catalog.cache_clear()
    width, height = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(10_000)
    context.route(
        "https://m.media-amazon.com/**",
        lambda route: route.fulfill(body=PRIME_ART, content_type="image/png"),
    )
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()
    get_catalog.cache_clear()


def _fits(page, name: str, full_page: bool = True) -> None:
    page.wait_for_load_state("load")
    shots = os.environ.get("E2E_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}-{page.size_name}.png")
        if full_page:
            page.screenshot(path=f"{shots}/{name}-{page.size_name}-full.png", full_page=True)
    # A mobile browser zooms out to show a page wider than the screen; then innerWidth grows too.
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    screen = SIZES[page.size_name][0]
    assert widths[0] <= widths[1] == screen, f"{name} is wider than {screen} px: {widths}"


def _in_view(page, locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width, height = SIZES[page.size_name]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box


def _upload(page, tmp_path, rows) -> None:
    history = tmp_path / "prime-history.csv"
    history.write_bytes(v3_file(rows))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()


def test_no_page_scrolls_sideways(sized_page, tmp_path):
    page = sized_page
    page.goto("/accounts/login/")
    _fits(page, "login")
    page.goto("/accounts/signup/")
    _fits(page, "signup")
    sign_up(page, username="narrow")
    user = get_user_model().objects.get(username="narrow")
    films = [
        MovieFactory(title="Casablanca", year=1942),
        MovieFactory(title="Star Wars: Episode IV – A New Hope", year=1977),
        MovieFactory(
            title="Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb",
            year=1964,
            tmdb_id=935,
            poster_url="http://127.0.0.1:9/missing-poster.jpg",
        ),
    ]
    for n, film in enumerate(films):
        RankingFactory(user=user, movie=film, rating=n + 3, rated_at=date(2025, 11, 24 - n))
    page.goto("/")
    _fits(page, "home")
    page.goto("/find/?q=star")
    expect(page.locator("li.film").first).to_be_visible()
    _fits(page, "find")
    page.goto("/rankings/")
    _fits(page, "rankings")
    page.goto("/rankings/delete-all/")
    _fits(page, "delete-all")
    page.goto("/settings/")
    _fits(page, "settings")
    page.goto("/settings/import/")
    _fits(page, "import-upload")

    # Hold the first matching request so the progress bar stays on screen for a moment.
    held = []
    page.route("**/match/", lambda route: held.append(route))
    _upload(page, tmp_path, ROWS)
    expect(page.get_by_label("Matching progress")).to_be_visible()
    _fits(page, "wizard-matching")
    page.unroute("**/match/")  # lets the held request through

    expect(page.locator("#card-title")).to_have_text(LONG_TITLE, timeout=20_000)
    _fits(page, "wizard-card")
    page.locator("details.counts-details summary").click()
    _fits(page, "wizard-card-counts")
    page.get_by_role("link", name="Review as a list").click()
    expect(page.get_by_role("button", name="Add all High matches")).to_be_visible()
    _fits(page, "review-list")
    page.get_by_role("link", name="Review card by card").click()
    page.get_by_role("button", name="Skip").click()
    expect(page.locator("#card-title")).to_have_text("Hamlet")  # Casablanca is ranked already
    _fits(page, "wizard-card-alternatives")
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    _fits(page, "wizard-summary")
    page.goto("/settings/import/remembered/")
    _fits(page, "remembered")


def test_a_review_card_shows_its_stars_and_buttons_without_scrolling(sized_page, tmp_path):
    page = sized_page
    sign_up(page, username="thumbs")
    _upload(page, tmp_path, ROWS)
    card_title = page.locator("#card-title")
    for title in (LONG_TITLE, "Casablanca", "Hamlet"):
        expect(card_title).to_have_text(title, timeout=20_000)
        _fits(page, f"card-{title[:10].strip().lower().replace(' ', '-')}", full_page=False)
        _in_view(page, page.get_by_role("radio", name="5 stars", exact=True))
        _in_view(page, page.get_by_role("button", name="Add", exact=True))
        _in_view(page, page.get_by_role("button", name="Skip", exact=True))
        page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()


def test_the_keyboard_hint_shows_only_where_there_is_a_keyboard(sized_page, tmp_path):
    page = sized_page
    sign_up(page, username="keys")
    _upload(page, tmp_path, ROWS[1:3])
    expect(page.locator("#card-title")).to_have_text("Casablanca", timeout=20_000)
    hint = page.get_by_text("Keys:")
    if page.size_name == "phone":
        expect(hint).to_be_hidden()
    else:
        expect(hint).to_be_visible()


def _gap(a: dict, b: dict) -> float:
    """The distance between two boxes: across, below, or both when they sit diagonally."""
    across = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]), 0)
    down = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    return max(across, down)


def test_replacing_an_import_stands_apart_from_keeping_it(sized_page, tmp_path):
    page = sized_page
    sign_up(page, username="replacer")
    _upload(page, tmp_path, ROWS[1:3])
    expect(page.locator("#card-title")).to_have_text("Casablanca", timeout=20_000)
    _upload(page, tmp_path, ROWS[4:5])
    expect(page.get_by_role("heading", name="Replace your import in progress?")).to_be_visible()
    _fits(page, "wizard-replace")

    replace = page.get_by_role("button", name="Replace my current import")
    keep = page.get_by_role("button", name="Keep my current import")
    _in_view(page, replace)
    _in_view(page, keep)
    assert _gap(replace.bounding_box(), keep.bounding_box()) >= 16
