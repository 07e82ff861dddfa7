"""Score catalog candidates against one Prime Video title. Pure: no Django.

`match()` proposes a film with a band and a reason; `score_candidates()` ranks the candidates
for `imports.lookup`, which decides whether more evidence is worth a catalog request. The
original design's formula lives in `benchmarks/baseline.py`, for comparison only.

Precision matters more than recall here: a pre-selected match the person does not look at
silently lands in their rankings, so only an exact title that clearly beats every other
candidate is pre-selected. Everything fuzzy stays below the pre-selection threshold.

The bands promise what `benchmarks/match_eval.py` measures: a High proposal is the film (>= 99 %),
a Medium one more likely than not (>= 50 %), a Low one is only a lead and needs review. A reason
below High never calls the proposal a clear winner; it names the doubt.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from catalog.interface import CatalogMovie
from imports.similarity import (
    FUZZY_CEILING,
    TitleForms,
    exact_similarity,
    fuzzy_similarity,
    title_forms,
)
from imports.sources.titles import clean_title

Band = Literal["High", "Medium", "Low"]
Status = Literal["matched", "needs_review", "unmatched"]

HIGH = 0.7  # at or above: band High, pre-selected
LOW = 0.5  # below: band Low
UNMATCHED_FLOOR = 0.4  # best score below this: nothing is proposed at all
# A title with no proposal offers only films whose names resemble it: "Star Trek: Insurrection"
# is no lead for "Sai tenere un segreto?" (0.14), "Blade Runner" is one for "Blade Runner 2049".
LEAD_FLOOR = 0.2

ALTERNATIVE_TITLE_WEIGHT = 0.95  # TMDB alternative titles include loose translations

YEAR_HINT_OFF_BY_ONE = 0.9  # release years differ between countries
YEAR_HINT_UNKNOWN = 0.85
YEAR_HINT_MISMATCH = 0.55
FUTURE_YEAR = 0.3  # below UNMATCHED_FLOOR on purpose: such a film is never proposed
# The older exporter dates a view from local midnight (a day early east of UTC), and a Prime
# original can be watched the evening before its release date in another time zone.
RELEASE_GRACE = timedelta(days=1)

TIE = 0.03  # scores this close are the same title as far as the text can tell
CLEAR_MARGIN = 0.3  # a runner-up this far behind costs nothing
MARGIN_FLOOR = 0.6  # confidence factor when the runner-up is just outside the tie
DOMINANT_SHARE = 0.75  # popularity share that settles a tie (three times all the others)
DOMINANT_FACTOR = 0.9
AMBIGUOUS_BASE = 0.5  # an undecided tie lands in Medium, higher with a larger popularity share
AMBIGUOUS_SPAN = 0.2


def _best_name(prime: TitleForms, movie: CatalogMovie) -> tuple[float, str, str]:
    """The best similarity over the film's names, with its kind and which name it was."""
    names = [(title_forms(name), basis, weight) for name, basis, weight in _names(movie)]
    best = (0.0, "weak", "title")
    for forms, basis, weight in names:
        found = exact_similarity(prime, forms)
        if found and found[0] * weight > best[0]:
            best = (found[0] * weight, found[1], basis)
    if best[0] >= FUZZY_CEILING:
        return best
    for forms, basis, weight in names:
        similarity = fuzzy_similarity(prime, forms) * weight
        if similarity > best[0]:
            best = (similarity, "close" if similarity >= LOW else "weak", basis)
    return best


def _names(movie: CatalogMovie) -> list[tuple[str, str, float]]:
    names = [(movie.title, "title", 1.0)]
    if movie.original_title:
        names.append((movie.original_title, "original title", 1.0))
    names.extend(
        (alt, "alternative title", ALTERNATIVE_TITLE_WEIGHT) for alt in movie.alternative_titles
    )
    return names


@dataclass(frozen=True)
class ScoredCandidate:
    movie: CatalogMovie
    similarity: float  # best title similarity over title, original and alternative titles
    score: float  # similarity weighed by the year evidence
    kind: str  # exact, middle, partial, close or weak
    basis: str  # which name matched: title, original title or alternative title

    @property
    def title_phrase(self) -> str:
        phrases = {
            "exact": "exact {}",
            "middle": "same {} apart from a subtitle",
            "partial": "{} matches only in part",
            "close": "close {}",
            "weak": "weak {} match",
        }
        return phrases[self.kind].format(self.basis)


@dataclass(frozen=True)
class Match:
    """What the review card shows for one Prime title.

    `status` is "matched" when pre-selected, "needs_review" when a proposal needs a look, and
    "unmatched" when nothing is plausible (then `alternatives` may still hold leads, films
    whose names resemble the title).
    """

    proposal: CatalogMovie | None
    confidence: float
    band: Band
    reason: str
    alternatives: tuple[CatalogMovie, ...] = ()
    preselected: bool = False
    status: Status = "unmatched"


def band_for(confidence: float) -> Band:
    if confidence >= HIGH:
        return "High"
    return "Medium" if confidence >= LOW else "Low"


def _result(
    proposal: CatalogMovie | None,
    confidence: float,
    reason: str,
    alternatives: tuple[CatalogMovie, ...],
) -> Match:
    confidence = round(min(1.0, max(0.0, confidence)), 3)
    preselected = proposal is not None and confidence >= HIGH
    if proposal is None:
        status: Status = "unmatched"
    else:
        status = "matched" if preselected else "needs_review"
    return Match(
        proposal=proposal,
        confidence=confidence,
        band=band_for(confidence),
        reason=reason,
        alternatives=alternatives,
        preselected=preselected,
        status=status,
    )


def _as_date(watched: datetime | date | None) -> date | None:
    return watched.date() if isinstance(watched, datetime) else watched


def _release_year(movie: CatalogMovie) -> int | None:
    if movie.year is not None:
        return movie.year
    return movie.release_date.year if movie.release_date else None


def _year_factor(movie: CatalogMovie, year_hint: int | None, watched: date | None) -> float:
    """0 when the film cannot be the one watched; otherwise how much the years support it."""
    year = _release_year(movie)
    factor = 1.0
    if watched is not None:
        if movie.release_date is not None:
            if movie.release_date > watched + RELEASE_GRACE:
                return 0.0
        elif year is not None and year > watched.year:
            factor *= FUTURE_YEAR
    if year_hint is not None:
        if year is None:
            factor *= YEAR_HINT_UNKNOWN
        elif abs(year - year_hint) == 1:
            factor *= YEAR_HINT_OFF_BY_ONE
        elif year != year_hint:
            factor *= YEAR_HINT_MISMATCH
    return factor


def score_candidates(
    prime_title: str,
    candidates: Sequence[CatalogMovie],
    *,
    year_hint: int | None = None,
    watched: datetime | date | None = None,
) -> list[ScoredCandidate]:
    """Every possible candidate, best first; films released after the watch date are left out.

    Among candidates tied on score the most popular comes first. A trailing "(1998)" in the
    title is the year hint unless one is given.
    """
    title, hint_in_title = clean_title(prime_title)
    hint = year_hint if year_hint is not None else hint_in_title
    return _score(title, candidates, hint, _as_date(watched))


def _score(
    title: str, candidates: Sequence[CatalogMovie], year_hint: int | None, watched: date | None
) -> list[ScoredCandidate]:
    prime = title_forms(title)
    scored: list[tuple[ScoredCandidate, int]] = []
    for index, movie in enumerate(candidates):
        factor = _year_factor(movie, year_hint, watched)
        if factor == 0.0:
            continue
        similarity, kind, basis = _best_name(prime, movie)
        candidate = ScoredCandidate(movie, similarity, similarity * factor, kind, basis)
        scored.append((candidate, index))
    scored.sort(key=lambda item: (-item[0].score, -item[0].movie.popularity, item[1]))
    if not scored:
        return []
    top = scored[0][0].score
    tied = [item for item in scored if item[0].score >= top - TIE]
    tied.sort(key=lambda item: (-item[0].movie.popularity, -item[0].score, item[1]))
    return [candidate for candidate, _ in tied + scored[len(tied) :]]


def _key(movie: CatalogMovie) -> object:
    return movie.catalog_id or movie


def _distinct(
    movies: list[CatalogMovie], exclude: CatalogMovie | None, limit: int = 2
) -> tuple[CatalogMovie, ...]:
    seen = {_key(exclude)} if exclude is not None else set()
    picked: list[CatalogMovie] = []
    for movie in movies:
        if _key(movie) not in seen and len(picked) < limit:
            seen.add(_key(movie))
            picked.append(movie)
    return tuple(picked)


def _year_phrase(movie: CatalogMovie, year_hint: int | None) -> str:
    year = _release_year(movie)
    if year is None:
        return "release year unknown"
    if year_hint is None:
        return f"released {year}"
    if year == year_hint:
        return f"released {year} as the title says"
    return f"released {year}, title says {year_hint}"


def match(
    prime_title: str,
    candidates: Sequence[CatalogMovie],
    *,
    year_hint: int | None = None,
    watched: datetime | date | None = None,
) -> Match:
    """Propose the catalog film a Prime title most likely refers to, with a confidence band.

    A trailing "(1998)" in the title is used as the year hint unless one is given.
    """
    title, hint_in_title = clean_title(prime_title)
    year_hint = year_hint if year_hint is not None else hint_in_title
    scores = _score(title, candidates, year_hint, _as_date(watched))
    if not scores or scores[0].score < UNMATCHED_FLOOR:
        return _unmatched(scores, had_candidates=bool(candidates))
    best = scores[0]
    top = max(s.score for s in scores)
    rivals = [s for s in scores[1:] if s.score >= top - TIE]
    alternatives = _distinct([s.movie for s in scores[1:]], exclude=best.movie)
    parts = [best.title_phrase, _year_phrase(best.movie, year_hint)]
    if rivals:
        confidence, phrase = _settle_tie(best, rivals)
    else:
        margin = best.score - (scores[1].score if len(scores) > 1 else 0.0)
        factor = MARGIN_FLOOR + (1 - MARGIN_FLOOR) * min(1.0, margin / CLEAR_MARGIN)
        confidence = best.score * factor
        phrase = _margin_phrase(len(scores), margin, confidence)
    return _result(best.movie, confidence, " · ".join([*parts, phrase]), alternatives)


def _margin_phrase(count: int, margin: float, confidence: float) -> str:
    """How the proposal stands against the others, claiming no more than the band does.

    Below High a wide margin is no comfort: the title or the year is the doubt, and the reason's
    other parts say which ("close title", "title says 2013"), so the margin adds only context.
    """
    if count == 1:
        return "only candidate"
    if margin < CLEAR_MARGIN:
        return "close runner-up"
    return "clear winner" if confidence >= HIGH else f"best of {count} candidates"


def _settle_tie(best: ScoredCandidate, rivals: list[ScoredCandidate]) -> tuple[float, str]:
    count = len(rivals) + 1
    total = best.movie.popularity + sum(r.movie.popularity for r in rivals)
    share = best.movie.popularity / total if total > 0 else 1 / count
    same_title = best.kind == "exact" and all(r.kind == "exact" for r in rivals)
    if share >= DOMINANT_SHARE:
        films = "films with this title" if same_title else "similar candidates"
        return best.score * DOMINANT_FACTOR, f"most popular of {count} {films}"
    films = "films share this title" if same_title else "similar candidates"
    return min(best.score, AMBIGUOUS_BASE + AMBIGUOUS_SPAN * share), f"{count} {films}"


def _unmatched(scores: list[ScoredCandidate], *, had_candidates: bool) -> Match:
    if scores:
        reason = "no close title in the catalog"
    elif had_candidates:
        reason = "every candidate was released after you watched it"
    else:
        reason = "nothing found in the catalog"
    confidence = scores[0].score if scores else 0.0
    leads = [s.movie for s in scores if s.similarity >= LEAD_FLOOR]
    return _result(None, confidence, reason, _distinct(leads, exclude=None))
