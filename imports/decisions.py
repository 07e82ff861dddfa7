"""What a person does to an import under review: add, skip, undo, the two bulk steps, and
bringing a title back. The card and the list make the same calls; only what they show after
differs.

Each action is one call that checks the import's state, changes it inside one transaction and
leaves the import settled (`ImportSession.settle`: complete when no card is left, reopened when
an undo brings one back, expiry slid). It returns an `Outcome`: what to show, never a response.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import ParamSpec

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, QuerySet, Subquery
from django.utils import timezone

from catalog.interface import CatalogMovie
from imports.models import ImportItem, ImportSession, RememberedDecision
from imports.snapshots import movie_to_snapshot, snapshot_to_movie
from rankings.models import Movie, Ranking

REOPEN_REFUSED = (
    "This import is finished and another one is in progress; finish or replace that one "
    "before changing this one."
)


@dataclass
class Outcome:
    """How an action ended, for the view to show.

    `changed` is False when the action found nothing to do (already decided in another tab,
    not in review); `error` says why it was refused, `notice` what the person should know, and
    `invalid` that the input it was given was not usable (the form says why).
    """

    session: ImportSession
    item: ImportItem | None = None
    changed: bool = True
    error: str = ""
    notice: str = ""
    invalid: bool = False


@dataclass(frozen=True)
class Choice:
    """A card's or a row's Add: the film, the stars and the day."""

    film: CatalogMovie
    rating: int
    rated_on: date


P = ParamSpec("P")


def _action(function: Callable[P, Outcome]) -> Callable[P, Outcome]:
    """One transaction for the action and the import's settling after it."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> Outcome:
        with transaction.atomic():
            outcome = function(*args, **kwargs)
            outcome.session.settle()
        return outcome

    return run


class _Refused(Exception):
    pass


def _ensure_reopenable(session: ImportSession) -> None:
    """A finished import can take changes only while no other import is in progress."""
    others = ImportSession.objects.filter(user_id=session.user_id, status__in=session.ACTIVE)
    if others.exclude(pk=session.pk).exists():
        raise _Refused(REOPEN_REFUSED)


def _locked_item(item: ImportItem) -> ImportItem | None:
    """The item, row-locked for the rest of the transaction (None if cleanup removed it)."""
    locked = ImportItem.objects.select_for_update().filter(pk=item.pk).first()
    if locked is not None:
        locked.session = item.session
    return locked


def _undecidable(item: ImportItem, locked: ImportItem | None) -> Outcome | None:
    """The outcome for a card that cannot be decided now, or None."""
    session = item.session
    if locked is None or locked.decision != ImportItem.Decision.PENDING:
        # A double click, a retry or a second tab: nothing changes.
        notice = f"“{item.prime_title}” was already decided (perhaps in another tab)."
        return Outcome(session, locked or item, changed=False, notice=notice)
    if not session.is_reviewing or not locked.is_reviewable:
        return Outcome(session, locked, changed=False)
    return None


# One card or row -------------------------------------------------------------------------------


@_action
def add(*, item: ImportItem, choice: Choice | None) -> Outcome:
    """Rank the chosen film. A repeated Add (double click, second tab) changes nothing, and a
    ranking that already exists is kept as it is, never overwritten. `choice` is None when the
    person's input was not usable: the card stays as it is."""
    locked = _locked_item(item)
    if (refused := _undecidable(item, locked)) is not None:
        return refused
    assert locked is not None
    if choice is None:
        return Outcome(item.session, locked, changed=False, invalid=True)
    film = choice.film
    movie = Movie.objects.from_catalog(film)
    user_id = item.session.user_id
    try:
        with transaction.atomic():
            ranking = Ranking.objects.create(
                user_id=user_id, movie=movie, rating=choice.rating, rated_at=choice.rated_on
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
    _remember_all([locked], user_id, RememberedDecision.Kind.ADDED, {locked.pk: film})
    return Outcome(item.session, locked)


@_action
def skip(*, item: ImportItem) -> Outcome:
    locked = _locked_item(item)
    if (refused := _undecidable(item, locked)) is not None:
        return refused
    assert locked is not None
    locked.decision = ImportItem.Decision.SKIPPED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decided_at"])
    _remember_all([locked], item.session.user_id, RememberedDecision.Kind.SKIPPED)
    return Outcome(item.session, locked)


@_action
def undo_item(*, item: ImportItem) -> Outcome:
    """Take back one row's decision (a row of a bulk step comes back alone)."""
    try:
        undone = _undo(item.session, [item])
    except _Refused as refused:
        return Outcome(item.session, item, changed=False, error=str(refused))
    return Outcome(item.session, undone[0] if undone else item, changed=bool(undone))


@_action
def review_again(*, item: ImportItem) -> Outcome:
    """Bring back a title that was pre-skipped because of an earlier import's decision."""
    session = item.session
    locked = _locked_item(item)
    if locked is None or not locked.skipped_before:
        return Outcome(session, item, changed=False)
    try:
        _ensure_reopenable(session)
    except _Refused as refused:
        return Outcome(session, item, changed=False, error=str(refused))
    RememberedDecision.objects.filter(user_id=session.user_id, key=locked.memory_key).delete()
    locked.skipped_before = False
    locked.decision = ImportItem.Decision.PENDING
    locked.match_status = ImportItem.MatchStatus.PENDING
    locked.save(update_fields=["skipped_before", "decision", "match_status"])
    session.match_again()
    return Outcome(session, locked)


# The whole import ------------------------------------------------------------------------------


@_action
def undo_last(*, session: ImportSession) -> Outcome:
    """Return the most recent step to the queue (every item of a bulk step), removing the
    rankings it created."""
    if session.status not in (ImportSession.Status.REVIEWING, ImportSession.Status.COMPLETE):
        return Outcome(session, changed=False)
    try:
        undone = _undo(session, list(_last_step_items(session)))
    except _Refused as refused:
        return Outcome(session, changed=False, error=str(refused))
    if not undone:
        return Outcome(session, changed=False, error="There is nothing to undo.")
    return Outcome(session)


@_action
def add_all_high(*, session: ImportSession, rating: int) -> Outcome:
    """Rank every pending High match with `rating`, each on its own latest watch date, as one
    step that one Undo reverts. A double click or a second tab adds nothing twice: the items
    are locked, and only those still pending are decided."""
    items = _lock_pending(session, ImportItem.MatchStatus.MATCHED) if session.is_reviewing else []
    if not items:
        return Outcome(session, changed=False)
    films: dict[int, CatalogMovie] = {}
    for item in items:
        assert item.proposal is not None  # matching stores a proposal with every High match
        films[item.pk] = snapshot_to_movie(item.proposal)
    movies = _movies_for(list(films.values()))
    user_id = session.user_id
    movie_of = {item.pk: movies[films[item.pk].catalog_id] for item in items}
    already = set(
        Ranking.objects.filter(user_id=user_id, movie__in=movie_of.values()).values_list(
            "movie_id", flat=True
        )
    )
    today = timezone.localdate()
    new: dict[int, Ranking] = {}
    for item in items:  # newest watch first: a film proposed twice is rated on its latest
        movie = movie_of[item.pk]
        if movie.pk not in already and movie.pk not in new:
            rated_at = timezone.localdate(item.last_watched) if item.last_watched else today
            new[movie.pk] = Ranking(user_id=user_id, movie=movie, rating=rating, rated_at=rated_at)
    Ranking.objects.bulk_create(new.values(), ignore_conflicts=True)
    created = {
        r.movie_id: r for r in Ranking.objects.filter(user_id=user_id, movie_id__in=list(new))
    }
    now = timezone.now()
    for item in items:
        ranking = created.pop(movie_of[item.pk].pk, None)
        item.ranking = ranking
        item.decision = ImportItem.Decision.ADDED if ranking else ImportItem.Decision.KEPT
        item.decided_at = now
    ImportItem.objects.bulk_update(items, ["decision", "ranking", "decided_at"], batch_size=500)
    _remember_all(items, user_id, RememberedDecision.Kind.ADDED, films)
    count = len(items)
    return Outcome(session, notice=f"Added {count} High match{'es' if count != 1 else ''}.")


@_action
def skip_all_unmatched(*, session: ImportSession) -> Outcome:
    """Skip every pending title that found no proposal, as one step that one Undo reverts."""
    if not session.is_reviewing:
        return Outcome(session, changed=False)
    items = _lock_pending(session, ImportItem.MatchStatus.UNMATCHED)
    ImportItem.objects.filter(pk__in=[i.pk for i in items]).update(
        decision=ImportItem.Decision.SKIPPED, decided_at=timezone.now()
    )
    _remember_all(items, session.user_id, RememberedDecision.Kind.SKIPPED)
    return Outcome(session, changed=bool(items))


@_action
def review_extra(*, session: ImportSession, index: int) -> Outcome:
    """Bring back for review a title the upload left out as an extra: a film may really be
    called "Making Of". Idempotent: a repeated request finds the title already brought back."""
    locked = ImportSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == ImportSession.Status.CANCELLED or not 0 <= index < len(locked.extras):
        return Outcome(session, changed=False)
    extra = locked.extras[index]
    if extra.get("item"):
        return Outcome(session, changed=False)
    try:
        _ensure_reopenable(locked)
    except _Refused as refused:
        return Outcome(session, changed=False, error=str(refused))
    last = locked.items.order_by("-position").values_list("position", flat=True).first()
    item = ImportItem.objects.create(
        session=locked,
        position=(last or 0) + 1,
        prime_title=extra["title"],
        clean_title=extra["clean_title"],
        year_hint=extra["year_hint"],
        watched=extra["watched"],
        last_watched=datetime.fromisoformat(extra["watched"][0]) if extra["watched"] else None,
        image_url=extra["image_url"],
        gti=extra["gti"],
    )
    extra["item"] = item.pk
    locked.movies_found += 1
    locked.other_dropped = max(0, locked.other_dropped - 1)
    locked.save(update_fields=["extras", "movies_found", "other_dropped"])
    locked.match_again()
    return Outcome(locked, item)


# The last step, for Undo -----------------------------------------------------------------------


def _last_step_items(session: ImportSession) -> QuerySet[ImportItem]:
    """The items of the most recent decision: one card or row, or a whole bulk step (the
    items of one step share their `decided_at`)."""
    decided = session.items.filter(decided_at__isnull=False).exclude(
        decision=ImportItem.Decision.PENDING
    )
    latest = decided.order_by("-decided_at").values("decided_at")[:1]
    return decided.filter(decided_at=Subquery(latest))


def last_step_summary(session: ImportSession) -> tuple[str, int, str] | None:
    """What the most recent step decided, for how many items, and the title of one of them:
    for the Undo button's label, without loading a bulk step's hundreds of items."""
    # A bulk add whose films were partly ranked already is still an add ("added" < "kept").
    step = _last_step_items(session).aggregate(
        decision=Min("decision"), count=Count("pk"), title=Max("prime_title")
    )
    return (step["decision"], step["count"], step["title"]) if step["count"] else None


def _undo(session: ImportSession, items: list[ImportItem]) -> list[ImportItem]:
    """Return these items to the queue, each still decided when locked; those it returned."""
    items = list(
        ImportItem.objects.select_for_update()
        .filter(pk__in=[i.pk for i in items], decided_at__isnull=False)
        .exclude(decision=ImportItem.Decision.PENDING)
    )
    if not items:
        return []
    if session.is_complete:
        _ensure_reopenable(session)
    Ranking.objects.filter(pk__in=[i.ranking_id for i in items if i.ranking_id]).delete()
    # Undo means "not decided": a later import must not reuse the choice either.
    RememberedDecision.objects.filter(
        user_id=session.user_id, key__in=[i.memory_key for i in items]
    ).delete()
    ImportItem.objects.filter(pk__in=[i.pk for i in items]).update(
        decision=ImportItem.Decision.PENDING, ranking=None, decided_at=None
    )
    return items


# Shared by the steps ---------------------------------------------------------------------------


def _movies_for(films: list[CatalogMovie]) -> dict[str, Movie]:
    """The stored film for each catalog film, keyed by catalog id: found, else created, in a
    fixed number of queries however many films there are."""

    def stored() -> dict[str, Movie]:
        found = Movie.objects.identified_as(films)
        return {
            key: movie
            for movie in found
            for key in (str(movie.tmdb_id or ""), movie.imdb_id or "")
            if key
        }

    movies = stored()
    missing = {f.catalog_id: f for f in films if f.catalog_id not in movies}
    if missing:
        # A concurrent import may create the same film meanwhile: its row wins.
        Movie.objects.bulk_create(
            [Movie(**Movie.objects.catalog_values(f)) for f in missing.values()],
            ignore_conflicts=True,
        )
        movies = stored()
    return movies


def _lock_pending(session: ImportSession, match_status: str) -> list[ImportItem]:
    """The session's undecided cards with this match status, locked until the transaction
    ends: a concurrent bulk step waits, then finds them decided."""
    return list(
        session.items.pending_review().filter(match_status=match_status).select_for_update()
    )


def _remember_all(
    items: list[ImportItem],
    user_id: int,
    kind: str,
    films: dict[int, CatalogMovie] | None = None,
) -> None:
    """Remember each item's decision for later imports (with its film, keyed by item pk, when
    one was added), replacing what was remembered for the same title."""
    RememberedDecision.objects.bulk_create(
        [
            RememberedDecision(
                user_id=user_id,
                key=item.memory_key,
                kind=kind,
                film=movie_to_snapshot(films[item.pk]) if films else None,
                prime_title=item.prime_title,
            )
            for item in items
        ],
        update_conflicts=True,
        unique_fields=["user", "key"],
        update_fields=["kind", "film", "prime_title", "updated"],
        batch_size=500,
    )
