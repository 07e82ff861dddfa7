"""Recognising the source from the header, and naming the look-alikes we refuse."""

import pytest

from imports.sources import read_history
from tests.imports.sources.helpers import DATA, error_for, titles


def test_it_honours_an_excel_separator_hint_line():
    data = b"sep=;\r\nDate Watched;Type;Title;Episode\r\n2022-01-02;Movie;Heat, the film;\r\n"

    assert titles(read_history(data)) == ["Heat, the film"]


def test_a_header_longer_than_the_csv_module_allows_is_refused_politely():
    message = error_for(("x" * 200_000 + "\nHeat\n").encode())

    assert "We could not recognise this file: its first line reads “xxxx" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.csv", "The file is empty."),
        ("header_only_v3.csv", "This is a Prime Video exporter (v3) file, but it has no rows"),
        ("not_a_csv.pdf", "This is a PDF document, not a CSV file."),
        ("netflix_viewing_history.csv", "This looks like a Netflix viewing history (Title, Date)."),
        ("netflix_viewing_activity.csv", "Netflix viewing activity file (ViewingActivity.csv)"),
        ("prime_watchlist.csv", "This looks like a Prime Video watchlist"),
    ],
)
def test_it_explains_what_it_recognised_in_a_file_it_cannot_import(name, expected):
    message = error_for((DATA / name).read_bytes())

    assert expected in message


def test_every_refusal_says_what_is_accepted():
    message = error_for((DATA / "netflix_viewing_history.csv").read_bytes())

    assert message.startswith("This looks like a Netflix viewing history (Title, Date). ")
    assert "This importer reads Amazon Prime Video history:" in message
    assert "Prime Video.zip" in message


def test_it_quotes_the_first_line_of_a_csv_it_does_not_recognise():
    message = error_for(b"Film,Rating,Seen\nHeat,5,2020\n", filename="ratings.csv")

    assert "We could not recognise “ratings.csv”: its first line reads “Film,Rating,Seen”." in (
        message
    )
