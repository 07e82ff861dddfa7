"""The TMDB client the catalog's tests talk to the fake TMDB server with."""

import pytest

from catalog.tmdb import TMDBClient


@pytest.fixture
def sleeps() -> list[float]:
    """What the client asked to sleep for between retries (it does not actually wait)."""
    return []


# Named `client` in these tests, as the one client they use: it hides Django's test client.
@pytest.fixture
def client(tmdb_settings, sleeps):
    with TMDBClient.from_settings(sleep=sleeps.append, timeout=0.3) as client:
        yield client
