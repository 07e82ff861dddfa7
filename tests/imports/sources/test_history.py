"""Rows to films: every sample file's counts, grouping rows into films, extras listed apart."""

import pytest

from imports.sources import Format, read_history
from tests.imports.sources.helpers import read, titles, utc, v3, v3_row

SAMPLES = [
    # file, format, total, movie rows, films, episodes, extras, live, unviewed, dups, unreadable
    ("v3_mixed.csv", Format.EXPORTER_V3, 15, 8, 7, 5, 1, 0, 0, 1, 0),
    ("v3_epoch_ms_de.csv", Format.EXPORTER_V3, 9, 5, 4, 2, 1, 0, 0, 0, 1),
    ("exporter_4col.csv", Format.EXPORTER_4COL, 8, 4, 3, 2, 1, 0, 0, 1, 0),
    ("exporter_4col_spaced.csv", Format.EXPORTER_4COL, 5, 3, 2, 2, 0, 0, 0, 0, 0),
    ("exporter_4col_excel_unicode.txt", Format.EXPORTER_4COL, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_ambiguous_dates.csv", Format.EXPORTER_4COL, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_excel_fr.csv", Format.EXPORTER_LOCALIZED, 4, 3, 3, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_de.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("amazon_legacy_viewing_history.csv", Format.AMAZON_LEGACY, 18, 7, 6, 7, 1, 1, 0, 1, 1),
    ("amazon_legacy_excel_de.csv", Format.AMAZON_LEGACY, 5, 2, 2, 2, 1, 0, 0, 0, 0),
    ("amazon_current_viewing_history.csv", Format.AMAZON_CURRENT, 12, 5, 4, 1, 2, 1, 1, 1, 1),
    ("Prime Video.zip", Format.AMAZON_CURRENT, 12, 5, 4, 1, 2, 1, 1, 1, 1),
    ("v3_extras_and_relistings.csv", Format.EXPORTER_V3, 33, 9, 7, 2, 22, 0, 0, 0, 0),
    ("amazon_legacy_seasonless_shows.csv", Format.AMAZON_LEGACY, 25, 11, 10, 12, 1, 0, 0, 1, 0),
    ("exporter_4col_fr.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_es.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_es_419.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_pt_br.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_pt_pt.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_ja.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_zh_hant.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
    ("exporter_4col_zh_hans.csv", Format.EXPORTER_LOCALIZED, 3, 2, 2, 1, 0, 0, 0, 0, 0),
]


@pytest.mark.parametrize(
    ("name", "fmt", "total", "movie_rows", "films", "episodes", "extras", "live", "unviewed",
     "duplicates", "unreadable"),
    SAMPLES,
    ids=[sample[0] for sample in SAMPLES],
)  # fmt: skip
def test_it_counts_every_row_of_each_sample_file_once(
    name, fmt, total, movie_rows, films, episodes, extras, live, unviewed, duplicates, unreadable
):
    history = read(name)

    assert history.format is fmt
    counts = (
        history.total_rows,
        history.movie_rows,
        history.movie_count,
        history.episode_rows,
        history.extra_rows,
        history.live_rows,
        history.unviewed_rows,
        history.duplicate_rows,
        history.unreadable_rows,
    )
    assert counts == (total, movie_rows, films, episodes, extras, live, unviewed, duplicates,
                      unreadable)  # fmt: skip
    assert history.total_rows == (
        history.movie_rows
        + history.episode_rows
        + history.extra_rows
        + history.live_rows
        + history.unviewed_rows
        + history.duplicate_rows
        + history.unreadable_rows
    )


def test_it_groups_a_film_watched_on_two_days_into_one_item_dated_by_the_latest_watch():
    inception = read("v3_mixed.csv").movies[0]

    assert inception.watched == (
        utc(2025, 9, 20, 19, 2, 47, 330000),
        utc(2024, 12, 24, 17, 33, 50, 249000),
    )
    assert inception.last_watched == utc(2025, 9, 20, 19, 2, 47, 330000)


def test_a_film_with_only_an_unreadable_date_is_kept_without_a_date():
    history = read_history(v3(v3_row("sometime", "Movie", "Heat", gti="g1")))

    assert [(m.title, m.watched, m.last_watched) for m in history.movies] == [("Heat", (), None)]
    assert history.undated_rows == 1


def test_undated_films_come_after_dated_ones():
    history = read_history(
        v3(
            v3_row("??", "Movie", "Heat", gti="g1"),
            v3_row("2020-01-01 10:00:00.000", "Movie", "Ronin", gti="g2"),
        )
    )

    assert titles(history) == ["Ronin", "Heat"]


def test_a_film_relisted_under_a_second_gti_is_one_item():
    history = read_history(
        v3(
            v3_row("2025-01-03 10:00:00.000", "Movie", "Dune", gti="dune-a"),
            v3_row("2025-01-02 10:00:00.000", "Movie", "Dune [OV]", gti="dune-b"),
            v3_row("2025-01-01 10:00:00.000", "Movie", "Dune", gti="dune-a"),
        )
    )

    assert [(m.title, m.gti, len(m.watched)) for m in history.movies] == [("Dune", "dune-a", 3)]


def test_films_of_one_title_stay_two_items_when_their_year_hints_differ():
    history = read_history(
        v3(
            v3_row("2025-01-03 10:00:00.000", "Movie", "Dune (2021)", gti="dune-2021"),
            v3_row("2025-01-02 10:00:00.000", "Movie", "Dune (1984)", gti="dune-1984"),
        )
    )

    assert [(m.clean_title, m.year_hint) for m in history.movies] == [
        ("Dune", 2021),
        ("Dune", 1984),
    ]


def test_rows_sharing_a_gti_are_one_film_whatever_their_titles():
    history = read_history(
        v3(
            v3_row("2025-01-03 10:00:00.000", "Movie", "Anatomie eines Falls", gti="g1"),
            v3_row("2025-01-02 10:00:00.000", "Movie", "Anatomy of a Fall", gti="g1"),
            v3_row("2025-01-01 10:00:00.000", "Movie", "Anatomy of a Fall", gti="g2"),
        )
    )

    assert [(m.title, len(m.watched)) for m in history.movies] == [("Anatomie eines Falls", 3)]


def test_the_sample_with_extras_and_relistings_keeps_only_its_films():
    history = read("v3_extras_and_relistings.csv")

    assert titles(history) == [
        "Arrival",
        "Dune (1984)",
        "Dune (2021)",
        "Halloween",
        "Trailer Park Boys: The Movie",
        "Star Wars: Episode IV - A New Hope",
        "Chapter 27",
    ]
    assert len(history.movies[0].watched) == 2  # Arrival under two GTIs


def test_the_history_lists_the_titles_left_out_as_extras_once_each():
    history = read("v3_extras_and_relistings.csv")

    extras = [extra.title for extra in history.extras]
    assert extras[:4] == [
        "Episode 3: The Reckoning",
        "Episode 1: Pilot",
        "Episode 12: Finale",
        "Bonus: Making Of",
    ]
    assert len(extras) == len(set(extras)) == 20
    pilot = history.extras[1]
    assert (pilot.clean_title, len(pilot.watched), pilot.gti) == ("Episode 1: Pilot", 2, pilot.gti)
    assert pilot.gti.startswith("amzn1.dv.gti.")


def test_extras_that_amazon_marks_itself_are_counted_but_not_listed():
    history = read("amazon_current_viewing_history.csv")

    assert history.extra_rows == 2
    assert history.extras == ()


def test_it_groups_rows_without_ids_by_their_normalised_title():
    data = (
        b"Datum angesehen,Typ,Titel,Folge\n"
        b'2025-03-14,Film,"Der Pate [dt./OV]",\n'
        b'2025-02-01,Film,"Der  Pate",\n'
        b'2025-01-01,Film,"Der Pate (1972)",\n'
    )

    history = read_history(data)

    assert [(m.title, len(m.watched)) for m in history.movies] == [
        ("Der Pate [dt./OV]", 2),
        ("Der Pate (1972)", 1),
    ]
