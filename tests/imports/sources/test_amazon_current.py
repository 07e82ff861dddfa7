"""Amazon's current data request: Viewing History.csv and the Prime Video.zip around it."""

from imports.sources import read_history
from tests.imports.sources.helpers import DATA, read, titles, utc, zipped


def test_it_reads_the_current_data_request_and_strips_its_extra_quotes():
    history = read("amazon_current_viewing_history.csv")

    assert history.format_label == "Amazon data request (2024+)"
    assert titles(history) == ["Red One", "The Fall Guy", "Saltburn", "The Holdovers"]


def test_it_reads_both_datetime_shapes_of_the_current_export():
    history = read("amazon_current_viewing_history.csv")
    dates = {m.title: m.watched for m in history.movies}

    assert dates["Red One"] == (utc(2024, 12, 19, 18, 18, 47),)
    assert dates["The Fall Guy"] == (utc(2024, 11, 3, 10), utc(2024, 11, 2, 20, 30, 11))


def test_zero_second_rows_are_not_views_and_not_available_titles_are_unreadable():
    history = read("amazon_current_viewing_history.csv")

    assert history.unviewed_rows == 1
    assert "Gladiator II" not in titles(history)
    assert history.unreadable_rows == 1
    assert "Not Available" not in titles(history)


def test_a_quoted_newline_in_another_column_does_not_break_the_row():
    history = read("amazon_current_viewing_history.csv")

    holdovers = next(m for m in history.movies if m.title == "The Holdovers")
    assert holdovers.last_watched == utc(2024, 9, 14, 19, 45)


def test_it_drops_promos_trailers_bonus_shorts_and_live_streams_from_the_current_export():
    history = read("amazon_current_viewing_history.csv")

    assert (history.extra_rows, history.live_rows) == (2, 1)
    assert "Reacher" not in titles(history)
    assert "Bonus: The Making of Saltburn" not in titles(history)
    assert "Thursday Night Football" not in titles(history)


def test_it_reads_the_prime_video_zip_as_amazon_sends_it():
    from_zip = read("Prime Video.zip")
    from_csv = read("amazon_current_viewing_history.csv")

    assert from_zip == from_csv


def test_it_finds_the_viewing_history_anywhere_in_a_zip_whatever_its_case():
    csv_bytes = (DATA / "amazon_current_viewing_history.csv").read_bytes()
    data = zipped(
        {
            "Takeout/README.txt": b"Your data",
            "Takeout/PRIME VIDEO/Your Prime Video Viewing Activity/VIEWING HISTORY.CSV": csv_bytes,
        }
    )

    assert read_history(data).movie_count == 4
