import csv

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView

from imports import services
from imports.forms import AddForm, UploadForm
from imports.models import REVIEWABLE, ImportItem, ImportSession, RememberedDecision
from rankings.catalog import CatalogError, get_catalog
from rankings.forms import SearchForm
from rankings.models import Ranking
from rankings.views import csv_safe

# One matching request works this long, so progress reaches the page every couple of seconds.
# Each request also ends with a round trip in which TMDB sits idle (its latency, the page's next
# POST); at 1.5 s those cost a 500-film import ~18% over the rate limit's floor, at 2.5 s ~13%.
MATCH_BUDGET_SECONDS = 2.5


def _get_session_for_user(request, pk: int) -> ImportSession:
    return get_object_or_404(ImportSession, pk=pk, user=request.user)


def _get_item_for_user(request, pk: int, item_pk: int) -> ImportItem:
    return get_object_or_404(
        ImportItem.objects.select_related("session"),
        pk=item_pk,
        session_id=pk,
        session__user=request.user,
    )


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


def _stage_context(request, session: ImportSession, **extra) -> dict:
    """Everything the wizard's stage region shows for the session's current state.

    The counts come from one aggregate, so a review action costs the same few queries
    however large the import is.
    """
    pending, already = ImportItem.Decision.PENDING, ImportItem.Decision.ALREADY_RANKED
    counts = session.items.aggregate(
        ready=Count("pk", filter=~Q(decision=already) & Q(skipped_before=False)),
        pre_skipped=Count("pk", filter=Q(skipped_before=True)),
        matched=Count(
            "pk", filter=~Q(match_status=ImportItem.MatchStatus.PENDING) & Q(skipped_before=False)
        ),
        to_match=Count("pk", filter=Q(skipped_before=False)),
        total=Count("pk", filter=REVIEWABLE),
        decided=Count("pk", filter=REVIEWABLE & ~Q(decision=pending)),
        undoable=Count("pk", filter=Q(decided_at__isnull=False)),
    )
    context = {
        "session": session,
        "max_movies": settings.IMPORT_MAX_MOVIES,
        "can_undo": counts["undoable"] > 0,
        **counts,
    }
    if session.status == ImportSession.Status.REVIEWING:
        context.update(_card_context(session, position=counts["decided"] + 1))
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


def _card_context(session: ImportSession, position: int) -> dict:
    item = session.items.pending_review().first()
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
    this_import = Q(skipped_before=False)
    counts = session.items.aggregate(
        added=Count("pk", filter=this_import & Q(decision=ImportItem.Decision.ADDED)),
        skipped=Count("pk", filter=this_import & Q(decision=ImportItem.Decision.SKIPPED)),
        kept=Count("pk", filter=Q(decision=ImportItem.Decision.KEPT)),
    )
    return {
        **counts,
        "skipped_before_items": session.items.skipped_before(),
        "unmatched": _unmatched(session),
    }


def _unmatched(session: ImportSession):
    """Titles of this import that ended without a film (not stored as films anywhere)."""
    return session.items.filter(
        skipped_before=False,
        match_status=ImportItem.MatchStatus.UNMATCHED,
        decision=ImportItem.Decision.SKIPPED,
    )


def _render_stage(request, session: ImportSession, status: int = 200, **extra) -> HttpResponse:
    context = _stage_context(request, session, **extra)
    if request.htmx:
        return render(request, "imports/wizard.html#stage", context, status=status)
    return render(request, "imports/wizard.html", context, status=status)


def _expired(request, session: ImportSession) -> HttpResponse:
    template = "imports/expired.html#expired" if request.htmx else "imports/expired.html"
    return render(request, template, {"session": session})


@require_GET
def wizard(request, pk: int):
    session = _get_session_for_user(request, pk)
    if session.is_expired:
        return _expired(request, session)
    if session.status == ImportSession.Status.CANCELLED:
        messages.info(request, "That import was replaced by a newer one.")
        return redirect("imports:start")
    return _render_stage(request, session)


def _after_action(request, session: ImportSession, message: str = "", status: int = 200):
    if request.htmx:
        return _render_stage(request, session, status=status, error=message)
    if message:
        messages.error(request, message)
    return redirect("imports:wizard", pk=session.pk)


@require_POST
def match(request, pk: int):
    session = _get_session_for_user(request, pk)
    if session.is_expired:
        return _expired(request, session)
    if session.status == ImportSession.Status.MATCHING:
        services.match_batch(session=session, catalog=get_catalog(), budget=MATCH_BUDGET_SECONDS)
        session.touch()
        if request.htmx and session.status == ImportSession.Status.MATCHING:
            # Another request (a second tab) holds every remaining title: ask again in a
            # second instead of re-posting every 50 ms until it finishes.
            waiting = not session.items.to_match().unclaimed(timezone.now()).exists()
            return _render_stage(request, session, waiting=waiting)
    return _after_action(request, session)


@require_POST
def confirm(request, pk: int):
    session = _get_session_for_user(request, pk)
    if session.is_expired:
        return _expired(request, session)
    if session.status == ImportSession.Status.WAITING:
        services.confirm_replacement(session=session)
    return redirect("imports:wizard", pk=session.pk)


@require_POST
def discard(request, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status == ImportSession.Status.WAITING:
        session.delete()
    active = ImportSession.objects.active().filter(user=request.user).first()
    return redirect("imports:wizard", pk=active.pk) if active else redirect("imports:start")


def _reviewing(request, item: ImportItem) -> HttpResponse | None:
    """The response for an action on a card that cannot be decided now, or None."""
    session = item.session
    if session.is_expired:
        return _expired(request, session)
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
def add(request, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if (response := _reviewing(request, item)) is not None:
        return response
    form = AddForm(request.POST)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _after_action(request, item.session, message, status=422)
    film_id = form.cleaned_data["film"]
    film = next((c for c in item.candidates if c.catalog_id == film_id), None)
    if film is None:
        try:
            film = get_catalog().get(film_id)
        except CatalogError as exc:
            return _after_action(request, item.session, exc.message, status=422)
    services.add_item(
        item=item,
        film=film,
        rating=form.cleaned_data["rating"],
        rated_on=form.cleaned_data["rated_on"],
    )
    return _decided(request, item.session)


@require_POST
def skip(request, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if (response := _reviewing(request, item)) is not None:
        return response
    services.skip_item(item=item)
    return _decided(request, item.session)


def _decided(request, session: ImportSession) -> HttpResponse:
    services.complete_if_done(session)
    session.touch()
    return _after_action(request, session)


@require_POST
def undo(request, pk: int):
    session = _get_session_for_user(request, pk)
    if session.is_expired:
        return _expired(request, session)
    if session.status in (ImportSession.Status.REVIEWING, ImportSession.Status.COMPLETE):
        try:
            if not services.undo_last(session=session):
                return _after_action(request, session, "There is nothing to undo.")
        except services.CannotReopen as exc:
            return _after_action(request, session, exc.message)
        session.refresh_from_db()
        session.touch()
    return _after_action(request, session)


@require_POST
def review_again(request, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    if item.session.is_expired:
        return _expired(request, item.session)
    try:
        services.review_again(item=item)
    except services.CannotReopen as exc:
        return _after_action(request, item.session, exc.message)
    item.session.refresh_from_db()
    item.session.touch()
    return _after_action(request, item.session)


@require_GET
def remembered(request):
    decisions = RememberedDecision.objects.filter(user=request.user)
    return render(request, "imports/remembered.html", {"decisions": decisions})


@require_POST
def forget(request, memory_pk: int):
    memory = get_object_or_404(RememberedDecision, pk=memory_pk, user=request.user)
    memory.delete()
    if request.htmx:
        return HttpResponse("")
    messages.success(request, f"Forgot your decision for “{memory.prime_title}”.")
    return redirect("imports:remembered")


@require_GET
def item_search(request, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    form = SearchForm(request.GET)
    results, error = [], ""
    if form.is_valid():
        try:
            results = get_catalog().search(form.cleaned_data["q"])[:10]
        except CatalogError as exc:
            error = exc.message
    else:
        error = form.errors["q"][0]
    context = {"item": item, "results": results, "error": error}
    return render(request, "imports/wizard.html#search-choices", context)


@require_GET
def unmatched_csv(request, pk: int):
    session = _get_session_for_user(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmatched-titles.csv"'
    writer = csv.writer(response)
    writer.writerow(["title", "watch_dates"])
    for item in _unmatched(session):
        writer.writerow([csv_safe(item.prime_title), " ".join(d[:10] for d in item.watched)])
    return response
