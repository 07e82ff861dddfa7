"""A catalog film as an item keeps it in JSON, and back: a card or a row needs no catalog call."""

from datetime import date
from typing import Any

from catalog.interface import CatalogMovie


def movie_to_snapshot(movie: CatalogMovie) -> dict[str, Any]:
    return {
        "title": movie.title,
        "year": movie.year,
        "tmdb_id": movie.tmdb_id,
        "imdb_id": movie.imdb_id,
        "original_title": movie.original_title,
        "release_date": movie.release_date.isoformat() if movie.release_date else None,
        "overview": movie.overview[:1000],
        "poster_url": movie.poster_url,
        "popularity": movie.popularity,
        "runtime": movie.runtime,
        "genres": list(movie.genres),
    }


def snapshot_to_movie(snapshot: dict[str, Any]) -> CatalogMovie:
    values = dict(snapshot)
    values["release_date"] = (
        date.fromisoformat(values["release_date"]) if values.get("release_date") else None
    )
    values["genres"] = tuple(values.get("genres") or ())
    return CatalogMovie(**values)
