"""A 500-film history finished in the list: one bulk add, three rows by keyboard, one bulk skip."""

import collections
import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from catalog.builtin import BuiltinCatalog
from catalog.titles import normalize_title
from rankings.models import Ranking
from tests.e2e.conftest import sign_up
from tests.imports.conftest import v3_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HIGH = 490
DOUBTFUL = ["The Shawshank Redemtion", "Casablanka", "Forest Gump"]  # misspelt: a look needed
UNKNOWN = [f"Zorblax the Unfilmed Saga {n}" for n in range(7)]


def _history() -> tuple[bytes, dict[str, datetime]]:
    """500 films: the most popular titles the offline catalog holds once, then the others."""
    films = list(BuiltinCatalog.load())
    count = collections.Counter(normalize_title(f.title) for f in films)
    unique = [
        f
        for f in films
        if count[normalize_title(f.title)] == 1
        and f.title.isascii()
        and len(f.title) > 6
        and "," not in f.title
    ]
    unique.sort(key=lambda f: -f.popularity)
    titles = [f.title for f in unique[:HIGH]] + DOUBTFUL + UNKNOWN
    start = datetime(2024, 6, 1, 20, 0)
    watched = {title: start - timedelta(hours=n) for n, title in enumerate(titles)}
    rows = [(when.strftime("%Y-%m-%d %H:%M:%S.000"), "Movie", t) for t, when in watched.items()]
    return v3_file(rows), watched


def _open_list(page, tmp_path, username):
    sign_up(page, username=username)
    data, watched = _history()
    history = tmp_path / "prime-history.csv"
    history.write_bytes(data)
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="Review as a list").click(timeout=60_000)
    expect(page.locator("#review-list tbody tr")).to_have_count(500, timeout=30_000)
    return watched


def _rows(page, state):
    return page.locator(f"#review-list tbody tr.{state}")


def test_a_500_film_history_is_finished_in_the_list_with_the_keyboard(page, tmp_path):
    watched = _open_list(page, tmp_path, "lister")
    # The first row still to decide has the focus.
    first = page.locator("#review-list tbody tr").first
    expect(first).to_be_focused()
    expect(first.locator("th .prime-title")).to_have_text(next(iter(watched)))

    # The bulk step by keyboard: back to the group, 3 stars, its button, the dialog's Add.
    for key in ["Shift+Tab", "Shift+Tab", "Shift+Tab", "3", "Tab", "Enter"]:
        page.keyboard.press(key)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"This adds {HIGH} films to your rankings with 3 stars")
    expect(dialog.get_by_role("button", name="Add")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_rows(page, "decided")).to_have_count(HIGH, timeout=30_000)
    assert Ranking.objects.filter(user__username="lister", rating=3).count() == HIGH

    # Three films that need a look: choose the film (Tab, Space), then the stars.
    for _ in DOUBTFUL:
        focused = page.locator("#review-list tbody tr:focus")
        expect(focused).to_have_count(1)
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        page.keyboard.press("4")
    expect(_rows(page, "decided")).to_have_count(HIGH + len(DOUBTFUL))

    page.get_by_role("button", name="Skip all without a match").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()

    rankings = Ranking.objects.filter(user__username="lister")
    assert rankings.all().count() == HIGH + len(DOUBTFUL)
    assert sorted(r.rating for r in rankings).count(4) == len(DOUBTFUL)
    titles = {r.movie.title: r.rated_at for r in rankings}
    assert titles["Forrest Gump"] == watched["Forest Gump"].date()

    # Undo goes back step by step: the skip, the three rows, then the whole bulk step.
    undo = page.locator("#undo-button")
    undo.click()
    expect(_rows(page, "pending")).to_have_count(len(UNKNOWN))
    for n in range(1, len(DOUBTFUL) + 1):
        page.keyboard.press("u")
        expect(_rows(page, "pending")).to_have_count(len(UNKNOWN) + n)
    undo.click()
    expect(_rows(page, "pending")).to_have_count(500, timeout=30_000)
    assert not rankings.all().exists()


def test_the_same_walk_works_by_touch_on_a_phone(browser, live_server, offline_catalog, tmp_path):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _open_list(page, tmp_path, "thumbs")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("group", name="Rating for all High matches").get_by_text("3 stars").tap()
        page.get_by_role("button", name="Add all High matches").tap()
        page.get_by_role("dialog").get_by_role("button", name="Add").tap()
        expect(_rows(page, "decided")).to_have_count(HIGH, timeout=30_000)
        for _ in DOUBTFUL:
            row = _rows(page, "pending").first
            row_id = row.get_attribute("id")
            row.get_by_role("radio").first.tap()
            row.get_by_label("5 stars").tap()
            expect(page.locator(f"#{row_id}")).to_have_class(re.compile("decided"))
        expect(_rows(page, "decided")).to_have_count(HIGH + len(DOUBTFUL))
        page.get_by_role("button", name="Skip all without a match").tap()
        expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
        assert Ranking.objects.filter(user__username="thumbs").count() == HIGH + len(DOUBTFUL)
    finally:
        context.close()


SMALL = [
    ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
    ("2024-03-01 19:00:00.000", "Movie", "The Matrix"),
    ("2024-02-01 18:30:00.000", "Movie", "Inception"),
]


def _open_small_list(page, tmp_path, username):
    sign_up(page, username=username)
    history = tmp_path / "prime-history.csv"
    history.write_bytes(v3_file(SMALL))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="Review as a list").click(timeout=20_000)
    expect(_rows(page, "pending")).to_have_count(len(SMALL))


def _rate_two_rows(page):
    """Two row decisions in a row: each answer swaps the row and the progress above the list."""
    first, second = _rows(page, "pending").nth(0), _rows(page, "pending").nth(1)
    first_id, second_id = first.get_attribute("id"), second.get_attribute("id")
    first.get_by_label("4 stars").check()
    expect(page.locator(f"#{first_id}")).to_have_class(re.compile("decided"))
    page.locator(f"#{second_id}").get_by_label("2 stars").check()
    expect(page.locator(f"#{second_id}")).to_have_class(re.compile("decided"))
    expect(page.locator("#list-progress")).to_contain_text("2 of 3")
    return page.locator(f"#{second_id}")


def test_the_undo_above_the_list_takes_back_a_row_decided_just_before(page, tmp_path):
    _open_small_list(page, tmp_path, "rowundo")
    row = _rate_two_rows(page)
    assert Ranking.objects.filter(user__username="rowundo").count() == 2

    page.locator("#list-progress").get_by_role("button", name="Undo").click()

    expect(row).to_have_class(re.compile("pending"))
    expect(_rows(page, "pending")).to_have_count(len(SMALL) - 1)
    assert Ranking.objects.filter(user__username="rowundo", rating=2).count() == 0
    assert Ranking.objects.filter(user__username="rowundo").count() == 1


def test_the_u_key_takes_back_a_row_decided_just_before(page, tmp_path):
    _open_small_list(page, tmp_path, "rowkeyundo")
    row = _rate_two_rows(page)

    page.keyboard.press("u")

    expect(row).to_have_class(re.compile("pending"))
    expect(_rows(page, "pending")).to_have_count(len(SMALL) - 1)
    assert Ranking.objects.filter(user__username="rowkeyundo", rating=2).count() == 0
    page.keyboard.press("u")
    expect(_rows(page, "pending")).to_have_count(len(SMALL))
    assert not Ranking.objects.filter(user__username="rowkeyundo").exists()
