"""Build the offline movie catalog, `catalog/data/offline_catalog.tsv.gz`, and the word list
`catalog/data/hyphenated_words.txt` drawn from it.

Source: the Wikidata film table shipped in the PyPI package `bokeh-sampledata`
(`bokeh_sampledata/_data/movies.db`, tables `omdb` and `tomatoes`), released under CC0 by
Wikidata contributors: about 17,000 films from 1940 to 2014 with IMDb ids. Re-run it with

    .venv/bin/pip install -e '.[catalog-build]' && .venv/bin/python scripts/build_offline_catalog.py

The output is a gzipped TSV with a header row, one film per line, sorted by IMDb id, and
compressed with a zero timestamp, so re-running it on the same snapshot gives the same file.
Columns: imdb_id, title, year, released (ISO date or empty), runtime (minutes or empty),
genres and directors ("|"-separated), popularity (see below) and aka (other titles Wikidata
gives the same IMDb id, "|"-separated).

The word list holds every hyphenated word of the titles and akas, one per line ("Spider-Man",
"X-Men"), so `catalog.titles.hyphenated_spelling` can give "Spiderman 2" its hyphen back in
either catalog mode without loading the catalog. Where a word is spelled two ways, the film
first in IMDb id order decides.

Choices the data forced:
- IMDb votes and ratings are NULL throughout this snapshot, so popularity is the number of
  critic reviews Rotten Tomatoes counted (`tomatoes.Reviews`): wide releases collect hundreds,
  obscure films a handful, which is what a search tie-breaker needs.
- Two-thirds of release dates are 1 January, i.e. Wikidata only knew the year. Those are
  written as empty rather than claiming a release date nobody recorded.
- Two IMDb ids appear twice (a re-cut Wikidata keeps as its own item). The row with the lower
  Wikidata id, the longer-established item, is kept; the other title becomes an aka.
"""

import gzip
import hashlib
import re
import sqlite3
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "catalog" / "data" / "offline_catalog.tsv.gz"
# Written beside the catalog, whichever directory that is.
WORDS_FILE_NAME = "hyphenated_words.txt"
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
# Older bokeh-sampledata releases shipped an OMDb table under CC-BY-NC; only build from the
# CC0 Wikidata snapshot, and from exactly the snapshot the committed file came from.
SOURCE_SHA256 = "1d9c6a02e488d0354b2309e16130c58820a91ac2ce417e814c5964f9579a65ac"
_NAME_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")

_QUERY = """
    SELECT o.ID, o.imdbID, o.Title, o.Year, o.Released, o.Runtime, o.Genre, o.Director,
           t.Reviews
    FROM omdb AS o LEFT JOIN tomatoes AS t ON t.ID = o.ID
    ORDER BY o.imdbID, o.ID
"""


def source_path() -> Path:
    from bokeh_sampledata.movies_data import movie_path

    return Path(movie_path)


def check_source(db_path: Path) -> None:
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(
            f"{db_path} is not the CC0 Wikidata snapshot this catalog is built from "
            f"(sha256 {digest}). Install a bokeh-sampledata release that ships it."
        )


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def split_names(value: str | None) -> list[str]:
    """Split a comma-joined list of people, keeping "George Tillman, Jr." as one name."""
    names: list[str] = []
    for part in split_list(value):
        if part in _NAME_SUFFIXES and names:
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def release_date(value: str | None) -> str:
    if not value or value.endswith("-01-01"):
        return ""
    return value


def clean(text: str) -> str:
    return " ".join(text.split())


def read_films(db_path: Path) -> list[tuple[str, ...]]:
    films: dict[str, list[str]] = {}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        rows = connection.execute(_QUERY).fetchall()
    for _id, imdb_id, title, year, released, runtime, genre, director, reviews in rows:
        title = clean(title)
        if imdb_id in films:
            kept = films[imdb_id]
            kept[-1] = "|".join(filter(None, [kept[-1], title]))
            continue
        films[imdb_id] = [
            imdb_id,
            title,
            str(year),
            release_date(released),
            str(round(runtime)) if runtime else "",
            "|".join(split_list(genre)),
            "|".join(clean(name) for name in split_names(director)),
            str(reviews or 0),
            "",
        ]
    return [tuple(film) for _, film in sorted(films.items())]


def render(films: list[tuple[str, ...]]) -> bytes:
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(film) for film in films]
    text = "\n".join(lines) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def hyphenated_words(films: list[tuple[str, ...]] | list[list[str]]) -> str:
    """The word list: each hyphenated word of the titles and akas once, one per line, sorted."""
    words: dict[str, str] = {}
    for film in films:
        for word in _HYPHENATED.findall(f"{film[1]} {film[8]}"):
            words.setdefault(word.replace("-", "").casefold(), word)
    return "".join(f"{word}\n" for word in sorted(words.values(), key=lambda w: (w.casefold(), w)))


def build(output: Path = OUTPUT, db_path: Path | None = None) -> Path:
    db_path = db_path or source_path()
    check_source(db_path)
    films = read_films(db_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(render(films))
    output.with_name(WORDS_FILE_NAME).write_text(hyphenated_words(films), encoding="utf-8")
    return output


def main() -> int:
    output = build()
    print(f"Wrote {output} ({output.stat().st_size:,} bytes) and {WORDS_FILE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
