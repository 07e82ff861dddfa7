"""The movie catalog seen by the rest of the app: one small interface, two implementations.

`get_catalog()` returns the TMDB client when a key or token is configured, otherwise the
offline catalog shipped in the repository. Both return `CatalogMovie` values and raise
`CatalogError` subclasses whose `message` can be shown to a user as is.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Protocol

IMDB_TITLE_URL = "https://www.imdb.com/title/{}/"
TMDB_MOVIE_URL = "https://www.themoviedb.org/movie/{}"


@dataclass(frozen=True)
class CatalogMovie:
    title: str
    year: int | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    original_title: str = ""
    release_date: date | None = None
    overview: str = ""
    poster_url: str = ""
    popularity: float = 0.0
    runtime: int | None = None
    genres: tuple[str, ...] = ()
    alternative_titles: tuple[str, ...] = field(default=(), compare=False)

    @property
    def catalog_id(self) -> str:
        """The id `Catalog.get` accepts: the TMDB id, or the IMDb id for offline films."""
        return str(self.tmdb_id) if self.tmdb_id else (self.imdb_id or "")

    @property
    def page_url(self) -> str:
        if self.tmdb_id:
            return TMDB_MOVIE_URL.format(self.tmdb_id)
        return IMDB_TITLE_URL.format(self.imdb_id) if self.imdb_id else ""


class CatalogError(Exception):
    """A catalog failure with a message fit for the person using the app."""

    message = "The movie catalog is not available right now. Please try again in a minute."

    def __init__(self, message: str | None = None):
        if message:
            self.message = message
        super().__init__(self.message)


class BadCredentials(CatalogError):
    message = (
        "TMDB rejected the configured API key (401). Check TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN."
    )


class NotFound(CatalogError):
    message = "That film is not in the catalog."


class RateLimited(CatalogError):
    message = "TMDB is rate limiting us right now. Please wait a few seconds and try again."


class CatalogUnavailable(CatalogError):
    pass


class OutOfTime(CatalogError):
    """The caller's deadline came before the catalog answered; nothing failed."""

    message = "The movie catalog is answering slowly; please try again."


# A page waiting on the catalog answers within this, whatever TMDB does (gunicorn's default
# worker timeout is 30 s). Applied to every request by `rankings.middleware.catalog_deadline`.
PAGE_DEADLINE_SECONDS = 10.0

_deadline: ContextVar[float | None] = ContextVar("catalog_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Catalog calls made inside (on this thread, or in a copy of its context) give up with
    `OutOfTime`, or with the failure they were retrying, rather than wait past `seconds`.

    Keeps a web request inside its server's timeout whatever the catalog does. Nested, the
    innermost deadline holds, later or earlier.
    """
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds until the current deadline (may be negative), or None without one."""
    end = _deadline.get()
    return None if end is None else end - time.monotonic()


class Catalog(Protocol):
    name: str

    def search(
        self, title: str, year: int | None = None, *, language: str | None = None
    ) -> list[CatalogMovie]: ...

    def get(self, catalog_id: str) -> CatalogMovie: ...

    def describe(self) -> str:
        """One line for the UI saying which catalog is active."""
        ...


@cache
def get_catalog() -> Catalog:
    from django.conf import settings

    if settings.TMDB_API_KEY or settings.TMDB_READ_ACCESS_TOKEN:
        from rankings.tmdb import TMDBClient

        return TMDBClient.from_settings()
    from rankings.offline import OfflineCatalog

    return OfflineCatalog.load()
