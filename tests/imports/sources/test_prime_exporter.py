"""The Prime Video exporter's CSV: v3 and the older 4-column files, localized too."""

import pytest

from imports.sources import Format
from tests.imports.sources.helpers import read, titles, utc


def test_it_lists_the_v3_films_newest_watch_first():
    history = read("v3_mixed.csv")

    assert history.format_label == "Prime Video exporter (v3)"
    assert titles(history) == [
        "Inception",
        "The Matrix",
        "Amélie [OV]",
        "Pulp Fiction",
        "The Godfather",
        "Casablanca",
        "Marmalade Thunder over Quillmarsh",
    ]


def test_it_shows_the_prime_title_but_matches_on_the_title_without_edition_tags():
    amelie = next(m for m in read("v3_mixed.csv").movies if m.title.startswith("Amélie"))

    assert amelie.title == "Amélie [OV]"
    assert amelie.clean_title == "Amélie"
    assert amelie.year_hint is None


def test_it_keeps_the_prime_image_and_title_identifier_from_v3_files():
    matrix = next(m for m in read("v3_mixed.csv").movies if m.title == "The Matrix")

    assert matrix.gti.startswith("amzn1.dv.gti.")
    assert matrix.image_url.startswith("https://m.media-amazon.com/images/S/pv-target-images/")
    assert matrix.image_url.endswith("._UX667_UY375_SY200_.jpg")


def test_it_drops_a_trailer_that_the_exporter_typed_as_a_movie():
    history = read("v3_mixed.csv")

    assert history.extra_rows == 1
    assert "Episode 0: Official Trailer" not in titles(history)


def test_it_strips_dubbing_and_4k_tags_from_v3_titles():
    clean = {m.title: m.clean_title for m in read("v3_epoch_ms_de.csv").movies}

    assert clean["Der Pate (4K UHD)"] == "Der Pate"
    assert clean["Mission: Impossible – Fallout (English Dubbed)"] == (
        "Mission: Impossible – Fallout"
    )


def test_it_reads_the_four_column_exporter_with_dates_only():
    history = read("exporter_4col.csv")

    assert history.format_label == "Prime Video exporter (4 columns)"
    assert history.language == ""
    knives_out = history.movies[0]
    assert knives_out.title == "Knives Out"
    assert knives_out.watched == (utc(2022, 5, 21), utc(2022, 4, 2))


def test_it_takes_a_trailing_year_in_brackets_as_a_year_hint():
    hunt = next(m for m in read("exporter_4col.csv").movies if m.title.startswith("Hunt"))

    assert (hunt.clean_title, hunt.year_hint) == ("Hunt for the Wilderpeople", 2016)


def test_it_drops_a_sneak_peek_typed_as_a_movie():
    history = read("exporter_4col.csv")

    assert history.extra_rows == 1
    assert "The Boys: Sneak Peek" not in titles(history)


def test_it_reads_the_first_exporter_that_joined_fields_with_comma_space():
    history = read("exporter_4col_spaced.csv")

    assert history.format is Format.EXPORTER_4COL
    assert titles(history) == ["Crouching Tiger, Hidden Dragon", "Paddington 2"]
    assert history.episode_rows == 2


def test_it_reads_excel_unicode_text_saved_as_utf16_with_tabs():
    history = read("exporter_4col_excel_unicode.txt")

    assert titles(history) == ["Amélie [OV]", "Léon: The Professional"]
    assert history.movies[1].last_watched == utc(2022, 4, 3)
    assert history.date_warning == ""


LOCALIZED = [
    ("exporter_4col_de.csv", "de", "German", ["Das Boot", "Der Pate [dt./OV]"]),
    ("exporter_4col_fr.csv", "fr", "French", ["Intouchables", "La Haine"]),
    ("exporter_4col_es.csv", "es", "Spanish", ["El laberinto del fauno", "Relatos salvajes"]),
    ("exporter_4col_es_419.csv", "es", "Spanish", ["Roma", "Y tu mamá también"]),
    ("exporter_4col_pt_br.csv", "pt", "Portuguese", ["Cidade de Deus", "Central do Brasil"]),
    ("exporter_4col_pt_pt.csv", "pt", "Portuguese", ["Tabu", "Os Maias"]),
    ("exporter_4col_ja.csv", "ja", "Japanese", ["千と千尋の神隠し", "七人の侍"]),
    ("exporter_4col_zh_hant.csv", "zh", "Chinese", ["臥虎藏龍", "花樣年華"]),
    ("exporter_4col_zh_hans.csv", "zh", "Chinese", ["卧虎藏龙", "花样年华"]),
]


@pytest.mark.parametrize(("name", "language", "language_name", "films"), LOCALIZED)
def test_it_detects_the_localized_exporter_file_and_its_type_values(
    name, language, language_name, films
):
    history = read(name)

    assert history.format is Format.EXPORTER_LOCALIZED
    assert history.format_label == f"Prime Video exporter (4 columns, {language_name})"
    assert history.language == language
    # The episode row's title has no season marker: only the localized Type says "series".
    assert history.episode_rows == 1
    assert titles(history) == films
    assert {movie.language for movie in history.movies} == {language}


def test_it_detects_the_german_exporter_file():
    history = read("exporter_4col_de.csv")

    assert history.format_label == "Prime Video exporter (4 columns, German)"
    assert history.movies[1].clean_title == "Der Pate"
    assert history.movies[1].language == "de"
