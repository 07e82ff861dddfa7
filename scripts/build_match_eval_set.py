"""Build the labelled matching evaluation set in `tests/data/matching/`.

    .venv/bin/python scripts/build_match_eval_set.py [--check]

`--check` writes nothing and fails when the committed files are not what this script builds.
The test suite reads the files as data and never runs this script.

Writes `eval_offline.csv` (films of the offline catalog, true film by IMDb id) and
`eval_tmdb.csv` (films of the fake TMDB fixture `tests/data/tmdb_catalog.json`, by TMDB id).
Each row is a Prime-style title as a real watch history would carry it, a watch date and the
film it really is; `benchmarks/match_eval.py` scores the matcher against them.

Columns: prime_title, watched (ISO datetime, UTC), language (the account language for a
localized title, else empty), true_imdb_id / true_tmdb_id (empty: the film is in neither
catalog), true_title and true_year (for people reading the file), perturbation.

Perturbation classes, each drawn the way real Prime files differ from the catalog:
- exact: the catalog title as is (the control group)
- edition_tag: `[dt./OV]`, `(4K UHD)`, `(English Dubbed)`, `Bonus X-Ray Edition`, ...
- article: a leading article dropped, or one added
- punctuation: accents, apostrophes, `&`/`and`, hyphens, periods and commas differ
- remake: a title several films share (Halloween, Hamlet, ...); the watch date comes before
  the next film of that name, or the title carries the year, so the answer is determinable
- sequel_number: roman and arabic numerals and number words swapped (Rocky II / Rocky 2),
  "Vol." for "Volume" and back
- subtitle: the separator before a subtitle changed, or a middle part left out
- trailing_year: `Title (1999)`, now and then a year off by one (a country's release year)
- shortened (offline): the main title alone, the subtitle left out ("Kingsman" for "Kingsman:
  The Secret Service"), for films no other film shares that main title with; the answer is
  determinable but the matcher cannot be sure, so these are the set's Medium proposals
- localized (TMDB): the German, French or Spanish title, with `language` set
- alternative (TMDB): another title TMDB knows the film by (`Untouchable`, `Godfather 2`)
- not_in_catalog (~10%): invented titles and real films the catalog lacks; these must never
  be pre-selected

The same seed and the same catalog files give the same CSV byte for byte: films are sampled
from id-sorted lists with a `random.Random` per catalog and class.
"""

import csv
import io
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.builtin import BuiltinCatalog  # noqa: E402
from catalog.titles import normalize_title  # noqa: E402

OUTPUT_DIR = ROOT / "tests" / "data" / "matching"
TMDB_CATALOG = ROOT / "tests" / "data" / "tmdb_catalog.json"
SEED = 20260106
# Prime Video streaming began in 2006; before the end of this window nobody watched anything.
EARLIEST_WATCH = date(2008, 1, 1)
LATEST_WATCH = date(2025, 12, 31)
FIELDS = (
    "prime_title",
    "watched",
    "language",
    "{id}",
    "true_title",
    "true_year",
    "perturbation",
)

EDITION_TAGS = (
    " [dt./OV]",
    " [OV/OmU]",
    " [OV]",
    " [OmU]",
    " (Subbed)",
    " [Ultra HD]",
    " (4K UHD)",
    " (English Subtitled)",
    " (English Dubbed)",
    " (English dub version)",
    " (Theatrical/Rated Version)",
    " (Unrated Version)",
    " (Extended)",
    " (Non-Interactive)",
    " (Bonus X-Ray Edition)",
    " - Bonus X-Ray Edition",
    " Special Edition",
    ": Remastered",
    " (inkl. Bonusmaterial)",
    " (Director's Cut)",
    " - Extended Edition",
)
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
NUMBER_WORDS = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
# Real films the offline catalog (which ends in 2014) cannot have.
LATER_FILMS = (
    ("Everything Everywhere All at Once", date(2022, 3, 24)),
    ("Red One", date(2024, 10, 31)),
    ("Anatomy of a Fall", date(2023, 8, 23)),
    ("Mission: Impossible - Fallout", date(2018, 7, 13)),
    ("Toy Story 4", date(2019, 6, 19)),
    ("Dune: Part Two", date(2024, 2, 27)),
    ("Oppenheimer", date(2023, 7, 19)),
    ("Barbie", date(2023, 7, 19)),
    ("Parasite", date(2019, 5, 30)),
    ("Top Gun: Maverick", date(2022, 5, 21)),
    ("Knives Out", date(2019, 11, 27)),
    ("Poor Things", date(2023, 12, 7)),
    ("Glass Onion: A Knives Out Mystery", date(2022, 11, 23)),
    ("The Banshees of Inisherin", date(2022, 10, 20)),
    ("Past Lives", date(2023, 6, 2)),
    ("Saltburn", date(2023, 11, 17)),
    ("Halloween (2018)", date(2018, 10, 18)),
    ("A Star Is Born (2018)", date(2018, 10, 3)),
    ("Dune (2021)", date(2021, 9, 15)),
    ("The Lion King (2019)", date(2019, 7, 12)),
    ("Little Women (2019)", date(2019, 12, 25)),
    ("West Side Story (2021)", date(2021, 12, 10)),
)
# Sequels and spin-offs whose first film a catalog has: the riskiest titles to get wrong.
SEQUELS = (
    ("Jaws 2", date(1978, 6, 16)),
    ("Alien 3", date(1992, 5, 22)),
    ("Rocky V", date(1990, 11, 16)),
    ("Rocky Balboa", date(2006, 12, 20)),
    ("Creed II", date(2018, 11, 21)),
    ("Die Hard 2", date(1990, 7, 4)),
    ("Home Alone 2: Lost in New York", date(1992, 11, 20)),
    ("Back to the Future Part II", date(1989, 11, 22)),
    ("Back to the Future Part III", date(1990, 5, 25)),
    ("Halloween III: Season of the Witch", date(1982, 10, 22)),
    ("Halloween Kills", date(2021, 10, 15)),
    ("Psycho II", date(1983, 6, 3)),
    ("RoboCop 2", date(1990, 6, 22)),
    ("The Matrix Resurrections", date(2021, 12, 22)),
    ("Blade Runner 2049", date(2017, 10, 6)),
    ("Mission: Impossible - Rogue Nation", date(2015, 7, 31)),
    ("Mission: Impossible - Dead Reckoning Part One", date(2023, 7, 12)),
    ("The Godfather Coda: The Death of Michael Corleone", date(2020, 12, 4)),
    ("Toy Story That Time Forgot", date(2014, 12, 2)),
    ("The Thing (2011)", date(2011, 10, 14)),
    ("Oldboy (2013)", date(2013, 11, 27)),
)
ADJECTIVES = (
    "Silent",
    "Crimson",
    "Hidden",
    "Broken",
    "Golden",
    "Burning",
    "Forgotten",
    "Distant",
    "Hollow",
    "Restless",
    "Electric",
    "Velvet",
    "Lonely",
    "Paper",
    "Borrowed",
    "Northern",
)
NOUNS = (
    "Harbor",
    "Orchard",
    "Lantern",
    "Signal",
    "Mirror",
    "Tide",
    "Compass",
    "Meridian",
    "Letters",
    "Embers",
    "Carousel",
    "Lighthouse",
    "Parade",
    "Archive",
    "Quarry",
    "Aviary",
)
PLACES = (
    "Lisbon",
    "Tulsa",
    "Marseille",
    "Galveston",
    "Duluth",
    "Tangier",
    "Antwerp",
    "Odessa",
    "Valparaíso",
    "Kraków",
)
INVENTED_TEMPLATES = (
    "The {adj} {noun}",
    "{adj} {noun}",
    "{noun} of {place}",
    "A {noun} in {place}",
    "The {adj} {noun} of {place}",
    "{adj} {noun}: The {place} Story",
    "{place} - The {adj} {noun}",
    "The Last {noun} 2",
)
GERMAN_INVENTED = (
    "Die Stille von {place}",
    "Der {adj_de} Leuchtturm",
    "Ein Sommer in {place}",
    "Das Archiv der Erinnerung",
    "Die Briefe aus {place}",
)
GERMAN_ADJECTIVES = ("stille", "vergessene", "letzte", "goldene", "dunkle")


@dataclass(frozen=True)
class Film:
    key: str  # IMDb id offline, TMDB id on TMDB
    imdb_id: str
    title: str
    year: int | None
    released: date | None  # None: only the year is known
    popularity: float
    names: tuple[str, ...]  # every name the catalog lists it under
    translations: dict[str, str] = field(default_factory=dict, compare=False)
    alternatives: tuple[str, ...] = ()

    @property
    def available(self) -> date | None:
        """The first day it could have been watched (the day after an undated year ends)."""
        if self.released:
            return self.released + timedelta(days=1)
        return date(self.year + 1, 1, 1) if self.year else None


@dataclass(frozen=True)
class Row:
    prime_title: str
    watched: datetime
    language: str
    film: Film | None
    perturbation: str


class Names:
    """Which films answer to a name, as matching compares names (normalised, spaces ignored)."""

    def __init__(self, films: Iterable[Film]):
        self.films = list(films)
        self._by_name: dict[str, set[str]] = defaultdict(set)
        self._by_key = {film.key: film for film in self.films}
        for film in self.films:
            for name in film.names:
                for form in _forms(name):
                    self._by_name[form].add(film.key)

    def homonyms(self, film: Film | None, *names: str) -> list[Film]:
        keys = {key for name in names for form in _forms(name) for key in self._by_name[form]}
        return [self._by_key[key] for key in sorted(keys) if film is None or key != film.key]


def _forms(name: str) -> set[str]:
    full = normalize_title(name)
    return {full, full.replace(" ", "")} if full else set()


# Catalogs ------------------------------------------------------------------------------------


def offline_films() -> list[Film]:
    films = []
    for movie in BuiltinCatalog.load():
        films.append(
            Film(
                key=movie.imdb_id or "",
                imdb_id=movie.imdb_id or "",
                title=movie.title,
                year=movie.year,
                released=movie.release_date,
                popularity=movie.popularity,
                names=(movie.title, *movie.alternative_titles),
                alternatives=movie.alternative_titles,
            )
        )
    return sorted(films, key=lambda film: film.key)


def tmdb_films() -> list[Film]:
    movies = json.loads(TMDB_CATALOG.read_text(encoding="utf-8"))["movies"]
    films = []
    for movie in movies:
        released = date.fromisoformat(movie["release_date"]) if movie["release_date"] else None
        alternatives = tuple(alt["title"] for alt in movie["alternative_titles"])
        translations = dict(movie["translations"])
        films.append(
            Film(
                key=str(movie["id"]),
                imdb_id=movie["imdb_id"] or "",
                title=movie["title"],
                year=released.year if released else None,
                # The fixture writes an unknown day as 1 January, as TMDB does.
                released=released,
                popularity=float(movie["popularity"]),
                names=(
                    movie["title"],
                    movie["original_title"],
                    *alternatives,
                    *translations.values(),
                ),
                translations=translations,
                alternatives=alternatives,
            )
        )
    return sorted(films, key=lambda film: int(film.key))


# Watch dates -----------------------------------------------------------------------------------


def watch_window(film: Film, rivals: list[Film]) -> tuple[date, date] | None:
    """Dates on which the film was out and none of its namesakes was yet; None if none."""
    start = film.available
    if start is None:
        return None
    end = LATEST_WATCH
    for rival in rivals:
        if rival.released is not None:
            # The matcher allows a day's grace for time zones, so stay clear of it.
            end = min(end, rival.released - timedelta(days=2))
        elif rival.year is not None:
            end = min(end, date(rival.year - 1, 12, 31))
        else:
            return None  # an undated namesake is possible on any date
    if end < start:
        return None
    return max(start, EARLIEST_WATCH) if end >= EARLIEST_WATCH else start, end


def release_window(film: Film) -> tuple[date, date]:
    """Every date on which a film with a known year was out."""
    window = watch_window(film, [])
    assert window is not None, film
    return window


def random_watch(rng: random.Random, window: tuple[date, date]) -> datetime:
    start, end = window
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    moment = time(rng.randint(17, 23), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, moment)


def year_decides(film: Film, rivals: list[Film], year: int) -> bool:
    """A year hint settles it when no namesake shares the year and none is closer to it."""
    if film.year is None:
        return False
    distance = abs(film.year - year)
    return all(rival.year is None or abs(rival.year - year) > distance for rival in rivals)


# Perturbations ---------------------------------------------------------------------------------


def strip_accents(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


PUNCTUATION_CHANGES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("accents", strip_accents),
    ("apostrophe", lambda t: t.replace("'", "")),
    ("curly apostrophe", lambda t: t.replace("'", "\u2019")),
    ("ampersand", lambda t: t.replace(" & ", " and ")),
    ("and", lambda t: re.sub(r"\band\b", "&", t, count=1)),
    # "Spider-Man" written as one word is "Spiderman", not "SpiderMan".
    ("hyphen", lambda t: re.sub(r"(?<=\w)-(\w)", lambda m: m[1].lower(), t)),
    ("hyphen space", lambda t: re.sub(r"(?<=\w)-(?=\w)", " ", t)),
    ("periods", lambda t: t.replace(".", "")),
    ("commas", lambda t: t.replace(",", "")),
    ("colon", lambda t: t.replace(":", "")),
    ("exclamation", lambda t: t.replace("!", "")),
)


def punctuate(title: str, rng: random.Random) -> str | None:
    changes = [change for _, change in PUNCTUATION_CHANGES if change(title) != title]
    return rng.choice(changes)(title) if changes else None


# First words that no article could stand before.
_NO_ARTICLE = re.compile(
    r"(?i)(der|die|das|le|la|les|el|il|my|your|his|her|our|their|this|that|these|those|i|we|you"
    r"|he|she|it|they|who|what|how|when|why|where|do|did|don't|all|no|not|one|two|three|four"
    r"|five|six|seven|eight|nine|ten|mr|mrs|dr|st|a|an|the|in|on|at|to|for|from|of|and|or|if)\b"
)


def drop_article(title: str) -> str | None:
    found = re.match(r"(?i)(the|a|an) (?=\S)", title)
    return title[found.end() :] if found else None


def add_article(title: str) -> str | None:
    """Put "The" before a short title that could take one ("Ringer" as "The Ringer")."""
    words = title.split()
    if len(words) <= 3 and words[0][:1].isupper() and not _NO_ARTICLE.match(title):
        return f"The {title}"
    return None


# A sequel's number ends the title or its main part: "Rocky II", "Iron Man 3: ...".
_ROMAN_WORD = re.compile(r"(?<=\s)(II|III|IV|V|VI)(?=$|:| [\u2013-] )")
_ARABIC_WORD = re.compile(r"(?<=\s)([2-4])(?=$|:| [\u2013-] )")
_SEQUEL_NUMBER = re.compile(r"\b(Part|Chapter|Volume|Vol\.|Episode) (I|II|III|IV|V|VI|[1-6])\b")


def renumber(title: str, rng: random.Random) -> str | None:
    """Rocky II -> Rocky 2, Toy Story 3 -> Toy Story III, Part II -> Part Two, Vol. -> Volume."""
    options = []
    if found := _SEQUEL_NUMBER.search(title):
        word, number = found.groups()
        value = int(number) if number.isdigit() else ROMAN.index(number)
        # Only parts get spelled out ("Part Two"); nobody writes "Episode Four".
        spellings = {str(value), ROMAN[value]}
        if word == "Part":
            spellings.add(NUMBER_WORDS[value])
        words = {word, {"Volume": "Vol.", "Vol.": "Volume"}.get(word, word)}
        for new_word in sorted(words):
            for spelled in sorted(spellings | {number}):
                if (new_word, spelled) != (word, number):
                    changed = f"{new_word} {spelled}"
                    options.append(title[: found.start()] + changed + title[found.end() :])
    elif found := _ROMAN_WORD.search(title):
        value = ROMAN.index(found[1])
        options.append(title[: found.start()] + str(value) + title[found.end() :])
    elif found := _ARABIC_WORD.search(title):
        value = int(found[1])
        options.append(title[: found.start()] + ROMAN[value] + title[found.end() :])
    return rng.choice(sorted(options)) if options else None


_SEPARATOR = re.compile(r"\s*:\s+|\s+[\u2013\u2014-]\s+")


def resubtitle(title: str, rng: random.Random) -> str | None:
    """Change the separator before a subtitle, or leave out the middle of three parts."""
    parts = _SEPARATOR.split(title)
    if len(parts) < 2 or not all(part.strip() for part in parts):
        return None
    # "Star Wars: A New Hope": Prime leaves out an "Episode IV" in the middle, nothing else.
    if len(parts) == 3 and _SEQUEL_NUMBER.fullmatch(parts[1]) and rng.random() < 0.5:
        return f"{parts[0]}: {parts[-1]}"
    separators = [": ", " - ", " \u2013 "]
    current = _SEPARATOR.findall(title)
    choices = [s for s in separators if s.strip() not in {c.strip() for c in current}]
    separator = rng.choice(choices)
    return separator.join(parts) if len(parts) == 2 else title.replace(current[-1], separator)


def shorten(title: str) -> str | None:
    """The main title before a marketing subtitle; None for a part number or a short word."""
    parts = [part.strip() for part in _SEPARATOR.split(title)]
    if len(parts) != 2 or not all(parts) or _SEQUEL_NUMBER.fullmatch(parts[1]):
        return None
    # "Battle" for "Battle: Los Angeles" is no title anybody would show.
    return parts[0] if len(parts[0]) >= 7 else None


def tagged(title: str, rng: random.Random, share: float = 0.25) -> str:
    """Add an edition tag now and then, as Prime does to any kind of title."""
    return title + rng.choice(EDITION_TAGS) if rng.random() < share else title


# Row builders -----------------------------------------------------------------------------------


class Builder:
    def __init__(self, name: str, films: list[Film], names: Names):
        self.name = name
        self.films = films
        self.names = names
        self.unique = [film for film in films if film.year and not names.homonyms(film, film.title)]

    def rng(self, perturbation: str) -> random.Random:
        return random.Random(f"{SEED}:{self.name}:{perturbation}")

    def pick(self, rng: random.Random, films: list[Film], count: int) -> list[Film]:
        """`count` films, favouring the popular ones people actually stream."""
        pool = sorted(films, key=lambda film: (-film.popularity, film.key))
        popular = pool[: max(count * 4, len(pool) // 4)]
        picked = rng.sample(popular, min(count, len(popular)))
        return picked + [rng.choice(pool) for _ in range(count - len(picked))]

    def unique_rows(
        self,
        perturbation: str,
        count: int,
        change: Callable[[Film, random.Random], str | None],
        tag_share: float = 0.25,
        variant: str = "",
    ) -> list[Row]:
        """Rows for films no other film shares a name with, so the watch date is free."""
        rng = self.rng(perturbation + variant)
        eligible = [film for film in self.unique if change(film, random.Random(0)) is not None]
        rows = []
        for film in self.pick(rng, eligible, count):
            title = change(film, rng)
            window = watch_window(film, [])
            if title is None or window is None:
                continue
            rivals = self.names.homonyms(film, title)
            year = year_hint(title)
            if rivals and not (year and year_decides(film, rivals, year)):
                continue  # the change itself made the title ambiguous
            watched = random_watch(rng, window)
            rows.append(Row(tagged(title, rng, tag_share), watched, "", film, perturbation))
        return rows

    def shortened(self, count: int) -> list[Row]:
        """Main titles that only one film has: "Kill Bill" could be either volume."""
        mains = Counter(normalize_title(main) for f in self.films if (main := shorten(f.title)))

        def change(film: Film, rng: random.Random) -> str | None:
            main = shorten(film.title)
            return main if main and mains[normalize_title(main)] == 1 else None

        return self.unique_rows("shortened", count, change)

    def remakes(self, count: int) -> list[Row]:
        """Films sharing a name: the earliest by its watch date, any of them by its year."""
        rng = self.rng("remake")
        films = [f for f in self.films if f.year and self.names.homonyms(f, f.title)]
        rows = []
        for film in self.pick(rng, films, count):
            row = self.named_row(rng, film, film.title, "", "remake", by_date=0.6)
            if row:
                rows.append(row)
        return rows

    def trailing_years(self, count: int) -> list[Row]:
        rng = self.rng("trailing_year")
        rows = []
        for film in self.pick(rng, self.unique, count):
            year = film.year
            assert year is not None  # `unique` holds dated films only
            if rng.random() < 0.15:
                year += rng.choice((-1, 1))
            rows.append(
                Row(
                    f"{film.title} ({year})",
                    random_watch(rng, release_window(film)),
                    "",
                    film,
                    "trailing_year",
                )
            )
        return rows

    def localized(self, count: int) -> list[Row]:
        rng = self.rng("localized")
        pairs = [
            (film, tag, name)
            for film in self.films
            for tag, name in sorted(film.translations.items())
            if film.year and normalize_title(name) != normalize_title(film.title)
        ]
        rows = []
        for _ in range(count):
            film, tag, name = rng.choice(pairs)
            row = self.named_row(rng, film, name, tag.split("-")[0], "localized")
            if row:
                rows.append(row)
        return rows

    def alternatives(self, count: int) -> list[Row]:
        rng = self.rng("alternative")
        translated = {name for film in self.films for name in film.translations.values()}
        pairs = [
            (film, name)
            for film in self.films
            for name in film.alternatives
            if film.year and name not in translated
        ]
        rows = []
        for _ in range(count):
            film, name = rng.choice(pairs)
            row = self.named_row(rng, film, name, "", "alternative")
            if row:
                rows.append(row)
        return rows

    def named_row(
        self,
        rng: random.Random,
        film: Film,
        name: str,
        language: str,
        perturbation: str,
        by_date: float = 0.7,
    ) -> Row | None:
        """A row under `name`; its watch date or a year in the title rules out namesakes."""
        rivals = self.names.homonyms(film, name)
        window = watch_window(film, rivals)
        if window and rng.random() < by_date:
            return Row(tagged(name, rng), random_watch(rng, window), language, film, perturbation)
        if film.year and year_decides(film, rivals, film.year):
            watched = random_watch(rng, release_window(film))
            title = tagged(f"{name} ({film.year})", rng)
            return Row(title, watched, language, film, perturbation)
        return None

    def not_in_catalog(self, count: int, others: list[Film]) -> list[Row]:
        """Invented titles, and real films that only the other catalog has."""
        rng = self.rng("not_in_catalog")
        rows: list[Row] = []
        here = {film.imdb_id for film in self.films}
        elsewhere = [
            (film.title, film.available)
            for film in sorted(others, key=lambda f: (-f.popularity, f.key))[:300]
            if film.available and film.imdb_id not in here
        ]
        real = [
            *[sequel for sequel in SEQUELS if self.absent(sequel[0])],
            *rng.sample([film for film in LATER_FILMS if self.absent(film[0])], count // 8),
            *rng.sample([film for film in elsewhere if self.absent(film[0])], count // 8),
        ]
        for title, released in real:
            window = (max(released, EARLIEST_WATCH), LATEST_WATCH)
            rows.append(
                Row(tagged(title, rng), random_watch(rng, window), "", None, "not_in_catalog")
            )
        window = (EARLIEST_WATCH, LATEST_WATCH)
        while len(rows) < count:
            if self.name == "tmdb" and rng.random() < 0.2:
                title = rng.choice(GERMAN_INVENTED).format(
                    place=rng.choice(PLACES), adj_de=rng.choice(GERMAN_ADJECTIVES).capitalize()
                )
                language = "de"
            else:
                title = rng.choice(INVENTED_TEMPLATES).format(
                    adj=rng.choice(ADJECTIVES), noun=rng.choice(NOUNS), place=rng.choice(PLACES)
                )
                language = ""
            watched = random_watch(rng, window)
            if rng.random() < 0.2:
                title += f" ({rng.randint(2005, watched.year)})"
            if self.absent(title) and all(row.prime_title != title for row in rows):
                rows.append(Row(tagged(title, rng), watched, language, None, "not_in_catalog"))
        return rows

    def absent(self, title: str) -> bool:
        """Not a name of any film here (with its year, not a name of that year)."""
        name, year = split_year(title)
        films = self.names.homonyms(None, name)
        return not films or (
            year is not None and all(f.year and abs(f.year - year) > 1 for f in films)
        )


_YEAR = re.compile(r"\s*\((\d{4})\)$")


def split_year(title: str) -> tuple[str, int | None]:
    found = _YEAR.search(title)
    return (title[: found.start()], int(found[1])) if found else (title, None)


def year_hint(title: str) -> int | None:
    return split_year(title)[1]


def build(builder: Builder, *, localized: bool, shortened: bool, others: list[Film]) -> list[Row]:
    rows = [
        *builder.unique_rows("exact", 45, lambda film, rng: film.title, tag_share=0),
        *builder.unique_rows(
            "edition_tag", 70, lambda film, rng: film.title + rng.choice(EDITION_TAGS), 0
        ),
        *builder.unique_rows("article", 30, lambda film, rng: drop_article(film.title)),
        *builder.unique_rows("article", 10, lambda f, rng: add_article(f.title), variant="+the"),
        *builder.unique_rows("punctuation", 50, lambda film, rng: punctuate(film.title, rng)),
        *builder.remakes(50),
        *builder.unique_rows("sequel_number", 40, lambda film, rng: renumber(film.title, rng)),
        *builder.unique_rows("subtitle", 40, lambda film, rng: resubtitle(film.title, rng)),
        *builder.trailing_years(40),
    ]
    if localized:
        rows += builder.localized(60) + builder.alternatives(20)
    if shortened:
        rows += builder.shortened(30)
    rows += builder.not_in_catalog(max(45, len(rows) // 9), others)
    return rows


def render(rows: list[Row], id_column: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name.format(id=id_column) for name in FIELDS])
    for row in rows:
        film = row.film
        writer.writerow(
            [
                row.prime_title,
                row.watched.isoformat(),
                row.language,
                film.key if film else "",
                film.title if film else "",
                film.year if film and film.year else "",
                row.perturbation,
            ]
        )
    return out.getvalue()


def build_all() -> dict[Path, str]:
    """Each output file and its content."""
    offline, tmdb = offline_films(), tmdb_films()
    offline_rows = build(
        Builder("offline", offline, Names(offline)), localized=False, shortened=True, others=tmdb
    )
    tmdb_rows = build(
        Builder("tmdb", tmdb, Names(tmdb)), localized=True, shortened=False, others=offline
    )
    return {
        OUTPUT_DIR / "eval_offline.csv": render(offline_rows, "true_imdb_id"),
        OUTPUT_DIR / "eval_tmdb.csv": render(tmdb_rows, "true_tmdb_id"),
    }


def main(argv: list[str]) -> int:
    built = build_all()
    if "--check" in argv:
        stale = [p for p, content in built.items() if p.read_text(encoding="utf-8") != content]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is not what this script builds; run it to rebuild")
        return 1 if stale else 0
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, content in built.items():
        path.write_text(content, encoding="utf-8")
        print(f"wrote {content.count(chr(10)) - 1} rows to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
