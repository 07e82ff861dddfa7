import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.factories import MovieFactory, RankingFactory, UserFactory
from tests.imports.conftest import v3_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any page script, so it sees violations from the first byte of each page.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page, live_server):
    """The page with every CSP violation and CSP console error recorded; the internet (Amazon's
    covers) answers 404 without being asked, as a cover that went away would."""
    page.add_init_script(RECORD_VIOLATIONS)
    errors = []

    def on_console(msg):
        if msg.type == "error" and "Content Security Policy" in msg.text:
            errors.append(msg.text)

    page.on("console", on_console)
    page.context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(status=404, body=""),
    )

    def violations() -> list[str]:
        """What the current page reported, and the console since the last call."""
        found = [*page.evaluate("window.__violations"), *errors]
        errors.clear()
        return found

    page.violations = violations
    return page


def _visit(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page.violations()


def test_the_main_pages_run_without_a_single_policy_violation(watched, tmp_path):
    page = watched
    found = {}
    found["signup"] = _visit(page, "/accounts/signup/")
    sign_up(page, username="strict")
    found["home"] = page.violations()

    # Typed only once the page has loaded: before htmx has started, typing searches nothing.
    found["find"] = _visit(page, "/find/")
    page.get_by_label("Find a film").fill("Casablanca")
    film = page.locator("li.film").filter(has_text="Casablanca").filter(has_text="1942")
    expect(film).to_be_visible()
    film.get_by_role("button", name="5 stars").click()
    expect(film).to_contain_text("Your rating: 5 of 5")
    found["find and rate"] = page.violations()

    found["rankings"] = _visit(page, "/rankings/")
    found["settings"] = _visit(page, "/settings/")
    found["import"] = _visit(page, "/settings/import/")
    history = tmp_path / "history.csv"
    history.write_bytes(v3_file([("2024-03-01 19:00:00.000", "Movie", "The Matrix")]))
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#card-title")).to_have_text("The Matrix", timeout=20_000)
    page.wait_for_load_state("networkidle")
    found["review card"] = page.violations()
    wizard = page.url
    page.get_by_role("link", name="Review as a list").click()
    expect(page).to_have_url(re.compile(r"/list/$"))
    page.wait_for_load_state("networkidle")
    found["review list"] = page.violations()
    _visit(page, wizard)
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    found["summary"] = page.violations()
    found["remembered"] = _visit(page, "/settings/import/remembered/")
    get_user_model().objects.filter(username="strict").update(is_staff=True, is_superuser=True)
    found["admin"] = _visit(page, "/admin/")
    found["admin import sessions"] = _visit(page, "/admin/imports/importsession/")
    found["admin lockouts"] = _visit(page, "/admin/axes/accessattempt/")

    page.get_by_role("button", name="Log out").click()
    found["login"] = _visit(page, "/accounts/login/")
    found["admin login"] = _visit(page, "/admin/login/")
    assert {name: v for name, v in found.items() if v} == {}


def test_a_prime_cover_that_fails_to_load_is_hidden(watched, tmp_path):
    page = watched
    sign_up(page, username="covers")
    history = tmp_path / "history.csv"
    history.write_bytes(v3_file([("2024-05-01 20:00:00.000", "Movie", "Casablanca")]))
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#card-title")).to_have_text("Casablanca", timeout=20_000)
    cover = page.locator("img.prime-image")
    expect(cover).to_have_attribute("src", re.compile(r"^https://m\.media-amazon\.com/"))
    expect(cover).to_be_hidden()


def test_a_poster_that_fails_to_load_gives_way_to_the_films_tile(watched, live_server):
    page = watched
    UserFactory(username="posters")
    user = get_user_model().objects.get(username="posters")
    gone = f"{live_server.url}/static/no-such-poster.jpg"
    RankingFactory(user=user, movie=MovieFactory(title="Casablanca", poster_url=gone), rating=5)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("posters")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto("/rankings/")
    row = page.locator("tr").filter(has_text="Casablanca")
    expect(row.locator(".poster.tile")).to_be_visible()
    expect(row.locator(".poster.tile")).to_have_text("C")
    expect(row.locator("img.poster")).to_be_hidden()
    assert page.violations() == []
