"""Which catalog calls a title needs: searches and, when needed, the leaders' details.

`find_match()` searches the catalog the way matching needs and asks for more only when the
first answer leaves the decision open:

1. Search the cleaned title (with the year filter only when the Prime title carried a year).
2. Not pre-selected, and the account's language is known? Search again in that language: TMDB
   then answers with the localized titles such an account shows ("Die Verurteilten"). They
   join each film's other names; the film keeps the catalog's own title, which the rest of
   the app (search, rankings, export) uses too.
3. Still not pre-selected? Search without the year, with numbers as digits ("Part Two" as
   "Part 2"), and merge: a year the title got wrong, a sequel the catalog numbers differently.
   Still nothing close? Search the main title alone (or the first two words), then with
   the hyphens films spell that the title fused ("Spiderman 2" as "Spider-Man 2").
4. Still not pre-selected and the leaders' titles are not both exact? Fetch the details of
   the top two (original and alternative titles), which the client caches, and score again.

Every step costs a request on TMDB (40 a second at most), so each runs only when it can change
the decision. The catalog is a parameter; nothing here needs Django.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from catalog.interface import Catalog, CatalogMovie, NotFound
from catalog.titles import hyphenated_spelling
from imports.scoring import Match, ScoredCandidate, match, score_candidates
from imports.similarity import SUBTITLE_SEPARATOR, standard_spelling

DETAILED_LEADERS = 2


@dataclass(frozen=True)
class Lookup:
    match: Match
    candidates: tuple[CatalogMovie, ...]  # what the searches found, with any details fetched
    searches: int
    details: int


def find_match(
    catalog: Catalog,
    title: str,
    *,
    year_hint: int | None = None,
    watched: datetime | date | None = None,
    language: str | None = None,
) -> Lookup:
    """Search, match, and widen the search or fetch details only while that can help.

    `title` is the cleaned Prime title (`clean_title`), `year_hint` the year it carried.
    """
    candidates: Sequence[CatalogMovie] = _search(catalog, title, year_hint)
    searches = 1
    result = match(title, candidates, year_hint=year_hint, watched=watched)
    if not result.preselected and language:
        localized = _search(catalog, title, year_hint, language)
        candidates = merge_candidates(candidates, localized)
        searches += 1
        result = match(title, candidates, year_hint=year_hint, watched=watched)
    wider = standard_spelling(title)
    if not result.preselected and (year_hint is not None or wider != title):
        candidates = merge_candidates(candidates, _search(catalog, wider))
        searches += 1
        result = match(title, candidates, year_hint=year_hint, watched=watched)
    shorter = leading_words(title)
    if result.proposal is None and shorter:
        candidates = merge_candidates(candidates, _search(catalog, shorter))
        searches += 1
        result = match(title, candidates, year_hint=year_hint, watched=watched)
    hyphenated = hyphenated_spelling(title)
    if result.proposal is None and hyphenated != title:
        candidates = merge_candidates(candidates, _search(catalog, hyphenated, year_hint))
        searches += 1
        result = match(title, candidates, year_hint=year_hint, watched=watched)
    details = 0
    if not result.preselected:
        result, candidates, details = _rematch_with_details(
            result, title, candidates, catalog, year_hint, watched
        )
    return Lookup(result, tuple(candidates), searches, details)


def _rematch_with_details(
    result: Match,
    title: str,
    candidates: Sequence[CatalogMovie],
    catalog: Catalog,
    year_hint: int | None,
    watched: datetime | date | None,
) -> tuple[Match, Sequence[CatalogMovie], int]:
    """The match again with the leaders' details, the candidates it was made from, and how
    many details were fetched."""
    scores = score_candidates(title, candidates, year_hint=year_hint, watched=watched)
    leaders = leaders_worth_details(scores)
    if not leaders:
        return result, candidates, 0
    enriched = with_details(candidates, [_details(catalog, movie) for movie in leaders])
    return match(title, enriched, year_hint=year_hint, watched=watched), enriched, len(leaders)


def leading_words(title: str) -> str:
    """The main title before a subtitle, else the first two words; "" if that is all of it.

    A catalog that searches by words finds nothing for one word it spells differently
    ("Halfblood", "Episode 1" for "Episode I"); the words before it still find the film.
    """
    main = SUBTITLE_SEPARATOR.split(title, maxsplit=1)[0].strip()
    if main and main != title.strip():
        return main
    words = title.split()
    return " ".join(words[:2]) if len(words) > 2 else ""


def leaders_worth_details(scores: Sequence[ScoredCandidate]) -> list[CatalogMovie]:
    """The top two, unless their names already match exactly: then other names add nothing.

    Remakes sharing a title stay tied whatever their alternative titles say; a leader known
    only by a close or partial name may turn out to be known by the exact one.
    """
    leaders = [score for score in scores[:DETAILED_LEADERS] if score.score > 0]
    if all(score.kind == "exact" and score.basis != "alternative title" for score in leaders):
        return []
    return [score.movie for score in leaders]


def merge_candidates(
    first: Sequence[CatalogMovie], second: Sequence[CatalogMovie]
) -> list[CatalogMovie]:
    """One list in first-seen order; a film found twice keeps both titles."""
    merged: dict[str, CatalogMovie] = {}
    for movie in [*first, *second]:
        key = movie.catalog_id or movie.title
        merged[key] = _combine(merged[key], movie) if key in merged else movie
    return list(merged.values())


def with_details(
    candidates: Sequence[CatalogMovie], detailed: Sequence[CatalogMovie]
) -> list[CatalogMovie]:
    by_id = {movie.catalog_id: movie for movie in detailed}
    return [
        _combine(movie, by_id[movie.catalog_id]) if movie.catalog_id in by_id else movie
        for movie in candidates
    ]


def _combine(movie: CatalogMovie, other: CatalogMovie) -> CatalogMovie:
    """`movie` as found (its title is what the account shows), with `other`'s names added."""
    names = [other.title, other.original_title, *movie.alternative_titles]
    names += other.alternative_titles
    known = {movie.title, movie.original_title}
    extra = tuple(dict.fromkeys(name for name in names if name and name not in known))
    return replace(
        movie,
        original_title=movie.original_title or other.original_title,
        alternative_titles=extra,
        runtime=movie.runtime or other.runtime,
        imdb_id=movie.imdb_id or other.imdb_id,
        release_date=movie.release_date or other.release_date,
    )


def _search(
    catalog: Catalog, title: str, year: int | None = None, language: str | None = None
) -> list[CatalogMovie]:
    return catalog.search(title, year, language=language)


def _details(catalog: Catalog, movie: CatalogMovie) -> CatalogMovie:
    if not movie.catalog_id:
        return movie
    try:
        return catalog.get(movie.catalog_id)
    except NotFound:
        return movie
