import codecs
import csv
from datetime import date
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.active import get_catalog
from catalog.interface import CatalogError, CatalogMovie
from movieranking.http import HtmxHttpRequest
from rankings import letterboxd
from rankings.forms import RankingFilterForm, RateFilmForm, RatingForm, SearchForm
from rankings.models import Movie, Ranking

PAGE_SIZE = 25


def _get_ranking_for_user(request: HtmxHttpRequest, ranking_id: int) -> Ranking:
    return get_object_or_404(
        Ranking.objects.select_related("movie"), pk=ranking_id, user=request.user
    )


@require_GET
def find(request: HtmxHttpRequest) -> HttpResponse:
    """Find a film: the page, or for htmx's live search only what fills its results region."""
    results: list[CatalogMovie] = []
    error = ""
    form = SearchForm(request.GET or None)
    if request.GET:
        if form.is_valid():
            try:
                results = get_catalog().search(form.cleaned_data["q"])[:20]
            except CatalogError as exc:
                error = exc.message
        else:
            error = str(form.errors["q"][0])
    ranked = Ranking.objects.for_user(request.user).of_catalog_films(results)
    rows = [(film, ranked.get(film.catalog_id)) for film in results]
    context = {"form": form, "rows": rows, "error": error, "searched": bool(request.GET)}
    # Going Back to a search htmx no longer has in its history cache asks for the whole page.
    htmx = request.htmx
    fragment = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    template = "rankings/find.html#search-results" if fragment else "rankings/find.html"
    return render(request, template, context)


@require_POST
def rate(request: HtmxHttpRequest) -> HttpResponse:
    """Rate a catalog film from the search results (creates the Movie on first rating)."""
    form = RateFilmForm(request.POST)
    if not form.is_valid():
        problems = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _rating_error(request, problems)
    try:
        film = get_catalog().get(form.cleaned_data["film"])
    except CatalogError as exc:
        return _rating_error(request, exc.message)
    movie = Movie.objects.from_catalog(film)
    ranking = Ranking.objects.rate(
        user=request.user, movie=movie, rating=form.cleaned_data["rating"]
    )
    if request.htmx:
        return render(
            request,
            "rankings/find.html#result-row",
            {"film": film, "ranking": ranking, "saved": True},
        )
    messages.success(request, f"Rated {movie} {ranking.rating} of 5.")
    return redirect(_back_to(request, reverse("find")))


def _rating_error(request: HtmxHttpRequest, message: str) -> HttpResponse:
    if request.htmx:
        return render(
            request, "rankings/_message.html", {"message": message, "level": "error"}, status=422
        )
    messages.error(request, message)
    return redirect(_back_to(request, reverse("find")))


def _back_to(request: HtmxHttpRequest, fallback: str) -> str:
    """Where a no-JavaScript form post returns to: the page it came from, on this site only."""
    nxt = request.POST.get("next", "")
    here = url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return nxt if here else fallback


@require_GET
def ranking_list(request: HtmxHttpRequest) -> HttpResponse:
    filters = RankingFilterForm(request.GET or None)
    rankings = Ranking.objects.for_user(request.user).select_related("movie")
    if stars := filters.stars_filter():
        rankings = rankings.filter(rating=stars)
    page = Paginator(rankings.order_by(*filters.ordering()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "total": Ranking.objects.for_user(request.user).count(),
        "stars": stars,
        "shown": page.paginator.count,
    }
    return render(request, "rankings/list.html", context)


@require_POST
def change_rating(request: HtmxHttpRequest, ranking_id: int) -> HttpResponse:
    ranking = _get_ranking_for_user(request, ranking_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _row_error(request, ranking, str(form.errors["rating"][0]))
    ranking.rating = form.cleaned_data["rating"]
    ranking.save(update_fields=["rating", "updated"])
    if request.htmx:
        return render(
            request, "rankings/list.html#ranking-row", {"ranking": ranking, "saved": True}
        )
    messages.success(request, f"{ranking.movie} is now rated {ranking.rating} of 5.")
    return redirect(_back_to(request, reverse("ranking_list")))


def _row_error(request: HtmxHttpRequest, ranking: Ranking, message: str) -> HttpResponse:
    if request.htmx:
        context = {"ranking": ranking, "row_error": message}
        return render(request, "rankings/list.html#ranking-row", context, status=422)
    messages.error(request, message)
    return redirect(_back_to(request, reverse("ranking_list")))


@require_POST
def delete_ranking(request: HtmxHttpRequest, ranking_id: int) -> HttpResponse:
    ranking = _get_ranking_for_user(request, ranking_id)
    title = str(ranking.movie)
    ranking.delete()
    if request.htmx:
        # The empty answer replaces the row; the count line above the table is swapped out of
        # band, for the filter of the page the row was on.
        return render(request, "rankings/list.html#ranked-count", _counts(request) | {"oob": True})
    messages.success(request, f"Deleted your ranking of {title}.")
    return redirect(_back_to(request, reverse("ranking_list")))


def _counts(request: HtmxHttpRequest) -> dict[str, int | None]:
    """What the count line of the My rankings page the request came from says."""
    page_query = QueryDict(urlsplit(request.htmx.current_url or "").query)
    stars = RankingFilterForm(page_query).stars_filter()
    rankings = Ranking.objects.for_user(request.user)
    shown = rankings.filter(rating=stars).count() if stars else None
    return {"total": rankings.count(), "stars": stars, "shown": shown}


@require_http_methods(["GET", "POST"])
def delete_all(request: HtmxHttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST deletes every ranking of the user."""
    rankings = Ranking.objects.for_user(request.user)
    if request.method == "POST":
        deleted, _ = rankings.delete()
        messages.success(request, f"Deleted all {deleted} of your rankings.")
        return redirect("ranking_list")
    return render(request, "rankings/delete_all.html", {"count": rankings.count()})


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Neutralise spreadsheet formula injection: a leading quote makes the cell plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def spreadsheet_csv_response(filename: str) -> HttpResponse:
    """A CSV download for people to open in a spreadsheet, to write rows into. Excel reads a
    CSV without a byte order mark in the local code page ("AmÃ©lie"), so it starts with one."""
    response = HttpResponse(codecs.BOM_UTF8, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def export_csv(request: HtmxHttpRequest) -> HttpResponse:
    rankings = (
        Ranking.objects.for_user(request.user)
        .select_related("movie")
        .order_by("-rated_at", "movie__title")
    )
    response = spreadsheet_csv_response(f"movie-rankings-{date.today():%Y-%m-%d}.csv")
    writer = csv.writer(response)
    writer.writerow(["title", "year", "rating", "rated_at", "tmdb_id", "imdb_id"])
    for r in rankings.iterator(chunk_size=1000):
        m = r.movie
        writer.writerow(
            [
                csv_safe(v)
                for v in (m.title, m.year, r.rating, r.rated_at.isoformat(), m.tmdb_id, m.imdb_id)
            ]
        )
    return response


@require_GET
def export_letterboxd(request):
    """My rankings as Letterboxd's import ZIP; /rankings/export.csv stays our own format."""
    rankings = (
        Ranking.objects.for_user(request.user)
        .select_related("movie")
        .order_by("-rated_at", "movie__title")
    )
    entries = (
        letterboxd.Entry(
            title=r.movie.title,
            year=r.movie.year,
            tmdb_id=r.movie.tmdb_id,
            imdb_id=r.movie.imdb_id,
            rating=r.rating,
            watched=r.rated_at,
        )
        for r in rankings.iterator(chunk_size=1000)
    )
    stem = f"letterboxd-{date.today():%Y-%m-%d}"
    response = HttpResponse(
        letterboxd.zip_archive(letterboxd.csv_files(entries), stem=stem),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    return response
