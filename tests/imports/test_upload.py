from pathlib import Path

import pytest
from django.test import Client

from imports.models import ImportItem, ImportSession
from imports.sources import read_history
from tests.factories import MovieFactory, RankingFactory
from tests.imports.conftest import upload, v3_file

pytestmark = pytest.mark.usefixtures("offline_catalog")


def test_the_upload_page_has_the_contract_heading_input_and_button(alice_client):
    page = alice_client.get("/settings/import/").content.decode()
    assert "<h1>Import Watch History</h1>" in page
    assert '<label for="id_file">Watch history file</label>' in page
    assert ">Upload</button>" in page


def test_the_upload_page_says_where_to_get_the_file_with_the_two_steps_of_each_way(alice_client):
    page = alice_client.get("/settings/import/").content.decode()

    assert "Where do I get my watch history?" in page
    assert 'href="https://www.primevideo.com/settings/watch-history"' in page
    assert "github.com/twocaretcat/watch-history-exporter-for-amazon-prime-video" in page
    assert 'href="https://www.amazon.com/hz/privacy-central/data-requests/preview.html"' in page
    assert page.count("<ol>") == 2 and page.count("<li>Paste the script") == 1


def test_uploading_a_prime_file_creates_the_session_and_shows_the_counts(
    alice_client, alice, sample_file
):
    response = upload(alice_client, sample_file, follow=True)
    session = ImportSession.objects.get(user=alice)
    assert response.redirect_chain[-1][0] == f"/settings/import/{session.pk}/"
    page = response.content.decode()
    assert "Detected: <strong>Prime Video exporter" in page
    counts = {
        "Total entries": 8,
        "Movies found": 5,
        "TV episodes filtered": 1,
        "Other rows dropped": 2,
        "Already ranked": 0,
        "Ready for review": 5,
    }
    for label, number in counts.items():
        assert f"<dt>{label}</dt><dd>{number}</dd>" in page
    assert list(session.items.values_list("clean_title", flat=True)) == [
        "Casablanca",
        "The Matrix",
        "Amélie",
        "Pulp Fiction",
        "Zorblax the Unfilmed Saga",
    ]
    assert '<label for="matching-progress">Matching progress</label>' in page


def test_the_counts_say_how_the_rows_add_up_to_the_total(alice_client, alice):
    rows = [
        ("2024-05-03 20:00:00.000", "Movie", "Casablanca"),
        ("2024-05-02 20:00:00.000", "Movie", "Casablanca"),
        ("2024-05-01 20:00:00.000", "Movie", "The Matrix"),
        ("2024-04-30 20:00:00.000", "Series", "The Boys - Season 1"),
        ("2024-04-29 20:00:00.000", "Series", "The Boys - Season 1"),
        ("2024-04-28 20:00:00.000", "Movie", "Episode 0: Official Trailer"),
    ]
    page = upload(alice_client, v3_file(rows), follow=True).content.decode()

    assert "<dt>Total entries</dt><dd>6</dd>" in page and "<dt>Movies found</dt><dd>2</dd>" in page
    assert (
        "3 rows of the 2 films found (a film watched again is one film), 2 episode rows and "
        "1 other row (trailers, extras, live events, repeated rows) make 6." in page
    )


def test_films_already_ranked_are_counted_and_not_reviewed(alice_client, alice, sample_file):
    RankingFactory(
        user=alice, movie=MovieFactory(title="Pulp Fiction", imdb_id="tt0110912"), rating=4
    )
    page = upload(alice_client, sample_file, follow=True).content.decode()
    assert "<dt>Already ranked</dt><dd>1</dd>" in page
    assert "<dt>Ready for review</dt><dd>4</dd>" in page
    assert not ImportItem.objects.filter(clean_title="Pulp Fiction").exists()


def test_a_netflix_file_is_refused_with_a_clear_message_and_nothing_stored(alice_client):
    response = upload(
        alice_client, b"Title,Date\nThe Crown: Season 1,6/19/25\n", name="NetflixViewingHistory.csv"
    )
    assert response.status_code == 200
    assert "Netflix" in response.content.decode()
    assert ImportSession.objects.count() == 0


def test_an_empty_upload_asks_for_a_file(alice_client):
    response = alice_client.post("/settings/import/", {})
    assert "Choose your watch history file to upload." in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(alice_client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = v3_file([("2024-01-01 10:00:00.000", "Movie", "X" * 200)] * 6000)
    response = upload(alice_client, big)
    assert "That file is larger than the 1 MB limit." in response.content.decode()
    assert ImportSession.objects.count() == 0


def test_only_the_most_recent_films_are_kept_and_the_page_says_how_many_were_left_out(
    alice_client, alice, sample_file, settings
):
    settings.IMPORT_MAX_MOVIES = 3
    page = upload(alice_client, sample_file, follow=True).content.decode()
    session = ImportSession.objects.get(user=alice)
    assert session.items.count() == 3 and session.truncated == 2
    assert "2 older films were left out" in page
    assert "upload the same file again to continue with the rest" in page


def test_uploading_while_an_import_is_in_progress_asks_before_replacing_it(
    alice_client, alice, sample_file
):
    upload(alice_client, sample_file)
    first = ImportSession.objects.get(user=alice)
    page = upload(alice_client, sample_file, follow=True).content.decode()
    assert "Replace your import in progress?" in page
    waiting = ImportSession.objects.get(user=alice, status="waiting")
    first.refresh_from_db()
    assert first.status == "matching"

    alice_client.post(f"/settings/import/{waiting.pk}/confirm/")
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "matching")


def test_keeping_the_import_in_progress_discards_the_new_upload(alice_client, alice, sample_file):
    upload(alice_client, sample_file)
    upload(alice_client, sample_file)
    waiting = ImportSession.objects.get(user=alice, status="waiting")
    alice_client.post(f"/settings/import/{waiting.pk}/discard/")
    assert list(ImportSession.objects.values_list("status", flat=True)) == ["matching"]


def test_the_upload_enforces_csrf(alice, sample_file):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert upload(client, sample_file).status_code == 403
    assert ImportSession.objects.count() == 0


GOOD_SAMPLES = sorted(
    p.name
    for p in (Path(__file__).parent.parent / "data" / "prime").iterdir()
    if p.name
    not in {
        "empty.csv",
        "header_only_v3.csv",
        "not_a_csv.pdf",
        "netflix_viewing_history.csv",
        "netflix_viewing_activity.csv",
        "prime_watchlist.csv",
    }
)


@pytest.mark.parametrize("name", GOOD_SAMPLES)
def test_every_sample_file_shape_imports_end_to_end(alice_client, alice, name):
    data = (Path(__file__).parent.parent / "data" / "prime" / name).read_bytes()
    history = read_history(data, filename=name)
    upload(alice_client, data, name=name)
    session = ImportSession.objects.get(user=alice)
    assert session.movies_found == len(history.movies) > 0
    for _ in range(20):
        alice_client.post(f"/settings/import/{session.pk}/match/", headers={"HX-Request": "true"})
        session.refresh_from_db()
        if session.status != "matching":
            break
    while item := session.items.pending_review().first():
        alice_client.post(f"/settings/import/{session.pk}/items/{item.pk}/skip/")
    page = alice_client.get(f"/settings/import/{session.pk}/").content.decode()
    assert "Import complete" in page
    assert f"<dt>Movies skipped</dt><dd>{len(history.movies)}</dd>" in page


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("empty.csv", "empty"),
        ("header_only_v3.csv", "no rows"),
        ("not_a_csv.pdf", "PDF"),
        ("netflix_viewing_activity.csv", "Netflix"),
        ("prime_watchlist.csv", "watchlist"),
    ],
)
def test_every_refused_sample_shows_its_message_and_stores_nothing(alice_client, name, says):
    data = (Path(__file__).parent.parent / "data" / "prime" / name).read_bytes()
    response = upload(alice_client, data, name=name)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert ImportSession.objects.count() == 0
