"""Deadlines for catalog calls, and the storage thread that does their cache and database work.

A web request must answer within its server's timeout whatever the catalog does; the matcher's
lookup threads must open no database connections of their own. Both are set up by the caller
and hold for every catalog call made inside, on its thread or in a copy of its context.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# A page waiting on the catalog answers within this, whatever TMDB does (gunicorn's default
# worker timeout is 30 s). Applied to every request by `catalog.middleware.catalog_deadline`.
PAGE_DEADLINE_SECONDS = 10.0

# When catalog calls must be over, and when the last of them may start (None: no limit).
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("catalog_deadline", default=None)


@contextmanager
def deadline(seconds: float, *, start_within: float | None = None) -> Iterator[None]:
    """Catalog calls made inside (on this thread, or in a copy of its context) give up with
    `OutOfTime`, or with the failure they were retrying, rather than wait past `seconds`;
    with `start_within`, a call that cannot start within that many seconds (queued behind the
    rate limit) gives up at once with `OutOfTime`, while the retries of a call that started
    may still use the time up to `seconds`.

    Keeps a web request inside its server's timeout whatever the catalog does. Nested, the
    innermost deadline holds, later or earlier.
    """
    now = time.monotonic()
    end = now + seconds
    start_by = end if start_within is None else min(end, now + start_within)
    token = _deadline.set((end, start_by))
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds until the current deadline (may be negative), or None without one."""
    limits = _deadline.get()
    return None if limits is None else limits[0] - time.monotonic()


def time_to_start() -> float | None:
    """Seconds in which a new catalog call may still start (may be negative), or None."""
    limits = _deadline.get()
    return None if limits is None else limits[1] - time.monotonic()


class Errand:
    """Storage work (a cache read or write, a database query) handed to the storage thread."""

    def __init__(self, work: Callable[[], Any]):
        self._work = work
        self._done = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as exc:  # handed back to the thread waiting for it
            self._error = exc
        finally:
            self._done.set()

    def cancel(self) -> None:
        if not self._done.is_set():
            self._error = TimeoutError("the storage thread stopped before running this errand")
            self._done.set()

    def result(self, timeout: float) -> Any:
        if not self._done.wait(timeout):
            raise TimeoutError("the storage thread did not run this errand in time")
        if self._error is not None:
            raise self._error
        return self._result


class _StorageDesk:
    """Where other threads hand errands to the storage thread; shared by every copy of the
    context, so closing it reaches threads still running."""

    def __init__(self, post: Callable[[Errand], None]):
        self.owner = threading.get_ident()
        self._post = post
        self._lock = threading.Lock()
        self._handed: list[Errand] = []
        self._closed = False

    def hand(self, errand: Errand) -> None:
        with self._lock:
            if not self._closed:
                self._handed.append(errand)
                self._post(errand)
                return
        errand.cancel()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            handed, self._handed = self._handed, []
        for errand in handed:
            errand.cancel()


_storage_desk: ContextVar[_StorageDesk | None] = ContextVar("catalog_storage_desk", default=None)
ERRAND_WAIT_SECONDS = 5.0


@contextmanager
def storage_thread(post: Callable[[Errand], None]) -> Iterator[None]:
    """Make the calling thread the one that does the catalog's storage work.

    Inside, catalog calls on other threads (running in a copy of this context, as the
    matcher's lookup threads do) hand their cache and database work to `post` instead of
    opening database connections of their own; the calling thread must `run()` each errand it
    is given until those threads have ended. Everywhere else the work runs where it is asked.
    On leaving, errands not run yet fail at once (the calling thread left early, on an error),
    so no other thread waits for them.
    """
    desk = _StorageDesk(post)
    token = _storage_desk.set(desk)
    try:
        yield
    finally:
        _storage_desk.reset(token)
        desk.close()


def on_storage_thread(work: Callable[[], Any], *, wait: bool = True) -> Any:
    """`work()`, run by the storage thread (see `storage_thread`), or here without one.

    With `wait=False` the errand is only handed over (a cache write nobody waits for). Waiting
    ends with `TimeoutError` at the current deadline, or after ERRAND_WAIT_SECONDS.
    """
    desk = _storage_desk.get()
    if desk is None or desk.owner == threading.get_ident():
        return work()
    errand = Errand(work)
    desk.hand(errand)
    if not wait:
        return None
    left = time_left()
    return errand.result(ERRAND_WAIT_SECONDS if left is None else max(0.0, left))
