"""Reading delimited records: stray quotes, over-long fields, rows without a title."""

import pytest

from imports.sources import read_history
from tests.imports.sources.helpers import LEGACY_HEADER, V3_HEADER, read, titles, v3, v3_row


def test_it_counts_a_row_without_a_title_as_unreadable():
    history = read("v3_epoch_ms_de.csv")

    assert history.unreadable_rows == 1
    assert "" not in titles(history)


def test_a_stray_quote_in_one_row_does_not_swallow_the_rows_after_it():
    history = read_history(
        v3(
            '"2025-01-01 10:00:00.000","Movie","Heat "Director\'s Cut,"","g1","","","",""',
            v3_row("2025-01-02 10:00:00.000", "Movie", "Casablanca", gti="g2"),
            v3_row("2025-01-03 10:00:00.000", "Movie", "Inception", gti="g3"),
        )
    )

    assert history.total_rows == 3
    assert titles(history)[:2] == ["Inception", "Casablanca"]
    assert history.movie_count == 3


@pytest.mark.parametrize("header", [V3_HEADER, "Date Watched,Type,Title,Episode", LEGACY_HEADER])
def test_a_field_longer_than_the_csv_module_allows_does_not_crash_the_reader(header):
    data = f'{header}\n05/09/2017 14:00:00,Movie,"{"x" * 200_000}\n'.encode()

    assert read_history(data).total_rows == 1
