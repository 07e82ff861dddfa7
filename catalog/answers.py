"""Reading TMDB's JSON answers: each checked field by field, then made into a `CatalogMovie`."""

import json
import logging
import math
import re
from datetime import date
from typing import Any, TypeGuard

from catalog.interface import CatalogMovie, CatalogUnavailable

logger = logging.getLogger(__name__)

POSTER_SIZE = "w185"
# TMDB's movie genres; ids are stable, and search results carry only the ids.
GENRE_NAMES = {
    28: "Action",
    12: "Adventure",
    16: "Animation",
    35: "Comedy",
    80: "Crime",
    99: "Documentary",
    18: "Drama",
    10751: "Family",
    14: "Fantasy",
    36: "History",
    27: "Horror",
    10402: "Music",
    9648: "Mystery",
    10749: "Romance",
    878: "Science Fiction",
    10770: "TV Movie",
    53: "Thriller",
    10752: "War",
    37: "Western",
}


class MalformedAnswer(CatalogUnavailable):
    """TMDB answered, but not with anything we can use: never cached, never half-used."""

    message = "TMDB sent an answer we could not read."


# Checking answers. Everything TMDB sends is checked, and copied field by field, before it is
# cached or used: a wrong type anywhere makes the whole answer a `MalformedAnswer`; a value of
# the right type that is still unusable (a date that is no date, an absurd runtime) counts as
# unknown, as TMDB's own blanks do.

# Field: longest text kept. Longer ones are cut: no title is that long, and the matcher's work
# grows with the length of what it compares.
_TEXT_FIELDS = {
    "title": 300,
    "original_title": 300,
    "overview": 5000,
    "poster_path": 200,
    "release_date": 10,
    "imdb_id": 16,
}
MAX_ALTERNATIVE_TITLES = 50
# PostgreSQL refuses NUL in text, and lone surrogates cannot be encoded to UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_IMDB_ID = re.compile(r"tt\d{1,14}")
_POSTER_PATH = re.compile(r"/[\w.-]+")
# The ids PositiveIntegerField stores on every database.
_MAX_ID = 2**31 - 1
_MAX_RUNTIME = 32767


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a number TMDB sends")


def decode(body: bytes, path: str) -> dict[str, Any]:
    """The JSON object TMDB sent for `path`."""
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, NaN, or nested deeper than Python's parser recurses.
        data = None
    if not isinstance(data, dict):
        logger.warning("TMDB sent a body that is not a JSON object for %s", path)
        raise MalformedAnswer()
    return data


def search_answer(data: object) -> list[dict[str, Any]]:
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise MalformedAnswer()
    return [movie_answer(item) for item in results]


def cached_results(value: object) -> list[dict[str, Any]]:
    return search_answer({"results": value})


def movie_answer(data: object) -> dict[str, Any]:
    """A search result or a movie's details, checked and reduced to the fields we use."""
    if not isinstance(data, dict):
        raise MalformedAnswer()
    movie_id = data.get("id")
    if type(movie_id) is not int or not 0 < movie_id <= _MAX_ID:
        raise MalformedAnswer()
    clean: dict[str, Any] = {"id": movie_id}
    for name, limit in _TEXT_FIELDS.items():
        clean[name] = _text(data.get(name), limit)
    released = parse_date(clean["release_date"])
    clean["release_date"] = released.isoformat() if released else ""
    if not _IMDB_ID.fullmatch(clean["imdb_id"]):
        clean["imdb_id"] = ""
    if not _POSTER_PATH.fullmatch(clean["poster_path"]):
        clean["poster_path"] = ""
    clean["popularity"] = _number(data.get("popularity"))
    runtime = data.get("runtime")
    if runtime is not None and type(runtime) is not int:
        raise MalformedAnswer()
    clean["runtime"] = runtime if runtime and 0 < runtime <= _MAX_RUNTIME else None
    if "genre_ids" in data:
        clean["genre_ids"] = _list(data["genre_ids"])
        if not all(_is_int(genre) for genre in clean["genre_ids"]):
            raise MalformedAnswer()
    if "genres" in data:
        genres = _list(data["genres"])
        clean["genres"] = [{"name": _text(_dict(genre).get("name"), 100)} for genre in genres]
    if "alternative_titles" in data:
        titles = _list(_dict(data["alternative_titles"]).get("titles"))
        clean["alternative_titles"] = {
            "titles": [
                {"title": _text(_dict(alt).get("title"), 300)}
                for alt in titles[:MAX_ALTERNATIVE_TITLES]
            ]
        }
    return clean


def film(data: dict[str, Any], image_url: str) -> CatalogMovie:
    """A `CatalogMovie` from a payload `movie_answer` has checked."""
    released = parse_date(data["release_date"])
    poster_path = data["poster_path"]
    if "genres" in data:
        genres = tuple(genre["name"] for genre in data["genres"] if genre["name"])
    else:
        genres = tuple(GENRE_NAMES[i] for i in data.get("genre_ids", ()) if i in GENRE_NAMES)
    alternatives = data.get("alternative_titles", {}).get("titles", ())
    return CatalogMovie(
        title=data["title"] or data["original_title"],
        year=released.year if released else None,
        tmdb_id=data["id"],
        imdb_id=data["imdb_id"] or None,
        original_title=data["original_title"],
        release_date=released,
        overview=data["overview"],
        poster_url=f"{image_url}/{POSTER_SIZE}{poster_path}" if poster_path else "",
        popularity=data["popularity"],
        runtime=data["runtime"],
        genres=genres,
        alternative_titles=tuple(
            dict.fromkeys(alt["title"] for alt in alternatives if alt["title"])
        ),
    )


def _text(value: object, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedAnswer()
    return _UNSTORABLE.sub("", value[: limit * 2])[:limit].strip()


def _number(value: object) -> float:
    if value is None:
        return 0.0
    if not _is_number(value) or not math.isfinite(value):
        raise MalformedAnswer()
    return float(value)


def _is_int(value: object) -> bool:
    return type(value) is int


def _is_number(value: object) -> TypeGuard[int | float]:
    return type(value) in (int, float)


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedAnswer()
    return value


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedAnswer()
    return value


def parse_date(value: object) -> date | None:
    # TMDB sends "" for films without a date yet.
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
