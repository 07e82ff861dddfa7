"""What the rest of the app knows of the movie catalog: its films, their identity, its errors.

Every catalog (`catalog.active.get_catalog()` picks one) is a `Catalog`: it returns
`CatalogMovie` values and raises `CatalogError` subclasses whose `message` can be shown to a
user as is.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

IMDB_TITLE_URL = "https://www.imdb.com/title/{}/"
TMDB_MOVIE_URL = "https://www.themoviedb.org/movie/{}"


class HasCatalogIds(Protocol):
    @property
    def tmdb_id(self) -> int | None: ...

    @property
    def imdb_id(self) -> str | None: ...


def identity(film: HasCatalogIds) -> tuple[Literal["tmdb_id", "imdb_id"], int | str] | None:
    """The one id a film goes by, as (field, value): its TMDB id, else its IMDb id (the
    built-in catalog's films have only that); None for a film with neither.

    The rule for catalog results and stored films alike: a film found on TMDB is stored, looked
    up and linked by its TMDB id even when it also carries an IMDb id.
    """
    if film.tmdb_id:
        return "tmdb_id", film.tmdb_id
    if film.imdb_id:
        return "imdb_id", film.imdb_id
    return None


class KnownByCatalogIds:
    """`catalog_id`, `page_url` and `page_label` from `identity`, for `CatalogMovie` and
    `rankings.models.Movie`."""

    @property
    def catalog_id(self: HasCatalogIds) -> str:
        """The id `Catalog.get` accepts: the TMDB id, or the IMDb id for built-in films."""
        found = identity(self)
        return str(found[1]) if found else ""

    @property
    def page_url(self: HasCatalogIds) -> str:
        match identity(self):
            case ("tmdb_id", tmdb_id):
                return TMDB_MOVIE_URL.format(tmdb_id)
            case ("imdb_id", imdb_id):
                return IMDB_TITLE_URL.format(imdb_id)
        return ""

    @property
    def page_label(self: HasCatalogIds) -> str:
        found = identity(self)
        return "View on TMDB" if found and found[0] == "tmdb_id" else "View on IMDb"


@dataclass(frozen=True)
class CatalogMovie(KnownByCatalogIds):
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


class Catalog(Protocol):
    """What callers may ask of a catalog, whichever one is active: they need nothing else."""

    name: str

    def search(
        self, title: str, year: int | None = None, *, language: str | None = None
    ) -> list[CatalogMovie]: ...

    def get(self, catalog_id: str) -> CatalogMovie: ...

    def describe(self) -> str:
        """One line for the UI saying which catalog is active."""
        ...

    def backlog(self) -> float:
        """Seconds a request asked for now would wait for its turn under the catalog's rate
        limit, behind every process sharing it (0.0 without one)."""
        ...

    @property
    def requests_per_second(self) -> float | None:
        """How many requests the catalog lets start each second; None: no rate limit."""
        ...

    @property
    def last_year(self) -> int | None:
        """The newest release year the catalog knows; None for one that follows new films."""
        ...
