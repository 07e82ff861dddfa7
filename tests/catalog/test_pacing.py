"""The TMDB rate limiter, alone and behind the client, per process or shared by Redis or the
database."""

import contextlib
import contextvars
import queue
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from django.core.cache import caches

from catalog.deadlines import deadline, storage_thread
from catalog.interface import OutOfTime
from catalog.models import CatalogPace
from catalog.pacing import RateLimiter
from catalog.tmdb import TMDBClient
from tests.fake_tmdb import FAKE_API_KEY

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def busiest_second(times: list[float]) -> int:
    """The most of these times in any 1-second window."""
    times = sorted(times)
    return max(
        sum(1 for later in times[i:] if later - start < 1.0) for i, start in enumerate(times)
    )


class RecordingLimiter(RateLimiter):
    """A limiter that notes when each request it lets go leaves, shared by its copies."""

    def __init__(self, *args, starts: list[float], **kwargs):
        super().__init__(*args, **kwargs)
        self.starts = starts

    def wait(self, max_wait: float | None = None) -> bool:
        went = super().wait(max_wait)
        if went:
            self.starts.append(time.monotonic())
        return went


# Measured where the requests leave: the fake counts them as its threads get to them, which
# a busy machine delays and bunches. Its cap has some room above the client's for that.
FAKE_CAP_ROOM = 1.2


# Rate limiting


def test_the_limiter_spaces_request_starts_evenly() -> None:
    waits: list[float] = []
    limiter = RateLimiter(40, cache_alias=None, clock=lambda: 100.0, sleep=waits.append)

    for _ in range(4):
        limiter.wait()

    interval = 1 / (40 * RateLimiter.HEADROOM)
    assert waits == pytest.approx([interval, 2 * interval, 3 * interval])


def test_ten_threads_never_exceed_the_requests_per_second_cap(fake_tmdb):
    fake_tmdb.max_rps = round(100 * FAKE_CAP_ROOM)
    starts: list[float] = []
    limiter = RecordingLimiter(100, cache_alias=None, starts=starts)
    client = TMDBClient(
        api_key=FAKE_API_KEY, api_url=fake_tmdb.url, cache_alias=None, rate_limiter=limiter
    )

    with client, ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda i: client.search(f"Film {i}"), range(150)))

    assert fake_tmdb.request_count == len(starts) == 150
    assert busiest_second(starts) <= 100
    # Not slower than the cap needs either.
    assert max(starts) - min(starts) < 149 / (100 * RateLimiter.HEADROOM) + 0.5


@pytest.fixture
def redis_cache(settings):
    """Redis as the default cache, under a prefix of its own (so parallel test runs share
    neither cached results nor the pacer's slot), emptied afterwards."""
    if not redis_available():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    redis = caches["default"]._cache.get_client(write=True)
    redis.delete(*redis.scan_iter(match=f"{prefix}:*"))


@pytest.mark.usefixtures("redis_cache")
def test_clients_sharing_a_redis_cache_share_one_cap(fake_tmdb):
    fake_tmdb.max_rps = round(100 * FAKE_CAP_ROOM)
    starts: list[float] = []
    # Two clients with their own in-process limiters stand in for two gunicorn workers.
    workers = [
        TMDBClient(
            api_key=FAKE_API_KEY,
            api_url=fake_tmdb.url,
            rate_limiter=RecordingLimiter(100, starts=starts),
        )
        for _ in range(2)
    ]

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda i: workers[i % 2].search(f"Film {i}"), range(120)))

    for worker in workers:
        worker.close()
    assert fake_tmdb.request_count == len(starts) == 120
    # Each limiter alone would allow 100 per second; together they kept to one budget.
    assert busiest_second(starts) <= 100
    assert max(starts) - min(starts) >= 119 / 100


def _run_with_a_storage_thread(calls) -> None:
    """Run `calls` on 10 threads while this thread does their storage work, as the matcher's
    request thread does."""
    errands: queue.SimpleQueue = queue.SimpleQueue()
    with storage_thread(errands.put), ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(contextvars.copy_context().run, call) for call in calls]
        while not all(future.done() for future in futures):
            with contextlib.suppress(queue.Empty):
                errands.get(timeout=0.01).run()
    for future in futures:
        future.result()


@pytest.mark.django_db(transaction=True)
def test_clients_sharing_a_database_share_one_cap_without_redis(fake_tmdb):
    fake_tmdb.max_rps = round(100 * FAKE_CAP_ROOM)
    starts: list[float] = []
    # Two clients with their own in-process limiters stand in for two gunicorn workers.
    workers = [
        TMDBClient(
            api_key=FAKE_API_KEY,
            api_url=fake_tmdb.url,
            cache_alias=None,
            rate_limiter=RecordingLimiter(100, cache_alias=None, database="default", starts=starts),
        )
        for _ in range(2)
    ]
    calls = [partial(workers[i % 2].search, f"Film {i}") for i in range(120)]

    _run_with_a_storage_thread(calls)

    for worker in workers:
        worker.close()
    assert fake_tmdb.request_count == len(starts) == 120
    # Each limiter alone would allow 100 per second; together they kept to one budget.
    assert busiest_second(starts) <= 100
    assert max(starts) - min(starts) >= 119 / 100
    assert CatalogPace.objects.get().next_slot > 0


def test_inside_a_transaction_the_limiter_paces_in_the_process_and_takes_no_row_lock(fake_tmdb, db):
    waits: list[float] = []
    limiter = RateLimiter(1, cache_alias=None, database="default", sleep=waits.append)

    limiter.wait()
    limiter.wait()

    assert not CatalogPace.objects.exists()
    assert waits == [pytest.approx(1 / RateLimiter.HEADROOM, abs=0.01)]


def test_the_backlog_is_how_long_a_request_asked_for_now_would_wait():
    limiter = RateLimiter(10, cache_alias=None, clock=lambda: 100.0, sleep=lambda seconds: None)
    assert limiter.backlog() == 0

    for _ in range(3):
        limiter.wait()

    assert limiter.backlog() == pytest.approx(3 / (10 * RateLimiter.HEADROOM))


class _StallingClock:
    """A clock whose sleeps overrun by the given seconds, one sleep after another."""

    def __init__(self, overruns: list[float]):
        self.now, self.overruns = 100.0, overruns
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + (self.overruns.pop(0) if self.overruns else 0.0)


def test_a_caller_waking_late_takes_a_new_slot_instead_of_crowding_the_next_ones():
    clock = _StallingClock(overruns=[0.05])
    limiter = RateLimiter(10, cache_alias=None, clock=clock, sleep=clock.sleep)
    interval = 1 / (10 * RateLimiter.HEADROOM)
    limiter.wait()
    limiter.wait()  # sleeps one interval, wakes 50 ms late: queues again

    # It went in the slot after the one it missed, which nobody used.
    assert clock.sleeps == pytest.approx([interval, interval - 0.05])
    assert limiter.backlog() == pytest.approx(interval)


def test_a_caller_waking_only_a_little_late_goes():
    clock = _StallingClock(overruns=[RateLimiter.LATE_SECONDS / 2])
    limiter = RateLimiter(10, cache_alias=None, clock=clock, sleep=clock.sleep)
    limiter.wait()
    limiter.wait()

    assert len(clock.sleeps) == 1


def test_a_caller_who_would_wait_too_long_takes_no_slot():
    limiter = RateLimiter(1, cache_alias=None, clock=lambda: 100.0, sleep=lambda seconds: None)
    limiter.wait()
    limiter.wait()
    queued = limiter.backlog()

    assert limiter.wait(max_wait=0.5) is False
    assert limiter.wait(max_wait=-0.01) is False
    assert limiter.backlog() == pytest.approx(queued)
    assert limiter.wait(max_wait=queued + 0.01) is True
    assert limiter.backlog() == pytest.approx(queued + 1 / RateLimiter.HEADROOM)


@pytest.mark.django_db(transaction=True)
def test_a_caller_refused_by_the_database_shared_limiter_takes_no_slot():
    limiter = RateLimiter(1, cache_alias=None, database="default", sleep=lambda seconds: None)
    limiter.wait()
    limiter.wait()
    next_slot = CatalogPace.objects.get().next_slot

    assert limiter.wait(max_wait=0.5) is False
    assert CatalogPace.objects.get().next_slot == next_slot
    assert limiter.wait(max_wait=5) is True
    assert CatalogPace.objects.get().next_slot == pytest.approx(
        next_slot + 1 / RateLimiter.HEADROOM
    )


@pytest.mark.usefixtures("redis_cache")
def test_a_caller_refused_by_the_redis_shared_limiter_takes_no_slot():
    limiter = RateLimiter(1, sleep=lambda seconds: None)
    # Even with nobody queued, a caller whose time to start is over does not go.
    out_of_time = limiter.wait(max_wait=-0.01)
    limiter.wait()
    limiter.wait()
    queued = limiter.backlog()

    refused = limiter.wait(max_wait=0.5)
    after_refusal = limiter.backlog()
    granted = limiter.wait(max_wait=5)
    after_grant = limiter.backlog()
    assert out_of_time is False and refused is False
    # Redis's clock runs on between the calls: the backlog only shrinks while nothing is taken.
    assert after_refusal <= queued
    assert granted is True
    assert after_grant == pytest.approx(after_refusal + 1 / RateLimiter.HEADROOM, abs=0.05)


@pytest.mark.django_db(transaction=True)
def test_the_backlog_of_a_database_shared_limiter_counts_every_processs_requests():
    # Two limiters stand in for two gunicorn workers sharing the database.
    first, second = (
        RateLimiter(1, cache_alias=None, database="default", sleep=lambda seconds: None)
        for _ in range(2)
    )

    first.wait()
    first.wait()

    # SQLite's clock counts milliseconds.
    assert 0.9 < second.backlog() < 2 / RateLimiter.HEADROOM + 0.01


# A rate limit queue and a caller's deadline


def test_a_rate_limit_queue_longer_than_the_deadline_gives_up_without_waiting(fake_tmdb):
    waits: list[float] = []
    limiter = RateLimiter(1, cache_alias=None, sleep=waits.append)
    client = TMDBClient(
        api_key=FAKE_API_KEY, api_url=fake_tmdb.url, cache_alias=None, rate_limiter=limiter
    )

    with client, deadline(0.5):
        client.search("Casablanca")
        with pytest.raises(OutOfTime):
            client.search("Alien")

    assert waits == [] and fake_tmdb.request_count == 1


def test_a_call_that_cannot_start_in_time_gives_up_while_a_started_one_retries_to_the_deadline(
    fake_tmdb,
):
    limiter = RateLimiter(2, cache_alias=None, sleep=lambda seconds: None)
    backoffs: list[float] = []
    client = TMDBClient(
        api_key=FAKE_API_KEY,
        api_url=fake_tmdb.url,
        cache_alias=None,
        rate_limiter=limiter,
        sleep=backoffs.append,
    )
    fake_tmdb.fail_next(1, status=503)

    with client, deadline(10, start_within=0.2):
        # Started at once, so its retry may wait past the start limit, within the deadline.
        assert client.search("Casablanca")[0].title == "Casablanca"
        with pytest.raises(OutOfTime):
            client.search("Alien")

    assert backoffs == [0.5]
    assert [r.params["query"] for r in fake_tmdb.received] == ["Casablanca", "Casablanca"]
    # The refused search took no place in the rate limit's queue.
    assert limiter.backlog() <= 2 / (2 * RateLimiter.HEADROOM)
