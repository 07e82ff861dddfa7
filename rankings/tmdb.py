"""The TMDB v3 catalog over httpx: rate limited, retried, cached, and careful with the key."""

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from rankings.catalog import (
    BadCredentials,
    CatalogError,
    CatalogMovie,
    CatalogUnavailable,
    NotFound,
    OutOfTime,
    RateLimited,
    time_left,
)
from rankings.titles import normalize_title

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.themoviedb.org/3"
DEFAULT_IMAGE_URL = "https://image.tmdb.org/t/p"
POSTER_SIZE = "w185"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
CACHE_TTL = 24 * 60 * 60
# Bump when the cached payload's shape changes, so old entries are simply not found.
CACHE_VERSION = 1
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


class RateLimiter:
    """Spaces request starts at least 1 / max_rps apart, for every thread and process.

    The scheduler keeps one number, the earliest time the next request may start. Each caller
    atomically takes that slot, pushes the number one interval on, and sleeps until its slot.
    Evenly spaced starts can never put more than max_rps of them in any 1-second window, and
    nobody waits longer than the queue in front of them.

    Where that number lives:
    - in Redis, when the cache alias is Django's `RedisCache`: a Lua script reads Redis's own
      clock and moves the slot in one atomic step, so every process (gunicorn workers, the
      management commands) shares one budget and host clocks need not agree;
    - otherwise (or while Redis is failing) in this object, behind a lock: shared by all threads
      using the client, which `get_catalog()` makes one per process.

    The interval carries a little headroom because TMDB counts requests when they arrive, and
    network jitter can bunch up starts that left here exactly on time.
    """

    HEADROOM = 0.95
    KEY = "tmdb:next-request-slot"
    # Slot in microseconds of Redis time. Lua numbers are doubles, exact to 2**53 (year 2255).
    _SCRIPT = """
        local now = redis.call('TIME')
        now = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
        redis.call('SET', KEYS[1], string.format('%.0f', slot + tonumber(ARGV[1])), 'PX', 60000)
        return slot - now
    """

    def __init__(
        self,
        max_rps: float,
        *,
        cache_alias: str | None = "default",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if max_rps <= 0:
            raise ValueError("max_rps must be positive")
        self.interval = 1 / (max_rps * self.HEADROOM)
        self.cache_alias = cache_alias
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._redis_failing = False

    def wait(self) -> None:
        delay = self._reserve_in_redis()
        if delay is None:
            delay = self._reserve_here()
        if delay > 0:
            self._sleep(delay)

    def _reserve_here(self) -> float:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        return slot - now

    def _reserve_in_redis(self) -> float | None:
        if self.cache_alias is None:
            return None
        try:
            cache = caches[self.cache_alias]
            if not isinstance(cache, RedisCache):
                return None
            key = cache.make_key(self.KEY)
            client = cache._cache.get_client(key, write=True)
            micros = math.ceil(self.interval * 1_000_000)
            waited = client.register_script(self._SCRIPT)(keys=[key], args=[micros])
        except Exception as exc:
            if not self._redis_failing:
                logger.warning(
                    "Redis rate limiter unavailable (%s); limiting TMDB requests per process",
                    type(exc).__name__,
                )
            self._redis_failing = True
            return None
        if self._redis_failing:
            logger.info("Redis rate limiter is back")
            self._redis_failing = False
        return int(waited) / 1_000_000


class _TMDBAuth(httpx.Auth):
    """Adds the credential at send time, so it is in no URL we build, log or cache."""

    def __init__(self, api_key: str, read_access_token: str):
        self._api_key = api_key
        self._token = read_access_token

    @property
    def kind(self) -> str:
        return "bearer token" if self._token else "api_key"

    def auth_flow(self, request: httpx.Request):
        if self._token:
            request.headers["Authorization"] = f"Bearer {self._token}"
        else:
            request.url = request.url.copy_merge_params({"api_key": self._api_key})
        yield request

    def __repr__(self) -> str:
        return f"<TMDB {self.kind}>"


class TMDBClient:
    """The TMDB catalog (`rankings.catalog.Catalog`), safe to share between threads.

    - Auth: `Authorization: Bearer <read access token>` when a token is given, else the
      `api_key` query parameter. The credential never reaches logs, cache keys, errors or repr.
    - Pace: `RateLimiter` (see there) keeps to `max_rps` across threads, and across processes
      when the cache is Redis; at most 20 connections.
    - Failures: 429 waits for Retry-After (at least 1 s) and retries; timeouts, connection
      errors and 5xx retry with a short backoff; each has a bounded number of attempts, then a
      typed `CatalogError` whose message can be shown as is.
    - Cache: search and movie payloads live in the Django cache for a day, keyed by a hash of
      the normalised query, year and language. A broken cache is logged and bypassed.

    Tests and benchmarks inject `http_client` or `transport`, `sleep` (retry waits) and
    `timeout`.
    """

    name = "TMDB"
    MAX_CONNECTIONS = 20
    MAX_ATTEMPTS = 3
    MAX_RATE_LIMITED_ATTEMPTS = 5
    BACKOFF = 0.5
    DEFAULT_RETRY_AFTER = 2.0
    # A Retry-After beyond this means TMDB wants us gone for a while: fail now, don't hang.
    MAX_RETRY_AFTER = 30.0

    def __init__(
        self,
        *,
        api_key: str = "",
        read_access_token: str = "",
        api_url: str = DEFAULT_API_URL,
        image_url: str = DEFAULT_IMAGE_URL,
        max_rps: float = 40,
        cache_alias: str | None = "default",
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        rate_limiter: RateLimiter | None = None,
    ):
        if not (api_key or read_access_token):
            raise ValueError("TMDBClient needs an api_key or a read_access_token")
        self._auth = _TMDBAuth(api_key, read_access_token)
        self.api_url = api_url.rstrip("/")
        self.image_url = image_url.rstrip("/")
        self.cache_alias = cache_alias
        self._sleep = sleep
        self._limiter = rate_limiter or RateLimiter(max_rps, cache_alias=cache_alias)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            transport=transport,
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=self.MAX_CONNECTIONS,
                max_keepalive_connections=self.MAX_CONNECTIONS,
            ),
            headers={"Accept": "application/json"},
        )

    @classmethod
    def from_settings(cls, **overrides: Any) -> "TMDBClient":
        from django.conf import settings

        options: dict[str, Any] = {
            "api_key": settings.TMDB_API_KEY,
            "read_access_token": settings.TMDB_READ_ACCESS_TOKEN,
            "api_url": settings.TMDB_API_URL,
            "image_url": settings.TMDB_IMAGE_URL,
            "max_rps": settings.TMDB_MAX_RPS,
        }
        return cls(**{**options, **overrides})

    def __repr__(self) -> str:
        return f"<TMDBClient {self.api_url} with {self._auth.kind}>"

    def describe(self) -> str:
        return "TMDB catalog (The Movie Database)"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "TMDBClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # The catalog interface

    def search(
        self, title: str, year: int | None = None, *, language: str | None = None
    ) -> list[CatalogMovie]:
        query = " ".join(title.split())
        if not normalize_title(query):
            return []
        key = self._cache_key("search", normalize_title(query), year or "", language or "")
        results = self._cache_get(key)
        if results is None:
            params: dict[str, Any] = {"query": query, "include_adult": "false", "page": 1}
            if year:
                params["year"] = year
            if language:
                params["language"] = language
            results = self._request("/search/movie", params).get("results") or []
            self._cache_set(key, results)
        return [self._movie(item) for item in results if item.get("id")]

    def get(self, catalog_id: str) -> CatalogMovie:
        movie_id = str(catalog_id).strip()
        if not movie_id.isdigit():
            raise NotFound()
        key = self._cache_key("movie", movie_id)
        data = self._cache_get(key)
        if data is None:
            data = self._request(f"/movie/{movie_id}", {"append_to_response": "alternative_titles"})
            self._cache_set(key, data)
        return self._movie(data)

    # HTTP with retries

    def _request(self, path: str, params: dict[str, Any]) -> dict:
        failures = rate_limited = 0
        while True:
            self._limiter.wait()
            timeout, cut_short = self._attempt_timeout(failures)
            try:
                response = self._http.get(
                    self.api_url + path, params=params, auth=self._auth, timeout=timeout
                )
            except httpx.TransportError as exc:
                # Timeouts and refused or dropped connections: the message names no URL.
                if cut_short and isinstance(exc, httpx.TimeoutException) and not failures:
                    raise OutOfTime() from None
                failures += 1
                problem = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
                self._retry_or_raise(path, f"request {problem}", failures)
                continue
            status = response.status_code
            if status == 200:
                return self._json(response, path)
            if status == 401:
                raise BadCredentials()
            if status == 404:
                raise NotFound()
            if status == 429:
                rate_limited += 1
                wait = self._retry_after(response)
                if rate_limited >= self.MAX_RATE_LIMITED_ATTEMPTS or wait > self.MAX_RETRY_AFTER:
                    raise RateLimited()
                self._wait_before_retry(wait, RateLimited())
                logger.debug("TMDB rate limited %s; retrying in %.1f s", path, wait)
                self._sleep(wait)
                continue
            if status >= 500:
                failures += 1
                self._retry_or_raise(path, f"answered {status}", failures)
                continue
            logger.warning("TMDB answered %s for %s", status, path)
            raise CatalogUnavailable(f"TMDB could not answer this request (HTTP {status}).")

    def _attempt_timeout(self, failures: int) -> tuple[httpx.Timeout, bool]:
        """This attempt's timeout, shortened to the caller's deadline (then True)."""
        timeout = self._http.timeout
        left = time_left()
        if left is None or timeout.read is None or left >= timeout.read:
            return timeout, False
        if left <= 0:
            # Out of time before asking: a failure being retried is the honest reason.
            raise OutOfTime() if not failures else CatalogUnavailable()
        return httpx.Timeout(left), True

    @staticmethod
    def _wait_before_retry(wait: float, error: CatalogError) -> None:
        """Raise `error` now if waiting `wait` seconds would run past the caller's deadline."""
        left = time_left()
        if left is not None and wait >= left:
            logger.warning("%s (no time left in this request to retry)", error.message)
            raise error

    def _retry_or_raise(self, path: str, problem: str, failures: int) -> None:
        error = CatalogUnavailable(
            f"TMDB is not responding ({problem}). Please try again in a minute."
        )
        if failures >= self.MAX_ATTEMPTS:
            logger.warning("TMDB %s for %s; giving up after %d attempts", problem, path, failures)
            raise error
        wait = self.BACKOFF * 2 ** (failures - 1)
        self._wait_before_retry(wait, error)
        logger.debug("TMDB %s for %s; retrying in %.1f s", problem, path, wait)
        self._sleep(wait)

    def _retry_after(self, response: httpx.Response) -> float:
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return self.DEFAULT_RETRY_AFTER
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return self.DEFAULT_RETRY_AFTER
            seconds = (when - datetime.now(UTC)).total_seconds()
        # A 0 or a date already past would have us ask again at once and earn another 429.
        return max(1.0, seconds)

    @staticmethod
    def _json(response: httpx.Response, path: str) -> dict:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            logger.warning("TMDB sent a body that is not a JSON object for %s", path)
            raise CatalogUnavailable("TMDB sent an answer we could not read.")
        return data

    # Cache (never required: a failing cache costs a request, not a lookup)

    def _cache_key(self, kind: str, *parts: object) -> str:
        digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
        return f"tmdb:v{CACHE_VERSION}:{kind}:{digest}"

    def _cache_get(self, key: str) -> Any:
        if self.cache_alias is None:
            return None
        try:
            return caches[self.cache_alias].get(key)
        except Exception as exc:
            logger.warning("TMDB cache read failed (%s); asking TMDB", type(exc).__name__)
            return None

    def _cache_set(self, key: str, value: Any) -> None:
        if self.cache_alias is None:
            return
        try:
            caches[self.cache_alias].set(key, value, CACHE_TTL)
        except Exception as exc:
            logger.warning("TMDB cache write failed (%s)", type(exc).__name__)

    # Parsing

    def _movie(self, data: dict) -> CatalogMovie:
        released = _parse_date(data.get("release_date"))
        poster_path = data.get("poster_path") or ""
        if "genres" in data:
            genres = tuple(g["name"] for g in data["genres"] or () if g.get("name"))
        else:
            genres = tuple(GENRE_NAMES[i] for i in data.get("genre_ids") or () if i in GENRE_NAMES)
        alternatives = (data.get("alternative_titles") or {}).get("titles") or ()
        return CatalogMovie(
            title=data.get("title") or data.get("original_title") or "",
            year=released.year if released else None,
            tmdb_id=int(data["id"]),
            imdb_id=data.get("imdb_id") or None,
            original_title=data.get("original_title") or "",
            release_date=released,
            overview=data.get("overview") or "",
            poster_url=f"{self.image_url}/{POSTER_SIZE}{poster_path}" if poster_path else "",
            popularity=float(data.get("popularity") or 0.0),
            runtime=data.get("runtime") or None,
            genres=genres,
            alternative_titles=tuple(
                dict.fromkeys(alt["title"] for alt in alternatives if alt.get("title"))
            ),
        )


def _parse_date(value: object) -> date | None:
    # TMDB sends "" for films without a date yet.
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
