import csv
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView
from django_htmx.http import reswap, retarget

from imports import matcher, services
from imports.forms import AddForm, BulkRatingForm, UploadForm
from imports.models import ImportItem, ImportSession, RememberedDecision
from imports.sources import LANGUAGE_NAMES
from movieranking.http import HtmxHttpRequest
from rankings.catalog import CatalogError, get_catalog
from rankings.forms import SearchForm
from rankings.models import Ranking
from rankings.offline import OfflineCatalog
from rankings.templatetags.films import day
from rankings.views import csv_safe

# The pause between one match request's answer and the next POST of its lane.
MATCH_POST_DELAY_MS = 50


class _Expired(Exception):
    def __init__(self, session: ImportSession) -> None:
        self.session = session


def _get_session_for_user(request: HtmxHttpRequest, pk: int) -> ImportSession:
    """The user's import (another user's is a 404); an expired one answers the expired page."""
    session = get_object_or_404(ImportSession, pk=pk, user=request.user)
    if session.is_expired:
        raise _Expired(session)
    return session


def _get_item_for_user(request: HtmxHttpRequest, pk: int, item_pk: int) -> ImportItem:
    item = get_object_or_404(
        ImportItem.objects.select_related("session"),
        pk=item_pk,
        session_id=pk,
        session__user=request.user,
    )
    if item.session.is_expired:
        raise _Expired(item.session)
    return item


def _answers_expired(view):
    """Every view of one import shows the friendly "start again" page once it has expired."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Expired as expired:
            template = "imports/expired.html#expired" if request.htmx else "imports/expired.html"
            return render(request, template, {"session": expired.session})

    return wrapper


class UploadView(FormView):
    template_name = "imports/upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active"] = ImportSession.objects.active().filter(user=self.request.user).first()
        context["max_movies"] = settings.IMPORT_MAX_MOVIES
        return context

    def form_valid(self, form):
        session = services.create_session(
            user=self.request.user, file_name=form.cleaned_data["file"].name, history=form.history
        )
        return redirect("imports:wizard", pk=session.pk)


start = UploadView.as_view()


def _stage_context(session: ImportSession, *, card: int | None = 0, **extra) -> dict:
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
    if session.status == ImportSession.Status.REVIEWING and card is not None:
        context.update(_card_context(session, position=counts["decided"] + 1, pk=card))
    elif session.status == ImportSession.Status.COMPLETE:
        context.update(_summary_context(session))
    elif session.status == ImportSession.Status.WAITING:
        context["replacing"] = (
            ImportSession.objects.active()
            .filter(user_id=session.user_id)
            .exclude(pk=session.pk)
            .first()
        )
    return context | extra


def _undo_label(session: ImportSession) -> str:
    """What the Undo button takes back, in words."""
    step = services.last_step_summary(session)
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
    catalog = get_catalog()
    if not isinstance(catalog, OfflineCatalog):
        return {}
    context: dict[str, str | int] = {"offline_language": LANGUAGE_NAMES.get(session.language, "")}
    if session.status == ImportSession.Status.COMPLETE:
        last = catalog.last_year
        # A title's own year, else its first watch: a film watched in 2012 is not from 2015.
        years = (
            hint or min((int(d[:4]) for d in watched), default=0)
            for hint, watched in session.items.unmatched().values_list("year_hint", "watched")
        )
        context["newer_than_catalog"] = sum(year > last for year in years)
        context["catalog_last_year"] = last
    return context


def _render_stage(
    request: HtmxHttpRequest, session: ImportSession, status: int = 200, **extra
) -> HttpResponse:
    context = _stage_context(session, **extra)
    if request.htmx:
        return render(request, "imports/wizard.html#stage", context, status=status)
    # With a rate-limited catalog the page matches in two lanes (see `match_helper`); while
    # matching is paused, the first lane alone retries.
    if session.matching_runs and hasattr(get_catalog(), "backlog"):
        context["helper_delay"] = f"{round(matcher.MATCH_BUDGET_SECONDS * 500)}ms"
    return render(request, "imports/wizard.html", context, status=status)


@require_GET
@_answers_expired
def wizard(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status == ImportSession.Status.CANCELLED:
        messages.info(request, "That import was replaced by a newer one.")
        return redirect("imports:start")
    card = request.GET.get("item", "")
    return _render_stage(request, session, card=int(card) if card.isdigit() else 0)


def _after_action(
    request: HtmxHttpRequest,
    session: ImportSession,
    message: str = "",
    status: int = 200,
    **field_errors: str,
):
    if request.htmx:
        return _render_stage(request, session, status=status, error=message, **field_errors)
    for text in filter(None, [message, *field_errors.values()]):
        messages.error(request, text)
    return redirect("imports:wizard", pk=session.pk)


@require_POST
@_answers_expired
def match(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status == ImportSession.Status.MATCHING:
        matcher.match_batch(session=session, catalog=get_catalog())
        session.touch()
        if request.htmx and session.status == ImportSession.Status.MATCHING:
            # Another request (the second lane, a second tab) holds every remaining title: the
            # page says so, and asks again at once, since the next request waits for them
            # within its budget and ends matching the moment they are stored (a second's pause
            # here cost the last lane's tail a whole second).
            waiting = not session.items.to_match().unclaimed(timezone.now()).exists()
            return _render_stage(request, session, waiting=waiting)
    return _after_action(request, session)


@require_POST
def match_helper(request: HtmxHttpRequest, pk: int):
    """The page's second lane of match requests, half a budget behind the first.

    Each match request ends with a round trip in which it asks TMDB nothing (the last
    answers, the response, the page's next POST): about 0.2 s of every 2.7 s. With a second
    lane offset by half a budget, one lane's requests keep TMDB busy while the other's
    round trip runs. It matches only while nobody else does (with other imports TMDB is busy
    anyway), never waits for the other lane, and shows nothing: the first lane shows the
    progress and moves on to the review. It stops (an empty answer removes it) once the
    other lane holds every remaining title or matching is over or paused.
    """
    session = get_object_or_404(ImportSession, pk=pk, user=request.user)
    if not request.htmx:
        return redirect("imports:wizard", pk=session.pk)
    alone = not ImportSession.objects.matching_now().exclude(pk=session.pk).exists()
    if session.matching_runs and not session.is_expired and alone:
        matcher.match_batch(session=session, catalog=get_catalog(), wait_for_others=False)
        session.touch()
        unclaimed = session.items.to_match().unclaimed(timezone.now())
        if session.matching_runs and unclaimed.exists():
            context = {"session": session, "helper_delay": f"{MATCH_POST_DELAY_MS}ms"}
            return render(request, "imports/wizard.html#matching-helper", context)
    return HttpResponse("")


@require_POST
@_answers_expired
def confirm(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status == ImportSession.Status.WAITING:
        services.confirm_replacement(session=session)
    return redirect("imports:wizard", pk=session.pk)


@require_POST
def discard(request: HtmxHttpRequest, pk: int):
    session = get_object_or_404(ImportSession, pk=pk, user=request.user)
    if session.status == ImportSession.Status.WAITING:
        session.delete()
    active = ImportSession.objects.active().filter(user=request.user).first()
    return redirect("imports:wizard", pk=active.pk) if active else redirect("imports:start")


def _reviewing(request: HtmxHttpRequest, item: ImportItem) -> HttpResponse | None:
    """The response for an action on a card that cannot be decided now, or None."""
    session = item.session
    if item.decision != ImportItem.Decision.PENDING:
        # A double click, a retry or a second tab: nothing changes, show where the import stands.
        notice = f"“{item.prime_title}” was already decided (perhaps in another tab)."
        if request.htmx:
            return _render_stage(request, session, notice=notice)
        messages.info(request, notice)
        return redirect("imports:wizard", pk=session.pk)
    if session.status != ImportSession.Status.REVIEWING:
        return _after_action(request, session)
    return None


@require_POST
@_answers_expired
def add(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if (response := _reviewing(request, item)) is not None:
        return response
    film, form, message = _film_to_add(request, item)
    if film is None:
        # What to fix stands next to the choice it is about, not at the top of the page.
        errors = {f"{name}_error": " ".join(texts) for name, texts in form.errors.items()}
        return _after_action(request, item.session, message, status=422, **errors)
    services.add_item(
        item=item,
        film=film,
        rating=form.cleaned_data["rating"],
        rated_on=form.cleaned_data["rated_on"],
    )
    return _decided(request, item.session)


def _film_to_add(request: HtmxHttpRequest, item: ImportItem):
    """The film an Add names, with its valid form; or None and what to tell the person."""
    form = AddForm(request.POST)
    if not form.is_valid():
        return None, form, ""
    film_id = form.cleaned_data["film"]
    film = next((c for c in item.candidates if c.catalog_id == film_id), None)
    if film is None:
        try:
            film = get_catalog().get(film_id)
        except CatalogError as exc:
            return None, form, exc.message
    return film, form, ""


@require_POST
@_answers_expired
def skip(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if (response := _reviewing(request, item)) is not None:
        return response
    services.skip_item(item=item)
    return _decided(request, item.session)


def _decided(request: HtmxHttpRequest, session: ImportSession) -> HttpResponse:
    session.after_decision()
    return _after_action(request, session)


@require_POST
@_answers_expired
def undo(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    return _after_action(request, session, _take_back_last_step(session))


def _take_back_last_step(session: ImportSession) -> str:
    """Undo the session's last step; what to tell the person when nothing was undone."""
    if session.status not in (ImportSession.Status.REVIEWING, ImportSession.Status.COMPLETE):
        return ""
    try:
        if not services.undo_last(session=session):
            return "There is nothing to undo."
    except services.CannotReopen as exc:
        return exc.message
    session.refresh_from_db()
    session.touch()
    return ""


@require_POST
@_answers_expired
def review_again(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    try:
        services.review_again(item=item)
    except services.CannotReopen as exc:
        return _after_action(request, item.session, exc.message)
    item.session.refresh_from_db()
    item.session.touch()
    return _after_action(request, item.session)


@require_POST
@_answers_expired
def review_extra(request: HtmxHttpRequest, pk: int, index: int):
    session = _get_session_for_user(request, pk)
    try:
        services.review_extra(session=session, index=index)
    except services.CannotReopen as exc:
        return _after_action(request, session, exc.message)
    session.refresh_from_db()
    session.touch()
    return _after_action(request, session)


@require_GET
def remembered(request: HtmxHttpRequest):
    decisions = RememberedDecision.objects.filter(user=request.user)
    return render(request, "imports/remembered.html", {"decisions": decisions})


@require_POST
def forget(request: HtmxHttpRequest, memory_pk: int):
    memory = get_object_or_404(RememberedDecision, pk=memory_pk, user=request.user)
    memory.delete()
    if request.htmx:
        return HttpResponse("")
    messages.success(request, f"Forgot your decision for “{memory.prime_title}”.")
    return redirect("imports:remembered")


@require_GET
@_answers_expired
def item_search(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    form = SearchForm(request.GET)
    results, error = [], ""
    if form.is_valid():
        try:
            results = get_catalog().search(form.cleaned_data["q"])[:10]
        except CatalogError as exc:
            error = exc.message
    else:
        error = str(form.errors["q"][0])
    context = {"item": item, "results": results, "error": error}
    return render(request, "imports/wizard.html#search-choices", context)


@require_GET
@_answers_expired
def unmatched_csv(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmatched-and-skipped-titles.csv"'
    writer = csv.writer(response)
    writer.writerow(["title", "watch_dates", "reason"])
    for reason, items in [
        ("no match found", session.items.unmatched()),
        ("skipped", session.items.skipped_with_proposal()),
    ]:
        for item in items:
            dates = " ".join(d[:10] for d in item.watched)
            writer.writerow([csv_safe(item.prime_title), dates, reason])
    return response


# Review as a list ---------------------------------------------------------------------------

# High matches first, then those that need a look, then those without a proposal.
_LIST_ORDER = Case(
    When(match_status=ImportItem.MatchStatus.MATCHED, then=Value(0)),
    When(match_status=ImportItem.MatchStatus.NEEDS_REVIEW, then=Value(1)),
    default=Value(2),
)


def _list_context(session: ImportSession, *, rows: bool = True, **extra) -> dict:
    """The list page's context; `rows=False` leaves out the rows, for one row's update."""
    context = _stage_context(session, card=None, list_view=True, **extra)
    context["list_url"] = reverse("imports:review_list", args=[session.pk])
    context["card_url"] = reverse("imports:wizard", args=[session.pk])
    if session.status == ImportSession.Status.REVIEWING and rows:
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
    item.rated_on_default = (
        timezone.localdate(item.last_watched) if item.last_watched else timezone.localdate()
    )
    return item


def _render_list(request: HtmxHttpRequest, session: ImportSession, status: int = 200, **extra):
    template = "imports/review_list.html"
    if request.htmx:
        template += "#review-list"
    response = render(request, template, _list_context(session, **extra), status=status)
    if request.htmx:
        # A row's action can finish the import: the whole list gives way to the summary.
        retarget(response, "#review-list")
        reswap(response, "outerHTML")
    return response


def _render_row(request: HtmxHttpRequest, item: ImportItem, status: int = 200, error: str = ""):
    """One row after its decision, with the progress above the list brought up to date."""
    session = item.session
    session.complete_if_done()
    if not request.htmx:
        if error:
            messages.error(request, f"{item.prime_title}: {error}")
        return redirect("imports:review_list", pk=session.pk)
    if session.status != ImportSession.Status.REVIEWING:
        return _render_list(request, session)
    row = _as_row(session.items.select_related("ranking__movie").get(pk=item.pk))
    context = _list_context(session, rows=False) | {"row": row, "row_error": error, "oob": True}
    return render(request, "imports/review_list.html#row-update", context, status=status)


@require_GET
@_answers_expired
def review_list(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status not in (ImportSession.Status.REVIEWING, ImportSession.Status.COMPLETE):
        return redirect("imports:wizard", pk=session.pk)
    return _render_list(request, session)


@require_POST
@_answers_expired
def row_add(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if item.decision != ImportItem.Decision.PENDING or not item.is_reviewable:
        return _render_row(request, item)
    film, form, message = _film_to_add(request, item)
    if film is None:
        errors = [message, *(text for texts in form.errors.values() for text in texts)]
        return _render_row(request, item, status=422, error=" ".join(filter(None, errors)))
    services.add_item(
        item=item,
        film=film,
        rating=form.cleaned_data["rating"],
        rated_on=form.cleaned_data["rated_on"],
    )
    item.session.touch()
    return _render_row(request, item)


@require_POST
@_answers_expired
def row_skip(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if item.decision == ImportItem.Decision.PENDING and item.is_reviewable:
        services.skip_item(item=item)
        item.session.touch()
    return _render_row(request, item)


@require_POST
@_answers_expired
def row_undo(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    try:
        services.undo_item(item=item)
    except services.CannotReopen as exc:
        return _render_row(request, item, status=409, error=exc.message)
    item.session.refresh_from_db()
    item.session.touch()
    return _render_row(request, item)


@require_POST
@_answers_expired
def add_all_high(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    form = BulkRatingForm(request.POST)
    if session.status != ImportSession.Status.REVIEWING:
        return _render_list(request, session)
    if not form.is_valid():
        return _render_list(request, session, status=422, bulk_error=form.errors["rating"][0])
    added = services.add_all_high(session=session, rating=form.cleaned_data["rating"])
    session.after_decision()
    notice = f"Added {added} High match{'es' if added != 1 else ''}." if added else ""
    return _render_list(request, session, notice=notice)


@require_POST
@_answers_expired
def skip_all_unmatched(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status == ImportSession.Status.REVIEWING:
        services.skip_all_unmatched(session=session)
        session.after_decision()
    return _render_list(request, session)


@require_POST
@_answers_expired
def list_undo(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    return _render_list(request, session, error=_take_back_last_step(session))
