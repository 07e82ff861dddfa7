"""From uploaded bytes to text: encodings, line endings, ZIP archives and what we refuse."""

import io
import zipfile

import pytest

from imports.sources import read_history
from tests.imports.sources.helpers import DATA, error_for, titles, utc, zipped


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_it_decodes_each_encoding_and_line_ending(encoding, newline):
    text = newline.join(["Date Watched,Type,Title,Episode", "2022-01-02,Movie,Amélie,", ""])

    history = read_history(text.encode(encoding))

    assert titles(history) == ["Amélie"]
    assert history.movies[0].last_watched == utc(2022, 1, 2)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is an image, not a CSV file."),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "This is an image, not a CSV file."),
        (b"\x1f\x8b\x08\x00", "This is a gzip archive"),
        (bytes(range(256)) * 4, "This is a binary file, not a CSV file."),
        (b"<!DOCTYPE html><html><body>Watch history</body></html>", "a saved web page"),
        (b'[\n  {"date": "2025-01-01", "title": "Heat"}\n]', "This is a JSON file."),
        (b"\n\n   \r\n", "The file is empty."),
    ],
)
def test_it_refuses_files_that_are_not_csv(data, expected):
    assert expected in error_for(data)


def test_it_refuses_a_file_larger_than_the_limit_before_reading_it():
    data = (DATA / "v3_mixed.csv").read_bytes()

    message = error_for(data, max_bytes=1024)

    assert "The file is larger than the 1 KB limit." in message


def test_it_refuses_more_rows_than_the_limit():
    data = b"Date Watched,Type,Title,Episode\n" + b"2022-01-02,Movie,Heat,\n" * 11

    assert "more than 10 rows" in error_for(data, max_rows=10)
    assert read_history(data, max_rows=11).duplicate_rows == 10


def test_it_explains_a_zip_without_a_viewing_history():
    data = zipped({"Prime Video/Search History.csv": b"a", "Prime Video/Watch Events.csv": b"b"})

    message = error_for(data)

    assert "This ZIP has no Viewing History.csv." in message
    assert "Prime Video/Search History.csv, Prime Video/Watch Events.csv" in message


def test_it_asks_to_unzip_an_archive_that_contains_other_archives():
    inner = (DATA / "Prime Video.zip").read_bytes()
    data = zipped({"Prime Video.zip": inner, "Digital Orders.zip": b"PK"})

    assert "This ZIP contains other archives (Prime Video.zip, Digital Orders.zip)" in error_for(
        data
    )


def test_it_refuses_an_excel_workbook():
    data = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})

    assert "This is an Excel workbook (.xlsx)." in error_for(data)


def test_it_refuses_a_zip_with_thousands_of_members():
    data = zipped({f"part-{i}.csv": b"" for i in range(1001)}, zipfile.ZIP_STORED)

    assert "This ZIP holds 1,001 files" in error_for(data)


def test_it_refuses_a_zipped_history_that_unpacks_beyond_the_limit():
    body = b"Date Watched,Type,Title,Episode\n" + b"2022-01-02,Movie,Heat,\n" * 2000
    data = zipped({"Viewing History.csv": body})

    assert len(data) < 10_000
    message = error_for(data, max_bytes=10_000)
    assert "Viewing History.csv inside the ZIP unpacks to more than 10 KB" in message


def test_it_refuses_a_zip_bomb_by_its_compression_ratio():
    data = zipped({"Viewing History.csv": b"\n" * (4 * 1024 * 1024)})

    assert "far beyond any real viewing history" in error_for(data)


def test_a_zip_whose_directory_understates_the_size_is_refused():
    body = b"Date Watched,Type,Title,Episode\n" + b"2022-01-02,Movie,Heat,\n" * 2000
    data = bytearray(zipped({"Viewing History.csv": body}))
    # Understate the size in the central directory (offset 24 of its entry) to 100 bytes.
    entry = data.rindex(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")

    message = error_for(bytes(data), max_bytes=10_000)

    assert message.startswith("This ZIP file is damaged and cannot be opened.")


def test_it_stops_unpacking_as_soon_as_more_bytes_come_out_than_the_limit(monkeypatch):
    """zipfile trusts the directory's size; a stream that yields more must still be cut off."""
    data = zipped({"Viewing History.csv": b"Date Watched,Type,Title,Episode\n"})
    handed_out = []

    class Oversized(io.RawIOBase):
        def read(self, size=-1):
            if sum(handed_out) >= 1_000_000:
                return b""
            handed_out.append(size)
            return b"2022-01-02,Movie,Heat,\n" * (size // 23)

    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: Oversized())

    message = error_for(data, max_bytes=100_000)

    assert "unpacks to more than 98 KB" in message
    assert sum(handed_out) <= 100_000 + 64 * 1024


def test_it_refuses_a_password_protected_zip():
    data = bytearray(zipped({"Viewing History.csv": b"Date Watched,Type,Title,Episode\n"}))
    entry = data.rindex(b"PK\x01\x02")
    data[entry + 8] |= 0x1  # the "encrypted" flag bit of the central directory entry

    assert "This ZIP is password-protected." in error_for(bytes(data))


def test_it_refuses_a_damaged_zip():
    data = (DATA / "Prime Video.zip").read_bytes()

    assert "This ZIP file is damaged" in error_for(data[: len(data) // 2])
