"""Every socket call of the TMDB client ends by its attempt's deadline: a dripping fake TMDB."""

import time

import pytest

from catalog import tmdb
from catalog.deadlines import deadline
from catalog.interface import CatalogUnavailable, OutOfTime
from catalog.tmdb import TMDBClient

# A whole deadline for every call


def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_each_attempts_deadline(client, fake_tmdb):
    # Each byte comes well within the 0.3 s read timeout; the answer would take a minute.
    fake_tmdb.drip_next(3, interval=0.1)
    started = time.monotonic()

    with pytest.raises(CatalogUnavailable) as error:
        client.search("Casablanca")

    assert time.monotonic() - started < 3 * 0.3 + 0.5
    assert "timed out" in error.value.message
    assert fake_tmdb.request_count == 3


def test_a_dripping_answer_ends_with_the_callers_deadline(tmdb_settings, fake_tmdb):
    fake_tmdb.drip_next(1, interval=0.1)
    started = time.monotonic()

    with TMDBClient.from_settings(timeout=10) as client, deadline(0.5), pytest.raises(OutOfTime):
        client.search("Casablanca")

    assert time.monotonic() - started < 0.5 + 0.3


def test_without_a_callers_deadline_a_call_still_ends_within_its_own(
    tmdb_settings, fake_tmdb, monkeypatch
):
    monkeypatch.setattr(tmdb, "CALL_SECONDS", 0.5)
    fake_tmdb.drip_next(1, interval=0.1)
    started = time.monotonic()

    with TMDBClient.from_settings(timeout=10) as client, pytest.raises(OutOfTime):
        client.search("Casablanca")

    assert time.monotonic() - started < 0.5 + 0.3
