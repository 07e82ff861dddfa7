"""Starting an import: store an upload as a session, and replace (or keep) the import in
progress. The review's decisions are `imports.decisions`; matching is `imports.matcher`."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.titles import normalize_title
from imports.models import (
    ImportItem,
    ImportSession,
    RememberedDecision,
    memory_key,
)
from imports.sources import History, PrimeMovie
from rankings.models import Ranking

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
    # Expired imports no longer count as "in progress"; retire them so they do not block.
    ImportSession.objects.filter(user=user).retire_expired()
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
    session.start_matching()
    session.touch()


@transaction.atomic
def keep_current(*, session: ImportSession) -> ImportSession | None:
    """Drop this waiting upload and keep the import in progress, which is returned."""
    _lock_imports_of(session.user_id)
    ImportSession.objects.filter(pk=session.pk, status=ImportSession.Status.WAITING).delete()
    return ImportSession.objects.active().filter(user_id=session.user_id).first()
