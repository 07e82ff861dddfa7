"""Multi-model workflows of the import wizard: store an upload as a session, and the review's
decisions (add, skip, undo, review again). Matching itself is `imports.matcher`."""

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Subquery
from django.utils import timezone

from imports.models import (
    ImportItem,
    ImportSession,
    RememberedDecision,
    memory_key,
    movie_to_snapshot,
    snapshot_to_movie,
)
from imports.sources import History, PrimeMovie
from rankings.catalog import CatalogMovie
from rankings.models import Movie, Ranking
from rankings.titles import normalize_title

# Upload ---------------------------------------------------------------------------------------

# Titles left out as extras that a session keeps for bringing back; a real history has a few.
MAX_EXTRAS_LISTED = 500


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


def _extra_entry(movie: PrimeMovie) -> dict:
    return {
        "title": movie.title[:500],
        "clean_title": movie.clean_title[:500],
        "year_hint": movie.year_hint,
        "watched": [d.isoformat() for d in movie.watched],
        "image_url": movie.image_url[:1000],
        "gti": movie.gti[:100],
    }


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
        if film is not None and film.catalog_id in ranked
        else ImportItem.Decision.PENDING,
    }


def _lock_imports_of(user_id: int) -> None:
    """One change to a person's imports at a time: two tabs uploading (or one uploading while
    the other confirms a replacement) would both find no import in progress, and the second
    would break `one_active_import_per_user` (a 500). The row lock holds until the transaction
    ends."""
    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk"))


@transaction.atomic
def create_session(*, user, file_name: str, history: History) -> ImportSession:
    """Store a parsed history as a new session, waiting if another import is in progress.

    Titles the person already ranked are only counted. Titles they skipped in an earlier
    import come back pre-skipped, and titles they added before carry their earlier choice.
    """
    _lock_imports_of(user.pk)
    now = timezone.now()
    # Expired imports no longer count as "in progress"; retire them so they do not block.
    ImportSession.objects.filter(
        user=user, status__in=ImportSession.ACTIVE, expires_at__lte=now
    ).update(status=ImportSession.Status.CANCELLED)
    busy = ImportSession.objects.filter(user=user, status__in=ImportSession.ACTIVE).exists()
    ImportSession.objects.filter(user=user, status=ImportSession.Status.WAITING).delete()

    titles = _ranked_titles(user)
    ranked = Ranking.objects.for_user(user).catalog_ids()
    memories = {m.key: m for m in RememberedDecision.objects.filter(user=user)}
    review, skipped, already_ranked = [], [], 0
    for movie in history.movies:
        memory = memories.get(memory_key(gti=movie.gti, normalized_title=movie.normalized_title))
        if memory and memory.kind == RememberedDecision.Kind.SKIPPED:
            skipped.append(movie)
        elif memory and memory.film:
            values = _remembered_match(memory, ranked)
            if values["decision"] == ImportItem.Decision.ALREADY_RANKED:
                already_ranked += 1
            else:
                review.append((movie, values))
        elif movie.normalized_title in titles:
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
        extras=[_extra_entry(extra) for extra in history.extras[:MAX_EXTRAS_LISTED]],
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
        session.finish_matching_if_done()
    return session


@transaction.atomic
def confirm_replacement(*, session: ImportSession) -> None:
    """Replace the user's import in progress with this waiting one."""
    _lock_imports_of(session.user_id)
    if not ImportSession.objects.filter(
        pk=session.pk, status=ImportSession.Status.WAITING
    ).exists():
        return  # confirmed in another tab already, or replaced by a newer upload
    ImportSession.objects.filter(user=session.user, status__in=ImportSession.ACTIVE).update(
        status=ImportSession.Status.CANCELLED
    )
    session.status = ImportSession.Status.MATCHING
    session.save(update_fields=["status"])
    session.finish_matching_if_done()
    session.touch()


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
    _remember_all([locked], user_id, RememberedDecision.Kind.ADDED, {locked.pk: film})
    return locked


@transaction.atomic
def skip_item(*, item: ImportItem) -> ImportItem:
    locked = _locked_item(item.pk)
    if locked is None or locked.decision != ImportItem.Decision.PENDING:
        return locked or item
    locked.decision = ImportItem.Decision.SKIPPED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decided_at"])
    _remember_all([locked], item.session.user_id, RememberedDecision.Kind.SKIPPED)
    return locked


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


@transaction.atomic
def add_all_high(*, session: ImportSession, rating: int) -> int:
    """Rank every pending High match with `rating`, each on its own latest watch date, as one
    step that one Undo reverts. A double click or a second tab adds nothing twice: the items
    are locked, and only those still pending are decided. Returns how many were decided."""
    items = _lock_pending(session, ImportItem.MatchStatus.MATCHED)
    if not items:
        return 0
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
    return len(items)


@transaction.atomic
def skip_all_unmatched(*, session: ImportSession) -> int:
    """Skip every pending title that found no proposal, as one step that one Undo reverts."""
    items = _lock_pending(session, ImportItem.MatchStatus.UNMATCHED)
    ImportItem.objects.filter(pk__in=[i.pk for i in items]).update(
        decision=ImportItem.Decision.SKIPPED, decided_at=timezone.now()
    )
    _remember_all(items, session.user_id, RememberedDecision.Kind.SKIPPED)
    return len(items)


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


def _last_step_items(session: ImportSession):
    decided = session.items.filter(decided_at__isnull=False).exclude(
        decision=ImportItem.Decision.PENDING
    )
    latest = decided.order_by("-decided_at").values("decided_at")[:1]
    return decided.filter(decided_at=Subquery(latest))


def last_step(session: ImportSession) -> list[ImportItem]:
    """The items of the most recent decision: one card or row, or a whole bulk step (the
    items of one step share their `decided_at`)."""
    return list(_last_step_items(session))


def last_step_summary(session: ImportSession) -> tuple[str, int, str] | None:
    """What the most recent step decided, for how many items, and the title of one of them:
    for the Undo button's label, without loading a bulk step's hundreds of items."""
    # A bulk add whose films were partly ranked already is still an add ("added" < "kept").
    step = _last_step_items(session).aggregate(
        decision=Min("decision"), count=Count("pk"), title=Max("prime_title")
    )
    return (step["decision"], step["count"], step["title"]) if step["count"] else None


@transaction.atomic
def undo_last(*, session: ImportSession) -> list[ImportItem]:
    """Return the most recent step to the queue (every item of a bulk step), removing the
    rankings it created. Returns the items it brought back."""
    return _undo(session, last_step(session))


@transaction.atomic
def undo_item(*, item: ImportItem) -> ImportItem | None:
    """Take back one row's decision (a row of a bulk step comes back alone)."""
    undone = _undo(item.session, [item])
    return undone[0] if undone else None


def _undo(session: ImportSession, items: list[ImportItem]) -> list[ImportItem]:
    """Return these items to the queue, each still decided when locked; those it returned."""
    items = list(
        ImportItem.objects.select_for_update()
        .filter(pk__in=[i.pk for i in items], decided_at__isnull=False)
        .exclude(decision=ImportItem.Decision.PENDING)
    )
    if not items:
        return []
    if session.status == ImportSession.Status.COMPLETE:
        _ensure_reopenable(session)
    Ranking.objects.filter(pk__in=[i.ranking_id for i in items if i.ranking_id]).delete()
    # Undo means "not decided": a later import must not reuse the choice either.
    RememberedDecision.objects.filter(
        user_id=session.user_id, key__in=[i.memory_key for i in items]
    ).delete()
    ImportItem.objects.filter(pk__in=[i.pk for i in items]).update(
        decision=ImportItem.Decision.PENDING, ranking=None, decided_at=None
    )
    if session.status == ImportSession.Status.COMPLETE:
        session.status = ImportSession.Status.REVIEWING
        session.save(update_fields=["status"])
    return items


@transaction.atomic
def review_extra(*, session: ImportSession, index: int) -> ImportItem | None:
    """Bring back for review a title the upload left out as an extra: a film may really be
    called "Making Of". Idempotent: a repeated request finds the title already brought back."""
    locked = ImportSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == ImportSession.Status.CANCELLED or not 0 <= index < len(locked.extras):
        return None
    extra = locked.extras[index]
    if extra.get("item"):
        return None
    _ensure_reopenable(locked)
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
    if locked.status in (ImportSession.Status.REVIEWING, ImportSession.Status.COMPLETE):
        # The title still needs a catalog match, so the wizard goes back to matching for it.
        locked.status = ImportSession.Status.MATCHING
    locked.save(update_fields=["extras", "movies_found", "other_dropped", "status"])
    return item
