"""Rankings in Letterboxd's import format: a ZIP of CSV files, each under Letterboxd's 1 MB limit.

No Django here: the view hands in plain entries, the tests call it with tiny size limits.

Cells are written as they are, without the `'` that `/rankings/export.csv` puts before a leading
`=`, `+`, `-` or `@`. These files are meant for Letterboxd's importer, which reads them as data:
a prefix would reach Letterboxd as part of the title ("'-1" instead of "-1") and break the match,
while no spreadsheet is involved to be tricked by a formula.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

HEADER = ("Title", "Year", "tmdbID", "imdbID", "Rating", "WatchedDate", "Rewatch")
# Letterboxd refuses an import file of 1 MB or more; 1,000,000 bytes is under it in either
# reading of "MB".
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Entry:
    title: str
    year: int | None
    tmdb_id: int | None
    imdb_id: str | None
    rating: int
    watched: date


def csv_files(entries: Iterable[Entry], *, max_bytes: int = MAX_FILE_BYTES) -> Iterator[bytes]:
    """UTF-8 CSV files, each starting with the header and smaller than max_bytes, split only
    between rows. No entries still give one file with the header, so the archive is never empty.
    """
    header = _encoded(HEADER)
    current = bytearray(header)
    rows_in_current = 0
    for entry in entries:
        row = _encoded(_cells(entry))
        if len(header) + len(row) >= max_bytes:
            raise ValueError(f"One row of {len(row)} bytes cannot fit a file under {max_bytes}")
        if rows_in_current and len(current) + len(row) >= max_bytes:
            yield bytes(current)
            current, rows_in_current = bytearray(header), 0
        current += row
        rows_in_current += 1
    yield bytes(current)


def zip_archive(files: Iterable[bytes], *, stem: str = "letterboxd") -> bytes:
    """The files as one ZIP, named `<stem>-1.csv`, `<stem>-2.csv`… in order.

    Built in memory: a CSV row is about 60 bytes, so even 100,000 rankings stay a few MB.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, data in enumerate(files, start=1):
            archive.writestr(f"{stem}-{number}.csv", data)
    return buffer.getvalue()


def _cells(entry: Entry) -> tuple[str, ...]:
    return (
        entry.title,
        "" if entry.year is None else str(entry.year),
        "" if entry.tmdb_id is None else str(entry.tmdb_id),
        entry.imdb_id or "",
        str(entry.rating),
        entry.watched.isoformat(),
        "false",
    )


def _encoded(cells: Iterable[str]) -> bytes:
    line = io.StringIO()
    csv.writer(line, quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return line.getvalue().encode("utf-8")
