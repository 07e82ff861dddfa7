import csv
import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

V3_HEADER = [
    "Date Watched",
    "Type",
    "Title",
    "Episode Title",
    "Global Title Identifier",
    "Episode Global Title Identifier",
    "Path",
    "Episode Path",
    "Image URL",
]


def v3_file(rows: list[tuple[str, str, str]]) -> bytes:
    """A Prime exporter v3 file from (date, type, title) rows; series rows get an episode."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(V3_HEADER)
    for when, kind, title in rows:
        episode = "Episode 1: Pilot" if kind == "Series" else ""
        n = zlib.crc32(title.encode())  # one stable GTI per title, as Amazon has
        writer.writerow(
            [
                when,
                kind,
                title,
                episode,
                f"amzn1.dv.gti.{n:08x}-0000-4000-8000-000000000000",
                "",
                f"/detail/{n}/ref=atv_set_wh_dp",
                "",
                f"https://m.media-amazon.com/images/{n}.jpg",
            ]
        )
    return out.getvalue().encode()


# Films of the offline catalog, newest watch first, plus noise a real file has.
SAMPLE_ROWS = [
    ("2024-05-01 20:00:00.000", "Movie", "Casablanca"),
    ("2024-04-20 20:00:00.000", "Series", "The Boys - Season 2"),
    ("2024-04-10 21:00:00.000", "Movie", "The Matrix"),
    ("2024-04-10 21:00:00.000", "Movie", "The Matrix"),
    ("2024-03-01 19:00:00.000", "Movie", "Episode 0: Official Trailer"),
    ("2024-02-14 18:30:00.000", "Movie", "Amélie [OV]"),
    ("2023-12-24 16:00:00.000", "Movie", "Pulp Fiction"),
    ("2023-11-11 11:11:11.000", "Movie", "Zorblax the Unfilmed Saga"),
]


def upload(client, data: bytes, name: str = "watch-history.csv", **extra):
    return client.post(
        "/settings/import/",
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        **extra,
    )


@pytest.fixture
def sample_file() -> bytes:
    return v3_file(SAMPLE_ROWS)
