"""The Prime Video history reader on the sample files in tests/data/prime and on each quirk."""

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from imports.sources import Format, History, PrimeFileError, clean_title, read_history

DATA = Path(__file__).resolve().parent.parent / "data" / "prime"
V3_HEADER = (
    '"Date Watched","Type","Title","Episode Title","Global Title Identifier",'
    '"Episode Global Title Identifier","Path","Episode Path","Image URL"'
)
LEGACY_HEADER = (
    "Playback Hour,Operating System,Browser,Delivery Type,City,Country,ISP,State,"
    "Content Quality Entitled,Entitlement Type,Video Type,Audio Language,Title"
)
LEGACY_DEVICE = "Windows 10,Chrome 57.0.2987.133,,springfield,us,ExampleNet,il,HD"


def read(name: str, **kwargs) -> History:
    return read_history((DATA / name).read_bytes(), filename=name, **kwargs)


def error_for(data: bytes, **kwargs) -> str:
    with pytest.raises(PrimeFileError) as caught:
        read_history(data, **kwargs)
    return caught.value.message


def titles(history: History) -> list[str]:
    return [movie.title for movie in history.movies]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def v3(*rows: str) -> bytes:
    return "\n".join([V3_HEADER, *rows, ""]).encode()


def v3_row(date: str, kind: str, title: str, gti: str = "", episode: str = "") -> str:
    return f'"{date}","{kind}","{title}","{episode}","{gti}","","","",""'


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- Every sample file, with the counts a person would see --------------------------------

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


# --- Exporter v3 ---------------------------------------------------------------------------


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


def test_it_groups_a_film_watched_on_two_days_into_one_item_dated_by_the_latest_watch():
    inception = read("v3_mixed.csv").movies[0]

    assert inception.watched == (
        utc(2025, 9, 20, 19, 2, 47, 330000),
        utc(2024, 12, 24, 17, 33, 50, 249000),
    )
    assert inception.last_watched == utc(2025, 9, 20, 19, 2, 47, 330000)


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


def test_it_reads_epoch_millisecond_dates_as_utc():
    history = read("v3_epoch_ms_de.csv")
    mercy = next(m for m in history.movies if m.clean_title == "Mercy Black")

    assert mercy.title == "Mercy Black [dt./OV]"
    assert mercy.last_watched == utc(2024, 9, 28, 20, 0, 0)


def test_it_keeps_a_row_whose_date_cannot_be_read_and_leaves_that_date_out():
    history = read("v3_epoch_ms_de.csv")
    anatomy = next(m for m in history.movies if m.title == "Anatomie eines Falls")

    assert history.undated_rows == 1
    assert anatomy.watched == (utc(2024, 9, 29, 20, 0, 0),)


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


def test_it_counts_a_row_without_a_title_as_unreadable():
    history = read("v3_epoch_ms_de.csv")

    assert history.unreadable_rows == 1
    assert "" not in titles(history)


def test_it_strips_dubbing_and_4k_tags_from_v3_titles():
    clean = {m.title: m.clean_title for m in read("v3_epoch_ms_de.csv").movies}

    assert clean["Der Pate (4K UHD)"] == "Der Pate"
    assert clean["Mission: Impossible – Fallout (English Dubbed)"] == (
        "Mission: Impossible – Fallout"
    )


def test_a_stray_quote_in_one_row_does_not_swallow_the_rows_after_it():
    history = read_history(
        v3(
            '"2025-01-01 10:00:00.000","Movie","Heat "Director\'s Cut,"","g1","","","",""',
            v3_row("2025-01-02 10:00:00.000", "Movie", "Casablanca", gti="g2"),
            v3_row("2025-01-03 10:00:00.000", "Movie", "Inception", gti="g3"),
        )
    )

    assert history.total_rows == 3
    assert titles(history)[:2] == ["Inception", "Casablanca"]
    assert history.movie_count == 3


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


# --- Exporter, four columns ---------------------------------------------------------------


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


def test_a_day_above_12_settles_day_first_dates_in_a_french_excel_file():
    history = read("exporter_4col_excel_fr.csv")

    assert history.format_label == "Prime Video exporter (4 columns, French)"
    assert history.language == "fr"
    dates = {m.title: m.last_watched for m in history.movies}
    assert dates["La Haine"] == utc(2022, 4, 3)
    assert dates["Astérix & Obélix : Mission Cléopâtre"] == utc(2022, 4, 2)
    assert history.date_warning == ""


def test_it_warns_when_nothing_in_the_file_says_whether_the_day_or_month_comes_first():
    history = read("exporter_4col_ambiguous_dates.csv")

    assert "01/02/2022" in history.date_warning
    assert "month/day/year" in history.date_warning
    assert history.movies[0].last_watched == utc(2022, 5, 9)


def test_ambiguous_dates_in_a_semicolon_file_from_a_european_excel_are_read_day_first():
    data = b"Date Watched;Type;Title;Episode\r\n05/09/2022;Movie;Heat;\r\n"

    history = read_history(data)

    assert history.movies[0].last_watched == utc(2022, 9, 5)
    assert "We read them as day/month/year." in history.date_warning


def test_it_reports_dates_that_mix_day_first_and_month_first():
    data = b"Date Watched,Type,Title,Episode\n13/01/2022,Movie,Heat,\n01/13/2022,Movie,Ronin,\n"

    history = read_history(data)

    assert "mixes day/month and month/day" in history.date_warning
    assert history.undated_rows == 1


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


# --- Amazon data request, legacy ------------------------------------------------------------


def test_it_reads_the_legacy_data_request_with_its_byte_order_mark():
    history = read("amazon_legacy_viewing_history.csv")

    assert history.format_label == "Amazon data request (legacy, up to 2022)"
    assert history.date_warning == ""
    hitch = next(m for m in history.movies if m.title == "Hitch")
    assert hitch.watched == (utc(2021, 10, 20, 21), utc(2017, 5, 9, 14))


def test_it_rejoins_a_legacy_title_that_amazon_split_at_an_unquoted_comma():
    history = read("amazon_legacy_viewing_history.csv")

    assert "Crouching Tiger, Hidden Dragon" in titles(history)


def test_it_keeps_legacy_movies_whose_titles_contain_colons_and_dashes():
    history = read("amazon_legacy_viewing_history.csv")

    assert set(titles(history)) == {
        "Hitch",
        "Crouching Tiger, Hidden Dragon",
        "I nuovi vicini - The Ones Below",
        "Super Size Me 2: Holy Chicken!",
        "Mission: Impossible – Fallout",
        "Spider-Man: Homecoming",
    }


@pytest.mark.parametrize(
    "title",
    [
        "Oh, Canada-The Grand Tour - Season 2",
        '"Twenty Vicodin"-House',
        "Pilot-House",
        "Whac-A-Mole-House",
        '"What I Know"-The Boys – Season 2',
        "Day One-Dead Set  -  Season 1",
        "Episodio 1-Gomorra - La serie - Stagione 1",
    ],
)
def test_it_recognises_legacy_episode_titles(title):
    history = read("amazon_legacy_viewing_history.csv")

    assert history.episode_rows == 7
    assert title not in titles(history)


def test_a_seasonless_episode_needs_other_episodes_of_the_same_show():
    rows = [
        f"10/0{day}/2019 15:00:00,{LEGACY_DEVICE},PRIME_SUBSCRIPTION,Feature,en,{title}"
        for day, title in enumerate(["Spider-Man", "Ant-Man", "Pilot-House"], start=1)
    ]
    data = "\n".join([LEGACY_HEADER, *rows]).encode()

    history = read_history(data)

    assert titles(history) == ["Pilot-House", "Ant-Man", "Spider-Man"]


def test_it_learns_seasonless_shows_from_the_rest_of_a_legacy_file():
    history = read("amazon_legacy_seasonless_shows.csv")

    assert titles(history) == [
        "Hitch",
        "Crouching Tiger, Hidden Dragon",
        "Pilot-Utopia",
        "Mission: Impossible – Fallout",
        "X-Men: Apocalypse",
        "Die Simpsons - Der Film",
        "SpongeBob - Der Film",
        "The Amazing Spider-Man",
        "Ant-Man",
        "Spider-Man",
    ]
    assert [extra.title for extra in history.extras] == ["Dune - Official Trailer"]


def legacy(*titles: str) -> bytes:
    rows = [
        f"10/{day:02d}/2019 15:00:00,{LEGACY_DEVICE},PRIME_SUBSCRIPTION,Feature,en,{title}"
        for day, title in enumerate(titles, start=1)
    ]
    return "\n".join([LEGACY_HEADER, *rows]).encode()


@pytest.mark.parametrize(
    ("rows", "episodes"),
    [
        # A show of several words needs two episodes, a one-word show three.
        (["Pilot-Sneaky Pete", "The Con-Sneaky Pete"], 2),
        (["Pilot-Sneaky Pete", "Pilot-Sneaky Pete [OV]"], 0),
        (["Pilot-Bosch", "Lost Light-Bosch"], 0),
        (["Pilot-Bosch", "Lost Light-Bosch", "Chapter Two-Bosch"], 3),
        # A season row elsewhere names the show, spaced or not.
        (["In the Beginning-Good Omens", "Hard Times-Good Omens - Season 1"], 2),
        (["Pilot - The Marvelous Mrs. Maisel", "Simone-The Marvelous Mrs. Maisel - Season 1"], 2),
        (["Pilot-Taken: The Series"], 1),
        # Films that share a word after a hyphen, or a show's name, stay films.
        (["Spider-Man", "The Amazing Spider-Man", "Ant-Man"], 0),
        (["SpongeBob - Der Film", "Die Simpsons - Der Film"], 0),
        (["Mission: Impossible – Fallout", "The Head-Fallout - Season 1"], 1),
        (["Pilot-Utopia"], 0),
    ],
)
def test_a_seasonless_legacy_title_is_an_episode_of_a_show_the_file_names_elsewhere(rows, episodes):
    history = read_history(legacy(*rows))

    assert (history.episode_rows, history.movie_rows) == (episodes, len(rows) - episodes)


def test_a_title_of_thousands_of_hyphenated_words_is_dropped_and_counted():
    title = "-".join(["a1"] * 20_000)

    history = read_history(legacy(title, f"x{title}", "Pilot-House"))

    assert (history.movie_rows, history.unreadable_rows) == (1, 2)


def test_a_hyphenated_title_just_under_the_length_limit_is_read_as_one_film():
    title = "-".join(["a1"] * 333)

    history = read_history(legacy(title, f"x{title}", "Pilot-House"))

    assert len(title) < 1_000 and history.movie_rows == 3


def test_it_drops_legacy_trailers_and_live_sport():
    history = read("amazon_legacy_viewing_history.csv")

    assert (history.extra_rows, history.live_rows) == (1, 1)
    assert "Sopravvissuti" not in titles(history)
    assert "Coverage: Juventus - Chelsea FC" not in titles(history)


def test_the_same_legacy_playback_twice_in_one_hour_is_a_duplicate():
    history = read("amazon_legacy_viewing_history.csv")

    assert history.duplicate_rows == 1
    hitch = next(m for m in history.movies if m.title == "Hitch")
    assert len(hitch.watched) == 2


def test_a_truncated_legacy_row_is_unreadable():
    assert read("amazon_legacy_viewing_history.csv").unreadable_rows == 1


def test_it_reads_a_legacy_file_resaved_by_a_german_excel():
    history = read("amazon_legacy_excel_de.csv")

    assert history.format is Format.AMAZON_LEGACY
    assert [(m.title, m.last_watched) for m in history.movies] == [
        ("Good Bye, Lenin!", utc(2021, 9, 28, 3)),
        ("Die fabelhafte Welt der Amélie", utc(2017, 5, 9, 14)),
    ]
    assert history.episode_rows == 2
    assert history.date_warning == ""


def test_a_legacy_file_with_quoted_leading_columns_keeps_its_title_verbatim():
    row = (
        '05/09/2017 14:00:00,Windows 10,"Chrome, beta",,springfield,us,"Example, Inc.",il,'
        "HD,PRIME_SUBSCRIPTION,Feature,en,Oh, Canada"
    )

    history = read_history(f"{LEGACY_HEADER}\n{row}\n".encode())

    assert titles(history) == ["Oh, Canada"]


# --- Amazon data request, 2024+ -------------------------------------------------------------


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


# --- Decoding and line endings --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_it_decodes_each_encoding_and_line_ending(encoding, newline):
    text = newline.join(["Date Watched,Type,Title,Episode", "2022-01-02,Movie,Amélie,", ""])

    history = read_history(text.encode(encoding))

    assert titles(history) == ["Amélie"]
    assert history.movies[0].last_watched == utc(2022, 1, 2)


def test_it_honours_an_excel_separator_hint_line():
    data = b"sep=;\r\nDate Watched;Type;Title;Episode\r\n2022-01-02;Movie;Heat, the film;\r\n"

    assert titles(read_history(data)) == ["Heat, the film"]


@pytest.mark.parametrize("header", [V3_HEADER, "Date Watched,Type,Title,Episode", LEGACY_HEADER])
def test_a_field_longer_than_the_csv_module_allows_does_not_crash_the_reader(header):
    data = f'{header}\n05/09/2017 14:00:00,Movie,"{"x" * 200_000}\n'.encode()

    assert read_history(data).total_rows == 1


def test_a_header_longer_than_the_csv_module_allows_is_refused_politely():
    message = error_for(("x" * 200_000 + "\nHeat\n").encode())

    assert "We could not recognise this file: its first line reads “xxxx" in message


# --- Titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean", "year"),
    [
        ("Mercy Black [dt./OV]", "Mercy Black", None),
        ("Der Pate [OV/OmU]", "Der Pate", None),
        ("Amélie [OV]", "Amélie", None),
        ("Das Boot [OmU]", "Das Boot", None),
        ("Perfect Days (Subbed)", "Perfect Days", None),
        ("Dune [Ultra HD]", "Dune", None),
        ("Dune (Ultra HD)", "Dune", None),
        ("Blade Runner 2049 (4K UHD)", "Blade Runner 2049", None),
        ("Parasite (English Subtitled)", "Parasite", None),
        ("Your Name. (English Dubbed)", "Your Name.", None),
        ("Akira (English dub version)", "Akira", None),
        ("Borat (Theatrical/Rated Version)", "Borat", None),
        ("Borat (Unrated Version)", "Borat", None),
        ("Aliens (Extended)", "Aliens", None),
        ("Bandersnatch (Non-Interactive)", "Bandersnatch", None),
        ("Inception Bonus X-Ray Edition", "Inception", None),
        ("Ghostbusters Special Edition", "Ghostbusters", None),
        ("Jaws: Remastered", "Jaws", None),
        ("Das Boot (inkl. Bonusmaterial)", "Das Boot", None),
        ("Ronin (1998)", "Ronin", 1998),
        ("Dune (2021) [dt./OV]", "Dune", 2021),
        ("Solaris (1972) (4K UHD)", "Solaris", 1972),
        ("(500) Days of Summer", "(500) Days of Summer", None),
        ("Mission: Impossible – Fallout", "Mission: Impossible – Fallout", None),
        ("1917", "1917", None),
        ("  Heat\u00a0 ", "Heat", None),
        ('"Red One"', "Red One", None),
        ("[OV]", "[OV]", None),
    ],
)
def test_clean_title_strips_edition_tags_and_reads_a_trailing_year(raw, clean, year):
    assert clean_title(raw) == (clean, year)


@pytest.mark.parametrize(
    "title",
    [
        "Episode 0: Official Trailer",
        "Dune: Part Two – Official Trailer",
        "Reacher Trailer",
        "The Boys: Behind the Scenes",
        "Fallout: Sneak Peek",
        "Red One - First Look",
    ],
)
def test_it_treats_trailers_and_featurettes_typed_movie_as_extras(title):
    history = read_history(v3(v3_row("2025-01-01 10:00:00.000", "Movie", title, gti="g")))

    assert (history.extra_rows, history.movie_count) == (1, 0)


EPISODE_LABELS = [
    # An episode that Amazon lists as a top-level title, which the exporter types Movie.
    ("en", "Episode 3: The Reckoning"),
    ("en", "Episode 12"),
    ("en", "[OV] Episode 7: Homecoming"),
    ("en", "Episode 1: Pilot (4K UHD)"),
    ("de", "Folge 3: Der Verrat"),
    ("de", "[dt./OV] Folge 4"),
    ("fr", "Épisode 2 : La Fuite"),
    ("es", "Capítulo 4: El regreso"),
    ("es", "Episodio 5 - La boda"),
    ("pt", "Episódio 6: O Plano"),
    ("pt", "Capítulo 7"),
    ("ja", "第5話 決戦"),
    ("ja", "エピソード1"),
    ("zh", "第3集"),
    ("zh", "第十二話：終章"),
]
EXTRA_LABELS = [
    ("en", "Bonus: Making Of"),
    ("en", "Making Of"),
    ("en", "The Rings of Power: Behind the Scenes"),
    ("en", "Gladiator II - Featurette"),
    ("en", "Deleted Scenes"),
    ("en", "Reacher: Sneak Peek"),
    ("en", "First Look"),
    ("en", "Official Trailer"),
    ("en", "Teaser"),
    ("en", "Recap: Season 1"),
    ("en", "The Boys Season 3 Recap"),
    ("de", "Hinter den Kulissen"),
    ("de", "Babylon Berlin: Offizieller Trailer"),
    ("de", "Making-of"),
    ("de", "Rückblick: Staffel 1"),
    ("fr", "Les Misérables : Scènes coupées"),
    ("fr", "Bande-annonce officielle"),
    ("fr", "Dans les coulisses"),
    ("es", "Cómo se hizo: La sociedad de la nieve"),
    ("es", "Escenas eliminadas"),
    ("es", "Tráiler oficial"),
    ("pt", "Bastidores"),
    ("pt", "Cenas excluídas"),
    ("pt", "Bônus: Por trás da câmera"),
    ("ja", "メイキング"),
    ("ja", "ザ・ボーイズ 予告編"),
    ("ja", "特典映像"),
    ("zh", "流浪地球2 花絮"),
    ("zh", "幕後花絮"),
    ("zh", "正式預告"),
]
TYPED_MOVIE_FILMS = [
    "Star Wars: Episode IV - A New Hope",
    "Chapter 27",
    "Trailer Park Boys: The Movie",
    "The Making of Fanny and Alexander",
    "Behind Enemy Lines",
    "Episodes of Love",
    "Recapture",
    "The First Look Back",
    "予告犯",
    "Die Folgen",
    "Bonus Family",
]


@pytest.mark.parametrize(("language", "title"), EPISODE_LABELS + EXTRA_LABELS)
def test_an_episode_or_extra_typed_movie_is_left_out_as_an_extra(language, title):
    history = read_history(v3(v3_row("2025-01-01 10:00:00.000", "Movie", title, gti="g")))

    assert (history.movie_count, history.extra_rows, history.live_rows) == (0, 1, 0)
    assert [extra.title for extra in history.extras] == [title]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Datum angesehen,Typ,Titel,Folge", "Film"),
        ("Date regardée,Type,Titre,Épisode", "Film"),
        ("Fecha de visualización,Tipo,Título,Episodio", "Película"),
        ("Data assistida,Tipo,Título,Episódio", "Filme"),
        ("視聴日,種類,タイトル,エピソード", "映画"),
        ("觀看日期,類型,標題,集", "電影"),
    ],
)
@pytest.mark.parametrize("title", ["Folge 3: Der Verrat", "Making-of", "第5話 決戦", "花絮"])
def test_the_localized_exporter_leaves_out_extras_typed_as_films(header, kind, title):
    data = f'{header}\n2025-03-14,{kind},"{title}",\n2025-03-13,{kind},"Heat",\n'.encode()

    history = read_history(data)

    assert (titles(history), history.extra_rows) == (["Heat"], 1)


@pytest.mark.parametrize("title", TYPED_MOVIE_FILMS)
def test_a_film_whose_title_only_resembles_a_label_stays_a_film(title):
    history = read_history(v3(v3_row("2025-01-01 10:00:00.000", "Movie", title, gti="g")))

    assert (titles(history), history.extra_rows) == ([title], 0)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("The Expanse - Season 2", "episode"),
        ("Babylon Berlin - Staffel 3", "episode"),
        ("Le Bureau des légendes – Saison 1", "episode"),
        ("Gomorra - Stagione 4", "episode"),
        ("La casa de papel  -  Temporada 3", "episode"),
        ("Undercover - Seizoen 2", "episode"),
        ("ザ・ボーイズ シーズン1", "episode"),
        ("Episode 4: The Pact", "episode"),
        ("Folge 2: Der Ausbruch", "episode"),
        ("Episode 0: Official Trailer", "extra"),
        ("Mission: Impossible – Fallout", "movie"),
        ("I nuovi vicini - The Ones Below", "movie"),
        ("Star Wars: Episode IV - A New Hope", "movie"),
        ("Season of the Witch", "movie"),
        ("Series 7: The Contenders", "movie"),
        ("Paddington 2", "movie"),
    ],
)
def test_title_grammar_decides_when_there_is_no_type_column(title, kind):
    row = f"01/02/2020 10:00:00,{LEGACY_DEVICE},PRIME_SUBSCRIPTION,Feature,en,{title}"

    history = read_history(f"{LEGACY_HEADER}\n{row}\n".encode())

    counts = {
        "movie": history.movie_rows,
        "episode": history.episode_rows,
        "extra": history.extra_rows,
    }
    assert counts == {name: int(name == kind) for name in counts}


# --- Files we refuse, and why ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.csv", "The file is empty."),
        ("header_only_v3.csv", "This is a Prime Video exporter (v3) file, but it has no rows"),
        ("not_a_csv.pdf", "This is a PDF document, not a CSV file."),
        ("netflix_viewing_history.csv", "This looks like a Netflix viewing history (Title, Date)."),
        ("netflix_viewing_activity.csv", "Netflix viewing activity file (ViewingActivity.csv)"),
        ("prime_watchlist.csv", "This looks like a Prime Video watchlist"),
    ],
)
def test_it_explains_what_it_recognised_in_a_file_it_cannot_import(name, expected):
    message = error_for((DATA / name).read_bytes())

    assert expected in message


def test_every_refusal_says_what_is_accepted():
    message = error_for((DATA / "netflix_viewing_history.csv").read_bytes())

    assert message.startswith("This looks like a Netflix viewing history (Title, Date). ")
    assert "This importer reads Amazon Prime Video history:" in message
    assert "Prime Video.zip" in message


def test_it_quotes_the_first_line_of_a_csv_it_does_not_recognise():
    message = error_for(b"Film,Rating,Seen\nHeat,5,2020\n", filename="ratings.csv")

    assert "We could not recognise “ratings.csv”: its first line reads “Film,Rating,Seen”." in (
        message
    )


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
