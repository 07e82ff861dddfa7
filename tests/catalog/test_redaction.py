"""The TMDB key stays out of error pages and httpx's log lines."""

import logging

import pytest
from django.views.debug import ExceptionReporter

from catalog.interface import CatalogError
from tests.fake_tmdb import FAKE_API_KEY

# The key stays secret


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda fake: fake.gzip_lie_next(1), id="gzip lie"),
        pytest.param(lambda fake: fake.nest_next(1), id="deep nesting"),
        pytest.param(lambda fake: fake.timeout_next(3), id="timeouts"),
        pytest.param(lambda fake: fake.timeout_next(3, close_socket=True), id="dropped"),
        pytest.param(lambda fake: fake.drip_next(3, interval=0.1), id="drip"),
        pytest.param(lambda fake: fake.fail_next(3, status=503), id="503"),
    ],
)
def test_the_debug_error_page_for_an_error_out_of_the_client_shows_no_key(client, fake_tmdb, spoil):
    spoil(fake_tmdb)

    with pytest.raises(Exception) as error:
        client.search("Casablanca")

    assert isinstance(error.value, CatalogError)
    report = ExceptionReporter(None, error.type, error.value, error.tb)
    assert "search/movie" in report.get_traceback_text()
    assert FAKE_API_KEY not in report.get_traceback_html()
    assert FAKE_API_KEY not in report.get_traceback_text()


def test_httpx_turned_up_to_debug_logs_requests_without_the_key(client, caplog):
    caplog.set_level(logging.DEBUG, logger="httpx")

    client.search("Casablanca")

    assert "HTTP Request: GET" in caplog.text and "api_key=[redacted]" in caplog.text
    assert FAKE_API_KEY not in caplog.text
