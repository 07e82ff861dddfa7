"""The Letterboxd import files, without Django: splitting, quoting and what survives."""

import csv
import io
import itertools
import zipfile
from datetime import date
from typing import Any

import pytest

from rankings.letterboxd import HEADER, MAX_FILE_BYTES, Entry, csv_files, zip_archive

HEADER_ROW = list(HEADER)


def entry(n: int = 0, **values) -> Entry:
    defaults: dict[str, Any] = {
        "title": f"Film Number {n}",
        "year": 1990 + n % 30,
        "tmdb_id": 1000 + n,
        "imdb_id": f"tt{9000000 + n}",
        "rating": 1 + n % 5,
        "watched": date(2024, 1, 1 + n % 28),
    }
    return Entry(**(defaults | values))


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_a_file_round_trips_through_the_csv_reader_in_letterboxd_columns():
    casablanca = entry(
        title="Casablanca",
        year=1942,
        tmdb_id=289,
        imdb_id="tt0034583",
        rating=5,
        watched=date(2024, 3, 9),
    )
    [data] = csv_files([casablanca])
    assert rows_of(data) == [
        ["Title", "Year", "tmdbID", "imdbID", "Rating", "WatchedDate", "Rewatch"],
        ["Casablanca", "1942", "289", "tt0034583", "5", "2024-03-09", "false"],
    ]


def test_only_cells_that_need_it_are_quoted():
    [data] = csv_files([entry(title="Casablanca"), entry(title="Love, Actually")])
    lines = data.decode().splitlines()
    assert lines[1].startswith("Casablanca,")
    assert lines[2].startswith('"Love, Actually",')


def test_missing_year_and_ids_are_empty_cells():
    [data] = csv_files([entry(year=None, tmdb_id=None, imdb_id="tt0000001")])
    assert rows_of(data)[1][1:4] == ["", "", "tt0000001"]


@pytest.mark.parametrize(
    "title",
    [
        "Crouching Tiger, Hidden Dragon",
        'The "Best" Film',
        'Say "Hello", Then Go',
        "Two\nLines",
        "千と千尋の神隠し",
        "Андрей Рублёв",
        "Ο Θίασος",
        "باشو، غریبه کوچک",
        "Amélie 🎬",
    ],
)
def test_commas_quotes_line_breaks_and_any_script_survive(title):
    [data] = csv_files([entry(title=title)])
    assert rows_of(data)[1][0] == title


@pytest.mark.parametrize("title", ["-1", "=x", "+1+1", "@home", '=HYPERLINK("http://x")'])
def test_titles_that_look_like_formulas_reach_letterboxd_unchanged(title):
    """Letterboxd reads these files as data; a `'` prefix would become part of the title."""
    [data] = csv_files([entry(title=title)])
    assert rows_of(data)[1][0] == title


def test_the_files_are_utf8_without_a_byte_order_mark():
    [data] = csv_files([entry(title="Ça ira")])
    assert data.startswith(b"Title,")
    assert "Ça ira".encode() in data


def test_no_rankings_give_one_file_with_only_the_header():
    assert [rows_of(data) for data in csv_files([])] == [[HEADER_ROW]]


def test_a_set_needing_three_files_is_split_between_rows_with_the_header_in_each():
    entries = [entry(n) for n in range(30)]
    limit = 700  # the 52-byte header and 11 rows of about 55 bytes
    files = list(csv_files(entries, max_bytes=limit))

    assert len(files) == 3
    assert all(len(data) < limit for data in files)
    assert all(data.endswith(b"\r\n") for data in files)
    parsed = [rows_of(data) for data in files]
    assert all(rows[0] == HEADER_ROW for rows in parsed)
    assert [row[0] for rows in parsed for row in rows[1:]] == [e.title for e in entries]


def test_each_file_is_filled_as_far_as_the_limit_allows():
    entries = [entry(n) for n in range(30)]
    limit = 700
    files = list(csv_files(entries, max_bytes=limit))
    for data, following in itertools.pairwise(files):
        first_row_of_next = following.split(b"\r\n", 2)[1] + b"\r\n"
        assert len(data) + len(first_row_of_next) >= limit


def test_a_row_that_cannot_fit_any_file_is_refused_rather_than_cut():
    with pytest.raises(ValueError, match="cannot fit"):
        list(csv_files([entry(title="x" * 200)], max_bytes=150))


def test_at_the_real_limit_every_file_stays_under_one_megabyte():
    # 300 characters is the longest title a Movie stores; ~3,400 such rows fill a file.
    entries = [entry(n, title=f"{n:05d} " + "Long title " * 27) for n in range(7_500)]
    files = list(csv_files(entries))

    assert len(files) == 3
    assert all(len(data) < MAX_FILE_BYTES for data in files)
    parsed = [rows_of(data) for data in files]
    assert all(rows[0] == HEADER_ROW for rows in parsed)
    assert [row[0] for rows in parsed for row in rows[1:]] == [e.title for e in entries]


def test_the_archive_holds_the_files_in_order_under_numbered_names():
    archive = zipfile.ZipFile(io.BytesIO(zip_archive([b"first", b"second"], stem="lb")))
    assert archive.namelist() == ["lb-1.csv", "lb-2.csv"]
    assert archive.read("lb-2.csv") == b"second"
