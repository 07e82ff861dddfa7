"""The TMDB catalog: a client of TMDB's v3 API that authenticates, retries and caches.

Pacing (`catalog.pacing`), the deadline transport (`catalog.transport`), key redaction
(`catalog.redaction`) and reading answers (`catalog.answers`) are modules beside it.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any

import httpx
from django.core.cache import caches

from catalog import answers
from catalog.deadlines import deadline, on_storage_thread, time_left, time_to_start
from catalog.interface import (
    BadCredentials,
    CatalogError,
    CatalogMovie,
    CatalogUnavailable,
    NotFound,
    OutOfTime,
    RateLimited,
)
from catalog.pacing import RateLimiter
from catalog.redaction import redact
from catalog.titles import normalize_title
from catalog.transport import deadline_transport, sockets_end_by

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.themoviedb.org/3"
DEFAULT_IMAGE_URL = "https://image.tmdb.org/t/p"
# The read timeout is also each attempt's whole time: a TMDB answer is a few kilobytes.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Every call, retries and Retry-After waits included, ends within this, deadline or not.
CALL_SECONDS = 30.0
# TMDB answers are a few kilobytes; a body this large is not an answer we asked for.
MAX_ANSWER_BYTES = 2 * 1024 * 1024
CACHE_TTL = 24 * 60 * 60
# Bump when the cached payload's shape changes, so old entries are simply not found.
CACHE_VERSION = 1


class _TMDBAuth(httpx.Auth):
    """Adds the credential at send time, so it is in no URL we build, log or cache."""

    def __init__(self, api_key: str, read_access_token: str):
        self._api_key = api_key
        self._token = read_access_token

    @property
    def kind(self) -> str:
        return "bearer token" if self._token else "api_key"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._token:
            request.headers["Authorization"] = f"Bearer {self._token}"
        else:
            request.url = request.url.copy_merge_params({"api_key": self._api_key})
        yield request

    def __repr__(self) -> str:
        return f"<TMDB {self.kind}>"


class TMDBClient:
    """The TMDB catalog (`catalog.interface.Catalog`), safe to share between threads.

    - Auth: `Authorization: Bearer <read access token>` when a token is given, else the
      `api_key` query parameter. The credential never reaches logs, cache keys, errors or repr.
    - Pace: `RateLimiter` (see there) keeps to `max_rps` across threads, and across processes
      through Redis or `pace_database` (`from_settings` uses the default database); at most
      20 connections.
    - Failures: 429 waits for Retry-After (at least 1 s) and retries; timeouts, connection
      errors and 5xx retry with a short backoff; each has a bounded number of attempts, then a
      typed `CatalogError` whose message can be shown as is. Nothing else leaves the client.
    - Time: each attempt is over within its read timeout (every socket call is cut to it, so a
      server dripping bytes cannot stretch it), each call within the caller's deadline
      (`catalog.deadlines.deadline`) and CALL_SECONDS.
    - Answers: every one is checked field by field before it is cached or used; one that is
      not the JSON TMDB sends is a `MalformedAnswer`.
    - Cache: search and movie payloads live in the Django cache for a day, keyed by a hash of
      the normalised query, year and language. A broken cache is logged and bypassed. Cache
      reads and writes, like the database pacing, run on the storage thread when there is one
      (`catalog.deadlines.storage_thread`), so threads calling the client open no database
      connections of their own.

    Tests and benchmarks inject `http_client` or `transport`, `sleep` (retry waits) and
    `timeout`.
    """

    name = "TMDB"
    # It follows new releases.
    last_year = None
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
        pace_database: str | None = None,
    ):
        if not (api_key or read_access_token):
            raise ValueError("TMDBClient needs an api_key or a read_access_token")
        self._auth = _TMDBAuth(api_key, read_access_token)
        self.api_url = api_url.rstrip("/")
        self.image_url = image_url.rstrip("/")
        self.cache_alias = cache_alias
        self._sleep = sleep
        self._limiter = rate_limiter or RateLimiter(
            max_rps, cache_alias=cache_alias, database=pace_database
        )
        self._owns_http = http_client is None
        limits = httpx.Limits(
            max_connections=self.MAX_CONNECTIONS,
            max_keepalive_connections=self.MAX_CONNECTIONS,
        )
        self._http = http_client or httpx.Client(
            transport=transport or deadline_transport(limits),
            timeout=timeout,
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
            "pace_database": "default",
        }
        return cls(**{**options, **overrides})

    def __repr__(self) -> str:
        return f"<TMDBClient {self.api_url} with {self._auth.kind}>"

    def describe(self) -> str:
        return "TMDB catalog (The Movie Database)"

    def backlog(self) -> float:
        """Seconds a request asked for now would wait for its turn under the rate limit, for
        every process sharing it: other people's imports."""
        return self._limiter.backlog()

    @property
    def requests_per_second(self) -> float:
        """How many requests the rate limit lets start each second (a little under the cap)."""
        return 1 / self._limiter.interval

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "TMDBClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # The catalog interface

    def search(
        self, title: str, year: int | None = None, *, language: str | None = None
    ) -> list[CatalogMovie]:
        query = " ".join(title.split())
        if not normalize_title(query):
            return []
        key = self._cache_key("search", normalize_title(query), year or "", language or "")
        results = self._cache_get(key, answers.cached_results)
        if results is None:
            params: dict[str, Any] = {"query": query, "include_adult": "false", "page": 1}
            if year:
                params["year"] = year
            if language:
                params["language"] = language
            results = answers.search_answer(self._request("/search/movie", params))
            self._cache_set(key, results)
        return [answers.film(item, self.image_url) for item in results]

    def get(self, catalog_id: str) -> CatalogMovie:
        movie_id = str(catalog_id).strip()
        if not movie_id.isdigit():
            raise NotFound()
        key = self._cache_key("movie", movie_id)
        data = self._cache_get(key, answers.movie_answer)
        if data is None:
            params = {"append_to_response": "alternative_titles"}
            data = answers.movie_answer(self._request(f"/movie/{movie_id}", params))
            self._cache_set(key, data)
        return answers.film(data, self.image_url)

    # HTTP with retries

    def _request(self, path: str, params: dict[str, Any]) -> Any:
        """The decoded JSON of one TMDB answer, retried as the class says, within the caller's
        deadline and CALL_SECONDS. Raises only `CatalogError`s, none of them chained to an
        httpx exception (which would carry the request URL)."""
        left = time_left()
        seconds = CALL_SECONDS if left is None else min(left, CALL_SECONDS)
        with deadline(seconds, start_within=time_to_start()):
            return self._request_with_retries(path, params)

    def _request_with_retries(self, path: str, params: dict[str, Any]) -> Any:
        failures = rate_limited = 0
        while True:
            # A call starts only within the caller's start limit; its retries have the time
            # to the deadline.
            started = failures or rate_limited
            if not self._limiter.wait(max_wait=time_left() if started else time_to_start()):
                # The rate limit's queue is longer than the time left: nothing failed.
                raise OutOfTime() if not failures else CatalogUnavailable()
            timeout, answer_by, cut_short = self._attempt_timeout(failures)
            answer = self._exchange(path, params, timeout, answer_by)
            if isinstance(answer, str):
                if cut_short and answer == "timed out" and not failures:
                    raise OutOfTime()
                failures += 1
                self._retry_or_raise(path, f"request {answer}", failures)
                continue
            status, headers, body = answer
            if status == 200:
                return answers.decode(body, path)
            if status == 401:
                raise BadCredentials()
            if status == 404:
                raise NotFound()
            if status == 429:
                rate_limited += 1
                wait = self._retry_after(headers)
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

    def _exchange(
        self, path: str, params: dict[str, Any], timeout: httpx.Timeout, answer_by: float
    ) -> tuple[int, httpx.Headers, bytes] | str:
        """One attempt: status, headers and body, or why there is none ("timed out",
        "failed") when it is worth another attempt. An answer that cannot be read raises."""
        failure: CatalogError | None = None
        answer: tuple[int, httpx.Headers, bytes] | str
        with sockets_end_by(answer_by):
            try:
                with self._http.stream(
                    "GET", self.api_url + path, params=params, auth=self._auth, timeout=timeout
                ) as response:
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > MAX_ANSWER_BYTES:
                            logger.warning("TMDB sent more than %d bytes for %s", len(body), path)
                            failure = answers.MalformedAnswer()
                            break
                    answer = (response.status_code, response.headers, bytes(body))
            except httpx.TimeoutException as exc:
                redact(exc)
                answer = "timed out"
            except httpx.TransportError as exc:
                # Refused, dropped or garbled connections: the message names no URL.
                redact(exc)
                answer = "failed"
            except httpx.DecodingError as exc:
                # A Content-Encoding the body does not have.
                redact(exc)
                logger.warning("TMDB sent a body that does not decode for %s", path)
                failure = answers.MalformedAnswer()
            except Exception as exc:  # one odd answer must never become a 500
                redact(exc)
                logger.warning("TMDB request for %s failed (%s)", path, type(exc).__name__)
                failure = CatalogUnavailable()
        # Raised here, outside the except clauses, so no httpx exception rides along as the
        # error's context.
        if failure is not None:
            raise failure
        return answer

    def _attempt_timeout(self, failures: int) -> tuple[httpx.Timeout, float, bool]:
        """This attempt's timeout and the monotonic time by which it must be over (its read
        timeout, or the caller's deadline when that comes first: then True)."""
        timeout = self._http.timeout
        now = time.monotonic()
        left = time_left()
        if left is not None and left <= 0:
            # Out of time before asking: a failure being retried is the honest reason.
            raise OutOfTime() if not failures else CatalogUnavailable()
        whole = timeout.read if timeout.read is not None else DEFAULT_TIMEOUT.read
        assert whole is not None  # DEFAULT_TIMEOUT sets a read timeout
        if left is None or left >= whole:
            return timeout, now + whole, False
        return httpx.Timeout(left), now + left, True

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

    def _retry_after(self, headers: httpx.Headers) -> float:
        value = headers.get("Retry-After", "").strip()
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

    # Cache (never required: a failing cache costs a request, not a lookup)

    def _cache_key(self, kind: str, *parts: object) -> str:
        digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
        return f"tmdb:v{CACHE_VERSION}:{kind}:{digest}"

    def _cache_get(self, key: str, valid: Callable[[Any], Any]) -> Any:
        """The cached payload checked by `valid`, or None: an entry that fails the check
        (stored by an older, more trusting version) is asked for again."""
        if self.cache_alias is None:
            return None
        try:
            value = on_storage_thread(partial(caches[self.cache_alias].get, key))
        except Exception as exc:
            logger.warning("TMDB cache read failed (%s); asking TMDB", type(exc).__name__)
            return None
        if value is None:
            return None
        try:
            return valid(value)
        except answers.MalformedAnswer:
            logger.warning("TMDB cache entry is not a valid answer; asking TMDB")
            return None

    def _cache_set(self, key: str, value: Any) -> None:
        if self.cache_alias is not None:
            # Nobody waits for it: the answer is already in hand.
            on_storage_thread(partial(self._cache_write, key, value), wait=False)

    def _cache_write(self, key: str, value: Any) -> None:
        assert self.cache_alias is not None  # _cache_set writes only with a cache
        try:
            caches[self.cache_alias].set(key, value, CACHE_TTL)
        except Exception as exc:
            logger.warning("TMDB cache write failed (%s)", type(exc).__name__)
