from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase"
REFUSED = "Too many new accounts from your address."


def _sign_up(username, password2=PASSWORD, **client_kwargs):
    # A fresh client each time: a signed-up client is logged in and would just be sent home.
    return Client(**client_kwargs).post(
        "/accounts/signup/",
        {"username": username, "password1": PASSWORD, "password2": password2},
    )


def _accounts() -> list[str]:
    return sorted(get_user_model().objects.values_list("username", flat=True))


def test_one_address_creates_five_accounts_and_the_sixth_is_refused_with_a_message():
    for n in range(5):
        assert _sign_up(f"user{n}").status_code == 302
    response = _sign_up("user5")
    assert response.status_code == 429
    page = response.content.decode()
    assert REFUSED in page and "try again in 60 minutes" in page
    assert ">Sign up</button>" in page
    assert _accounts() == [f"user{n}" for n in range(5)]


def test_another_address_may_still_sign_up():
    for n in range(5):
        _sign_up(f"user{n}")
    assert _sign_up("elsewhere", REMOTE_ADDR="203.0.113.9").status_code == 302
    assert "elsewhere" in _accounts()


def test_a_signup_the_form_refuses_does_not_count():
    for n in range(8):
        _sign_up(f"typo{n}", password2="does-not-match")
    assert _sign_up("carol").status_code == 302
    assert _accounts() == ["carol"]


def test_the_limit_frees_up_as_the_hour_since_each_signup_passes():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(3):
            _sign_up(f"early{n}")
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        for n in range(2):
            _sign_up(f"late{n}")
        assert "try again in 30 minutes" in _sign_up("refused").content.decode()
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        # The three early ones have aged out; the two late ones still count.
        assert [_sign_up(f"next{n}").status_code for n in range(4)] == [302, 302, 302, 429]
    assert "next2" in _accounts() and "refused" not in _accounts()


def test_the_limit_and_its_window_follow_the_settings(settings):
    settings.SIGNUP_LIMIT = 1
    settings.SIGNUP_LIMIT_WINDOW = timedelta(minutes=5)
    assert _sign_up("first").status_code == 302
    assert "try again in 5 minutes" in _sign_up("second").content.decode()


def test_a_limit_of_zero_turns_the_limit_off(settings):
    settings.SIGNUP_LIMIT = 0
    for n in range(7):
        assert _sign_up(f"user{n}").status_code == 302
