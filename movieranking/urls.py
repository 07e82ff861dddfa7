from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from movieranking import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", views.user_settings, name="settings"),
    path("settings/import/", include("imports.urls")),
    path("", include("rankings.urls")),
    path("admin/", admin.site.urls),
]
