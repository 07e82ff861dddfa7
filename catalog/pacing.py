"""Pacing TMDB requests: a rate limiter shared by every thread, and by every process through
Redis or the database."""

import logging
import math
import threading
import time
from collections.abc import Callable
from functools import partial

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from catalog.deadlines import on_storage_thread

logger = logging.getLogger(__name__)


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
      (`catalog.deadlines.storage_thread`), never inside a transaction (its row lock would make
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

        # Here, not at the top: the client may be imported before Django's apps are ready.
        from catalog.models import CatalogPace

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
            due: tuple[float, float] | None = on_storage_thread(
                partial(self._database_slot, max_wait)
            )
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

        # Here, not at the top: the client may be imported before Django's apps are ready.
        from catalog.models import CatalogPace

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
