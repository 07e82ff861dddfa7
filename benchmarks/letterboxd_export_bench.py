"""Sizes and build time of a Letterboxd export, for real titles and for the longest ones.

    .venv/bin/python -m benchmarks.letterboxd_export_bench [rankings]

Takes 3,000 films by default from the offline catalog (real title lengths, scripts and
punctuation) and, as the worst case, the same number with 300-character titles (the longest a
Movie stores), then prints each CSV file's size in the ZIP, the ZIP's size and the best of
three build times. Every file must stay under Letterboxd's 1 MB limit.
"""

import io
import random
import sys
import time
import zipfile
from datetime import date, timedelta

from catalog.builtin import BuiltinCatalog
from rankings.letterboxd import MAX_FILE_BYTES, Entry, csv_files, zip_archive


def real_entries(count: int) -> list[Entry]:
    films = random.Random(3000).sample(list(BuiltinCatalog.load()), count)
    return [
        Entry(
            title=film.title,
            year=film.year,
            tmdb_id=film.tmdb_id,
            imdb_id=film.imdb_id,
            rating=1 + n % 5,
            watched=date(2026, 1, 1) - timedelta(days=n),
        )
        for n, film in enumerate(films)
    ]


def longest_entries(count: int) -> list[Entry]:
    return [
        Entry(
            title=f"{n:05d} " + "Long title " * 27,
            year=2000,
            tmdb_id=1_000_000 + n,
            imdb_id=f"tt{10_000_000 + n}",
            rating=5,
            watched=date(2026, 1, 1),
        )
        for n in range(count)
    ]


def report(label: str, entries: list[Entry]) -> None:
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        archive = zip_archive(csv_files(entries))
        timings.append(time.perf_counter() - start)
    infos = zipfile.ZipFile(io.BytesIO(archive)).infolist()
    sizes = ", ".join(f"{info.filename} {info.file_size:,} B" for info in infos)
    assert all(info.file_size < MAX_FILE_BYTES for info in infos)
    print(f"{label}: {len(entries):,} rankings -> {len(infos)} file(s): {sizes}")
    print(f"  ZIP {len(archive):,} B, built in {min(timings) * 1000:.1f} ms (best of 3)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    report("offline-catalog titles", real_entries(count))
    report("300-character titles", longest_entries(count))


if __name__ == "__main__":
    main()
