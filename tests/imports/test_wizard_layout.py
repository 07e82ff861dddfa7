"""What the wizard page says about the upload and the watch dates, in the app's one date format."""

import re

import pytest

from imports.models import ImportSession
from tests.imports.conftest import upload, v3_file

pytestmark = pytest.mark.usefixtures("offline_catalog")

HX = {"HX-Request": "true"}


def _review_page(client, user, rows) -> str:
    upload(client, v3_file(rows))
    session = ImportSession.objects.get(user=user)
    for _ in range(20):
        client.post(f"/settings/import/{session.pk}/match/", headers=HX)
        session.refresh_from_db()
        if session.status != "matching":
            return client.get(f"/settings/import/{session.pk}/").content.decode()
    raise AssertionError("matching never finished")


def test_a_film_watched_twice_one_evening_lists_that_day_once(alice_client, alice):
    page = _review_page(
        alice_client,
        alice,
        [
            ("2024-05-01 22:30:00.000", "Movie", "Casablanca"),
            ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
            ("2023-01-02 20:00:00.000", "Movie", "Casablanca"),
        ],
    )
    assert '<p class="watched">Watched 1 May 2024, 2 Jan 2023</p>' in page
    assert 'name="rated_on" value="2024-05-01"' in page  # the date input stays ISO


def test_a_film_watched_on_many_days_names_five_and_counts_the_other_days(alice_client, alice):
    rows = [(f"2024-0{m}-01 20:00:00.000", "Movie", "Casablanca") for m in range(1, 8)]
    rows.append(("2024-07-01 23:00:00.000", "Movie", "Casablanca"))
    page = _review_page(alice_client, alice, rows)
    watched = re.search(r'<p class="watched">(.*?)</p>', page).group(1)
    assert watched == (
        "Watched 1 Jul 2024, 1 Jun 2024, 1 May 2024, 1 Apr 2024, 1 Mar 2024 and on 2 more days"
    )


def test_the_upload_counts_fold_into_one_line_that_opens_on_demand(alice_client, alice):
    page = _review_page(
        alice_client,
        alice,
        [
            ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
            ("2024-04-20 20:00:00.000", "Series", "The Boys - Season 2"),
            ("2024-04-10 20:00:00.000", "Movie", "Hamlet"),
        ],
    )
    details = re.search(r'<details class="counts-details">(.*?)</details>', page, re.S).group(1)
    summary = re.search(r"<summary>(.*?)</summary>", details).group(1)
    assert summary == "2 films to review · 3 entries read"
    for label, number in [
        ("Total entries", 3),
        ("Movies found", 2),
        ("TV episodes filtered", 1),
        ("Other rows dropped", 0),
        ("Already ranked", 0),
        ("Ready for review", 2),
    ]:
        assert f"<dt>{label}</dt><dd>{number}</dd>" in details
