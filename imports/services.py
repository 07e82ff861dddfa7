"""Multi-model workflows of the import wizard: create a session, match in batches, decide."""

import contextvars
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from imports.evidence import Lookup, find_match
from imports.matching import match
from imports.models import (
    ImportItem,
    ImportSession,
    RememberedDecision,
    memory_key,
    movie_to_snapshot,
)
from imports.parsing import History
from rankings.catalog import Catalog, CatalogError, CatalogMovie, OutOfTime
from rankings.catalog import deadline as catalog_deadline
from rankings.models import Movie, Ranking
from rankings.titles import normalize_title

# A request that dies mid-batch (server killed, worker timeout) leaves its claim behind; after
# this long another request takes those items over, so matching always resumes. A live request
# holds its claims at most its budget plus LOOKUP_GRACE_SECONDS (about 13 s).
CLAIM_LEASE = timedelta(seconds=20)
MAX_LOOKUP_THREADS = 20
# Matches are written in small transactions while the remaining searches are still running.
STORE_EVERY = 10
# However TMDB behaves (timeouts, retries, Retry-After), a match request ends this long after
# its budget: well inside CLAIM_LEASE and gunicorn's default 30 s worker timeout.
LOOKUP_GRACE_SECONDS = 10.0


# Upload ---------------------------------------------------------------------------------------


def _ranked_titles(user) -> set[str]:
    """Normalised titles of films the user has already ranked, for spotting them at upload."""
    titles = set()
    for title, original in Ranking.objects.for_user(user).values_list(
        "movie__title", "movie__original_title"
    ):
        titles.add(normalize_title(title))
        if original:
            titles.add(normalize_title(original))
    return titles


def _ranked_ids(user) -> tuple[set[int], set[str]]:
    rows = Ranking.objects.for_user(user).values_list("movie__tmdb_id", "movie__imdb_id")
    return {t for t, _ in rows if t}, {i for _, i in rows if i}


def _is_ranked(film: CatalogMovie, ranked: tuple[set[int], set[str]]) -> bool:
    return (film.tmdb_id in ranked[0]) if film.tmdb_id else (film.imdb_id in ranked[1])


def _new_item(session, position, movie, **values) -> ImportItem:
    return ImportItem(
        session=session,
        position=position,
        prime_title=movie.title[:500],
        clean_title=movie.clean_title[:500],
        year_hint=movie.year_hint,
        watched=[d.isoformat() for d in movie.watched],
        last_watched=movie.last_watched,
        image_url=movie.image_url[:1000],
        gti=movie.gti[:100],
        **values,
    )


def _remembered_match(memory: RememberedDecision, ranked) -> dict:
    """Item values for a title the person added before: their film, no catalog call."""
    film = memory.film_movie
    return {
        "match_status": ImportItem.MatchStatus.MATCHED,
        "confidence": 1.0,
        "band": "High",
        "reason": "your earlier choice",
        "proposal": memory.film,
        "decision": ImportItem.Decision.ALREADY_RANKED
        if _is_ranked(film, ranked)
        else ImportItem.Decision.PENDING,
    }


@transaction.atomic
def create_session(*, user, file_name: str, history: History) -> ImportSession:
    """Store a parsed history as a new session, waiting if another import is in progress.

    Titles the person already ranked are only counted. Titles they skipped in an earlier
    import come back pre-skipped, and titles they added before carry their earlier choice.
    """
    now = timezone.now()
    # Expired imports no longer count as "in progress"; retire them so they do not block.
    ImportSession.objects.filter(
        user=user, status__in=ImportSession.ACTIVE, expires_at__lte=now
    ).update(status=ImportSession.Status.CANCELLED)
    busy = ImportSession.objects.filter(user=user, status__in=ImportSession.ACTIVE).exists()
    ImportSession.objects.filter(user=user, status=ImportSession.Status.WAITING).delete()

    titles, ranked = _ranked_titles(user), _ranked_ids(user)
    memories = {m.key: m for m in RememberedDecision.objects.filter(user=user)}
    review, skipped, already_ranked = [], [], 0
    for movie in history.movies:
        memory = memories.get(memory_key(gti=movie.gti, clean_title=movie.clean_title))
        if memory and memory.kind == RememberedDecision.Kind.SKIPPED:
            skipped.append(movie)
        elif memory and memory.film:
            values = _remembered_match(memory, ranked)
            if values["decision"] == ImportItem.Decision.ALREADY_RANKED:
                already_ranked += 1
            else:
                review.append((movie, values))
        elif normalize_title(movie.clean_title) in titles:
            already_ranked += 1
        else:
            review.append((movie, {}))
    limit = settings.IMPORT_MAX_MOVIES
    session = ImportSession.objects.create(
        user=user,
        status=ImportSession.Status.WAITING if busy else ImportSession.Status.MATCHING,
        file_name=file_name[:255],
        detected_format=history.format_label,
        language=history.language or "",
        date_warning=history.date_warning[:300],
        total_entries=history.total_rows,
        movies_found=len(history.movies),
        episodes_filtered=history.episode_rows,
        other_dropped=history.total_rows - history.movie_rows - history.episode_rows,
        already_ranked=already_ranked,
        truncated=max(0, len(review) - limit),
    )
    items = [
        _new_item(session, position, movie, **values)
        for position, (movie, values) in enumerate(review[:limit], start=1)
    ]
    items += [
        _new_item(
            session,
            len(items) + n,
            movie,
            match_status=ImportItem.MatchStatus.UNMATCHED,
            decision=ImportItem.Decision.SKIPPED,
            skipped_before=True,
        )
        for n, movie in enumerate(skipped, start=1)
    ]
    ImportItem.objects.bulk_create(items, batch_size=500)
    if not busy:
        finish_matching_if_done(session)
    return session


@transaction.atomic
def confirm_replacement(*, session: ImportSession) -> None:
    """Replace the user's import in progress with this waiting one."""
    ImportSession.objects.filter(user=session.user, status__in=ImportSession.ACTIVE).update(
        status=ImportSession.Status.CANCELLED
    )
    session.status = ImportSession.Status.MATCHING
    session.save(update_fields=["status"])
    finish_matching_if_done(session)
    session.touch()


# Matching -------------------------------------------------------------------------------------


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


def _look_up_all(lookups: dict[tuple, Callable[[], Lookup]], found) -> None:
    """Run each lookup once, concurrently (the client's rate limiter paces the requests), and
    call `found(key, lookup)` on this thread as each completes.

    The first failure stops the lookups not started yet and is raised once those in flight
    have ended; the searches that succeeded are in the cache by then.
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
            # With the database cache each worker thread opened its own connection.
            connections.close_all()
            done.put(None)

    workers = min(MAX_LOOKUP_THREADS, len(todo))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="match") as pool:
        for _ in range(workers):
            # Each worker runs in a copy of this context, so the catalog deadline holds there.
            pool.submit(contextvars.copy_context().run, work)
        try:
            while workers:
                message = done.get()
                if message is None:
                    workers -= 1
                    continue
                key, lookup, error = message
                if error:
                    raise error
                found(key, lookup)
        finally:
            stop.set()


def match_batch(*, session: ImportSession, catalog: Catalog, budget: float = 1.5) -> None:
    """Match pending items until the time budget is spent. Catalog failures pause matching.

    Items are never marked unmatched because the catalog failed: a failing batch releases
    the items it has no results for and records the message, and the next request retries them.
    A catalog merely slower than the request's deadline releases them without a message.
    """
    deadline = time.monotonic() + budget
    ranked = _ranked_ids(session.user)
    # Titles of a localized file mostly differ from the catalog's: two searches each.
    cost = _RequestCost(expected=2.0 if session.language else 1.0)
    with catalog_deadline(budget + LOOKUP_GRACE_SECONDS):
        while (remaining := deadline - time.monotonic()) > 0:
            # As many titles as the rate limit lets through in the time left: the request
            # keeps TMDB busy to the end of its time box without running far past it. Cached
            # titles take no time, so the loop simply claims again.
            titles = settings.TMDB_MAX_RPS * remaining / cost.per_title
            items = _claim(session, max(1, round(titles)))
            if not items:
                break
            try:
                _match_items(session, catalog, items, ranked, cost)
            except OutOfTime:
                break
            except CatalogError as exc:
                session.matching_error = exc.message
                ImportSession.objects.filter(pk=session.pk).update(matching_error=exc.message)
                return
    if session.matching_error:
        session.matching_error = ""
        ImportSession.objects.filter(pk=session.pk).update(matching_error="")
    finish_matching_if_done(session)


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
    arrived = []

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
        if found.preselected and found.proposal and _is_ranked(found.proposal, ranked):
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


def finish_matching_if_done(session: ImportSession) -> None:
    if session.status == ImportSession.Status.MATCHING and not session.items.to_match().exists():
        next_status = (
            ImportSession.Status.REVIEWING
            if session.items.pending_review().exists()
            else ImportSession.Status.COMPLETE
        )
        ImportSession.objects.filter(pk=session.pk, status=ImportSession.Status.MATCHING).update(
            status=next_status
        )
        session.refresh_from_db()


# Review decisions -----------------------------------------------------------------------------


class CannotReopen(Exception):
    message = (
        "This import is finished and another one is in progress; finish or replace that one "
        "before changing this one."
    )


def _ensure_reopenable(session: ImportSession) -> None:
    """A finished import can take changes only while no other import is in progress."""
    others = ImportSession.objects.filter(user=session.user, status__in=ImportSession.ACTIVE)
    if others.exclude(pk=session.pk).exists():
        raise CannotReopen


def _locked_item(item_pk: int) -> ImportItem | None:
    """The item, row-locked for the rest of the transaction (None if cleanup removed it)."""
    return ImportItem.objects.select_for_update().filter(pk=item_pk).first()


@transaction.atomic
def add_item(*, item: ImportItem, film: CatalogMovie, rating: int, rated_on: date) -> ImportItem:
    """Rank the chosen film. Idempotent: a repeated Add (double click, second tab) changes
    nothing, and a ranking that already exists is kept as it is, never overwritten."""
    locked = _locked_item(item.pk)
    if locked is None or locked.decision != ImportItem.Decision.PENDING:
        return locked or item
    movie = Movie.objects.from_catalog(film)
    user_id = item.session.user_id
    try:
        with transaction.atomic():
            ranking = Ranking.objects.create(
                user_id=user_id, movie=movie, rating=rating, rated_at=rated_on
            )
    except IntegrityError:
        ranking = None
    locked.decision = ImportItem.Decision.ADDED if ranking else ImportItem.Decision.KEPT
    locked.ranking = ranking
    locked.decided_at = timezone.now()
    if film.catalog_id not in {c.catalog_id for c in locked.candidates}:
        # A film found with the card's search becomes part of the card, so Undo can show it.
        locked.alternatives = [movie_to_snapshot(film), *locked.alternatives][:3]
    locked.save(update_fields=["decision", "ranking", "decided_at", "alternatives"])
    _remember(locked, user_id, RememberedDecision.Kind.ADDED, film=movie_to_snapshot(film))
    return locked


@transaction.atomic
def skip_item(*, item: ImportItem) -> ImportItem:
    locked = _locked_item(item.pk)
    if locked is None or locked.decision != ImportItem.Decision.PENDING:
        return locked or item
    locked.decision = ImportItem.Decision.SKIPPED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decided_at"])
    _remember(locked, item.session.user_id, RememberedDecision.Kind.SKIPPED)
    return locked


def _remember(item: ImportItem, user_id: int, kind: str, film: dict | None = None) -> None:
    RememberedDecision.objects.update_or_create(
        user_id=user_id,
        key=item.memory_key,
        defaults={"kind": kind, "film": film, "prime_title": item.prime_title},
    )


@transaction.atomic
def review_again(*, item: ImportItem) -> None:
    """Bring back a title that was pre-skipped because of an earlier import's decision."""
    locked = _locked_item(item.pk)
    if locked is None or not locked.skipped_before:
        return
    _ensure_reopenable(locked.session)
    RememberedDecision.objects.filter(user=locked.session.user, key=locked.memory_key).delete()
    locked.skipped_before = False
    locked.decision = ImportItem.Decision.PENDING
    locked.match_status = ImportItem.MatchStatus.PENDING
    locked.save(update_fields=["skipped_before", "decision", "match_status"])
    # The title still needs a catalog match, so the wizard goes back to matching for it.
    ImportSession.objects.filter(
        pk=locked.session_id,
        status__in=[ImportSession.Status.REVIEWING, ImportSession.Status.COMPLETE],
    ).update(status=ImportSession.Status.MATCHING)


@transaction.atomic
def undo_last(*, session: ImportSession) -> ImportItem | None:
    """Return the most recently decided card to the queue, removing the ranking it created."""
    last = (
        session.items.select_for_update()
        .filter(decided_at__isnull=False)
        .exclude(decision=ImportItem.Decision.PENDING)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if last is None:
        return None
    if session.status == ImportSession.Status.COMPLETE:
        _ensure_reopenable(session)
    if last.ranking_id:
        Ranking.objects.filter(pk=last.ranking_id).delete()
    # Undo means "not decided": a later import must not reuse the choice either.
    RememberedDecision.objects.filter(user=session.user, key=last.memory_key).delete()
    last.decision, last.ranking, last.decided_at = ImportItem.Decision.PENDING, None, None
    last.save(update_fields=["decision", "ranking", "decided_at"])
    if session.status == ImportSession.Status.COMPLETE:
        session.status = ImportSession.Status.REVIEWING
        session.save(update_fields=["status"])
    return last


def complete_if_done(session: ImportSession) -> None:
    if (
        session.status == ImportSession.Status.REVIEWING
        and not session.items.pending_review().exists()
    ):
        ImportSession.objects.filter(pk=session.pk, status=ImportSession.Status.REVIEWING).update(
            status=ImportSession.Status.COMPLETE
        )
        session.status = ImportSession.Status.COMPLETE
