from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.baseline import baseline_match, baseline_score
from catalog.interface import CatalogMovie
from imports.lookup import find_match
from imports.scoring import (
    HIGH,
    LOW,
    Match,
    band_for,
    match,
)
from imports.similarity import standard_spelling
from imports.sources.titles import clean_title

_ids = count(1)
EN_DASH = "\u2013"  # TMDB writes subtitles with an en dash, Prime with a hyphen


def film(
    title: str,
    year: int | None = None,
    *,
    released: date | None = None,
    popularity: float = 0.0,
    original_title: str = "",
    alternative_titles: tuple[str, ...] = (),
    tmdb_id: int | None = None,
) -> CatalogMovie:
    return CatalogMovie(
        title=title,
        year=year,
        release_date=released or (date(year, 6, 1) if year else None),
        tmdb_id=tmdb_id or next(_ids),
        popularity=popularity,
        original_title=original_title,
        alternative_titles=alternative_titles,
    )


def titles_and_years(movies) -> list[tuple[str, int | None]]:
    return [(movie.title, movie.year) for movie in movies]


# Exact titles, normalised --------------------------------------------------------------------


def test_an_exact_title_that_clearly_wins_is_preselected():
    hitch = film("Hitch", 2005)

    result = match("Hitch", [hitch, film("Hitchcock", 2012)])

    assert result.proposal == hitch
    assert result.band == "High"
    assert result.preselected
    assert result.status == "matched"


def test_the_reason_names_the_title_match_the_release_year_and_the_margin():
    result = match("Hitch", [film("Hitch", 2005), film("Hitchcock", 2012)])

    assert result.reason == "exact title · released 2005 · clear winner"


def test_a_longer_title_that_starts_the_same_is_offered_as_an_alternative_only():
    hitchcock = film("Hitchcock", 2012)

    result = match("Hitch", [hitchcock, film("Hitch", 2005)])

    assert result.proposal.title == "Hitch"
    assert result.alternatives == (hitchcock,)


def test_a_leading_article_is_ignored():
    result = match("Matrix", [film("The Matrix Reloaded", 2003), film("The Matrix", 1999)])

    assert result.proposal.title == "The Matrix"
    assert result.band == "High"


def test_accents_are_ignored():
    result = match("Amelie", [film("Amélie", 2001)])

    assert result.proposal.title == "Amélie"
    assert result.band == "High"


def test_an_ampersand_and_the_word_and_are_the_same():
    result = match("Romeo & Juliet", [film("Romeo and Juliet", 1968)])

    assert result.proposal.title == "Romeo and Juliet"
    assert result.band == "High"


def test_spacing_inside_a_word_does_not_matter():
    result = match("Spiderman", [film("Spider-Man", 2002)])

    assert result.proposal.title == "Spider-Man"
    assert result.band == "High"


# Subtitles ------------------------------------------------------------------------------------


def test_the_kind_of_dash_before_a_subtitle_does_not_matter():
    fallout = film(f"Mission: Impossible {EN_DASH} Fallout", 2018)

    result = match("Mission: Impossible - Fallout", [film("Mission: Impossible", 1996), fallout])

    assert result.proposal == fallout
    assert result.reason.startswith("exact title")
    assert result.band == "High"


def test_a_prime_title_without_the_episode_part_still_matches():
    new_hope = film(f"Star Wars: Episode IV {EN_DASH} A New Hope", 1977)
    candidates = [film("Star Wars: The Force Awakens", 2015), new_hope]

    result = match("Star Wars: A New Hope", candidates)

    assert result.proposal == new_hope
    assert result.band == "High"
    assert result.reason.startswith("same title apart from a subtitle")


def test_a_title_matching_only_the_main_part_of_another_film_is_not_preselected():
    result = match("Mission: Impossible", [film(f"Mission: Impossible {EN_DASH} Fallout", 2018)])

    assert result.status == "needs_review"
    assert result.band == "Medium"


# Sequel numbers ---------------------------------------------------------------------------------


def test_sequel_numbers_must_agree():
    result = match(
        "Rocky II", [film("Rocky", 1976), film("Rocky III", 1982), film("Rocky II", 1979)]
    )

    assert titles_and_years([result.proposal]) == [("Rocky II", 1979)]
    assert result.band == "High"


def test_arabic_and_roman_numerals_are_the_same():
    result = match("Rocky 2", [film("Rocky III", 1982), film("Rocky II", 1979)])

    assert result.proposal.title == "Rocky II"
    assert result.band == "High"


def test_the_sequel_is_never_proposed_for_the_original():
    result = match("Toy Story", [film("Toy Story 2", 1999), film("Toy Story 3", 2010)])

    assert result.proposal is None
    assert result.status == "unmatched"


def test_the_original_is_never_proposed_for_the_sequel():
    result = match("Rocky II", [film("Rocky III", 1982), film("Rocky", 1976)])

    assert result.proposal is None
    assert result.status == "unmatched"


# Watch date and year hint -----------------------------------------------------------------------


def test_a_film_released_after_the_watch_date_is_never_proposed():
    remake = film("The Lion King", 2019, released=date(2019, 7, 12), popularity=90)
    original = film("The Lion King", 1994, released=date(1994, 6, 24), popularity=60)

    result = match("The Lion King", [remake, original], watched=datetime(2019, 3, 1, 20, 15))

    assert result.proposal == original
    assert result.band == "High"
    assert remake not in result.alternatives


def test_a_film_dated_only_by_a_year_after_the_watch_year_is_not_proposed():
    later = CatalogMovie(title="Dune", year=2021, tmdb_id=438631)

    result = match("Dune", [later], watched=date(2019, 5, 1))

    assert result.proposal is None


def test_a_prime_original_watched_the_evening_before_its_release_date_is_still_possible():
    premiere = film("The Tomorrow War", 2021, released=date(2021, 7, 2))

    result = match("The Tomorrow War", [premiere], watched=datetime(2021, 7, 1, 23, 30))

    assert result.proposal == premiere


def test_only_films_released_after_the_watch_date_leave_the_title_unmatched():
    result = match("Halloween", [film("Halloween", 2018)], watched=date(2015, 10, 31))

    assert result.status == "unmatched"
    assert result.alternatives == ()
    assert result.reason == "every candidate was released after you watched it"


def test_remakes_released_before_the_watch_date_need_review_with_both_offered():
    candidates = [film("Halloween", 1978), film("Halloween", 2007), film("Halloween", 2018)]

    result = match("Halloween", candidates, watched=date(2015, 10, 31))

    assert result.status == "needs_review"
    assert result.band == "Medium"
    offered = titles_and_years([result.proposal, *result.alternatives])
    assert sorted(offered) == [("Halloween", 1978), ("Halloween", 2007)]
    assert result.reason.endswith("2 films share this title")


def test_a_year_in_the_prime_title_picks_that_remake():
    candidates = [film("Halloween", 1978), film("Halloween", 2007), film("Halloween", 2018)]

    result = match("Halloween (2007)", candidates, watched=date(2015, 10, 31))

    assert titles_and_years([result.proposal]) == [("Halloween", 2007)]
    assert result.band == "High"
    assert "released 2007 as the title says" in result.reason


def test_a_year_hint_given_by_the_caller_picks_that_remake():
    candidates = [film("Halloween", 1978), film("Halloween", 2007)]

    result = match("Halloween", candidates, year_hint=1978)

    assert result.proposal.year == 1978
    assert result.band == "High"


def test_a_year_hint_no_candidate_agrees_with_keeps_the_match_out_of_high():
    result = match("Halloween (2007)", [film("Halloween", 1978)])

    assert result.proposal.year == 1978
    assert result.status == "needs_review"
    assert "title says 2007" in result.reason


def test_the_year_and_bracket_tags_are_split_off_the_prime_title():
    assert clean_title("Halloween (2007)") == ("Halloween", 2007)
    assert clean_title("Mercy Black [dt./OV]") == ("Mercy Black", None)
    assert clean_title("1917") == ("1917", None)


# Popularity and margin --------------------------------------------------------------------------


def test_popularity_breaks_a_tie_between_remakes_but_the_band_stays_medium():
    older = film("Total Recall", 1990, popularity=30)
    newer = film("Total Recall", 2012, popularity=20)

    result = match("Total Recall", [newer, older])

    assert result.proposal == older
    assert result.alternatives == (newer,)
    assert result.band == "Medium"


def test_a_strongly_dominant_popularity_settles_a_tie_between_remakes():
    famous = film("Ben-Hur", 1959, popularity=40)
    obscure = film("Ben-Hur", 1925, popularity=3)

    result = match("Ben-Hur", [obscure, famous])

    assert result.proposal == famous
    assert result.band == "High"
    assert result.reason.endswith("most popular of 2 films with this title")


def test_titles_differing_only_in_spacing_tie_and_popularity_decides():
    blockbuster = film("Spider-Man", 2002, popularity=80)
    short = film("Spiderman", 1969, popularity=2)

    result = match("Spiderman", [short, blockbuster])

    assert result.proposal == blockbuster
    assert result.alternatives == (short,)
    assert result.band == "High"


# Other names ------------------------------------------------------------------------------------


def test_the_original_title_matches_a_prime_title_in_the_films_own_language():
    amelie = film("Amélie", 2001, original_title="Le Fabuleux Destin d'Amélie Poulain")

    result = match("Le fabuleux destin d'Amélie Poulain", [film("Amélie Poulain", 2010), amelie])

    assert result.proposal == amelie
    assert result.band == "High"
    assert result.reason.startswith("exact original title")


def test_an_alternative_title_matches_a_translated_prime_title():
    shawshank = film(
        "The Shawshank Redemption", 1994, alternative_titles=("Die Verurteilten", "Rita Hayworth")
    )

    result = match("Die Verurteilten", [film("Die Unbestechlichen", 1987), shawshank])

    assert result.proposal == shawshank
    assert result.band == "High"
    assert result.reason.startswith("exact alternative title")


# Unknown and near-miss titles ----------------------------------------------------------------


def test_a_title_not_in_the_catalog_stays_unmatched_without_unrelated_films_offered():
    candidates = [film("Road Trip", 2000), film("Zoolander", 2001), film("Zodiac", 2007)]

    result = match("Zzyzx", candidates)

    assert result.proposal is None
    assert result.status == "unmatched"
    assert result.band == "Low"
    assert result.alternatives == ()
    assert result.reason == "no close title in the catalog"


def test_an_unmatched_title_is_not_offered_a_film_that_merely_shares_letters():
    insurrection = film("Star Trek: Insurrection", 1998, popularity=20)

    result = match("Sai tenere un segreto?", [insurrection, film("The Air Up There", 1994)])

    assert result.status == "unmatched"
    assert result.alternatives == ()


def test_an_unmatched_title_still_offers_the_films_its_title_resembles():
    blade_runner = film("Blade Runner", 1982)
    candidates = [blade_runner, film("Runner Runner", 2013), film("Sai tenere un segreto?", 2004)]

    result = match("Blade Runner 2049", candidates, watched=date(2018, 1, 1))

    assert result.status == "unmatched"
    assert blade_runner in result.alternatives
    assert all("Runner" in alternative.title for alternative in result.alternatives)


def test_no_candidates_at_all_is_unmatched():
    result = match("Anything", [])

    assert result == Match(None, 0.0, "Low", "nothing found in the catalog", (), False, "unmatched")


def test_a_title_one_letter_away_is_never_preselected():
    result = match("The Ones Below", [film("The One Below", 2016)])

    assert result.status == "needs_review"
    assert result.band == "Medium"
    assert result.reason.startswith("close title")


def test_leftover_edition_noise_leads_to_review_not_preselection():
    result = match("Mercy Black dt OV", [film("Mercy Black", 2019)])

    assert result.proposal.title == "Mercy Black"
    assert result.status == "needs_review"


def test_a_catalog_title_inside_a_longer_prime_title_is_only_a_lead_in_low():
    result = match("Carousel of Tulsa", [film("Carousel", 1956), film("House of Dracula", 1945)])

    assert result.proposal.title == "Carousel"
    assert result.band == "Low"
    assert result.reason.startswith("weak title match")


def test_a_prime_title_that_drops_the_films_subtitle_is_a_medium_proposal():
    kingsman = film("Kingsman: The Secret Service", 2014)

    result = match("Kingsman", [kingsman, film("The King's Speech", 2010)])

    assert result.proposal == kingsman
    assert result.band == "Medium"
    assert not result.preselected


def test_a_catalog_title_lacking_the_prime_subtitle_is_a_sequel_risk_in_low():
    result = match("Top Gun: Maverick", [film("Top Gun", 1986)], watched=date(2023, 1, 1))

    assert result.proposal.title == "Top Gun"
    assert result.band == "Low"
    assert result.reason.startswith("title matches only in part")


# Reasons claim no more than the band ------------------------------------------------------------


def test_a_medium_proposal_far_ahead_of_the_others_is_not_called_a_clear_winner():
    result = match("Kingsman", [film("Kingsman: The Secret Service", 2014), film("Hitch", 2005)])

    assert result.band == "Medium"
    assert result.reason == "title matches only in part · released 2014 · best of 2 candidates"


def test_an_exact_title_with_the_wrong_year_says_so_instead_of_clear_winner():
    result = match("Halloween (2007)", [film("Halloween", 1978), film("Hitch", 2005)])

    assert result.band == "Medium"
    assert "clear winner" not in result.reason
    assert "title says 2007" in result.reason


def test_a_low_proposal_says_why_it_is_unsure():
    result = match("Carousel of Antwerp", [film("Carousel", 1956), film("Antwerp Blues", 2001)])

    assert result.band == "Low"
    assert "clear winner" not in result.reason
    assert "weak title match" in result.reason


# Bands, alternatives, details -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "band"),
    [(1.0, "High"), (HIGH, "High"), (0.69, "Medium"), (LOW, "Medium"), (0.49, "Low"), (0, "Low")],
)
def test_bands_follow_the_thresholds(confidence, band):
    assert band_for(confidence) == band


def test_the_band_status_and_preselection_agree_with_the_confidence():
    for result in (
        match("Hitch", [film("Hitch", 2005)]),
        match("Halloween", [film("Halloween", 1978), film("Halloween", 2007)]),
        match("Zzyzx", [film("Zodiac", 2007)]),
    ):
        assert result.band == band_for(result.confidence)
        assert result.preselected == (result.confidence >= HIGH)
        assert (result.status == "matched") == result.preselected


def test_alternatives_are_the_next_two_distinct_candidates():
    toy_story = film("Toy Story", 1995)
    duplicate = film("Toy Story", 1995, tmdb_id=toy_story.tmdb_id)
    sequels = [film("Toy Story 2", 1999), film("Toy Story 3", 2010), film("Toy Story 4", 2019)]

    result = match("Toy Story", [toy_story, duplicate, *sequels])

    assert result.proposal == toy_story
    assert len(result.alternatives) == 2
    assert toy_story not in result.alternatives
    assert all(alternative.title.startswith("Toy Story ") for alternative in result.alternatives)


def match_prime(prime_title: str, candidates, **kwargs) -> Match:
    title, year_hint = clean_title(prime_title)
    return match(title, candidates, year_hint=year_hint, **kwargs)


@pytest.mark.parametrize(
    "tag",
    [
        " [dt./OV]",
        " [OV/OmU]",
        " (4K UHD)",
        " [Ultra HD]",
        " (English Dubbed)",
        " (English dub version)",
        " (English Subtitled)",
        " (Theatrical/Rated Version)",
        " (Unrated Version)",
        " (Extended)",
        " (Non-Interactive)",
        " (Bonus X-Ray Edition)",
        " - Bonus X-Ray Edition",
        " Special Edition",
        ": Remastered",
        " (inkl. Bonusmaterial)",
    ],
)
def test_an_edition_tag_does_not_stand_in_the_way_of_a_preselection(tag):
    hitch = film("Hitch", 2005)

    result = match_prime(f"Hitch{tag}", [hitch, film("Hitchcock", 2012)])

    assert result.proposal == hitch
    assert result.preselected


def test_an_extra_leading_article_is_ignored():
    result = match_prime("The Ringer", [film("Ringer", 2005)])

    assert result.preselected


@pytest.mark.parametrize(
    ("prime_title", "catalog_title"),
    [
        ("Schindlers List", "Schindler's List"),
        ("Schindler\u2019s List", "Schindler's List"),
        ("Dr Strangelove", "Dr. Strangelove"),
        ("Crouching Tiger Hidden Dragon", "Crouching Tiger, Hidden Dragon"),
        ("Ben Hur", "Ben-Hur"),
        ("Thelma and Louise", "Thelma & Louise"),
        (
            "Pirates! In an Adventure with Scientists",
            "The Pirates! In an Adventure with Scientists!",
        ),
        ("8 1/2", "8\u00bd"),
        ("Leon: The Professional", "Léon: The Professional"),
    ],
)
def test_punctuation_and_accents_do_not_matter(prime_title, catalog_title):
    result = match_prime(prime_title, [film(catalog_title, 1990)])

    assert result.proposal.title == catalog_title
    assert result.preselected


@pytest.mark.parametrize(
    ("prime_title", "catalog_title"),
    [
        ("The Godfather Part Three", "The Godfather Part III"),
        (
            "Harry Potter and the Deathly Hallows - Part I",
            f"Harry Potter and the Deathly Hallows {EN_DASH} Part 1",
        ),
        ("Dune: Part 2", "Dune: Part Two"),
        ("Kill Bill: Vol. 1", "Kill Bill: Volume 1"),
        (
            "Star Wars: Episode 1 - The Phantom Menace",
            f"Star Wars: Episode I {EN_DASH} The Phantom Menace",
        ),
    ],
)
def test_a_counted_part_is_the_same_number_however_it_is_spelled(prime_title, catalog_title):
    result = match_prime(prime_title, [film(catalog_title, 2005)])

    assert result.proposal.title == catalog_title
    assert result.preselected


def test_a_different_part_number_is_another_film():
    result = match_prime("Kill Bill: Vol. 2", [film("Kill Bill: Volume 1", 2003)])

    assert not result.preselected


@pytest.mark.parametrize("title", ["I, Robot", "The Book of Eli", "Part of Me", "One Day"])
def test_words_that_only_look_like_numbers_are_left_alone(title):
    assert standard_spelling(title) == title


def test_a_colon_or_a_dash_before_the_subtitle_is_the_same_title():
    leon = film("Léon: The Professional", 1994)

    assert match_prime(f"Léon {EN_DASH} The Professional", [leon]).preselected
    assert match_prime("Léon - The Professional [OV]", [leon]).preselected


def test_a_trailing_year_one_off_still_preselects_the_only_candidate():
    result = match_prime("Looper (2013)", [film("Looper", 2012)])

    assert result.preselected
    assert "title says 2013" in result.reason


def test_a_trailing_year_and_a_tag_together_pick_the_remake():
    candidates = [film("Psycho", 1960, popularity=50), film("Psycho", 1998, popularity=10)]

    result = match_prime("Psycho (1998) (Unrated Version)", candidates)

    assert result.proposal.year == 1998
    assert result.preselected


def test_remakes_before_the_watch_date_decide_the_earliest_one():
    candidates = [film("Halloween", 2007, released=date(2007, 8, 31)), film("Halloween", 1978)]

    result = match_prime("Halloween [dt./OV]", candidates, watched=datetime(2006, 10, 31, 21))

    assert result.proposal.year == 1978
    assert result.preselected


def test_a_sequel_missing_from_the_catalog_is_not_matched_to_the_first_film():
    result = match_prime("Jaws 2", [film("Jaws", 1975)], watched=date(2015, 1, 1))

    assert result.proposal is None


def test_a_later_film_of_a_series_missing_from_the_catalog_is_left_for_review():
    result = match_prime("Mission: Impossible - Rogue Nation", [film("Mission: Impossible", 1996)])

    assert not result.preselected


# Better evidence: the leaders' details -----------------------------------------------------------


class DetailsCatalog:
    """Finds `found` for every search, answers `get` with the detailed films it was given,
    and records which details were asked for."""

    name = "stub"

    def __init__(self, found: list[CatalogMovie], *detailed: CatalogMovie):
        self.found = found
        self.detailed = {movie.catalog_id: movie for movie in detailed}
        self.fetched: list[str] = []

    def search(self, title, year=None, *, language=None):
        return self.found

    def get(self, catalog_id):
        self.fetched.append(catalog_id)
        return self.detailed[catalog_id]


def test_details_of_a_close_leader_can_reveal_an_exact_alternative_title():
    summary = film("The Intouchables", 2011, original_title="Intouchables", tmdb_id=77338)
    catalog = DetailsCatalog(
        [summary], replace(summary, alternative_titles=("Untouchable",), runtime=112)
    )

    result = find_match(catalog, "Untouchable").match

    assert result.proposal.title == "The Intouchables"
    assert result.preselected
    assert result.reason.startswith("exact alternative title")
    assert catalog.fetched == ["77338"]


def test_no_details_are_fetched_for_a_clear_exact_title():
    catalog = DetailsCatalog([film("Hitch", 2005)])

    result = find_match(catalog, "Hitch").match

    assert result.preselected
    assert catalog.fetched == []


def test_no_details_are_fetched_for_remakes_their_other_names_cannot_separate():
    catalog = DetailsCatalog([film("Halloween", 1978), film("Halloween", 2007)])

    result = find_match(catalog, "Halloween").match

    assert result.status == "needs_review"
    assert catalog.fetched == []


def test_details_are_fetched_for_the_top_two_at_most():
    candidates = [film(f"Seven Samurai {n}", 1954 + n, tmdb_id=500 + n) for n in range(4)]
    catalog = DetailsCatalog(candidates, *candidates)

    find_match(catalog, "Seven")

    assert len(catalog.fetched) == 2


# The original design's baseline, and where it goes wrong ------------------------------------


def test_the_baseline_weighs_title_similarity_and_agreement_with_the_watch_year():
    hitch = film("Hitch", 2005)

    assert baseline_score("Hitch", hitch, date(2005, 3, 1)) == pytest.approx(1.0)
    assert baseline_score("Hitch", hitch, date(2006, 3, 1)) == pytest.approx(0.68)
    assert baseline_score("Hitch", hitch, date(2010, 3, 1)) == pytest.approx(0.6)
    assert baseline_score("Hitch", hitch, None) == pytest.approx(0.6)


def test_the_baseline_offers_the_next_two_results_in_catalog_order():
    candidates = [film("Hitchcock", 2012), film("Hitch", 2005), film("Hitcher", 1986)]

    result = baseline_match("Hitch", datetime(2005, 3, 1), [*candidates, film("Hit", 2001)])

    assert result.proposal == candidates[1]
    assert result.alternatives == (candidates[0], candidates[2])


def test_the_baseline_misses_an_old_classic_that_we_preselect():
    casablanca = film("Casablanca", 1942)
    watched = datetime(2020, 2, 14, 21, 0)

    assert baseline_match("Casablanca", watched, [casablanca]).preselected is False
    assert match("Casablanca", [casablanca], watched=watched).preselected is True


def test_the_baseline_preselects_a_remake_released_after_the_watch_date():
    remake = film("The Lion King", 2019, released=date(2019, 7, 12))
    original = film("The Lion King", 1994, released=date(1994, 6, 24))
    watched = datetime(2019, 3, 1)

    wrong = baseline_match("The Lion King", watched, [remake, original])
    right = match("The Lion King", [remake, original], watched=watched)

    assert (wrong.proposal, wrong.preselected) == (remake, True)
    assert (right.proposal, right.preselected) == (original, True)


def test_the_baseline_preselects_the_wrong_sequel():
    rocky_3 = film("Rocky III", 1982)

    assert baseline_match("Rocky II", datetime(1982, 8, 1), [rocky_3]).preselected is True
    assert match("Rocky II", [rocky_3], watched=datetime(1982, 8, 1)).proposal is None


def test_the_baseline_misses_a_title_without_its_article():
    matrix = film("The Matrix", 1999)
    watched = datetime(2021, 1, 9)

    assert baseline_match("Matrix", watched, [matrix]).band == "Low"
    assert match("Matrix", [matrix], watched=watched).band == "High"


# Properties -------------------------------------------------------------------------------------

_WORDS = ["the", "star", "wars", "ii", "2", "halloween", "amélie", "&", "and", "rocky", ":", "-"]
_titles = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=5).map(" ".join)
_days = st.dates(min_value=date(1940, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def _candidate(draw) -> CatalogMovie:
    released = draw(st.none() | _days)
    year = released.year if released else draw(st.none() | st.integers(1940, 2030))
    return CatalogMovie(
        title=draw(_titles),
        year=year,
        release_date=released,
        tmdb_id=draw(st.integers(1, 30)),
        original_title=draw(st.just("") | _titles),
        popularity=draw(st.floats(0, 100)),
        alternative_titles=tuple(draw(st.lists(_titles, max_size=2))),
    )


@given(
    prime_title=_titles,
    candidates=st.lists(_candidate(), max_size=8),
    watched=st.none() | _days,
    year_hint=st.none() | st.integers(1940, 2030),
)
def test_any_match_is_a_possible_candidate_with_a_bounded_confidence(
    prime_title, candidates, watched, year_hint
):
    result = match(prime_title, candidates, year_hint=year_hint, watched=watched)

    assert 0.0 <= result.confidence <= 1.0
    assert result.band == band_for(result.confidence)
    assert len(result.alternatives) <= 2
    if result.proposal is None:
        return
    assert any(result.proposal is candidate for candidate in candidates)
    assert result.proposal not in result.alternatives
    if watched is not None:
        released, year = result.proposal.release_date, result.proposal.year
        assert released is None or released <= watched + timedelta(days=1)
        assert released is not None or year is None or year <= watched.year


# Said when the proposal is below High: each names a doubt the person can check.
_DOUBTS = (
    "close runner-up",
    "close ",  # close title, close original title, ...
    "weak ",
    "matches only in part",
    "apart from a subtitle",
    "share this title",
    "similar candidates",
    "title says",
    "release year unknown",
)


@st.composite
def _rival_sets(draw) -> tuple[str, list[CatalogMovie]]:
    """A Prime title and candidates built around it: the same title, with a subtitle, or not."""
    prime = draw(_titles.filter(str.strip))
    variants = st.sampled_from(["{}", "{}: {}", "{} {}", "{1}", "{1}: {0}"])
    candidates = []
    for template in draw(st.lists(variants, min_size=1, max_size=6)):
        candidate = draw(_candidate())
        title = template.format(prime, draw(_titles))
        candidates.append(replace(candidate, title=title))
    return prime, candidates


@given(
    rival_set=_rival_sets(),
    watched=st.none() | _days,
    year_hint=st.none() | st.integers(1940, 2030),
)
def test_only_a_high_proposal_is_called_a_clear_winner_and_the_others_say_why_not(
    rival_set, watched, year_hint
):
    prime_title, candidates = rival_set

    result = match(prime_title, candidates, year_hint=year_hint, watched=watched)

    if "clear winner" in result.reason:
        assert result.band == "High"
    if result.proposal is not None and result.band != "High":
        assert any(doubt in result.reason for doubt in _DOUBTS), result.reason
