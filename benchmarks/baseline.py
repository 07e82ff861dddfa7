"""The original design's matching formula, kept only to show what ours improves on.

`benchmarks/match_eval.py` scores the same search results with it; the import never uses it.
"""

from collections.abc import Sequence
from datetime import date, datetime

from rapidfuzz import fuzz, utils

from catalog.interface import CatalogMovie
from imports.scoring import Match, _as_date, _distinct, _release_year, _result


def baseline_score(
    prime_title: str, candidate: CatalogMovie, watched: datetime | date | None
) -> float:
    """0.6 * title similarity + 0.4 * agreement between the film's year and the *watch* year.

    The original design read Prime's date as a release year; it is when the film was watched.
    """
    similarity = fuzz.ratio(prime_title, candidate.title, processor=utils.default_process) / 100
    watched_on = _as_date(watched)
    year = _release_year(candidate)
    agreement = 0.0
    if watched_on is not None and year is not None:
        agreement = {0: 1.0, 1: 0.2}.get(abs(year - watched_on.year), 0.0)
    return 0.6 * similarity + 0.4 * agreement


def baseline_match(
    prime_title: str, watched: datetime | date | None, candidates: Sequence[CatalogMovie]
) -> Match:
    """The best baseline score (first in catalog order on ties); the next two results after it."""
    if not candidates:
        return _result(None, 0.0, "nothing found in the catalog", ())
    scores = [baseline_score(prime_title, movie, watched) for movie in candidates]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    proposal = candidates[best]
    others = [movie for i, movie in enumerate(candidates) if i != best]
    reason = f"baseline score {scores[best]:.2f}"
    return _result(proposal, scores[best], reason, _distinct(others, exclude=proposal))
