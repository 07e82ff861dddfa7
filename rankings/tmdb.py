"""The TMDB v3 catalog over httpx: rate limited, retried, cached, and careful with the key."""

import hashlib
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeGuard

import httpcore
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
    deadline,
    on_storage_thread,
    time_left,
    time_to_start,
)
from rankings.titles import normalize_title

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.themoviedb.org/3"
DEFAULT_IMAGE_URL = "https://image.tmdb.org/t/p"
POSTER_SIZE = "w185"
# The read timeout is also each attempt's whole time: a TMDB answer is a few kilobytes.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Every call, retries and Retry-After waits included, ends within this, deadline or not.
CALL_SECONDS = 30.0
# TMDB answers are a few kilobytes; a body this large is not an answer we asked for.
MAX_ANSWER_BYTES = 2 * 1024 * 1024
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
    - otherwise, with a `database` alias, in the one `CatalogPace` row: an UPDATE reads the
      database's clock and moves the slot in one statement, so every process sharing the
      database shares the budget too. The query runs on the storage thread
      (`rankings.catalog.storage_thread`), never inside a transaction (its row lock would make
      every other process wait for that transaction to end);
    - otherwise (or while those are failing) in this object, behind a lock: shared by all
      threads using the client, which `get_catalog()` makes one per process.

    A caller with a limit on its wait (`max_wait`) whose slot lies beyond it takes no slot:
    the schedule stays as it was, so the requests of a crowd of imports that give up (their
    match request's time is over) leave no gaps in which TMDB would sit idle.

    The interval carries a little headroom because TMDB counts requests when they arrive, and
    network jitter can bunch up starts that left here exactly on time.
    """

    HEADROOM = 0.96
    # Every request leaves within this of its slot (see `wait`), so at 40 a second no second
    # holds more than 39 starts, and TMDB's 41st arrival (a 429) takes arrivals bunched 30 ms
    # tighter than they left (at 0.97 it took 20 ms, and the fake TMDB saw one 429 in three
    # 500-title imports on a busy machine; none in ten at 0.96).
    LATE_SECONDS = 0.01
    RESLOTS = 3
    # A wait limit that never refuses, in the database's arithmetic.
    FOREVER = 1e9
    KEY = "tmdb:next-request-slot"
    # Slot in microseconds of Redis time. Lua numbers are doubles, exact to 2**53 (year 2255).
    # ARGV: the interval, and the longest wait the caller accepts (negative: any).
    _SCRIPT = """
        local now = redis.call('TIME')
        now = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
        local limit = tonumber(ARGV[2])
        if limit < 0 or slot - now <= limit then
            redis.call('SET', KEYS[1], string.format('%.0f', slot + tonumber(ARGV[1])), 'PX', 60000)
        end
        return slot - now
    """

    _PEEK = """
        local now = redis.call('TIME')
        now = tonumber(now[1]) * 1000000 + tonumber(now[2])
        return tonumber(redis.call('GET', KEYS[1]) or '0') - now
    """
    # The database's clock in seconds, constant within one statement.
    _NOW = {
        "postgresql": "extract(epoch from statement_timestamp())",
        "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    }

    def __init__(
        self,
        max_rps: float,
        *,
        cache_alias: str | None = "default",
        database: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if max_rps <= 0:
            raise ValueError("max_rps must be positive")
        self.interval = 1 / (max_rps * self.HEADROOM)
        self.cache_alias = cache_alias
        self.database = database
        self._database_failing = False
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._redis_failing = False

    def wait(self, max_wait: float | None = None) -> bool:
        """Sleep until this caller's slot; False, at once and taking no slot, if that is more
        than `max_wait` seconds away.

        Every request leaves within LATE_SECONDS of its slot, never before it. The slot is
        known on this process's clock only between two bounds (when the reservation was sent
        and when its answer was read: Redis's or the database's clock set it in between), so
        the caller sleeps to the later one and reckons its lateness from the earlier; when
        the reservation itself took longer than LATE_SECONDS (a database lock), from the
        later one. A caller late by more (the process stalled: a busy CPU, a long pause of the
        GIL) does not go then: it would crowd the requests of the slots after its own into one
        instant, and TMDB counts a burst like that against its cap. It takes a new slot
        instead, up to RESLOTS times.
        """
        give_up_at = None if max_wait is None else self._clock() + max_wait
        for attempt in range(self.RESLOTS + 1):
            left = None if give_up_at is None else give_up_at - self._clock()
            if left is not None and left < 0:
                return False
            earliest, latest = self._reserve(left)
            if earliest == math.inf:
                return False
            if (pause := latest - self._clock()) > 0:
                self._sleep(pause)
            known_at = earliest if latest - earliest <= self.LATE_SECONDS else latest
            if (late := self._clock() - known_at) <= self.LATE_SECONDS or attempt == self.RESLOTS:
                break
            logger.debug("Left %.0f ms after the TMDB slot; taking another", 1000 * late)
        return True

    def _reserve(self, max_wait: float | None) -> tuple[float, float]:
        """The earliest and the latest time this caller's slot can be, on `self._clock`;
        infinity if it would wait longer than `max_wait` (no slot taken)."""
        due = self._reserve_in_redis(max_wait)
        if due is None:
            due = self._reserve_in_database(max_wait)
        if due is None:
            due = self._reserve_here(max_wait)
        return due

    def backlog(self) -> float:
        """Seconds until the next free slot: how long a request asked for now would wait."""
        for peek in (self._backlog_in_redis, self._backlog_in_database):
            try:
                waiting = peek()
            except Exception:
                # `wait()` logs the failure; this is only an estimate.
                waiting = None
            if waiting is not None:
                return max(0.0, waiting)
        with self._lock:
            return max(0.0, self._next_slot - self._clock())

    def _backlog_in_redis(self) -> float | None:
        if self.cache_alias is None or self._redis_failing:
            return None
        cache = caches[self.cache_alias]
        if not isinstance(cache, RedisCache):
            return None
        key = cache.make_key(self.KEY)
        # Django's own Redis client: django-stubs leaves the private attribute out.
        client = cache._cache.get_client(key)  # type: ignore[attr-defined]
        return int(client.register_script(self._PEEK)(keys=[key])) / 1_000_000

    def _backlog_in_database(self) -> float | None:
        from django.db import connections

        from rankings.models import CatalogPace

        if self.database is None or self._database_failing:
            return None
        connection = connections[self.database]
        now = self._NOW.get(connection.vendor)
        if now is None or connection.in_atomic_block:
            return None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT next_slot - {now} FROM {CatalogPace._meta.db_table}")
            row = cursor.fetchone()
        return float(row[0]) if row else 0.0

    def _reserve_here(self, max_wait: float | None) -> tuple[float, float]:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            if max_wait is not None and slot - now > max_wait:
                return _REFUSED
            self._next_slot = slot + self.interval
        return slot, slot

    def _reserve_in_database(self, max_wait: float | None) -> tuple[float, float] | None:
        if self.database is None:
            return None
        try:
            due = on_storage_thread(partial(self._database_slot, max_wait))
        except Exception as exc:
            if not self._database_failing:
                logger.warning(
                    "Database rate limiter unavailable (%s); limiting TMDB requests per process",
                    type(exc).__name__,
                )
            self._database_failing = True
            return None
        if due is not None and self._database_failing:
            logger.info("Database rate limiter is back")
            self._database_failing = False
        return due

    def _database_slot(self, max_wait: float | None) -> tuple[float, float] | None:
        from django.db import connections

        from rankings.models import CatalogPace

        assert self.database is not None  # the caller asks for a slot only with a database
        connection = connections[self.database]
        now = self._NOW.get(connection.vendor)
        if now is None or connection.in_atomic_block:
            return None
        table = CatalogPace._meta.db_table
        slot = f"CASE WHEN next_slot > {now} THEN next_slot ELSE {now} END"
        sql = (
            f"UPDATE {table} SET next_slot = {slot} + %s "
            f"WHERE id = 1 AND {slot} - {now} <= %s RETURNING next_slot - %s - {now}"
        )
        limit = self.FOREVER if max_wait is None else max_wait
        with connection.cursor() as cursor:
            # Timed here, on the thread that runs the query: the errand may have waited for
            # the storage thread; the caller's own wait for the answer shows as lateness.
            asked = self._clock()
            cursor.execute(sql, [self.interval, limit, self.interval])
            row = cursor.fetchone()
            if row is None:
                # The slot is too far away (nothing was taken: say so whatever time has passed
                # since), or the row is missing: first use, or a test database flushed since.
                cursor.execute(f"SELECT 1 FROM {table} WHERE id = 1")
                if cursor.fetchone():
                    return _REFUSED
                CatalogPace.objects.using(self.database).get_or_create(pk=1)
                asked = self._clock()
                cursor.execute(sql, [self.interval, limit, self.interval])
                row = cursor.fetchone()
            answered = self._clock()
        return asked + float(row[0]), answered + float(row[0])

    def _reserve_in_redis(self, max_wait: float | None) -> tuple[float, float] | None:
        if self.cache_alias is None:
            return None
        try:
            cache = caches[self.cache_alias]
            if not isinstance(cache, RedisCache):
                return None
            key = cache.make_key(self.KEY)
            # Django's own Redis client: django-stubs leaves the private attribute out.
            client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
            micros = math.ceil(self.interval * 1_000_000)
            limit = -1 if max_wait is None else max(0, math.floor(max_wait * 1_000_000))
            script = client.register_script(self._SCRIPT)
            asked = self._clock()
            waited = int(script(keys=[key], args=[micros, limit]))
            answered = self._clock()
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
        if 0 <= limit < waited:
            return _REFUSED
        return asked + waited / 1_000_000, answered + waited / 1_000_000


# What a reservation answers when the slot lies beyond the caller's limit on its wait.
_REFUSED = (math.inf, math.inf)


class MalformedAnswer(CatalogUnavailable):
    """TMDB answered, but not with anything we can use: never cached, never half-used."""

    message = "TMDB sent an answer we could not read."


# When the current attempt must be over (a `time.monotonic()` value), for each socket call.
_answer_by: ContextVar[float | None] = ContextVar("tmdb_answer_by", default=None)


def _clamped(timeout: float | None, expired: type[Exception]) -> float | None:
    end = _answer_by.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("TMDB did not answer within this attempt's deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the attempt's deadline. httpx's read
    timeout restarts with each byte, so a server sending one byte every few seconds would
    otherwise hold a request (and a gunicorn worker) for as long as it likes."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> "_DeadlineStream":
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self):
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _deadline_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(limits=limits)
    # httpx has no parameter for it, but its connection pool (httpcore's) takes a backend.
    transport._pool._network_backend = _DeadlineBackend()
    return transport


_KEY_IN_URL = re.compile(r"(api_key=)[^&\s'\"]*")


def _redact(exc: BaseException) -> None:
    """Take the key out of the request an httpx exception carries (the auth added it to the
    URL), so no traceback, error page or error tracker that keeps the exception shows it."""
    request = getattr(exc, "_request", None)
    if isinstance(request, httpx.Request) and "api_key" in request.url.params:
        request.url = request.url.copy_set_param("api_key", "[redacted]")


class _RedactKey(logging.Filter):
    """httpx logs every request URL at INFO; the settings keep it at WARNING, and this keeps
    the key out even for someone who turns it up to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "api_key=" in message:
            record.msg, record.args = _KEY_IN_URL.sub(r"\1[redacted]", message), None
        return True


logging.getLogger("httpx").addFilter(_RedactKey())


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
      through Redis or `pace_database` (`from_settings` uses the default database); at most
      20 connections.
    - Failures: 429 waits for Retry-After (at least 1 s) and retries; timeouts, connection
      errors and 5xx retry with a short backoff; each has a bounded number of attempts, then a
      typed `CatalogError` whose message can be shown as is. Nothing else leaves the client.
    - Time: each attempt is over within its read timeout (every socket call is cut to it, so a
      server dripping bytes cannot stretch it), each call within the caller's deadline
      (`rankings.catalog.deadline`) and CALL_SECONDS.
    - Answers: every one is checked field by field before it is cached or used; one that is
      not the JSON TMDB sends is a `MalformedAnswer`.
    - Cache: search and movie payloads live in the Django cache for a day, keyed by a hash of
      the normalised query, year and language. A broken cache is logged and bypassed. Cache
      reads and writes, like the database pacing, run on the storage thread when there is one
      (`rankings.catalog.storage_thread`), so threads calling the client open no database
      connections of their own.

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
            transport=transport or _deadline_transport(limits),
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
        results = self._cache_get(key, _cached_results)
        if results is None:
            params: dict[str, Any] = {"query": query, "include_adult": "false", "page": 1}
            if year:
                params["year"] = year
            if language:
                params["language"] = language
            results = _search_answer(self._request("/search/movie", params))
            self._cache_set(key, results)
        return [self._movie(item) for item in results]

    def get(self, catalog_id: str) -> CatalogMovie:
        movie_id = str(catalog_id).strip()
        if not movie_id.isdigit():
            raise NotFound()
        key = self._cache_key("movie", movie_id)
        data = self._cache_get(key, _movie_answer)
        if data is None:
            params = {"append_to_response": "alternative_titles"}
            data = _movie_answer(self._request(f"/movie/{movie_id}", params))
            self._cache_set(key, data)
        return self._movie(data)

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
                return self._json(body, path)
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
        token = _answer_by.set(answer_by)
        failure: CatalogError | None = None
        answer: tuple[int, httpx.Headers, bytes] | str
        try:
            with self._http.stream(
                "GET", self.api_url + path, params=params, auth=self._auth, timeout=timeout
            ) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        logger.warning("TMDB sent more than %d bytes for %s", len(body), path)
                        failure = MalformedAnswer()
                        break
                answer = (response.status_code, response.headers, bytes(body))
        except httpx.TimeoutException as exc:
            _redact(exc)
            answer = "timed out"
        except httpx.TransportError as exc:
            # Refused, dropped or garbled connections: the message names no URL.
            _redact(exc)
            answer = "failed"
        except httpx.DecodingError as exc:
            # A Content-Encoding the body does not have.
            _redact(exc)
            logger.warning("TMDB sent a body that does not decode for %s", path)
            failure = MalformedAnswer()
        except Exception as exc:  # one odd answer must never become a 500
            _redact(exc)
            logger.warning("TMDB request for %s failed (%s)", path, type(exc).__name__)
            failure = CatalogUnavailable()
        finally:
            _answer_by.reset(token)
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

    @staticmethod
    def _json(body: bytes, path: str) -> dict:
        try:
            data = json.loads(body, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            # Not JSON, not UTF-8, NaN, or nested deeper than Python's parser recurses.
            data = None
        if not isinstance(data, dict):
            logger.warning("TMDB sent a body that is not a JSON object for %s", path)
            raise MalformedAnswer()
        return data

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
        except MalformedAnswer:
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

    # Parsing

    def _movie(self, data: dict) -> CatalogMovie:
        """A `CatalogMovie` from a payload `_movie_answer` has checked."""
        released = _parse_date(data["release_date"])
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
            poster_url=f"{self.image_url}/{POSTER_SIZE}{poster_path}" if poster_path else "",
            popularity=data["popularity"],
            runtime=data["runtime"],
            genres=genres,
            alternative_titles=tuple(
                dict.fromkeys(alt["title"] for alt in alternatives if alt["title"])
            ),
        )


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


def _search_answer(data: object) -> list[dict]:
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise MalformedAnswer()
    return [_movie_answer(item) for item in results]


def _cached_results(value: object) -> list[dict]:
    return _search_answer({"results": value})


def _movie_answer(data: object) -> dict:
    """A search result or a movie's details, checked and reduced to the fields we use."""
    if not isinstance(data, dict):
        raise MalformedAnswer()
    movie_id = data.get("id")
    if type(movie_id) is not int or not 0 < movie_id <= _MAX_ID:
        raise MalformedAnswer()
    clean: dict[str, Any] = {"id": movie_id}
    for name, limit in _TEXT_FIELDS.items():
        clean[name] = _text(data.get(name), limit)
    released = _parse_date(clean["release_date"])
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


def _list(value: object) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedAnswer()
    return value


def _dict(value: object) -> dict:
    if not isinstance(value, dict):
        raise MalformedAnswer()
    return value


def _parse_date(value: object) -> date | None:
    # TMDB sends "" for films without a date yet.
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
