import gzip
import importlib.util
from datetime import date
from pathlib import Path

import pytest

from catalog.builtin import DATA_FILE, BuiltinCatalog
from catalog.interface import CatalogUnavailable, NotFound
from catalog.titles import HYPHENATED_WORDS_FILE

BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_offline_catalog.py"
THE_GODFATHER = "tt0068646"


@pytest.fixture(scope="module")
def catalog():
    return BuiltinCatalog.load()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    pytest.importorskip("bokeh_sampledata", reason="bokeh-sampledata (the source) is not installed")
    return load_build_script().build(tmp_path_factory.mktemp("catalog") / "offline_catalog.tsv.gz")


def titles(movies):
    return [(movie.title, movie.year) for movie in movies]


def first(catalog, query, year=None):
    results = catalog.search(query, year=year)
    assert results, f"nothing found for {query!r}"
    return results[0].title, results[0].year


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_offline_catalog", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_holds_every_film_of_the_source_once(catalog):
    assert len(catalog) == 17_470
    assert len({movie.imdb_id for movie in catalog}) == 17_470


def test_it_covers_1940_to_2014(catalog):
    years = {movie.year for movie in catalog}
    assert (min(years), max(years)) == (1940, 2014)


def test_it_describes_itself_with_its_size_and_latest_year(catalog):
    assert catalog.name == "Offline catalog"
    assert catalog.describe() == (
        "Offline catalog: 17,470 films up to 2014 \u2014 add a TMDB key for everything"
    )


def test_it_finds_amelie_without_the_accent(catalog):
    assert first(catalog, "amelie") == ("Amélie", 2001)


def test_it_finds_the_godfather_part_ii_in_lower_case_without_punctuation(catalog):
    assert first(catalog, "godfather part ii") == ("The Godfather Part II", 1974)


@pytest.mark.parametrize("query", ["se7en", "Seven"])
def test_it_finds_seven_however_it_is_spelt(catalog, query):
    assert first(catalog, query) == ("Seven", 1995)


@pytest.mark.parametrize("query", ["The Matrix", "the matrix", "matrix"])
def test_it_finds_the_matrix_with_or_without_the_article(catalog, query):
    assert first(catalog, query) == ("The Matrix", 1999)


@pytest.mark.parametrize("query", ["Spider-Man", "spiderman", "spider man"])
def test_it_finds_spider_man_with_or_without_the_hyphen(catalog, query):
    assert first(catalog, query) == ("Spider-Man", 2002)


@pytest.mark.parametrize("query", ["WALL·E", "wall-e", "walle", "Wall E"])
def test_it_finds_wall_e_however_it_is_punctuated(catalog, query):
    assert first(catalog, query) == ("WALL-E", 2008)


def test_it_ranks_the_exact_title_before_titles_that_start_with_it(catalog):
    assert titles(catalog.search("matrix"))[:3] == [
        ("The Matrix", 1999),
        ("The Matrix Reloaded", 2003),
        ("The Matrix Revolutions", 2003),
    ]


def test_it_puts_the_most_popular_of_equal_titles_first(catalog):
    assert titles(catalog.search("Titanic"))[:3] == [
        ("Titanic", 1997),
        ("Titanic", 1953),
        ("Titanic", 1943),
    ]


def test_it_finds_a_film_despite_a_typo(catalog):
    assert first(catalog, "the godfahter") == ("The Godfather", 1972)


def test_it_finds_a_film_when_the_query_carries_extra_words(catalog):
    assert first(catalog, "The Intouchables (Extended Cut)") == ("The Intouchables", 2011)


def test_it_finds_nothing_for_nonsense(catalog):
    assert catalog.search("xyzzy qwrtp") == []


def test_a_year_keeps_only_films_from_that_year_or_one_either_side(catalog):
    results = catalog.search("Titanic", year=1952)

    assert first(catalog, "Titanic", year=1952) == ("Titanic", 1953)
    assert {movie.year for movie in results} <= {1951, 1952, 1953}


def test_a_year_one_off_still_finds_the_film(catalog):
    assert first(catalog, "Titanic", year=1996) == ("Titanic", 1997)


def test_a_year_two_off_does_not(catalog):
    assert ("Titanic", 1997) not in titles(catalog.search("Titanic", year=1995))


def test_a_year_outside_the_catalog_finds_nothing(catalog):
    assert catalog.search("Titanic", year=2030) == []


def test_it_returns_no_more_than_the_limit(catalog):
    assert len(catalog.search("the", limit=5)) == 5
    assert len(catalog.search("the")) == 20


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "?!", "—"])
def test_an_empty_or_blank_query_finds_nothing(catalog, query):
    assert catalog.search(query) == []


def test_a_500_character_query_is_cut_to_its_first_200_characters(catalog):
    query = "Amélie" + " " * 300 + "The Godfather Part II"

    assert len(query) > 300
    assert first(catalog, query) == ("Amélie", 2001)


def test_a_500_character_query_of_nonsense_is_not_an_error(catalog):
    assert len(catalog.search("zq" * 250)) <= 20


def test_it_gets_a_film_by_its_imdb_id(catalog):
    movie = catalog.get(THE_GODFATHER)

    assert (movie.title, movie.year, movie.imdb_id, movie.tmdb_id) == (
        "The Godfather",
        1972,
        THE_GODFATHER,
        None,
    )
    assert movie.release_date == date(1972, 3, 15)
    assert movie.runtime == 175
    assert movie.genres == ("Thriller", "Drama", "Crime", "History")
    assert movie.popularity > 0
    assert movie.page_url == f"https://www.imdb.com/title/{THE_GODFATHER}/"


def test_a_search_result_can_be_fetched_again_by_its_catalog_id(catalog):
    found = catalog.search("Amélie")[0]

    assert catalog.get(found.catalog_id) == found


def test_it_raises_not_found_for_an_unknown_imdb_id(catalog):
    with pytest.raises(NotFound) as raised:
        catalog.get("tt0000000")

    assert raised.value.message == "That film is not in the catalog."


def test_the_overview_says_who_directed_it_its_genres_and_length(catalog):
    assert catalog.get(THE_GODFATHER).overview == (
        "Directed by Francis Ford Coppola \u00b7 Thriller, Drama, Crime \u00b7 175 min"
    )


def test_a_director_with_a_suffix_stays_one_name(catalog):
    faster = catalog.search("Faster", year=2010)[0]

    assert faster.overview.startswith("Directed by George Tillman, Jr. \u00b7 ")


def test_a_release_date_only_known_to_the_year_is_left_empty(catalog):
    # Wikidata gives 1979-01-01 for Apocalypse Now: a year, not a day.
    assert catalog.get("tt0078788").release_date is None


def test_an_imdb_id_wikidata_lists_twice_is_one_film_found_by_either_title(catalog):
    redux = catalog.search("Apocalypse Now Redux")[0]

    assert (redux.imdb_id, redux.title, redux.year) == ("tt0078788", "Apocalypse Now", 1979)
    assert redux.alternative_titles == ("Apocalypse Now Redux",)


def test_loading_a_missing_file_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(CatalogUnavailable, match=r"build_offline_catalog\.py"):
        BuiltinCatalog.load(tmp_path / "missing.tsv.gz")


def test_loading_a_file_with_other_columns_says_how_to_rebuild_it(tmp_path):
    path = tmp_path / "old.tsv.gz"
    path.write_bytes(gzip.compress(b"imdb_id\ttitle\ntt1\tA film\n"))

    with pytest.raises(CatalogUnavailable, match=r"build_offline_catalog\.py"):
        BuiltinCatalog.load(path)


def test_the_data_file_is_rebuilt_from_the_source_with_the_same_contents(rebuilt):
    # Compared decompressed: another zlib (zlib-ng) may pack the same rows into other bytes.
    assert gzip.decompress(rebuilt.read_bytes()) == gzip.decompress(DATA_FILE.read_bytes())
    words = rebuilt.with_name(HYPHENATED_WORDS_FILE.name)
    assert words.read_text(encoding="utf-8") == HYPHENATED_WORDS_FILE.read_text(encoding="utf-8")


def test_building_again_gives_a_byte_identical_file(rebuilt, tmp_path):
    again = load_build_script().build(tmp_path / "again.tsv.gz")

    assert again.read_bytes() == rebuilt.read_bytes()
    assert again.read_bytes()[4:8] == b"\0\0\0\0", "the gzip header should carry no timestamp"
