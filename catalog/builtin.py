"""The built-in catalog: about 17,000 films from Wikidata (1940-2014), searched in memory.

The data file is built by `scripts/build_offline_catalog.py` (source, licence and choices are
described there). Pure Python, no Django: `get_catalog()` loads it once per process.

Search ranks exact normalised titles first, then titles that start with the query, then fuzzy
matches, each tier ordered by popularity (fuzzy ones by similarity first). A `year` keeps
only films from that year or one either side: TMDB's `year` filter matches a release in any
country, and a film's first release and its Wikidata year often differ by one.
"""

import gzip
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path

from rapidfuzz import fuzz, process

from catalog.interface import CatalogMovie, CatalogUnavailable, NotFound
from catalog.titles import normalize_title

DATA_FILE = Path(__file__).resolve().parent / "data" / "offline_catalog.tsv.gz"
COLUMNS = (
    "imdb_id",
    "title",
    "year",
    "released",
    "runtime",
    "genres",
    "directors",
    "popularity",
    "aka",
)
MAX_QUERY_LENGTH = 200
# Below this a "match" is noise: nonsense queries should find nothing rather than anything.
FUZZY_CUTOFF = 60
# Words in more than 1% of titles ("of", "man", "love") would drag thousands of candidates
# into the fuzzy pass; the full-catalog ratio scan still covers titles made only of them.
COMMON_TOKEN_SHARE = 0.01
MAX_QUERY_TOKENS = 6


class BuiltinCatalog:
    # The name its pages have always shown.
    name = "Offline catalog"
    # No rate limit: nothing ever queues for it.
    requests_per_second = None

    def __init__(self, rows: Sequence[Sequence[str]]):
        """`rows` are the data file's lines split on tabs, in `COLUMNS` order."""
        self._rows = rows
        self._years = [int(row[2]) for row in rows]
        # Asked for on every page of an import: the scan over every film is done once.
        self._last_year = max(self._years, default=0)
        self._positions = {row[0]: position for position, row in enumerate(rows)}
        # Building 17,000 dataclasses up front would double the load time for films nobody
        # looks at, so each is made when first returned.
        self._movies: dict[int, CatalogMovie] = {}
        self._index = _TitleIndex(
            titles=[(row[1], *filter(None, row[8].split("|"))) for row in rows],
            years=self._years,
            popularity=[float(row[7]) for row in rows],
        )

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> "BuiltinCatalog":
        return cls(_read_rows(path))

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[CatalogMovie]:
        return (self._movie(position) for position in range(len(self._rows)))

    def search(
        self, title: str, year: int | None = None, *, language: str | None = None, limit: int = 20
    ) -> list[CatalogMovie]:
        """`language` is accepted for the catalog interface; the built-in data has one title."""
        query = normalize_title((title or "")[:MAX_QUERY_LENGTH])
        if not query or limit <= 0:
            return []
        years = None if year is None else range(year - 1, year + 2)
        return [self._movie(position) for position in self._index.rank(query, years, limit)]

    def get(self, catalog_id: str) -> CatalogMovie:
        try:
            return self._movie(self._positions[str(catalog_id).strip()])
        except KeyError:
            raise NotFound() from None

    @property
    def last_year(self) -> int:
        """The newest release year it knows: later films are only found with a TMDB key."""
        return self._last_year

    def backlog(self) -> float:
        return 0.0

    def describe(self) -> str:
        return (
            f"Offline catalog: {len(self):,} films up to {self._last_year}"
            " \u2014 add a TMDB key for everything"
        )

    def _movie(self, position: int) -> CatalogMovie:
        if position not in self._movies:
            self._movies[position] = _movie_from_row(self._rows[position])
        return self._movies[position]


def _read_rows(path: Path) -> list[list[str]]:
    """The data file's lines split on tabs, in `COLUMNS` order, header checked."""
    try:
        text = gzip.decompress(Path(path).read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise CatalogUnavailable(
            f"The offline catalog file {path} cannot be read ({exc}). "
            "Rebuild it with scripts/build_offline_catalog.py."
        ) from exc
    header, *lines = text.splitlines()
    if tuple(header.split("\t")) != COLUMNS:
        raise CatalogUnavailable(
            f"The offline catalog file {path} has unexpected columns. "
            "Rebuild it with scripts/build_offline_catalog.py."
        )
    return [line.split("\t") for line in lines]


class _TitleIndex:
    """Every normalised title and aka of the catalog, each pointing at its film's position."""

    def __init__(
        self, titles: Sequence[Sequence[str]], years: Sequence[int], popularity: Sequence[float]
    ):
        self.years = years
        self.popularity = popularity
        self.keys: list[str] = []
        self.owners: list[int] = []
        for position, film_titles in enumerate(titles):
            for title in film_titles:
                if key := normalize_title(title):
                    self.keys.append(key)
                    self.owners.append(position)
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.tokens: dict[str, list[int]] = defaultdict(list)
        self.keys_by_year: dict[int, list[int]] = defaultdict(list)
        forms: list[str] = []
        form_owners: list[int] = []
        for i, (key, owner) in enumerate(zip(self.keys, self.owners, strict=True)):
            # "spiderman" and "walle" should find "Spider-Man" and "WALL·E" as exact titles.
            for form in {key, key.replace(" ", "")}:
                self.exact[form].append(owner)
                forms.append(form)
                form_owners.append(owner)
            for token in set(key.split(" ")):
                self.tokens[token].append(i)
            self.keys_by_year[years[owner]].append(i)
        order = sorted(range(len(forms)), key=forms.__getitem__)
        self.prefix_forms = [forms[i] for i in order]
        self.prefix_owners = [form_owners[i] for i in order]
        self.max_token_keys = max(1, int(len(self.keys) * COMMON_TOKEN_SHARE))

    def rank(self, query: str, years: range | None, limit: int) -> list[int]:
        found = dict.fromkeys(self._popular_first(self.exact.get(query, ()), years))
        found.update(dict.fromkeys(self._popular_first(self._prefixed(query), years)))
        if len(found) < limit:
            found.update(dict.fromkeys(self._fuzzy(query, years, limit)))
        return list(islice(found, limit))

    def _popular_first(self, positions: Iterable[int], years: range | None) -> list[int]:
        kept = {p for p in positions if years is None or self.years[p] in years}
        return sorted(kept, key=lambda p: (-self.popularity[p], p))

    def _prefixed(self, query: str) -> Iterator[int]:
        i = bisect_left(self.prefix_forms, query)
        while i < len(self.prefix_forms) and self.prefix_forms[i].startswith(query):
            yield self.prefix_owners[i]
            i += 1

    def _fuzzy(self, query: str, years: range | None, limit: int) -> list[int]:
        candidates = self._sharing_a_rare_word(query) | self._close_overall(query, years, limit)
        scored = []
        for i in candidates:
            owner = self.owners[i]
            if years is not None and self.years[owner] not in years:
                continue
            score = _similarity(query, self.keys[i])
            if score >= FUZZY_CUTOFF:
                scored.append((-round(score), -self.popularity[owner], owner))
        return [owner for *_, owner in sorted(scored)]

    def _sharing_a_rare_word(self, query: str) -> set[int]:
        postings = [self.tokens.get(token, ()) for token in set(query.split(" "))]
        rare = sorted((p for p in postings if 0 < len(p) <= self.max_token_keys), key=len)
        return {i for posting in rare[:MAX_QUERY_TOKENS] for i in posting}

    def _close_overall(self, query: str, years: range | None, limit: int) -> set[int]:
        """Whole-title similarity over the catalog: this is what catches typos."""
        if years is None:
            pool: Sequence[int] = range(len(self.keys))
            choices = self.keys
        else:
            pool = [i for year in years for i in self.keys_by_year.get(year, ())]
            choices = [self.keys[i] for i in pool]
        matches = process.extract(
            query, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
        )
        return {pool[j] for _, _, j in matches}


def _similarity(query: str, key: str) -> float:
    # token_set alone scores any title contained in the query as 100 ("cut" for "the
    # intouchables extended cut"); averaging with token_sort charges for the extra words.
    by_words = (fuzz.token_set_ratio(query, key) + fuzz.token_sort_ratio(query, key)) / 2
    return max(fuzz.ratio(query, key), by_words)


def _movie_from_row(row: Sequence[str]) -> CatalogMovie:
    imdb_id, title, year, released, runtime, genres, directors, popularity, aka = row
    genre_names = tuple(filter(None, genres.split("|")))
    runtime_minutes = int(runtime) if runtime else None
    return CatalogMovie(
        title=title,
        year=int(year),
        imdb_id=imdb_id,
        release_date=date.fromisoformat(released) if released else None,
        overview=_overview(directors.split("|") if directors else [], genre_names, runtime_minutes),
        popularity=float(popularity),
        runtime=runtime_minutes,
        genres=genre_names,
        alternative_titles=tuple(filter(None, aka.split("|"))),
    )


def _overview(directors: list[str], genres: tuple[str, ...], runtime: int | None) -> str:
    """An honest one-liner from what Wikidata records: the built-in data has no synopses."""
    parts = []
    if len(directors) > 2:
        parts.append(f"Directed by {directors[0]} and {len(directors) - 1} others")
    elif directors:
        parts.append(f"Directed by {' and '.join(directors)}")
    if genres:
        parts.append(", ".join(genres[:3]))
    if runtime:
        parts.append(f"{runtime} min")
    return " \u00b7 ".join(parts)
