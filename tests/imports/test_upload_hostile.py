"""Hostile uploads through the upload view: a message or a session, never a server error."""

import threading
import zipfile

import pytest
from django.db import connection, connections
from django.test import Client

from benchmarks.hostile_files import legacy, nul_after_8_kb, v3, zip_bomb
from imports.models import ImportItem, ImportSession
from tests.imports.conftest import upload

pytestmark = pytest.mark.usefixtures("offline_catalog")


def test_a_nul_byte_after_the_first_8_kb_is_stored_nowhere(alice_client, alice):
    # On PostgreSQL the NUL reached a title and the upload ended in a 500 (DataError).
    response = upload(alice_client, nul_after_8_kb())

    assert response.status_code == 302
    session = ImportSession.objects.get(user=alice)
    assert session.items.filter(prime_title="Heat (1995)", clean_title="Heat").exists()
    stored = ImportItem.objects.values_list("prime_title", "clean_title", "gti", "image_url")
    assert not ["\x00" for row in stored if "\x00" in "".join(row)]


def test_a_file_just_over_the_limit_is_refused_naming_the_limit(alice_client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 10
    data = v3(["Heat"]).ljust(10 * 1024 * 1024 + 1, b"\n")

    page = upload(alice_client, data).content.decode()

    assert "That file is larger than the 10 MB limit." in page
    assert ImportSession.objects.count() == 0


def test_a_bzip2_zip_bomb_is_refused_with_the_method_message(alice_client):
    data = zip_bomb(zipfile.ZIP_BZIP2, inflated=16 * 1024 * 1024)

    response = upload(alice_client, data, name="Prime Video.zip")

    assert response.status_code == 200
    assert (
        "This ZIP uses a compression method we do not read; upload the CSV inside it instead."
        in response.content.decode()
    )
    assert ImportSession.objects.count() == 0


def test_a_title_of_thousands_of_hyphenated_parts_leaves_the_other_films_importable(
    alice_client, alice
):
    response = upload(alice_client, legacy(["Heat", "-".join(["a"] * 48_000)]))

    assert response.status_code == 302
    session = ImportSession.objects.get(user=alice)
    assert list(session.items.values_list("prime_title", flat=True)) == ["Heat"]
    assert (session.total_entries, session.other_dropped) == (2, 1)


@pytest.fixture
def shared_database():
    """Skip where the test database cannot take writes from two connections at once.

    Django's SQLite test database lives in memory in shared-cache mode, where overlapping
    write transactions fail at once with "database table is locked" instead of waiting.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs a database file or server: the in-memory SQLite test database")


@pytest.mark.django_db(transaction=True)
def test_eight_uploads_at_once_leave_one_import_in_progress_and_one_waiting(
    alice, sample_file, shared_database
):
    statuses, start = [], threading.Barrier(8)

    def upload_in_thread() -> None:
        client = Client()
        client.force_login(alice)
        try:
            start.wait(5)
            statuses.append(upload(client, sample_file).status_code)
        except Exception as error:  # the test client re-raises what would have been a 500
            statuses.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload_in_thread) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [302] * 8
    sessions = ImportSession.objects.filter(user=alice)
    assert sessions.filter(status="matching").count() == 1
    assert sessions.filter(status="waiting").count() == 1
    assert sessions.exclude(status__in=["matching", "waiting"]).count() == 0


def _at_once(user, *acts) -> list:
    """Run each act in its own tab (client, thread and connection) at the same moment; what
    each answered, or the name of what it raised (the test client re-raises a 500's error)."""
    answers: list = [None] * len(acts)
    start = threading.Barrier(len(acts))

    def in_a_tab(n: int) -> None:
        tab = Client()
        tab.force_login(user)
        try:
            start.wait(5)
            answers[n] = acts[n](tab).status_code
        except Exception as error:
            answers[n] = type(error).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=in_a_tab, args=(n,)) for n in range(len(acts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


@pytest.mark.django_db(transaction=True)
def test_confirming_a_replacement_while_another_tab_uploads_never_fails(
    alice, sample_file, shared_database
):
    client = Client()
    client.force_login(alice)
    for _ in range(5):
        upload(client, sample_file)
        upload(client, sample_file)
        confirm = f"/settings/import/{ImportSession.objects.get(status='waiting').pk}/confirm/"

        answers = _at_once(
            alice, lambda tab, url=confirm: tab.post(url), lambda tab: upload(tab, sample_file)
        )

        assert answers == [302, 302]
        sessions = ImportSession.objects.filter(user=alice)
        assert sessions.filter(status="matching").count() == 1
        assert sessions.filter(status="waiting").count() <= 1
