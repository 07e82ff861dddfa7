"""How often matching pre-selects the right film: the baseline against ours, on both catalogs.

    .venv/bin/python -m benchmarks.match_eval

Runs the labelled set in `tests/data/matching/` (built by `scripts/build_match_eval_set.py`)
against the offline catalog and against the fake TMDB server started in-process. Each title
goes through the import's pipeline: `clean_title`, then `imports.lookup.find_match` (search,
widen the search, fetch the leaders' details only when that can change the decision). The
baseline scores the same search results with the original design's formula.

Targets for ours: precision of pre-selections >= 99 %, recall >= 95 %, the true film among
the proposal and alternatives >= 98 %, and at least 3x fewer wrong pre-selections than the
baseline. Bands mean what they say: a High proposal is the true film >= 99 % of the time, a
Medium one >= 50 % (Low promises nothing; it reads "Needs review").
`tests/imports/test_match_eval.py` holds the scorer to them.
"""

import csv
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.baseline import baseline_match
from catalog.interface import Catalog
from imports.lookup import find_match
from imports.scoring import Band, Match
from imports.sources.titles import clean_title

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching"
OFFLINE_SET = DATA_DIR / "eval_offline.csv"
TMDB_SET = DATA_DIR / "eval_tmdb.csv"
SCORERS = ("baseline", "ours")
TARGETS = {"precision": 0.99, "recall": 0.95, "offered": 0.98}
# Titles whose text cannot settle the film ("Kingsman" for "Kingsman: The Secret Service"): they
# measure what Medium means, and recall leaves them out, since pre-selecting them is never the aim.
REVIEW_CLASSES = frozenset({"shortened"})
BANDS: tuple[Band, ...] = ("High", "Medium", "Low")
BAND_TARGETS: dict[Band, float] = {"High": 0.99, "Medium": 0.5}
WRONG_FACTOR = 3
# Lookups in flight against the fake TMDB, as the import's thread pool has them.
TMDB_WORKERS = 8
# The account languages the set uses, as TMDB's `language` parameter wants them.
LOCALES = {"de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT"}


@dataclass(frozen=True)
class EvalRow:
    prime_title: str
    watched: datetime
    language: str
    true_id: str  # empty: the film is not in the catalog
    true_title: str
    perturbation: str


@dataclass(frozen=True)
class Outcome:
    row: EvalRow
    match: Match

    @property
    def correct(self) -> bool:
        """The proposal is the true film, whether it was pre-selected or not."""
        proposal = self.match.proposal
        return (
            bool(self.row.true_id)
            and proposal is not None
            and (proposal.catalog_id == self.row.true_id)
        )

    @property
    def wrong(self) -> bool:
        return self.match.preselected and not self.correct

    @property
    def settled(self) -> bool:
        """The film is in the catalog and the title says which one it is."""
        return bool(self.row.true_id) and self.row.perturbation not in REVIEW_CLASSES

    @property
    def offered(self) -> bool:
        films = [self.match.proposal, *self.match.alternatives]
        return any(film is not None and film.catalog_id == self.row.true_id for film in films)


@dataclass(frozen=True)
class Metrics:
    outcomes: tuple[Outcome, ...]

    @property
    def rows(self) -> int:
        return len(self.outcomes)

    @property
    def with_film(self) -> int:
        """Titles with their film in the catalog that the text alone can settle."""
        return sum(1 for o in self.outcomes if o.settled)

    @property
    def preselected(self) -> int:
        return sum(1 for o in self.outcomes if o.match.preselected)

    @property
    def correct(self) -> int:
        return sum(1 for o in self.outcomes if o.match.preselected and o.correct)

    @property
    def wrong(self) -> int:
        return len(self.wrong_preselections)

    @property
    def precision(self) -> float:
        return self.correct / self.preselected if self.preselected else 1.0

    @property
    def recall(self) -> float:
        found = sum(1 for o in self.outcomes if o.settled and o.match.preselected and o.correct)
        return found / self.with_film if self.with_film else 1.0

    @property
    def review_share(self) -> float:
        return 1 - self.preselected / self.rows if self.rows else 0.0

    @property
    def offered(self) -> float:
        films = [o for o in self.outcomes if o.row.true_id]
        found = sum(1 for o in films if o.offered)
        return found / len(films) if films else 1.0

    def proposed(self, band: Band) -> list[Outcome]:
        """The titles whose proposal landed in `band` (a title without one has no band)."""
        return [o for o in self.outcomes if o.match.proposal is not None and o.match.band == band]

    def band_precision(self, band: Band) -> float | None:
        """How often a proposal in `band` is the true film; None when the band is empty."""
        proposed = self.proposed(band)
        return sum(o.correct for o in proposed) / len(proposed) if proposed else None

    @property
    def unproposed(self) -> int:
        return sum(1 for o in self.outcomes if o.match.proposal is None)

    @property
    def wrong_preselections(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong]

    @property
    def misses(self) -> list[Outcome]:
        """Titles with a film in the catalog that were not pre-selected correctly."""
        return [o for o in self.outcomes if o.settled and not o.match.preselected]

    def shortfalls(self, baseline: "Metrics | None" = None) -> list[str]:
        """The targets this result misses, as sentences; empty when it meets them all."""
        failed = [
            f"{name} {getattr(self, name):.1%} < {target:.0%}"
            for name, target in TARGETS.items()
            if getattr(self, name) < target
        ]
        for band, target in BAND_TARGETS.items():
            precision = self.band_precision(band)
            if precision is not None and precision < target:
                failed.append(f"{band} proposals right {precision:.1%} < {target:.0%}")
        if baseline is not None and self.wrong * WRONG_FACTOR > baseline.wrong:
            failed.append(
                f"{self.wrong} wrong pre-selections, baseline {baseline.wrong}: "
                f"not {WRONG_FACTOR}x fewer"
            )
        return failed


def load_rows(path: Path) -> list[EvalRow]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        id_column = next(name for name in reader.fieldnames or () if name.startswith("true_"))
        return [
            EvalRow(
                prime_title=record["prime_title"],
                watched=datetime.fromisoformat(record["watched"]),
                language=record["language"],
                true_id=record[id_column],
                true_title=record["true_title"],
                perturbation=record["perturbation"],
            )
            for record in reader
        ]


def evaluate(
    catalog: Catalog,
    rows: Iterable[EvalRow],
    scorers: Sequence[str] = SCORERS,
    *,
    workers: int = 1,
) -> dict[str, Metrics]:
    """Each scorer's results over the rows; both score the same search results.

    `workers` > 1 looks titles up concurrently, as the import does; results keep row order.
    """

    def score(row: EvalRow) -> dict[str, Outcome]:
        title, year_hint = clean_title(row.prime_title)
        lookup = find_match(
            catalog,
            title,
            year_hint=year_hint,
            watched=row.watched,
            language=LOCALES.get(row.language, row.language) or None,
        )
        found = {
            "ours": lookup.match,
            "baseline": baseline_match(title, row.watched, lookup.candidates),
        }
        return {name: Outcome(row, found[name]) for name in scorers}

    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            scored = list(pool.map(score, rows))
    else:
        scored = [score(row) for row in rows]
    return {name: Metrics(tuple(s[name] for s in scored)) for name in scorers}


def offline_catalog() -> Catalog:
    from catalog.builtin import BuiltinCatalog

    return BuiltinCatalog.load()


@contextmanager
def tmdb_catalog(url: str) -> Iterator[Catalog]:
    """A client for the fake TMDB: no cache (no database) and no pacing against our own fake.

    A fresh connection per request: on a kept-alive one, the fake's two writes per response
    meet Nagle's algorithm and delayed ACKs and every request stalls for 40 ms.
    """
    import httpx

    from catalog.tmdb import TMDBClient
    from tests.fake_tmdb import FAKE_API_KEY

    with httpx.Client(headers={"Connection": "close"}, timeout=10.0) as http:
        yield TMDBClient(
            api_key=FAKE_API_KEY, api_url=url, cache_alias=None, max_rps=10_000, http_client=http
        )


# Report ---------------------------------------------------------------------------------------


def table(results: dict[str, dict[str, Metrics]]) -> str:
    lines = [
        f"{'catalog':<9}{'scorer':<10}{'rows':>5}{'precision':>11}{'recall':>8}"
        f"{'review':>8}{'offered':>9}{'wrong':>7}"
    ]
    for catalog, by_scorer in results.items():
        for scorer, m in by_scorer.items():
            lines.append(
                f"{catalog:<9}{scorer:<10}{m.rows:>5}{m.precision:>11.1%}{m.recall:>8.1%}"
                f"{m.review_share:>8.1%}{m.offered:>9.1%}{m.wrong:>7}"
            )
    return "\n".join(lines)


def band_table(results: dict[str, dict[str, Metrics]]) -> str:
    """Per band: how many titles got a proposal in it, and how often that was the true film."""
    lines = [
        f"{'catalog':<9}{'scorer':<10}"
        + "".join(f"{band:>17}" for band in BANDS)
        + f"{'no proposal':>13}"
    ]
    for catalog, by_scorer in results.items():
        for scorer, m in by_scorer.items():
            cells = []
            for band in BANDS:
                precision = m.band_precision(band)
                shown = "-" if precision is None else f"{precision:.1%}"
                cells.append(f"{shown:>8} of {len(m.proposed(band)):>4}")
            lines.append(f"{catalog:<9}{scorer:<10}" + "".join(cells) + f"{m.unproposed:>13}")
    return "\n".join(lines)


def describe(outcome: Outcome) -> str:
    found = outcome.match.proposal
    proposal = f"{found.title} ({found.year})" if found else "nothing"
    truth = outcome.row.true_title or "not in the catalog"
    return (
        f"  {outcome.row.prime_title!r} watched {outcome.row.watched:%Y-%m-%d}: "
        f"{proposal} [{outcome.match.band}, {outcome.match.reason}]; true: {truth}"
    )


def by_class(outcomes: list[Outcome]) -> str:
    counts = Counter(o.row.perturbation for o in outcomes)
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none"


def report(name: str, metrics: dict[str, Metrics], limit: int = 25) -> list[str]:
    ours = metrics["ours"]
    lines = [f"\n{name}: our wrong pre-selections by class: {by_class(ours.wrong_preselections)}"]
    lines += [describe(o) for o in ours.wrong_preselections[:limit]]
    lines.append(f"{name}: our misses by class: {by_class(ours.misses)}")
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in ours.misses:
        grouped[outcome.row.perturbation].append(outcome)
    for perturbation, outcomes in sorted(grouped.items()):
        lines.append(f" {perturbation}:")
        lines += [describe(o) for o in outcomes[:limit]]
    shortfalls = ours.shortfalls(metrics.get("baseline"))
    lines.append(f"{name}: " + ("; ".join(shortfalls) if shortfalls else "all targets met"))
    return lines


def main() -> int:
    from tests.fake_tmdb import FakeTMDB

    results: dict[str, dict[str, Metrics]] = {}
    notes = []
    started = time.perf_counter()
    catalog = offline_catalog()
    results["offline"] = evaluate(catalog, load_rows(OFFLINE_SET))
    notes.append(f"offline: {time.perf_counter() - started:.1f} s including the catalog load")
    with FakeTMDB() as fake:
        started = time.perf_counter()
        rows = load_rows(TMDB_SET)
        with tmdb_catalog(fake.url) as client:
            results["tmdb"] = evaluate(client, rows, workers=TMDB_WORKERS)
        paths = fake.path_counts
        searches = paths.get("/3/search/movie", 0)
        details = sum(count for path, count in paths.items() if path.startswith("/3/movie/"))
        notes.append(
            f"tmdb: {time.perf_counter() - started:.1f} s, {searches} searches and "
            f"{details} detail requests for {len(rows)} titles "
            f"({(searches + details) / len(rows):.2f} requests a title)"
        )
    print(table(results))
    print("\nHow often a band's proposal is the true film:")
    print(band_table(results))
    print("\n".join(notes))
    lines = []
    for name, metrics in results.items():
        lines += report(name, metrics)
    print("\n".join(lines))
    failed = any(m["ours"].shortfalls(m["baseline"]) for m in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
