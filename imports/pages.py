"""What the wizard shows: the stage (counts, matching, a card, the summary) and the list, and
how an action's `Outcome` is answered on the card or on the list."""

from typing import Literal

from django.conf import settings
from django.contrib import messages
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import reswap, retarget

from catalog.active import get_catalog
from catalog.interface import CatalogError, CatalogMovie
from imports import matcher
from imports.decisions import Outcome, last_step_summary
from imports.forms import AddForm
from imports.models import ImportItem, ImportSession
from imports.sources import LANGUAGE_NAMES
from movieranking.http import HtmxHttpRequest
from rankings.models import Ranking
from rankings.templatetags.films import day

# Where an action was taken, and so where its answer is shown.
ShownAs = Literal["card", "list"]

# The pause between one match request's answer and the next POST of its lane.
MATCH_POST_DELAY_MS = 50


# The stage: counts, matching, a card, the summary -----------------------------------------------


def stage_context(session: ImportSession, *, card: int | None = 0, **extra) -> dict:
    """Everything the wizard's stage region shows for the session's current state.

    `card` picks the review card to show (0: the next one; None: no card, for the list).
    """
    counts = session.items.progress()
    context = {
        "session": session,
        "max_movies": settings.IMPORT_MAX_MOVIES,
        "match_post_delay_ms": MATCH_POST_DELAY_MS,
        "can_undo": counts["undoable"] > 0,
        "undo_label": _undo_label(session) if counts["undoable"] else "",
        **counts,
    }
    context.update(_catalog_limits(session))
    if session.is_reviewing and card is not None:
        context.update(_card_context(session, position=counts["decided"] + 1, pk=card))
    elif session.is_complete:
        context.update(_summary_context(session))
    elif session.is_waiting:
        context["replacing"] = (
            ImportSession.objects.active()
            .filter(user_id=session.user_id)
            .exclude(pk=session.pk)
            .first()
        )
    return context | extra


def _undo_label(session: ImportSession) -> str:
    """What the Undo button takes back, in words."""
    step = last_step_summary(session)
    if step is None:
        return ""
    decision, count, title = step
    verbs: dict[str, str] = {
        ImportItem.Decision.SKIPPED: "skipped",
        ImportItem.Decision.KEPT: "kept as ranked",
    }
    verb = verbs.get(decision, "added")
    if count == 1:
        return f"{verb} “{title}”"
    return f"{verb} {count} films at once"


def _card_context(session: ImportSession, position: int, pk: int = 0) -> dict:
    pending = session.items.pending_review()
    item = (pending.filter(pk=pk).first() if pk else None) or pending.first()
    if item is None:
        return {}
    candidates = item.candidates
    ranked = Ranking.objects.filter(user_id=session.user_id).of_catalog_films(candidates)
    return {
        "item": item,
        "choices": [(film, ranked.get(film.catalog_id)) for film in candidates],
        "position": position,
        "rated_on": timezone.localdate(item.last_watched)
        if item.last_watched
        else timezone.localdate(),
    }


def _summary_context(session: ImportSession) -> dict:
    return {
        **session.items.outcome(),
        "skipped_before_items": session.items.skipped_before(),
        "unmatched": session.items.unmatched(),
        "skipped_titles": session.items.skipped_with_proposal(),
    }


def _catalog_limits(session: ImportSession) -> dict:
    """What the offline catalog cannot find in this import, said before it disappoints."""
    last = get_catalog().last_year
    if last is None:
        return {}
    context: dict[str, str | int] = {"offline_language": LANGUAGE_NAMES.get(session.language, "")}
    if session.is_complete:
        # A title's own year, else its first watch: a film watched in 2012 is not from 2015.
        years = (
            hint or min((int(d[:4]) for d in watched), default=0)
            for hint, watched in session.items.unmatched().values_list("year_hint", "watched")
        )
        context["newer_than_catalog"] = sum(year > last for year in years)
        context["catalog_last_year"] = last
    return context


def search_results(query: str) -> tuple[list[CatalogMovie], str]:
    """The card search's films for `query`, or what to say instead."""
    try:
        return get_catalog().search(query)[:10], ""
    except CatalogError as exc:
        return [], exc.message


def render_stage(
    request: HtmxHttpRequest, session: ImportSession, status: int = 200, **extra
) -> HttpResponse:
    context = stage_context(session, **extra)
    if request.htmx:
        return render(request, "imports/wizard.html#stage", context, status=status)
    # With a rate-limited catalog the page matches in two lanes (see `views.match_helper`);
    # while matching is paused, the first lane alone retries.
    if session.matching_runs and get_catalog().requests_per_second is not None:
        context["helper_delay"] = f"{round(matcher.MATCH_BUDGET_SECONDS * 500)}ms"
    return render(request, "imports/wizard.html", context, status=status)


# The list -------------------------------------------------------------------------------------

# High matches first, then those that need a look, then those without a proposal.
_LIST_ORDER = Case(
    When(match_status=ImportItem.MatchStatus.MATCHED, then=Value(0)),
    When(match_status=ImportItem.MatchStatus.NEEDS_REVIEW, then=Value(1)),
    default=Value(2),
)


def _list_context(session: ImportSession, *, rows: bool = True, **extra) -> dict:
    """The list page's context; `rows=False` leaves out the rows, for one row's update."""
    context = stage_context(session, card=None, list_view=True, **extra)
    # Each row links to its card: the wizard's URL with the item's pk as a query, reversed
    # once here rather than 500 times by the rows.
    context["card_url"] = reverse("imports:wizard", args=[session.pk])
    if session.is_reviewing and rows:
        items = (
            session.items.reviewable()
            .select_related("ranking__movie")
            .annotate(group=_LIST_ORDER)
            .order_by("group", "position")
        )
        context["rows"] = [_as_row(item) for item in items]
    return context


def _as_row(item: ImportItem) -> ImportItem:
    """An item with what its row shows worked out once: its films and its default date."""
    item.films = item.candidates
    item.watched_day = day(item.last_watched)
    rated_on = timezone.localdate(item.last_watched) if item.last_watched else timezone.localdate()
    item.rated_on_default = rated_on.isoformat()  # as the date input takes it
    return item


def render_list(request: HtmxHttpRequest, session: ImportSession, status: int = 200, **extra):
    template = "imports/review_list.html"
    if request.htmx:
        template += "#review-list"
    response = render(request, template, _list_context(session, **extra), status=status)
    if request.htmx:
        # A row's action can finish the import: the whole list gives way to the summary.
        retarget(response, "#review-list")
        reswap(response, "outerHTML")
    return response


def _render_row(request: HtmxHttpRequest, outcome: Outcome, status: int, error: str):
    """One row after its decision, with the progress above the list brought up to date."""
    session, item = outcome.session, outcome.item
    assert item is not None
    if not session.is_reviewing:
        return render_list(request, session)
    row = _as_row(session.items.select_related("ranking__movie").get(pk=item.pk))
    context = _list_context(session, rows=False) | {"row": row, "row_error": error, "oob": True}
    return render(request, "imports/review_list.html#row-update", context, status=status)


# Answering an action --------------------------------------------------------------------------


def answer(
    request: HtmxHttpRequest,
    outcome: Outcome,
    shown_as: ShownAs,
    *,
    form: AddForm | None = None,
) -> HttpResponse:
    """The response to an action, on the page it was taken on: the next card (or the stage),
    the changed row, or the whole list after a step that changed many rows. Without htmx, the
    page again, with what went wrong as a message."""
    field_errors = _field_errors(form) if outcome.invalid and form is not None else {}
    error = outcome.error or field_errors.pop("__all__", "")
    status = 200
    if outcome.invalid:
        status = 422
    elif outcome.error and outcome.item is not None and shown_as == "list":
        status = 409  # a row whose decision could not be taken back
    if not request.htmx:
        return _back_to_page(request, outcome, shown_as, error, field_errors)
    if shown_as == "card":
        return render_stage(
            request,
            outcome.session,
            status=status,
            error=error,
            notice=outcome.notice,
            **field_errors,
        )
    if outcome.item is not None:
        row_error = " ".join(filter(None, [error, *field_errors.values()]))
        return _render_row(request, outcome, status, row_error)
    return render_list(request, outcome.session, status=status, error=error, notice=outcome.notice)


def _field_errors(form: AddForm) -> dict[str, str]:
    """What to fix, by the name of the choice it is about (`rating_error`); the form's own
    errors under `__all__`."""
    return {
        "__all__" if name == "__all__" else f"{name}_error": " ".join(map(str, texts))
        for name, texts in form.errors.items()
    }


def _back_to_page(
    request: HtmxHttpRequest,
    outcome: Outcome,
    shown_as: ShownAs,
    error: str,
    field_errors: dict[str, str],
) -> HttpResponse:
    session = outcome.session
    if outcome.notice and not outcome.changed:
        messages.info(request, outcome.notice)
    elif outcome.notice:
        messages.success(request, outcome.notice)
    title = f"{outcome.item.prime_title}: " if outcome.item and shown_as == "list" else ""
    for text in filter(None, [error, *field_errors.values()]):
        messages.error(request, title + text)
    if shown_as == "list":
        return redirect("imports:review_list", pk=session.pk)
    return redirect("imports:wizard", pk=session.pk)
