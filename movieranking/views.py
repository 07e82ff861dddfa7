import logging
import uuid

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from movieranking import throttle
from rankings.models import Ranking

logger = logging.getLogger(__name__)


@login_not_required
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    wait = throttle.signup_wait_minutes(request) if request.method == "POST" else 0
    if wait:
        context = {"form": UserCreationForm(), "signup_wait_minutes": wait}
        return render(request, "registration/signup.html", context, status=429)
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        throttle.record_signup(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def locked_out(request, original_response, credentials):
    """django-axes' answer to a login during a lockout, the app's and the admin's alike."""
    context = {
        "form": AuthenticationForm(request, initial={"username": request.POST.get("username")}),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/login.html", context, status=429)


@require_GET
def home(request):
    recent = Ranking.objects.for_user(request.user).select_related("movie")[:5]
    total = Ranking.objects.for_user(request.user).count()
    return render(request, "home.html", {"recent": recent, "total": total})


@require_GET
def user_settings(request):
    return render(request, "settings.html")


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """For container health checks and load balancers: 200 when the database and the cache
    answer, otherwise 503 naming what failed (never the error itself, which may name hosts)."""
    failing = [
        name
        for name, answers in (("database", _database_answers), ("cache", _cache_answers))
        if not answers()
    ]
    if failing:
        verb = "does" if len(failing) == 1 else "do"
        reason = f"{' and '.join(failing)} {verb} not answer\n"
        return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Any failure is an unhealthy answer, not a 500: the probe must get its status code.
        logger.warning("Health check: the database does not answer", exc_info=True)
        return False
    return True


def _cache_answers() -> bool:
    # A key of its own per check: concurrent checks from several workers never read each
    # other's value, and a stale value from before an outage cannot pass for an answer.
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        answered = cache.get(key) == token
        cache.delete(key)
    except Exception:
        logger.warning("Health check: the cache does not answer", exc_info=True)
        return False
    return answered
