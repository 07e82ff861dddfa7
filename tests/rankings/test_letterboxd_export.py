"""/rankings/letterboxd.zip: my rankings as Letterboxd's import files."""

import csv
import io
import zipfile
from datetime import date

import time_machine

from rankings.letterboxd import MAX_FILE_BYTES
from rankings.models import Movie, Ranking
from tests.factories import MovieFactory, RankingFactory


def files_in(response) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))
        for name in archive.namelist()
    }


@time_machine.travel(date(2026, 12, 3))
def test_the_export_is_a_zip_of_letterboxd_csv_files(alice_client, alice):
    RankingFactory(
        user=alice,
        movie=MovieFactory(title="Casablanca", year=1942, imdb_id="tt0034583", tmdb_id=289),
        rating=5,
        rated_at=date(2024, 3, 9),
    )
    response = alice_client.get("/rankings/letterboxd.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="letterboxd-2026-12-03.zip"' in response["Content-Disposition"]
    assert files_in(response) == {
        "letterboxd-2026-12-03-1.csv": [
            ["Title", "Year", "tmdbID", "imdbID", "Rating", "WatchedDate", "Rewatch"],
            ["Casablanca", "1942", "289", "tt0034583", "5", "2024-03-09", "false"],
        ]
    }


def test_the_letterboxd_files_start_with_their_header_and_no_byte_order_mark(alice_client, alice):
    RankingFactory(user=alice, movie=MovieFactory(title="Amélie", year=2001))
    archive = zipfile.ZipFile(io.BytesIO(alice_client.get("/rankings/letterboxd.zip").content))
    # Letterboxd's importer reads these, not a spreadsheet: a BOM would join the first column name.
    [content] = [archive.read(name) for name in archive.namelist()]
    assert content.startswith(b"Title,Year,tmdbID,imdbID,Rating,WatchedDate,Rewatch\r\n")
    assert "Amélie".encode() in content


def test_the_export_lists_newest_ratings_first_with_offline_films_by_imdb_id(alice_client, alice):
    RankingFactory(
        user=alice,
        movie=MovieFactory(title="Léon", year=1994, imdb_id="tt0110413"),
        rating=4,
        rated_at=date(2023, 5, 1),
    )
    RankingFactory(
        user=alice,
        movie=MovieFactory(title='Bad, Good & "Ugly"', year=None, imdb_id="tt0060196"),
        rating=1,
        rated_at=date(2025, 1, 2),
    )
    [rows] = files_in(alice_client.get("/rankings/letterboxd.zip")).values()
    assert rows[1:] == [
        ['Bad, Good & "Ugly"', "", "", "tt0060196", "1", "2025-01-02", "false"],
        ["Léon", "1994", "", "tt0110413", "4", "2023-05-01", "false"],
    ]


def test_the_export_never_contains_another_users_rankings(alice_client, alice, bob):
    RankingFactory(user=alice, movie=MovieFactory(title="Mine"))
    RankingFactory(user=bob, movie=MovieFactory(title="Bob's secret"))
    [rows] = files_in(alice_client.get("/rankings/letterboxd.zip")).values()
    assert [row[0] for row in rows[1:]] == ["Mine"]


def test_the_export_needs_a_login(client, alice):
    RankingFactory(user=alice)
    response = client.get("/rankings/letterboxd.zip")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_export_is_get_only(alice_client):
    assert alice_client.post("/rankings/letterboxd.zip").status_code == 405


def test_my_rankings_links_to_the_letterboxd_export(alice_client, alice):
    page = alice_client.get("/rankings/").content.decode()
    assert 'href="/rankings/letterboxd.zip"' in page
    assert "Export for Letterboxd" in page


def test_three_thousand_rankings_with_the_longest_titles_split_under_one_megabyte(
    alice_client, alice
):
    movies = Movie.objects.bulk_create(
        Movie(title=f"{n:04d} " + "x" * 295, year=2000, tmdb_id=100_000 + n) for n in range(3000)
    )
    Ranking.objects.bulk_create(
        Ranking(user=alice, movie=m, rating=3, rated_at=date(2024, 1, 1)) for m in movies
    )
    response = alice_client.get("/rankings/letterboxd.zip")
    sizes = [info.file_size for info in zipfile.ZipFile(io.BytesIO(response.content)).infolist()]
    files = files_in(response)

    assert len(sizes) == 2
    assert all(size < MAX_FILE_BYTES for size in sizes)
    assert all(rows[0][0] == "Title" for rows in files.values())
    titles = sorted(row[0] for rows in files.values() for row in rows[1:])
    assert titles == sorted(m.title for m in movies)
