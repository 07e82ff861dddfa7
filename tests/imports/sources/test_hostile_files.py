"""Files built to be expensive: each is answered with a message or a history, cheaply.

Work is bounded by deterministic proxies (memory traced while reading, how often a title is
scanned), never by wall time; `benchmarks/hostile_files.py` measures the time.
"""

import io
import re
import tracemalloc
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.hostile_files import (
    four_column,
    legacy,
    nul_after_8_kb,
    v3,
    zip_bomb,
    zip_of_many_members,
)
from imports.sources import PrimeFileError, read_history, titles
from imports.sources.base import MAX_LINE_CHARS, MAX_TITLE_CHARS
from imports.sources.prime_exporter import _four_column_split
from tests.imports.sources.test_properties import check

MB = 1024 * 1024
ZIP_METHOD_REFUSED = (
    "This ZIP uses a compression method we do not read; upload the CSV inside it instead."
)


def traced_peak_mb(data: bytes, **kwargs) -> tuple[object, float]:
    """What reading `data` gives (a History or the refusal's message) and its peak memory."""
    tracemalloc.start()
    result: object
    try:
        result = read_history(data, **kwargs)
    except PrimeFileError as error:
        result = error.message
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return result, peak


# --- The rows of the table in issue 13 ------------------------------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_zip_bomb_in_a_method_we_do_not_read_is_refused_without_inflating_it(method):
    data = zip_bomb(method, inflated=32 * MB)

    message, peak = traced_peak_mb(data)

    assert message == ZIP_METHOD_REFUSED
    assert peak < 2 * len(data) / MB + 1


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_an_honest_small_zip_in_another_method_is_refused_all_the_same(method):
    data = zip_bomb(method, inflated=0, understate=False)

    assert traced_peak_mb(data)[0] == ZIP_METHOD_REFUSED


def test_a_deflate_bomb_with_understated_sizes_stops_at_the_limit():
    data = zip_bomb(zipfile.ZIP_DEFLATED, inflated=64 * MB)

    message, peak = traced_peak_mb(data, max_bytes=MB)

    assert "damaged" in message or "unpacks to more than" in message
    assert peak < 4


def test_a_zip_of_tens_of_thousands_of_members_is_refused_before_they_are_read():
    data = zip_of_many_members(30_000)

    message, peak = traced_peak_mb(data)

    assert message.startswith("This ZIP holds 30,000 files, more than a Prime Video download")
    assert peak < 2  # zipfile's objects for every member took 16 MB here


@pytest.mark.parametrize("parts", [16_000, 48_000])
def test_a_legacy_title_of_thousands_of_hyphenated_parts_is_dropped_and_counted(parts):
    data = legacy(["Heat", "-".join(["a"] * parts)])

    history, peak = traced_peak_mb(data)

    check(history)
    assert (history.total_rows, history.unreadable_rows) == (2, 1)
    assert [movie.title for movie in history.movies] == ["Heat"]
    assert peak < 5  # the quadratic splitting took +490 MB at 16,000 parts


def test_a_v3_title_in_thousands_of_nested_brackets_is_dropped_and_counted():
    history, peak = traced_peak_mb(v3(["Heat", "[" * 8000 + "x" + "]" * 8000]))

    check(history)
    assert history.unreadable_rows == 1
    assert [movie.title for movie in history.movies] == ["Heat"]
    assert peak < 5


def test_a_4_column_line_of_quote_commas_is_dropped_and_counted():
    history, _ = traced_peak_mb(
        four_column(["2022-01-02,Movie,Heat,", '2022-01-02,Movie,"' + '",' * 8000 + "x"])
    )

    check(history)
    assert history.unreadable_rows == 1
    assert [movie.title for movie in history.movies] == ["Heat"]


def test_a_nul_byte_after_the_first_8_kb_is_removed_from_the_title():
    history = read_history(nul_after_8_kb())

    assert "Heat (1995)" in [movie.title for movie in history.movies]
    assert not [movie for movie in history.movies if "\x00" in movie.title + movie.gti]


def test_a_nul_byte_in_the_first_8_kb_still_means_a_binary_file():
    data = v3(["Heat\x00"])

    assert "This is a binary file" in traced_peak_mb(data)[0]


def test_the_message_for_a_file_just_over_the_limit_names_the_limit():
    data = v3(["Heat"]).ljust(10 * MB + 1, b"\n")

    assert traced_peak_mb(data)[0].startswith("The file is larger than the 10 MB limit.")


# --- The bounds themselves ------------------------------------------------------------------


def test_a_title_at_the_length_limit_is_read_and_one_character_more_is_dropped():
    at_limit, beyond = "H" * MAX_TITLE_CHARS, "J" * (MAX_TITLE_CHARS + 1)

    history = read_history(v3([at_limit, beyond]))

    assert [movie.title for movie in history.movies] == [at_limit]
    assert history.unreadable_rows == 1


def test_a_line_longer_than_any_row_is_one_unreadable_record_in_every_format():
    long_line = "x" * (MAX_LINE_CHARS + 1)
    files = [
        v3(["Heat"]) + long_line.encode(),
        legacy(["Heat", long_line]),
        four_column(["2022-01-02,Movie,Heat,", long_line]),
    ]
    for data in files:
        history = read_history(data)
        check(history)
        assert (history.total_rows, history.unreadable_rows) == (2, 1)


def test_a_quoted_title_spanning_an_over_long_line_is_an_unreadable_record_not_a_film():
    # Found by the property below: the stand-in for the long line became the title.
    history = read_history(v3(["Heat", "\n" + "-" * (MAX_LINE_CHARS + 1) + "\n"]))

    check(history)
    assert [movie.title for movie in history.movies] == ["Heat"]
    assert history.unreadable_rows == 1


def test_a_header_line_of_ten_megabytes_is_not_recognised_without_being_split():
    message, peak = traced_peak_mb(b"," * (10 * MB - 100))

    assert message.startswith("We could not recognise this file: its first line reads “,,,")
    assert peak < 25  # splitting it into ten million cells took more memory than allowed


def test_millions_of_short_lines_are_refused_before_they_are_split():
    message, peak = traced_peak_mb(v3(["Heat"]) + b"ab\n" * 3_000_000)

    assert message.startswith("The file has more than 200,000 rows")
    assert peak < 25


class CountingPattern:
    """A compiled pattern that counts the characters each scan of it covers."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern, self.scanned = pattern, 0

    def sub(self, replacement, text):
        self.scanned += len(text)
        return self.pattern.sub(replacement, text)


def test_cleaning_a_deeply_nested_title_scans_it_a_bounded_number_of_times(monkeypatch):
    counting = CountingPattern(titles._BRACKET_TAG)
    monkeypatch.setattr(titles, "_BRACKET_TAG", counting)
    title = "[" * 490 + "Heat" + "]" * 490

    clean, _ = titles._clean(title)

    assert clean  # the nesting is not a film's name, but the title never empties
    assert counting.scanned <= 3 * len(title)  # it peeled one level per full scan before


def test_cleaning_still_removes_the_tags_a_real_title_carries_in_every_combination():
    cases = {
        "Heat (1995) [OV]": ("Heat", 1995),
        "Heat [OV] (4K UHD) (1995) Special Edition": ("Heat", 1995),
        "Heat Special Edition [OV] Special Edition": ("Heat", None),
        "Amélie [dt./OV] (English Subtitled) (2001)": ("Amélie", 2001),
    }
    for raw, expected in cases.items():
        assert titles._clean(raw) == expected


def test_seasonless_episodes_are_still_told_from_films_with_hyphens():
    history = read_history(
        legacy(
            [
                "Pilot-House",
                "Whac-A-Mole-House",
                "Three Stories-House",
                "Spider-Man",
                "Ant-Man",
            ]
        )
    )

    assert sorted(movie.title for movie in history.movies) == ["Ant-Man", "Spider-Man"]
    assert history.episode_rows == 3


# --- Properties -----------------------------------------------------------------------------

HOSTILE_UNITS = [
    "-",
    "--",
    "a-",
    "[",
    "]",
    "[OV]",
    "(",
    ")",
    "(4K UHD)",
    '"',
    '""',
    '",',
    ",",
    ", ",
    ";",
    "\x00",
    "\n",
    "\r\n",
    " ",
    "Heat",
    " - Season 1",
    "Episode 0: Trailer",
    "(1999)",
    "Special Edition",
    "é",
]
# Runs of one unit, long enough to cross every bound (lines, titles, csv's field limit).
RUN = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(HOSTILE_UNITS),
    st.sampled_from([1, 2, 3, 60, 600, 1_001, 12_000]),
)
HOSTILE_TEXT = st.lists(RUN, min_size=1, max_size=4).map("".join)
SLOW = settings(max_examples=120, deadline=None)


@SLOW
@given(
    make=st.sampled_from(
        [
            lambda t: v3(["Heat", t]),
            lambda t: v3(["Heat", t], kind=""),
            lambda t: legacy(["Heat", t]),
            lambda t: four_column(["2022-01-02,Movie,Heat,", f"2022-01-02,Movie,{t},"]),
            lambda t: four_column(["2022-01-02,Movie,Heat,", f'2022-01-02,Movie,"{t}",{t}']),
        ]
    ),
    title=HOSTILE_TEXT,
)
def test_a_pathological_title_gives_a_history_that_counts_every_row_or_a_message(make, title):
    try:
        history = read_history(make(title))
    except PrimeFileError as error:
        assert error.message
        return
    check(history)
    for movie in history.movies:
        assert len(movie.title) <= MAX_TITLE_CHARS
        assert "\x00" not in movie.title


@SLOW
@given(
    header=st.sampled_from(["", "v3", "4col", "legacy"]),
    lines=st.lists(HOSTILE_TEXT, min_size=1, max_size=4),
)
def test_pathological_lines_give_a_history_that_counts_every_row_or_a_message(header, lines):
    head = {"": b"", "v3": v3([]), "4col": four_column([]), "legacy": legacy([])}[header]
    try:
        history = read_history(head + "\n".join(lines).encode())
    except PrimeFileError as error:
        assert error.message
        return
    check(history)
    assert all("\x00" not in movie.title for movie in history.movies)


def _four_column_regex(line: str, d: str) -> list[str] | None:
    """The regex the split replaced: right, but it backtracked for seconds on some lines."""
    e = re.escape(d)
    match = re.fullmatch(
        rf' *(?P<date>[^{e}]*){e} *(?P<type>[^{e}]*){e} *(?:"(?P<qt>.*?)"|(?P<t>[^{e}]*)) *'
        rf'(?:{e} *(?:"(?P<qe>.*)"|(?P<e>[^"{e}]*)))?(?: *{e})* *',
        line,
    )
    if match is None:
        return None
    title = match["qt"].replace('""', '"') if match["qt"] is not None else match["t"]
    episode = match["qe"].replace('""', '"') if match["qe"] is not None else match["e"] or ""
    return [match["date"].strip('"'), match["type"].strip('"'), title, episode]


@settings(max_examples=2000, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";"]),
    pieces=st.lists(st.sampled_from(['"', "d", " ", "a", "b", '""']), max_size=18),
)
def test_the_4_column_split_reads_every_short_line_as_the_regex_did(delimiter, pieces):
    line = "".join(delimiter if p == "d" else p for p in pieces)

    split, regex = _four_column_split(line, delimiter), _four_column_regex(line, delimiter)

    # Cells are stripped when rows are made, so only their spaces at the edges may differ.
    assert (split is None) == (regex is None)
    if split is not None:
        assert [cell.strip() for cell in split] == [cell.strip() for cell in regex]


@pytest.mark.parametrize("end", ["x", '"', ",x", ' , "x"'])
def test_the_4_column_split_of_a_line_of_quote_commas_gives_the_regex_answer(end):
    # 1,000 repeats keep the regex to a fraction of a second; at 8,000 it took 8-17 s.
    line = '2022-01-02,Movie,"' + '",' * 1_000 + end

    assert _four_column_split(line, ",") == _four_column_regex(line, ",")


def test_a_field_beyond_the_csv_reader_limit_is_one_unreadable_row():
    history = read_history(v3(["Heat"]) + b'"2022-01-02","Movie","' + b"x" * 200_000 + b'"\n')

    check(history)
    assert (history.total_rows, history.unreadable_rows) == (2, 1)


def _zipped_history() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Viewing History.csv", four_column(["2022-01-02,Movie,Heat,"] * 3))
    return buffer.getvalue()


SAMPLE_ZIP = _zipped_history()


@settings(max_examples=300, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(SAMPLE_ZIP) - 1), st.integers(0, 255)), max_size=6
    ),
    cut=st.integers(5, len(SAMPLE_ZIP)),
)
def test_a_damaged_or_doctored_zip_gives_a_history_or_a_message_never_another_error(changes, cut):
    data = bytearray(SAMPLE_ZIP)
    for at, value in changes:
        data[at] = value

    result = traced_peak_mb(bytes(data[:cut]))[0]  # anything but PrimeFileError propagates

    if not isinstance(result, str):
        check(result)


def test_a_zip_whose_directory_claims_a_newer_zip_version_is_a_damaged_zip():
    """Found by the doctored-ZIP property: zipfile raised NotImplementedError("zip file version
    6.4") while reading the directory, which reached the person as a server error."""
    data = bytearray(_zipped_history())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")  # version needed to extract: 6.4

    with pytest.raises(PrimeFileError, match="This ZIP file is damaged"):
        read_history(bytes(data), filename="Prime Video.zip")
