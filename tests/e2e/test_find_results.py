import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_searching_twice_leaves_one_results_region_and_no_policy_violation(page, live_server):
    policy_messages = []

    def on_console(msg):
        if "Content Security Policy" in msg.text:
            policy_messages.append(msg.text)

    page.on("console", on_console)
    page.context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(status=404, body=""),
    )
    sign_up(page)
    page.goto("/find/")
    # Typed only once the page has loaded: before htmx has started, typing searches nothing.
    page.wait_for_load_state("networkidle")
    search = page.get_by_label("Find a film")

    search.fill("Casablanca")
    expect(page.locator("li.film").first).to_contain_text("Casablanca")
    search.fill("Vertigo")
    expect(page.locator("li.film").first).to_contain_text("Vertigo")
    page.wait_for_load_state("networkidle")

    expect(page.locator("[id=search-results]")).to_have_count(1)
    expect(page.locator("[aria-live] li.film").first).to_contain_text("Vertigo")
    assert policy_messages == []
