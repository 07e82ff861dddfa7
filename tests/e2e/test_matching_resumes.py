import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HISTORY = (
    "Date Watched,Type,Title,Episode\n2024-05-01,Movie,Casablanca,\n2024-03-01,Movie,The Matrix,\n"
)
LOST_CONTACT = "Lost contact with the server"


def _fail_match_posts(page, failures):
    """Answer the first match POSTs with `failures` in turn, then let them through."""
    posts = []

    def handle(route):
        posts.append(route.request.method)
        if len(posts) > len(failures):
            route.continue_()
        elif failures[len(posts) - 1] == "drop":
            route.abort("connectionreset")
        else:
            route.fulfill(status=failures[len(posts) - 1], body="server says no")

    page.route("**/match/", handle)
    return posts


def _upload(page, tmp_path):
    sign_up(page, username="resumer")
    history = tmp_path / "history.csv"
    history.write_text(HISTORY, encoding="utf-8")
    page.goto("/settings/import/")
    page.get_by_label("Watch history file").set_input_files(history)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_label("Matching progress")).to_be_attached()
    # Gone after a reload: proves the page carried on by itself.
    page.evaluate("window.sameTab = true")


def test_matching_carries_on_by_itself_after_a_bad_gateway(page, tmp_path):
    posts = _fail_match_posts(page, [502])
    _upload(page, tmp_path)

    expect(page.locator("section.matching [role=status]", has_text=LOST_CONTACT)).to_contain_text(
        "trying again in 2 seconds"
    )
    expect(page.locator("#card-title")).to_have_text("Casablanca", timeout=15_000)
    expect(page.get_by_text(LOST_CONTACT)).to_have_count(0)
    assert page.evaluate("window.sameTab") is True
    assert posts == ["POST", "POST"]


def test_matching_waits_longer_each_time_the_connection_drops_again(page, tmp_path):
    posts = _fail_match_posts(page, ["drop", 503])
    _upload(page, tmp_path)

    note = page.locator("section.matching [role=status]", has_text=LOST_CONTACT)
    expect(note).to_contain_text("trying again in 2 seconds")
    expect(note).to_contain_text("trying again in 4 seconds", timeout=5_000)
    expect(page.locator("#card-title")).to_have_text("Casablanca", timeout=15_000)
    assert page.evaluate("window.sameTab") is True
    assert len(posts) == 3


def test_matching_does_not_ask_again_when_the_server_refuses_the_request(page, tmp_path):
    posts = _fail_match_posts(page, [404])
    _upload(page, tmp_path)

    page.wait_for_timeout(3_000)  # longer than the first retry's pause
    assert len(posts) == 1
    expect(page.get_by_text(LOST_CONTACT)).to_have_count(0)
    expect(page.get_by_role("button", name="Continue matching")).to_be_visible()
