"""From the rows any source read to the `History` of a file: films, extras and counts.

Rows of one film are grouped however the file lists them, episodes and extras are told apart
from films by type and title grammar, and every record is counted exactly once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from catalog.titles import normalize_title

from .base import Format, Layout, Row, Rows
from .dates import date_order, parse_date
from .titles import Grammar


@dataclass(frozen=True)
class PrimeMovie:
    """One film, however many times it was watched.

    `title` is the title as Prime shows it (for display); `clean_title` has the edition tags
    removed (for matching); `watched` holds every readable watch date, newest first.
    `language` is the account language when the file reveals it ("de"), else "".
    """

    title: str
    clean_title: str
    # normalize_title(clean_title), worked out once while reading: a 10 MB upload can hold
    # thousands of 1,000-character titles, and storing the session needs it again.
    normalized_title: str
    year_hint: int | None
    watched: tuple[datetime, ...]
    last_watched: datetime | None
    image_url: str = ""
    gti: str = ""
    language: str = ""


@dataclass(frozen=True)
class History:
    """What was found in one file; `movies` newest watch first.

    `extras` are the titles that only their label left out (typed Movie but called "Bonus:
    Making Of" or "Episode 3: …"), grouped and ordered like `movies`, so a person can bring back
    a film that really has such a name. Extras that Amazon itself marks (trailer and promo rows)
    are counted but not listed.

    Rows are one item when they share a GTI, or when they share a clean title and year hint:
    Amazon lists the same film again under a new GTI, so a second GTI alone is no evidence of a
    remake. Two films of one title stay two items when their year hints differ
    ("Dune (1984)", "Dune (2021)"); telling apart remakes without one is left to the catalog.

    Every data record below the header (blank lines are not records) is counted exactly once:

        total_rows == movie_rows + episode_rows + extra_rows + live_rows + unviewed_rows
                      + duplicate_rows + unreadable_rows

    `movie_rows` are the rows of films (a film watched on three days is three rows) and
    `movie_count == len(movies)` is the number of distinct films among them. A row is a
    duplicate when everything read from it (date, title, episode, type, ids, image) repeats an
    earlier row; it counts only as a duplicate. `unviewed_rows` played for zero seconds.
    `unreadable_rows` have no usable title: none at all, a title longer than MAX_TITLE_CHARS, or
    a line longer than MAX_LINE_CHARS (no film is called that; they are dropped unread).
    `undated_rows` is not part of the sum: it counts the other rows whose date could not be read
    (kept, with the date unknown).
    """

    format: Format
    format_label: str
    language: str
    movies: list[PrimeMovie]
    total_rows: int
    movie_rows: int
    episode_rows: int
    extra_rows: int
    live_rows: int
    unviewed_rows: int
    duplicate_rows: int
    unreadable_rows: int
    undated_rows: int = 0
    date_warning: str = ""
    extras: tuple[PrimeMovie, ...] = ()

    @property
    def movie_count(self) -> int:
        return len(self.movies)


_NEVER = datetime.min.replace(tzinfo=UTC)
_Entry = tuple[datetime, str, str, str]  # when, title, image, gti
_Title = tuple[str, int | None, str]  # clean title, year hint, normalised clean title


class _Items:
    """Rows grouped into items: rows that share a GTI or a title key are one item.

    A union-find over both keys, so the result never depends on the order of the rows.
    """

    def __init__(self) -> None:
        self._owner: dict[object, int] = {}
        self._parent: list[int] = []
        self._entries: list[list[_Entry]] = []

    def _root(self, item: int) -> int:
        while self._parent[item] != item:
            self._parent[item] = item = self._parent[self._parent[item]]
        return item

    def add(self, key: object, gti: str, entry: _Entry) -> None:
        owner, parent = self._owner, self._parent
        item = owner.get(key)
        other = owner.get(gti) if gti else item
        if item is not None and item == other and parent[item] == item:
            self._entries[item].append(entry)  # the film's next row: nothing to join
            return
        roots = {self._root(found) for found in (item, other) if found is not None}
        if not roots:
            item = len(parent)
            parent.append(item)
            self._entries.append([])
        else:
            item = min(roots)
            for root in roots - {item}:
                parent[root] = item
                self._entries[item] += self._entries[root]
                self._entries[root] = []
        owner[key] = item
        if gti:
            owner[gti] = item
        self._entries[item].append(entry)

    def movies(self, language: str, titles: dict[str, _Title]) -> list[PrimeMovie]:
        movies = [_movie(entries, language, titles) for entries in self._entries if entries]
        movies.sort(key=lambda m: (m.clean_title.casefold(), m.title, m.gti))
        movies.sort(key=lambda m: m.last_watched or _NEVER, reverse=True)
        return movies


def summarise(layout: Layout, read: Rows) -> History:
    """The films, extras and counts in the rows one file's source read."""
    grammar = Grammar(row.title for row in read.rows if not row.hint)
    day_first, date_warning = date_order(
        (row.date for row in read.rows),
        amazon_legacy=layout.amazon_hours,
        delimiter=layout.delimiter,
    )
    dates: dict[str, datetime | None] = {}
    counts = dict.fromkeys(("movie", "episode", "extra", "live", "unviewed", "duplicate"), 0)
    undated = 0
    seen: set[Row] = set()
    titles: dict[str, _Title] = {}
    films, extras = _Items(), _Items()
    for row in read.rows:
        size = len(seen)
        seen.add(row)
        if len(seen) == size:
            counts["duplicate"] += 1
            continue
        date, title, episode, hint, gti, image = row
        kind = _classify(title, episode, hint, grammar)
        counts[kind] += 1
        if date not in dates:
            dates[date] = parse_date(date, day_first)
        when = dates[date]
        if when is None:
            undated += 1
        if kind == "movie" or (kind == "extra" and hint != "extra"):
            if title not in titles:
                clean, year = grammar.clean(title)
                titles[title] = (clean, year, normalize_title(clean))
            _, year, normalized = titles[title]
            entry = (when or _NEVER, title, image, gti)
            (films if kind == "movie" else extras).add(("title", normalized, year), gti, entry)
    return History(
        format=layout.format,
        format_label=layout.label,
        language=layout.language,
        movies=films.movies(layout.language, titles),
        total_rows=read.records,
        movie_rows=counts["movie"],
        episode_rows=counts["episode"],
        extra_rows=counts["extra"],
        live_rows=counts["live"],
        unviewed_rows=counts["unviewed"],
        duplicate_rows=counts["duplicate"],
        unreadable_rows=read.unreadable,
        undated_rows=undated,
        date_warning=date_warning,
        extras=tuple(extras.movies(layout.language, titles)),
    )


def _classify(title: str, episode: str, hint: str, grammar: Grammar) -> str:
    if hint == "series":
        return "episode"
    if hint in ("extra", "live", "unviewed"):
        return hint
    # Extras and episodes come typed Movie ("Episode 0: Official Trailer", "Episode 3: The
    # Reckoning"), so the title outranks the type; both are left out as extras.
    if hint == "movie":
        return "extra" if grammar.is_labelled_extra(title) else "movie"
    if episode or grammar.is_episode(title):
        return "episode"
    return "extra" if grammar.is_extra(title) else "movie"


def _movie(entries: list[_Entry], language: str, titles: dict[str, _Title]) -> PrimeMovie:
    # The newest row names the film; ties are broken by content so row order never matters.
    _, title, image, gti = max(entries)
    clean, year, normalized = titles[title]
    watched = tuple(sorted({entry[0] for entry in entries if entry[0] != _NEVER}, reverse=True))
    return PrimeMovie(
        title=title,
        clean_title=clean,
        normalized_title=normalized,
        year_hint=year,
        watched=watched,
        last_watched=watched[0] if watched else None,
        image_url=image or max(entry[2] for entry in entries),
        gti=gti,
        language=language,
    )
