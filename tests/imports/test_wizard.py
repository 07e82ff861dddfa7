import codecs
import csv
import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imports import matcher, views
from imports.models import ImportItem, ImportSession
from rankings.models import Ranking
from tests.factories import MovieFactory, RankingFactory
from tests.imports.conftest import upload, v3_file

pytestmark = pytest.mark.usefixtures("offline_catalog")

HX = {"HX-Request": "true"}


@pytest.fixture
def session(alice_client, alice, sample_file) -> ImportSession:
    upload(alice_client, sample_file)
    return ImportSession.objects.get(user=alice)


def _match_all(client, session) -> str:
    page = ""
    for _ in range(20):
        page = client.post(f"/settings/import/{session.pk}/match/", headers=HX).content.decode()
        session.refresh_from_db()
        if session.status != "matching":
            return page
    raise AssertionError("matching never finished")


@pytest.fixture
def reviewing(alice_client, session) -> ImportSession:
    _match_all(alice_client, session)
    return session


def _card(session) -> ImportItem:
    return session.items.pending_review().first()


def _skip(client, session, item):
    return client.post(f"/settings/import/{session.pk}/items/{item.pk}/skip/", headers=HX)


def _add(client, session, item, film=None, rating="4", rated_on="2024-05-02", **extra):
    data = {"rating": rating, "rated_on": rated_on, "film": film or item.candidates[0].catalog_id}
    return client.post(f"/settings/import/{session.pk}/items/{item.pk}/add/", data, **extra)


def test_matching_shows_progress_and_then_the_first_review_card(alice_client, session):
    page = alice_client.get(f"/settings/import/{session.pk}/").content.decode()
    assert '<label for="matching-progress">Matching progress</label>' in page
    assert "0 of 5 films matched" in page
    page = _match_all(alice_client, session)
    assert session.status == "reviewing"
    assert "<html" not in page
    assert '<h2 id="card-title" tabindex="-1">Casablanca</h2>' in page
    assert "1 of 5" in page


def _buttons_outside_noscript(page: str) -> str:
    """The page as a browser with JavaScript shows it: what a noscript holds is not there."""
    return re.sub(r"<noscript.*?</noscript>", "", page, flags=re.S)


def test_while_matching_runs_by_itself_it_offers_no_button_but_without_javascript(
    alice_client, session
):
    page = alice_client.get(f"/settings/import/{session.pk}/").content.decode()
    assert "Matching progress" in page
    assert "Continue matching" not in _buttons_outside_noscript(page)
    assert "Retry matching" not in page
    # Without JavaScript nothing sends the next request: the plain form does.
    noscript = re.search(r"<noscript[^>]*>(.*?)</noscript>", page, flags=re.S)
    assert noscript is not None
    assert f'action="/settings/import/{session.pk}/match/"' in noscript.group(1)
    assert "Continue matching</button>" in noscript.group(1)


def test_paused_matching_offers_retry_matching(alice_client, session):
    session.matching_error = "TMDB is not answering."
    session.save(update_fields=["matching_error"])
    page = alice_client.get(f"/settings/import/{session.pk}/").content.decode()
    assert "Matching is paused" in page
    assert "Retry matching</button>" in _buttons_outside_noscript(page)
    assert "Continue matching" not in page


def test_the_review_card_shows_the_proposal_link_band_and_contract_labels(alice_client, reviewing):
    page = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
    assert 'Casablanca</strong> <span class="year">(1942)</span>' in page
    assert 'href="https://www.imdb.com/title/tt0034583/"' in page and ">View on IMDb</a>" in page
    assert ">High</span>" in page
    for n in range(1, 6):
        assert f">{n} star{'s' if n > 1 else ''}</label>" in page
    assert '<label for="rated-on">Rated on</label>' in page
    assert 'value="2024-05-01"' in page
    assert ">Add</button>" in page and ">Skip</button>" in page


def test_an_unknown_title_is_unmatched_and_offers_search_and_skip(alice_client, reviewing):
    item = reviewing.items.get(clean_title="Zorblax the Unfilmed Saga")
    assert item.match_status == "unmatched" and item.proposal is None
    while _card(reviewing) != item:
        _skip(alice_client, reviewing, _card(reviewing))

    page = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()

    card = page[page.index('<article class="review-card"') : page.index("</article>")]
    assert '<h2 id="card-title" tabindex="-1">Zorblax the Unfilmed Saga</h2>' in card
    assert "proposal" not in card and " checked>" not in card  # nothing is pre-selected
    assert '<label for="card-search">Search for the right film</label>' in card
    assert ">Skip</button>" in card


def test_adding_creates_a_ranking_with_the_chosen_date_and_shows_the_next_card(
    alice_client, alice, reviewing
):
    item = _card(reviewing)
    response = _add(alice_client, reviewing, item, rating="5", rated_on="2024-05-01", headers=HX)
    ranking = Ranking.objects.get(user=alice)
    assert (ranking.movie.title, ranking.rating, ranking.rated_at) == (
        "Casablanca",
        5,
        date(2024, 5, 1),
    )
    page = response.content.decode()
    assert "2 of 5" in page and 'id="card-title" tabindex="-1">The Matrix<' in page
    assert "<html" not in page


def test_adding_twice_creates_one_ranking(alice_client, alice, reviewing):
    item = _card(reviewing)
    _add(alice_client, reviewing, item, rating="5")
    _add(alice_client, reviewing, item, rating="2")
    assert list(Ranking.objects.filter(user=alice).values_list("rating", flat=True)) == [5]


def test_adding_never_overwrites_a_ranking_made_before_the_import(alice_client, alice, reviewing):
    item = _card(reviewing)
    film = item.candidates[0]
    RankingFactory(user=alice, movie=MovieFactory(title=film.title, imdb_id=film.imdb_id), rating=2)
    _add(alice_client, reviewing, item, rating="5")
    item.refresh_from_db()
    assert item.decision == "kept"
    assert Ranking.objects.get(user=alice).rating == 2

    _finish(alice_client, reviewing)
    page = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
    assert "1 film you chose was already in your rankings; its ranking was kept" in page


def test_picking_a_film_found_with_the_card_search_adds_that_film(alice_client, alice, reviewing):
    item = _card(reviewing)
    results = alice_client.get(
        f"/settings/import/{reviewing.pk}/items/{item.pk}/search/", {"q": "pulp fiction"}
    )
    assert 'value="tt0110912"' in results.content.decode()
    _add(alice_client, reviewing, item, film="tt0110912")
    assert Ranking.objects.get(user=alice).movie.title == "Pulp Fiction"


@pytest.mark.parametrize(
    ("rating", "message"),
    [
        ("", "Choose a rating from 1 to 5 stars."),
        ("0", "A rating is a whole number from 1 to 5."),
        ("6", "A rating is a whole number from 1 to 5."),
        ("many", "A rating is a whole number from 1 to 5."),
    ],
)
def test_a_bad_rating_keeps_the_card_with_a_message(alice_client, reviewing, rating, message):
    item = _card(reviewing)
    response = _add(alice_client, reviewing, item, rating=rating, headers=HX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Ranking.objects.count() == 0
    item.refresh_from_db()
    assert item.decision == "pending"


def test_a_bad_date_keeps_the_card_with_a_message(alice_client, reviewing):
    response = _add(alice_client, reviewing, _card(reviewing), rated_on="yesterday", headers=HX)
    assert response.status_code == 422 and "Enter a valid date." in response.content.decode()
    assert Ranking.objects.count() == 0


@pytest.mark.parametrize(
    ("days_from_today", "message"),
    [
        (2, "The rating date cannot be in the future."),
        (-50_000, "Enter a rating date after 1900."),
    ],
)
def test_a_rating_date_in_the_future_or_before_films_is_refused(
    alice_client, reviewing, days_from_today, message
):
    rated_on = timezone.localdate() + timedelta(days=days_from_today)

    response = _add(alice_client, reviewing, _card(reviewing), rated_on=rated_on, headers=HX)

    assert response.status_code == 422 and message in response.content.decode()
    assert Ranking.objects.count() == 0


def test_tomorrow_is_accepted_for_a_person_whose_day_has_already_turned(alice_client, reviewing):
    tomorrow = timezone.localdate() + timedelta(days=1)

    _add(alice_client, reviewing, _card(reviewing), rated_on=tomorrow)

    assert Ranking.objects.get().rated_at == tomorrow


def test_skip_moves_on_and_undo_brings_the_card_back_and_removes_its_ranking(
    alice_client, alice, reviewing
):
    first = _card(reviewing)
    _add(alice_client, reviewing, first)
    second = _card(reviewing)
    alice_client.post(f"/settings/import/{reviewing.pk}/items/{second.pk}/skip/")
    second.refresh_from_db()
    assert second.decision == "skipped"

    page = alice_client.post(f"/settings/import/{reviewing.pk}/undo/", headers=HX).content.decode()
    assert f'tabindex="-1">{second.prime_title}<' in page
    alice_client.post(f"/settings/import/{reviewing.pk}/undo/")
    first.refresh_from_db()
    assert first.decision == "pending" and Ranking.objects.filter(user=alice).count() == 0


def test_finishing_shows_the_summary_with_unmatched_titles_and_their_csv(
    alice_client, alice, reviewing
):
    while item := _card(reviewing):
        if item.candidates and item.match_status != "unmatched":
            _add(alice_client, reviewing, item)
        else:
            alice_client.post(f"/settings/import/{reviewing.pk}/items/{item.pk}/skip/")
    page = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
    assert "Import complete" in page
    assert "<dt>Movies added</dt><dd>4</dd>" in page and "<dt>Movies skipped</dt><dd>1</dd>" in page
    assert "<h3>Unmatched titles</h3>" in page and "<li>Zorblax the Unfilmed Saga</li>" in page
    rows = list(
        csv.reader(
            io.StringIO(
                alice_client.get(f"/settings/import/{reviewing.pk}/unmatched.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows == [
        ["title", "watch_dates", "reason"],
        ["Zorblax the Unfilmed Saga", "2023-11-11", "no match found"],
    ]
    assert Ranking.objects.filter(user=alice).count() == 4


def test_the_unmatched_csv_opens_in_a_spreadsheet_with_each_watch_day_once_newest_first(
    alice_client, alice
):
    title = "Zorblax: L’Été des Inconnus"
    upload(
        alice_client,
        v3_file(
            [
                ("2023-11-11 11:11:11.000", "Movie", title),
                ("2024-05-02 21:00:00.000", "Movie", title),
                ("2024-05-02 09:00:00.000", "Movie", title),
                ("2023-11-11 10:00:00.000", "Movie", title),
                ("2024-05-02 15:00:00.000", "Movie", title),
            ]
        ),
    )
    session = ImportSession.objects.get(user=alice)
    _match_all(alice_client, session)
    while item := _card(session):
        _skip(alice_client, session, item)

    content = alice_client.get(f"/settings/import/{session.pk}/unmatched.csv").content

    # Excel takes a CSV without a BOM for the local code page and garbles the accents.
    assert content.startswith(codecs.BOM_UTF8 + b"title,watch_dates,reason\r\n")
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [
        ["title", "watch_dates", "reason"],
        [title, "2024-05-02 2023-11-11", "no match found"],
    ]


def test_the_summary_lists_skipped_titles_apart_and_hides_the_upload_counts(
    alice_client, reviewing
):
    skipped = _card(reviewing)
    alice_client.post(f"/settings/import/{reviewing.pk}/items/{skipped.pk}/skip/")
    while item := _card(reviewing):
        alice_client.post(f"/settings/import/{reviewing.pk}/items/{item.pk}/skip/")

    page = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
    summary = page[page.index("Import complete") :]
    skipped_list = summary[summary.index("<h3>Skipped titles</h3>") :].split("</ul>")[0]
    assert f"<li>{skipped.prime_title}</li>" in skipped_list
    assert "Zorblax the Unfilmed Saga" not in skipped_list
    assert "<dt>Total entries</dt>" not in page
    assert "Takes back: skipped “Zorblax the Unfilmed Saga”" in page
    csv_rows = alice_client.get(f"/settings/import/{reviewing.pk}/unmatched.csv").content.decode()
    assert f"{skipped.prime_title},2024-05-01,skipped" in csv_rows


def test_importing_the_same_file_again_after_finishing_continues_with_the_rest(
    alice_client, alice, sample_file, settings
):
    settings.IMPORT_MAX_MOVIES = 3
    upload(alice_client, sample_file)
    first = ImportSession.objects.get(user=alice)
    _match_all(alice_client, first)
    while item := _card(first):
        alice_client.post(f"/settings/import/{first.pk}/items/{item.pk}/skip/")
    upload(alice_client, sample_file)
    second = ImportSession.objects.exclude(pk=first.pk).get(user=alice)
    to_review = second.items.filter(skipped_before=False)
    assert list(to_review.values_list("clean_title", flat=True)) == [
        "Pulp Fiction",
        "Zorblax the Unfilmed Saga",
    ]
    assert second.items.skipped_before().count() == 3
    assert second.truncated == 0


@pytest.mark.parametrize(
    "action", ["match/", "undo/", "confirm/", "discard/", "items/{item}/add/", "items/{item}/skip/"]
)
def test_another_users_session_is_a_404(bob_client, reviewing, action):
    item = reviewing.items.first()
    response = bob_client.post(
        f"/settings/import/{reviewing.pk}/" + action.format(item=item.pk), {"rating": "5"}
    )
    assert response.status_code == 404
    assert bob_client.get(f"/settings/import/{reviewing.pk}/").status_code == 404
    assert Ranking.objects.count() == 0


def test_another_user_cannot_review_again_an_item_of_my_session(
    alice_client, bob_client, reviewing
):
    item = _card(reviewing)
    _skip(alice_client, reviewing, item)

    response = bob_client.post(f"/settings/import/{reviewing.pk}/items/{item.pk}/review-again/")

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.decision == "skipped"


def test_another_user_cannot_search_for_an_item_of_my_session(bob_client, reviewing):
    item = _card(reviewing)
    response = bob_client.get(
        f"/settings/import/{reviewing.pk}/items/{item.pk}/search/", {"q": "casablanca"}
    )

    assert response.status_code == 404
    assert "Casablanca" not in response.content.decode()


def test_another_user_cannot_download_my_unmatched_titles(alice_client, bob_client, reviewing):
    _skip(alice_client, reviewing, reviewing.items.get(clean_title="Zorblax the Unfilmed Saga"))
    mine = alice_client.get(f"/settings/import/{reviewing.pk}/unmatched.csv")
    assert "Zorblax" in mine.content.decode()

    response = bob_client.get(f"/settings/import/{reviewing.pk}/unmatched.csv")

    assert response.status_code == 404
    assert "Zorblax" not in response.content.decode()


@pytest.mark.parametrize(
    "action", ["match/", "undo/", "confirm/", "discard/", "items/{item}/add/", "items/{item}/skip/"]
)
def test_wizard_actions_are_post_only(alice_client, reviewing, action):
    item = reviewing.items.first()
    assert (
        alice_client.get(
            f"/settings/import/{reviewing.pk}/" + action.format(item=item.pk)
        ).status_code
        == 405
    )


@pytest.mark.parametrize("action", ["match/", "undo/", "items/{item}/add/", "items/{item}/skip/"])
def test_wizard_actions_need_a_login(reviewing, action):
    item = reviewing.items.first()
    response = Client().post(f"/settings/import/{reviewing.pk}/" + action.format(item=item.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wizard_actions_enforce_csrf(alice, reviewing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    item = _card(reviewing)
    assert _add(client, reviewing, item).status_code == 403
    assert Ranking.objects.count() == 0


def test_a_wizard_action_without_htmx_redirects_to_the_wizard_page(alice_client, reviewing):
    response = _add(alice_client, reviewing, _card(reviewing))
    assert (
        response.status_code == 302 and response["Location"] == f"/settings/import/{reviewing.pk}/"
    )


def _add_fillers(session, count: int) -> None:
    start = session.items.count()
    ImportItem.objects.bulk_create(
        ImportItem(
            session=session,
            position=100 + n,
            prime_title=f"Filler {n}",
            clean_title=f"Filler {n}",
            match_status="unmatched",
        )
        for n in range(start, start + count)
    )


def test_an_add_costs_the_same_number_of_queries_with_50_or_500_items(alice_client, reviewing):
    _add_fillers(reviewing, 50 - reviewing.items.count())
    first = _card(reviewing)
    with CaptureQueriesContext(connection) as with_50:
        _add(alice_client, reviewing, first, headers=HX)
    _add_fillers(reviewing, 450)
    assert reviewing.items.count() == 500
    second = _card(reviewing)

    with CaptureQueriesContext(connection) as with_500:
        response = _add(alice_client, reviewing, second, headers=HX)

    assert response.status_code == 200
    assert Ranking.objects.count() == 2
    assert len(with_500) == len(with_50) <= 30


def test_an_expired_session_shows_a_friendly_page(alice_client, reviewing, settings):
    with time_machine.travel(
        timezone.now() + timedelta(minutes=settings.IMPORT_SESSION_TTL_MINUTES + 1)
    ):
        page = alice_client.get(f"/settings/import/{reviewing.pk}/").content.decode()
        assert "This import has expired" in page and "Start a new import" in page
        response = _add(alice_client, reviewing, _card(reviewing), headers=HX)
        assert "Start a new import" in response.content.decode()
    assert Ranking.objects.count() == 0


def test_an_expired_session_refuses_the_card_search_and_the_unmatched_csv(
    alice_client, reviewing, settings
):
    item = _card(reviewing)
    with time_machine.travel(
        timezone.now() + timedelta(minutes=settings.IMPORT_SESSION_TTL_MINUTES + 1)
    ):
        search = alice_client.get(
            f"/settings/import/{reviewing.pk}/items/{item.pk}/search/", {"q": "Casablanca"}
        )
        csv_download = alice_client.get(f"/settings/import/{reviewing.pk}/unmatched.csv")

    assert "This import has expired" in search.content.decode()
    assert "Casablanca (1942)" not in search.content.decode()
    assert csv_download["Content-Type"].startswith("text/html")
    assert "This import has expired" in csv_download.content.decode()


def test_each_action_slides_the_expiry(alice_client, reviewing, settings):
    later = timezone.now() + timedelta(minutes=settings.IMPORT_SESSION_TTL_MINUTES - 1)
    with time_machine.travel(later):
        _add(alice_client, reviewing, _card(reviewing))
    reviewing.refresh_from_db()
    assert reviewing.expires_at > later + timedelta(minutes=settings.IMPORT_SESSION_TTL_MINUTES - 1)


def test_cleanup_deletes_only_expired_sessions_and_supports_dry_run(
    alice, bob, sample_file, settings, capsys
):
    from imports.services import create_session
    from imports.sources import read_history

    old = create_session(user=alice, file_name="old.csv", history=read_history(sample_file))
    ImportSession.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    fresh = create_session(user=bob, file_name="new.csv", history=read_history(sample_file))

    call_command("cleanup_import_sessions", "--dry-run")
    assert "Would delete 1 expired import sessions (5 items)." in capsys.readouterr().out
    assert ImportSession.objects.count() == 2

    call_command("cleanup_import_sessions")
    assert "Deleted 1 expired import sessions (5 items)." in capsys.readouterr().out
    assert list(ImportSession.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert ImportItem.objects.filter(session_id=old.pk).count() == 0


def test_a_second_tab_adding_a_decided_card_changes_nothing_and_says_so(
    alice_client, alice, reviewing
):
    item = _card(reviewing)
    _add(alice_client, reviewing, item, rating="5")
    page = _add(alice_client, reviewing, item, rating="1", headers=HX).content.decode()
    assert "was already decided (perhaps in another tab)" in page
    assert 'tabindex="-1">The Matrix<' in page
    assert list(Ranking.objects.filter(user=alice).values_list("rating", flat=True)) == [5]


def _finish(client, session):
    while item := _card(session):
        if item.candidates and item.match_status != "unmatched":
            _add(client, session, item, rating="3")
        else:
            client.post(f"/settings/import/{session.pk}/items/{item.pk}/skip/")


def test_a_later_import_proposes_the_film_chosen_before_as_your_earlier_choice(
    alice_client, alice, reviewing, sample_file
):
    item = _card(reviewing)
    _add(alice_client, reviewing, item, film="tt0110912")  # "Casablanca" ranked as Pulp Fiction
    _finish(alice_client, reviewing)
    Ranking.objects.filter(user=alice).delete()

    upload(alice_client, sample_file)
    again = ImportSession.objects.exclude(pk=reviewing.pk).get(user=alice)
    remembered = again.items.get(clean_title="Casablanca")
    assert (remembered.band, remembered.reason) == ("High", "your earlier choice")
    assert remembered.proposal["imdb_id"] == "tt0110912"


def test_titles_skipped_before_come_back_pre_skipped_and_can_be_reviewed_again(
    alice_client, alice, reviewing, sample_file
):
    _finish(alice_client, reviewing)  # Zorblax is skipped
    upload(alice_client, sample_file)
    again = ImportSession.objects.exclude(pk=reviewing.pk).get(user=alice)
    page = alice_client.get(f"/settings/import/{again.pk}/").content.decode()
    assert "Import complete" in page and "<dt>Already ranked</dt><dd>4</dd>" in page
    assert page.count("<dt>Already ranked</dt>") == 1
    assert "<dt>Total entries</dt><dd>8</dd>" in page and "<dt>Movies found</dt><dd>5</dd>" in page
    assert "<h3>Skipped before</h3>" in page and "Zorblax the Unfilmed Saga" in page
    assert "every film found its match" not in page
    assert "<dt>Movies skipped</dt><dd>0</dd>" in page

    zorblax = again.items.get(clean_title="Zorblax the Unfilmed Saga")
    alice_client.post(f"/settings/import/{again.pk}/items/{zorblax.pk}/review-again/")
    _match_all(alice_client, again)
    assert _card(again).pk == zorblax.pk


def test_the_remembered_decisions_page_lists_and_forgets_decisions(alice_client, alice, reviewing):
    item = _card(reviewing)
    alice_client.post(f"/settings/import/{reviewing.pk}/items/{item.pk}/skip/")
    page = alice_client.get("/settings/import/remembered/").content.decode()
    assert "Casablanca" in page and "Skipped" in page
    memory = alice.remembered_decisions.get()
    assert alice_client.get(f"/settings/import/remembered/{memory.pk}/forget/").status_code == 405
    alice_client.post(f"/settings/import/remembered/{memory.pk}/forget/")
    assert not alice.remembered_decisions.exists()


def test_another_users_remembered_decision_is_a_404(alice_client, alice, bob_client, reviewing):
    alice_client.post(f"/settings/import/{reviewing.pk}/items/{_card(reviewing).pk}/skip/")
    memory = alice.remembered_decisions.get()
    assert bob_client.post(f"/settings/import/remembered/{memory.pk}/forget/").status_code == 404
    assert alice.remembered_decisions.exists()


def test_undo_forgets_the_decision_it_takes_back(alice_client, alice, reviewing):
    alice_client.post(f"/settings/import/{reviewing.pk}/items/{_card(reviewing).pk}/skip/")
    alice_client.post(f"/settings/import/{reviewing.pk}/undo/")
    assert not alice.remembered_decisions.exists()


def test_while_another_request_holds_every_title_the_page_says_so_and_asks_again_at_once(
    alice_client, session, monkeypatch
):
    # The request first waits its budget for the other one to store them; the next does too.
    monkeypatch.setattr(matcher, "MATCH_BUDGET_SECONDS", 0.3)
    session.items.update(claimed_until=timezone.now() + timedelta(seconds=30))
    page = alice_client.post(f"/settings/import/{session.pk}/match/", headers=HX).content.decode()
    assert f'hx-trigger="load delay:{views.MATCH_POST_DELAY_MS}ms"' in page
    assert "still being matched by another request" in page
    session.items.update(claimed_until=None)
    page = alice_client.post(f"/settings/import/{session.pk}/match/", headers=HX).content.decode()
    assert "another request" not in page


def test_a_finished_import_says_once_how_many_older_films_were_left_out(
    alice_client, alice, sample_file, settings
):
    settings.IMPORT_MAX_MOVIES = 3
    upload(alice_client, sample_file)
    session = ImportSession.objects.get(user=alice)
    _match_all(alice_client, session)
    _finish(alice_client, session)

    page = alice_client.get(f"/settings/import/{session.pk}/").content.decode()

    assert "Import complete" in page
    assert page.count("2 older films") == 1 and "2 older films were left out" in page
