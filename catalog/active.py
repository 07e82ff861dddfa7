"""The catalog this process uses: TMDB when a key is configured, else the built-in one."""

from functools import cache

from django.conf import settings

from catalog.builtin import BuiltinCatalog
from catalog.interface import Catalog
from catalog.tmdb import TMDBClient


@cache
def get_catalog() -> Catalog:
    """Made once per process: the TMDB client when a key or a read access token is set,
    otherwise the built-in catalog shipped in the repository."""
    if settings.TMDB_API_KEY or settings.TMDB_READ_ACCESS_TOKEN:
        return TMDBClient.from_settings()
    return BuiltinCatalog.load()
