from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from rankings.models import Ranking


@login_not_required
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def home(request):
    recent = Ranking.objects.for_user(request.user).select_related("movie")[:5]
    total = Ranking.objects.for_user(request.user).count()
    return render(request, "home.html", {"recent": recent, "total": total})


@require_GET
def user_settings(request):
    return render(request, "settings.html")
