"""The matching engine: claims, leases, the lookup threads, storing matches.

The wizard page POSTs to `views.match` again and again while it shows a progress bar; each
request calls `match_batch`, which matches for MATCH_BUDGET_SECONDS and returns. No worker
process: state lives in the rows, so a closed tab or a killed server resumes where it stopped.

    claim   `_claim` leases unmatched items to this request (CLAIM_LEASE), so two requests never
            match one item; a request that dies leaves a lease that runs out.
    search  `_look_up_all` runs `imports.lookup.find_match` for each distinct title on up to
            MAX_LOOKUP_THREADS threads; the TMDB client's rate limiter paces them. The
            threads touch neither database nor cache: the request thread does that for them
            (`catalog.deadlines.storage_thread`), so a match request holds one connection.
    score   `imports.scoring.match` scores each item against its title's candidates.
    store   `_store_matches` writes them every STORE_EVERY items, only while the lease holds.

How long a match request can run, whatever the catalog does. One policy, applied in layers:
- `match_batch` claims no new titles after MATCH_BUDGET_SECONDS (2.5 s).
- It runs the lookups under `catalog.deadlines.deadline(budget + LOOKUP_GRACE_SECONDS,
  start_within=...)`; the worker threads run in a copy of the request's context, so the same
  deadline holds there. A TMDB request that cannot start within the budget (or, when other
  imports already queue for longer, within a second of that queue) takes no place in the
  rate limit's queue: its title is released for the next match request. So each request
  stays near its budget however many imports share TMDB, and still matches a title or more.
  Every other request gets `PAGE_DEADLINE_SECONDS` from `catalog.middleware`; the innermost
  deadline wins.
- The TMDB client ends each attempt by the deadline (every socket call, so a server dripping
  bytes cannot stretch it), and skips a retry or a Retry-After wait that would run past it:
  it raises `OutOfTime` (nothing failed: the titles are released for the next request, no
  message) or the failure it was retrying (matching pauses with it).
- So a match request ends about 12.5 s in at most: inside CLAIM_LEASE (20 s), which a live
  request therefore never outlives, and gunicorn's default 30 s worker timeout.
"""

import contextvars
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from catalog.deadlines import Errand, storage_thread
from catalog.deadlines import deadline as catalog_deadline
from catalog.interface import Catalog, CatalogError, CatalogMovie, OutOfTime
from catalog.titles import normalize_title
from imports.lookup import Lookup, find_match
from imports.models import ImportItem, ImportSession
from imports.scoring import match
from imports.snapshots import movie_to_snapshot
from rankings.models import Ranking

# One matching request works this long, so progress reaches the page every couple of seconds.
# Each request also ends with a round trip in which TMDB sits idle (its latency, the page's next
# POST); at 1.5 s those cost a 500-film import ~18% over the rate limit's floor, at 2.5 s ~13%.
MATCH_BUDGET_SECONDS = 2.5
# However TMDB behaves (timeouts, retries, Retry-After), a match request ends this long after
# its budget.
LOOKUP_GRACE_SECONDS = 10.0
# A request that dies mid-batch (server killed, worker timeout) leaves its claim behind; after
# this long another request takes those items over, so matching always resumes.
CLAIM_LEASE = timedelta(seconds=20)
MAX_LOOKUP_THREADS = 20
# How often a request whose remaining titles another request holds looks whether they are in.
OTHER_CLAIMS_POLL_SECONDS = 0.1
# Matches are written in small transactions while the remaining searches are still running.
STORE_EVERY = 10


def _claim(session: ImportSession, size: int) -> list[ImportItem]:
    """Take up to `size` unmatched items for this request, so no other request matches them.

    The lease's end doubles as the claim's token: a new claim on an item only comes after the
    previous lease ran out, so no two claims on one item ever carry the same value.
    """
    now = timezone.now()
    lease = now + CLAIM_LEASE
    with transaction.atomic():
        free = session.items.to_match().unclaimed(now).order_by("position")
        if connection.features.has_select_for_update_skip_locked:
            free = free.select_for_update(skip_locked=True)
        # On SQLite the IMMEDIATE transaction (settings) holds the write lock from here on,
        # which serialises claims just as row locks do on PostgreSQL.
        items = list(free[:size])
        ImportItem.objects.filter(pk__in=[i.pk for i in items]).update(claimed_until=lease)
    for item in items:
        item.claimed_until = lease
    return items


def _release(items: list[ImportItem]) -> None:
    if items:
        ImportItem.objects.filter(
            pk__in=[i.pk for i in items], claimed_until__in={i.claimed_until for i in items}
        ).update(claimed_until=None)


def _query_key(item: ImportItem) -> tuple[str, int | None]:
    return normalize_title(item.clean_title), item.year_hint


def _look_up_all(lookups: Mapping[tuple, Callable[[], Lookup]], found) -> None:
    """Run each lookup once, concurrently (the client's rate limiter paces the requests), and
    call `found(key, lookup)` on this thread as each completes.

    This thread is the catalog's storage thread: the lookup threads hand it their cache reads
    and writes and the rate limiter's database queries, so that a match request holds one
    database connection however many threads it runs (each would open its own otherwise, and
    ten users' imports on four workers used up PostgreSQL's 100).

    The first failure stops the lookups not started yet and is raised once those in flight
    have ended and been handed to `found`.
    """
    todo = deque(lookups.items())
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                try:
                    key, look_up = todo.popleft()
                except IndexError:
                    return
                try:
                    done.put((key, look_up(), None))
                except Exception as exc:
                    done.put((key, None, exc))
        finally:
            # Only a catalog that ignores the storage thread opens connections here.
            connections.close_all()
            done.put(None)

    workers = min(MAX_LOOKUP_THREADS, len(todo))
    error = None
    # Left in this order, the storage thread stops first: should `found` fail, the errands
    # still queued fail at once instead of keeping the workers (and the pool's exit) waiting.
    with (
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="match") as pool,
        storage_thread(done.put),
    ):
        for _ in range(workers):
            # Each worker runs in a copy of this context, so the catalog deadline and the
            # storage thread hold there.
            pool.submit(contextvars.copy_context().run, work)
        try:
            # Until every worker has ended, even after a failure: they may wait on an errand.
            while workers:
                message = done.get()
                if message is None:
                    workers -= 1
                elif isinstance(message, Errand):
                    message.run()
                elif message[2] is not None:
                    error = error or message[2]
                    stop.set()
                else:
                    # An answer that arrives after another lookup failed is still stored:
                    # its items are this request's, and the next one would only redo it.
                    found(message[0], message[1])
        finally:
            stop.set()
    if error is not None:
        raise error


def match_batch(
    *,
    session: ImportSession,
    catalog: Catalog,
    budget: float | None = None,
    wait_for_others: bool = True,
) -> None:
    """Match pending items until the time budget is spent. Catalog failures pause matching.
    An import that is not matching is left as it is; one that is has its expiry slid.

    Items are never marked unmatched because the catalog failed: a failing batch releases
    the items it has no results for and records the message, and the next request retries them.
    A catalog merely slower than the request's deadline releases them without a message.

    When every item left is claimed by another request (the page's second lane, another
    tab), this one waits, within its budget, for them to be stored (`wait_for_others`), so
    that it can end matching the moment they are instead of the page asking again later.
    """
    if not session.is_matching:
        return
    budget = MATCH_BUDGET_SECONDS if budget is None else budget
    deadline = time.monotonic() + budget
    ranked = Ranking.objects.for_user(session.user).catalog_ids()
    # Titles of a localized file mostly differ from the catalog's: two searches each.
    cost = _RequestCost(expected=2.0 if session.language else 1.0)
    queued = catalog.backlog()
    # No lookup starts after the budget, or after the first one's turn when other imports
    # queue for longer than that: the request neither sits in the rate limit's queue for the
    # whole grace, nor gives up at once and has the page ask again and again.
    with catalog_deadline(budget + LOOKUP_GRACE_SECONDS, start_within=max(budget, queued + 1)):
        while (remaining := deadline - time.monotonic()) > 0:
            # As many titles as the rate limit lets through in the time left, after the
            # requests already queued for it (other people's imports): the request keeps
            # TMDB busy to the end of its time box without running far past it. Cached
            # titles take no time, so the loop simply claims again.
            titles = _rate(catalog) * (remaining - catalog.backlog()) / cost.per_title
            items = _claim(session, max(1, round(titles)))
            if not items:
                if wait_for_others and _wait_for_other_claims(session, deadline):
                    continue
                break
            try:
                _match_items(session, catalog, items, ranked, cost)
            except OutOfTime:
                break
            except CatalogError as exc:
                session.matching_error = exc.message
                ImportSession.objects.filter(pk=session.pk).update(matching_error=exc.message)
                session.touch()
                return
    if session.matching_error:
        session.matching_error = ""
        ImportSession.objects.filter(pk=session.pk).update(matching_error="")
    session.finish_matching_if_done()
    session.touch()


def _rate(catalog: Catalog) -> float:
    """Requests a second the catalog lets start (TMDB: its rate limit's pace); a catalog
    without a rate limit is claimed for at TMDB's cap."""
    rate = catalog.requests_per_second
    return settings.TMDB_MAX_RPS if rate is None else rate


def _wait_for_other_claims(session: ImportSession, deadline: float) -> bool:
    """Wait, until `deadline`, while other requests hold every title left; True when some
    came free to claim (a request let them go), False when none is left or time is up."""
    while time.monotonic() < deadline:
        left = session.items.to_match()
        if not left.exists():
            return False
        if left.unclaimed(timezone.now()).exists():
            return True
        time.sleep(OTHER_CLAIMS_POLL_SECONDS)
    return False


class _RequestCost:
    """Catalog requests per title so far in this batch: a title that needs a wider search or
    the leaders' details costs several, and the next claim shrinks to fit the time left."""

    def __init__(self, expected: float) -> None:
        self.expected = expected
        self.titles = self.requests = 0

    def add(self, lookup: Lookup) -> None:
        self.titles += 1
        self.requests += lookup.searches + lookup.details

    @property
    def per_title(self) -> float:
        return self.requests / self.titles if self.titles else self.expected


def _match_items(session, catalog, items, ranked, cost: _RequestCost) -> None:
    """Look up the claimed items' distinct titles and store each match as its lookup ends,
    a few at a time, so storing overlaps with searching instead of following it."""
    waiting: dict[tuple, list[ImportItem]] = {}
    for item in items:
        waiting.setdefault(_query_key(item), []).append(item)
    lookups = {
        key: partial(
            find_match,
            catalog,
            group[0].clean_title,
            year_hint=group[0].year_hint,
            # The latest watch is the loosest upper bound on the release date; each item is
            # then scored with its own.
            watched=max((i.last_watched for i in group if i.last_watched), default=None),
            language=session.language or None,
        )
        for key, group in waiting.items()
    }
    arrived: list[tuple[ImportItem, tuple[CatalogMovie, ...]]] = []

    def found(key, lookup: Lookup) -> None:
        cost.add(lookup)
        arrived.extend((item, lookup.candidates) for item in waiting.pop(key))
        if len(arrived) >= STORE_EVERY:
            _store_matches(session, arrived, ranked)
            arrived.clear()

    try:
        _look_up_all(lookups, found)
    finally:
        # On a catalog failure what arrived is still kept; the rest waits for the next request.
        _store_matches(session, arrived, ranked)
        _release([item for group in waiting.values() for item in group])


def _store_matches(session, arrived, ranked) -> None:
    """Store each item's match unless its claim ran out meanwhile (TMDB was slower than the
    lease) and another request took the item over: an item is matched exactly once."""
    updates, already = [], 0
    for item, results in arrived:
        found = match(
            item.clean_title, results, year_hint=item.year_hint, watched=item.last_watched
        )
        values = {
            "match_status": found.status,
            "confidence": round(found.confidence, 3),
            "band": found.band,
            "reason": found.reason[:200],
            "proposal": movie_to_snapshot(found.proposal) if found.proposal else None,
            "alternatives": [movie_to_snapshot(m) for m in found.alternatives],
            "claimed_until": None,
        }
        if found.preselected and found.proposal and found.proposal.catalog_id in ranked:
            values["decision"] = ImportItem.Decision.ALREADY_RANKED
        updates.append((item, values))
    if not updates:
        return
    # One UPDATE per item: bulk_update's CASE expressions cost ~5 ms of Python per item.
    with transaction.atomic():
        for item, values in updates:
            stored = ImportItem.objects.filter(pk=item.pk, claimed_until=item.claimed_until).update(
                **values
            )
            already += stored and "decision" in values
        if already:
            ImportSession.objects.filter(pk=session.pk).update(
                already_ranked=F("already_ranked") + already
            )
