"""Titles left out as extras, brought back for review; what the offline catalog cannot find."""

import pytest
from django.test import Client

from catalog.active import get_catalog
from imports.models import ImportItem, ImportSession
from tests.imports.conftest import upload, v3_file

pytestmark = pytest.mark.usefixtures("offline_catalog")

HX = {"HX-Request": "true"}
ROWS = [
    ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
    ("2024-04-20 20:00:00.000", "Movie", "Bonus: Making Of"),
    ("2024-04-10 21:00:00.000", "Movie", "Episode 3: The Reckoning"),
    ("2024-03-01 19:00:00.000", "Movie", "The Matrix"),
]
GERMAN = (
    b"Datum angesehen,Typ,Titel,Folge\n"
    b'2025-03-14,Film,"Das Leben der Anderen",\n'
    b'2025-03-10,Film,"Zorblax der Unverfilmte",\n'
    b'2025-02-01,Film,"Folge 3: Der Verrat",\n'
)


@pytest.fixture
def session(alice_client, alice) -> ImportSession:
    upload(alice_client, v3_file(ROWS))
    return ImportSession.objects.get(user=alice)


def _page(client, session, **extra) -> str:
    return client.get(f"/settings/import/{session.pk}/", **extra).content.decode()


def _bring_back(client, session, index: int, **extra):
    return client.post(f"/settings/import/{session.pk}/extras/{index}/review/", **extra)


def _match_all(client, session) -> None:
    for _ in range(20):
        client.post(f"/settings/import/{session.pk}/match/", headers=HX)
        session.refresh_from_db()
        if session.status != "matching":
            return
    raise AssertionError("matching never finished")


def _finish(client, session) -> str:
    _match_all(client, session)
    while item := session.items.pending_review().first():
        client.post(f"/settings/import/{session.pk}/items/{item.pk}/skip/", headers=HX)
    session.refresh_from_db()
    assert session.status == "complete"
    return _page(client, session)


def test_the_matching_page_lists_the_titles_left_out_as_extras_collapsed(alice_client, session):
    page = _page(alice_client, session)

    assert '<details class="left-out-extras">' in page
    assert "<summary>Left out as extras (2)</summary>" in page
    assert '<span id="extra-0">Bonus: Making Of</span>' in page
    assert '<span id="extra-1">Episode 3: The Reckoning</span>' in page
    assert page.count(">Review this title</button>") == 2
    assert "<dt>Movies found</dt><dd>2</dd>" in page
    assert "<dt>Other rows dropped</dt><dd>2</dd>" in page


def test_no_extras_means_no_list(alice_client, alice):
    upload(alice_client, v3_file([ROWS[0]]))

    page = _page(alice_client, ImportSession.objects.get(user=alice))

    assert "Left out as extras" not in page


def test_reviewing_an_extra_brings_it_back_as_a_card(alice_client, session):
    response = _bring_back(alice_client, session, 0)

    assert response.status_code == 302
    assert response["Location"] == f"/settings/import/{session.pk}/"
    session.refresh_from_db()
    assert (session.status, session.movies_found, session.other_dropped) == ("matching", 3, 1)
    item = session.items.get(prime_title="Bonus: Making Of")
    assert (item.match_status, item.decision, item.watched) == (
        "pending",
        "pending",
        ["2024-04-20T20:00:00+00:00"],
    )
    page = _page(alice_client, session)
    assert "<summary>Left out as extras (1)</summary>" in page
    assert "Bonus: Making Of</span>" not in page
    _match_all(alice_client, session)
    titles = [i.prime_title for i in session.items.reviewable().order_by("position")]
    assert titles == ["Casablanca", "The Matrix", "Bonus: Making Of"]


def test_reviewing_the_same_extra_twice_makes_one_card(alice_client, session):
    _bring_back(alice_client, session, 1)
    _bring_back(alice_client, session, 1)

    assert session.items.filter(prime_title="Episode 3: The Reckoning").count() == 1
    session.refresh_from_db()
    assert session.movies_found == 3


def test_an_index_that_names_no_extra_changes_nothing(alice_client, session):
    response = _bring_back(alice_client, session, 7)

    assert response.status_code == 302
    assert session.items.count() == 2


def test_reviewing_an_extra_from_htmx_answers_the_stage_fragment(alice_client, session):
    response = _bring_back(alice_client, session, 0, headers=HX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert '<label for="matching-progress">Matching progress</label>' in page
    assert "<summary>Left out as extras (1)</summary>" in page


def test_the_completion_page_lists_the_extras_and_one_goes_back_to_matching(alice_client, session):
    page = _finish(alice_client, session)

    assert "Import complete" in page
    assert "<summary>Left out as extras (2)</summary>" in page
    _bring_back(alice_client, session, 1)
    session.refresh_from_db()
    assert session.status == "matching"
    _match_all(alice_client, session)
    assert session.status == "reviewing"
    card = session.items.pending_review().get()
    assert card.prime_title == "Episode 3: The Reckoning"


def test_a_finished_import_cannot_take_an_extra_back_while_another_is_in_progress(
    alice_client, alice, session
):
    _finish(alice_client, session)
    upload(alice_client, v3_file([("2024-06-01 20:00:00.000", "Movie", "Heat")]))

    response = _bring_back(alice_client, session, 0, headers=HX)

    assert "another one is in progress" in response.content.decode()
    assert not session.items.filter(prime_title="Bonus: Making Of").exists()


def test_another_users_extra_is_a_404(bob_client, session):
    assert _bring_back(bob_client, session, 0).status_code == 404
    assert session.items.count() == 2


def test_reviewing_an_extra_is_post_only(alice_client, session):
    response = alice_client.get(f"/settings/import/{session.pk}/extras/0/review/")

    assert response.status_code == 405


def test_reviewing_an_extra_needs_a_login(session):
    response = _bring_back(Client(), session, 0)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reviewing_an_extra_enforces_csrf(alice, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert _bring_back(client, session, 0).status_code == 403
    assert session.items.count() == 2


def test_reviewing_an_extra_of_an_expired_import_shows_the_friendly_page(
    alice_client, session, settings
):
    ImportSession.objects.filter(pk=session.pk).update(expires_at="2000-01-01T00:00Z")

    response = _bring_back(alice_client, session, 0)

    assert "This import has expired" in response.content.decode()
    assert session.items.count() == 2


# --- What the offline catalog cannot find ---------------------------------------------------

OFFLINE_NOTE = "The offline catalog knows English titles only; a TMDB key matches titles in German"


def test_a_german_file_on_the_offline_catalog_is_told_before_matching(alice_client, alice):
    upload(alice_client, GERMAN)

    page = _page(alice_client, ImportSession.objects.get(user=alice))

    assert OFFLINE_NOTE in page
    assert "“The catalog: offline or TMDB”" in page
    assert '<span id="extra-0">Folge 3: Der Verrat</span>' in page


def test_a_card_without_a_match_in_a_german_file_says_so_in_one_line(alice_client, alice):
    upload(alice_client, GERMAN)
    session = ImportSession.objects.get(user=alice)
    _match_all(alice_client, session)
    card = session.items.pending_review().first()
    assert (card.match_status, card.proposal) == (ImportItem.MatchStatus.UNMATCHED, None)

    page = _page(alice_client, session)

    assert f'<h2 id="card-title" tabindex="-1">{card.prime_title}</h2>' in page
    assert page.count(OFFLINE_NOTE) == 1


def test_an_english_file_gets_no_language_note(alice_client, session):
    assert "knows English titles only" not in _page(alice_client, session)


def test_a_german_file_with_a_tmdb_key_gets_no_language_note(alice_client, alice, settings):
    upload(alice_client, GERMAN)
    settings.TMDB_API_KEY = "a-key"
    get_catalog.cache_clear()
    try:
        page = _page(alice_client, ImportSession.objects.get(user=alice))
    finally:
        settings.TMDB_API_KEY = ""
        get_catalog.cache_clear()

    assert "knows English titles only" not in page


def test_the_completion_page_counts_titles_newer_than_the_offline_catalog(alice_client, alice):
    rows = [
        ("2021-05-01 20:00:00.000", "Movie", "Zorblax the Unfilmed (2019)"),
        ("2020-04-20 20:00:00.000", "Movie", "Quillmarsh Thunder"),
        ("2012-04-10 21:00:00.000", "Movie", "Marmalade over Ystad"),
        ("2021-03-01 19:00:00.000", "Movie", "Vorpal Nights (1999)"),
    ]
    upload(alice_client, v3_file(rows))

    page = _finish(alice_client, ImportSession.objects.get(user=alice))

    assert (
        "2 unmatched titles are newer than 2014, the offline catalog's last year: "
        "a TMDB key finds them."
    ) in page


def test_the_completion_page_says_nothing_of_years_when_no_title_is_newer(alice_client, alice):
    upload(alice_client, v3_file([("2012-04-10 21:00:00.000", "Movie", "Marmalade over Ystad")]))

    page = _finish(alice_client, ImportSession.objects.get(user=alice))

    assert "offline catalog's last year" not in page
