import csv
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView

from catalog.active import get_catalog
from imports import decisions, matcher, services
from imports.forms import AddForm, BulkRatingForm, UploadForm
from imports.models import ImportItem, ImportSession, RememberedDecision
from imports.pages import (
    MATCH_POST_DELAY_MS,
    ShownAs,
    answer,
    render_list,
    render_stage,
    search_results,
)
from movieranking.http import HtmxHttpRequest
from rankings.forms import SearchForm
from rankings.views import csv_safe, spreadsheet_csv_response


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


@require_GET
@_answers_expired
def wizard(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if session.status == ImportSession.Status.CANCELLED:
        messages.info(request, "That import was replaced by a newer one.")
        return redirect("imports:start")
    card = request.GET.get("item", "")
    # The card's search as a plain form (no JavaScript): the card again, with what it found.
    search = SearchForm(request.GET)
    searched = "q" in request.GET and search.is_valid()
    results, search_error = search_results(search.cleaned_data["q"]) if searched else ([], "")
    return render_stage(
        request,
        session,
        card=int(card) if card.isdigit() else 0,
        searched=searched,
        results=results,
        search_error=search_error,
    )


@require_POST
@_answers_expired
def match(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    matcher.match_batch(session=session, catalog=get_catalog())
    if request.htmx and session.is_matching:
        # Another request (the second lane, a second tab) holds every remaining title: the
        # page says so, and asks again at once, since the next request waits for them
        # within its budget and ends matching the moment they are stored (a second's pause
        # here cost the last lane's tail a whole second).
        waiting = not session.items.to_match().unclaimed(timezone.now()).exists()
        return render_stage(request, session, waiting=waiting)
    if request.htmx:
        return render_stage(request, session)
    return redirect("imports:wizard", pk=session.pk)


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
        unclaimed = session.items.to_match().unclaimed(timezone.now())
        if session.matching_runs and unclaimed.exists():
            context = {"session": session, "helper_delay": f"{MATCH_POST_DELAY_MS}ms"}
            return render(request, "imports/wizard.html#matching-helper", context)
    return HttpResponse("")


@require_POST
@_answers_expired
def confirm(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    services.confirm_replacement(session=session)
    return redirect("imports:wizard", pk=session.pk)


@require_POST
def discard(request: HtmxHttpRequest, pk: int):
    session = get_object_or_404(ImportSession, pk=pk, user=request.user)
    active = services.keep_current(session=session)
    return redirect("imports:wizard", pk=active.pk) if active else redirect("imports:start")


# The review's decisions: one view each, for the card and the list alike ------------------------


@require_POST
@_answers_expired
def add(request: HtmxHttpRequest, pk: int, item_pk: int, shown_as: ShownAs = "card"):
    item = _get_item_for_user(request, pk, item_pk)
    form = AddForm(request.POST, item=item)
    outcome = decisions.add(item=item, choice=form.choice())
    return answer(request, outcome, shown_as, form=form)


@require_POST
@_answers_expired
def skip(request: HtmxHttpRequest, pk: int, item_pk: int, shown_as: ShownAs = "card"):
    item = _get_item_for_user(request, pk, item_pk)
    return answer(request, decisions.skip(item=item), shown_as)


@require_POST
@_answers_expired
def undo(request: HtmxHttpRequest, pk: int, shown_as: ShownAs = "card"):
    session = _get_session_for_user(request, pk)
    return answer(request, decisions.undo_last(session=session), shown_as)


@require_POST
@_answers_expired
def undo_item(request: HtmxHttpRequest, pk: int, item_pk: int, shown_as: ShownAs):
    item = _get_item_for_user(request, pk, item_pk)
    return answer(request, decisions.undo_item(item=item), shown_as)


@require_POST
@_answers_expired
def add_all_high(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    form = BulkRatingForm(request.POST)
    if session.is_reviewing and not form.is_valid():
        bulk_error = str(form.errors["rating"][0])
        if not request.htmx:
            messages.error(request, bulk_error)
            return redirect("imports:review_list", pk=session.pk)
        return render_list(request, session, status=422, bulk_error=bulk_error)
    if session.is_reviewing and request.POST.get("step") == "confirm":
        # Without JavaScript the dialog is a step of its own: the list, with it open.
        return render_list(request, session, confirm_rating=form.cleaned_data["rating"])
    rating = form.cleaned_data["rating"] if form.is_valid() else 0
    return answer(request, decisions.add_all_high(session=session, rating=rating), "list")


@require_POST
@_answers_expired
def skip_all_unmatched(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    return answer(request, decisions.skip_all_unmatched(session=session), "list")


@require_POST
@_answers_expired
def review_again(request: HtmxHttpRequest, pk: int, item_pk: int):
    item = _get_item_for_user(request, pk, item_pk)
    return answer(request, decisions.review_again(item=item), "card")


@require_POST
@_answers_expired
def review_extra(request: HtmxHttpRequest, pk: int, index: int):
    session = _get_session_for_user(request, pk)
    return answer(request, decisions.review_extra(session=session, index=index), "card")


# Pages beside the review ----------------------------------------------------------------------


@require_GET
@_answers_expired
def review_list(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    if not (session.is_reviewing or session.is_complete):
        return redirect("imports:wizard", pk=session.pk)
    return render_list(request, session)


# A history of years holds hundreds of remembered titles: a page of them at a time.
REMEMBERED_PER_PAGE = 50


@require_GET
def remembered(request: HtmxHttpRequest):
    mine = RememberedDecision.objects.filter(user=request.user)
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if "q" in request.GET and search.is_valid() else ""
    found = mine.filter(prime_title__icontains=query) if query else mine
    page = Paginator(found, REMEMBERED_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "q": query, "total": mine.count(), "query": urlencode({"q": query})}
    return render(request, "imports/remembered.html", context)


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
    if form.is_valid():
        results, error = search_results(form.cleaned_data["q"])
    else:
        results, error = [], str(form.errors["q"][0])
    context = {"item": item, "results": results, "search_error": error}
    return render(request, "imports/wizard.html#search-choices", context)


@require_GET
@_answers_expired
def unmatched_csv(request: HtmxHttpRequest, pk: int):
    session = _get_session_for_user(request, pk)
    response = spreadsheet_csv_response("unmatched-and-skipped-titles.csv")
    writer = csv.writer(response)
    writer.writerow(["title", "watch_dates", "reason"])
    for reason, items in [
        ("no match found", session.items.unmatched()),
        ("skipped", session.items.skipped_with_proposal()),
    ]:
        for item in items:
            # A film watched in parts has several watch times on one day: the day once is enough.
            dates = " ".join(sorted({d[:10] for d in item.watched}, reverse=True))
            writer.writerow([csv_safe(item.prime_title), dates, reason])
    return response
