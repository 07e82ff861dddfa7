"""Amazon's legacy data request, Digital.PrimeVideo.Viewinghistory.csv, and its quirks."""

import pytest

from imports.sources import Format, read_history
from tests.imports.sources.helpers import LEGACY_DEVICE, LEGACY_HEADER, legacy, read, titles, utc


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
