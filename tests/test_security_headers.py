import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _policy(response) -> dict[str, list[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";") if d.strip())
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/rankings/", "/settings/import/"])
def test_every_page_allows_scripts_and_styles_from_the_site_only(alice_client, url):
    policy = _policy(alice_client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_images_may_come_from_tmdb_and_amazons_image_hosts(client, db):
    images = _policy(client.get("/accounts/login/"))["img-src"]
    assert "https://image.tmdb.org" in images
    assert "https://*.media-amazon.com" in images
    for region in ("na", "eu", "fe"):
        assert f"https://images-{region}.ssl-images-amazon.com" in images
    assert "https://*.ssl-images-amazon.com" not in images
    assert "'unsafe-inline'" not in " ".join(images)


def test_the_csrf_cookie_is_out_of_reach_of_scripts(client, db):
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["httponly"] is True


INLINE = re.compile(
    r"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|\shx-on|javascript:", re.I
)


def test_no_template_carries_inline_script_style_or_event_handler():
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_script_of_ours_reads_cookies():
    scripts = [p for p in (ROOT / "static").rglob("*.js")]
    assert scripts
    assert [p.name for p in scripts if "document.cookie" in p.read_text(encoding="utf-8")] == []


def _start(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_debug_a_secret_key_shorter_than_32_characters_stops_start_up():
    result = _start(DEBUG="0", SECRET_KEY="x" * 31)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is 31 characters long" in result.stderr
    assert "at least 32" in result.stderr


def test_a_32_character_secret_key_starts():
    assert _start(DEBUG="0", SECRET_KEY="k" * 32).returncode == 0


def test_the_development_secret_still_starts_with_debug_on():
    assert _start(DEBUG="1", SECRET_KEY="local-development-only").returncode == 0


def test_the_throttle_limits_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.SIGNUP_LIMIT,"
        " s.SIGNUP_LIMIT_WINDOW.total_seconds(), s.TRUSTED_PROXY_COUNT)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "movieranking.settings",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_LOCKOUT_MINUTES": "30",
        "SIGNUP_LIMIT": "2",
        "SIGNUP_LIMIT_WINDOW_MINUTES": "1440",
        "TRUSTED_PROXY_COUNT": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["3", "1800.0", "2", "86400.0", "2"], result.stderr
