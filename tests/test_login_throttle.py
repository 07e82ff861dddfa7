from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"
LOCKED = "Too many failed logins."


def _log_in(client, password, username="alice", url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def _fail(client, times, **kwargs):
    for _ in range(times):
        _log_in(client, "wrong password", **kwargs)


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_five_wrong_passwords_lock_the_username_and_the_right_one_then_sees_the_lockout(
    client, alice
):
    _fail(client, 5)
    response = _log_in(client, RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "blocked for 15 minutes" in page
    assert ">Log in</button>" in page
    assert not _logged_in(client)


def test_four_wrong_passwords_still_let_the_right_one_in(client, alice):
    _fail(client, 4)
    assert _log_in(client, RIGHT).status_code == 302
    assert _logged_in(client)


def test_a_successful_login_resets_the_count_of_failures(client, alice):
    _fail(client, 4)
    _log_in(client, RIGHT)
    client.post("/accounts/logout/")
    _fail(client, 4)
    assert _log_in(client, RIGHT).status_code == 302
    assert _logged_in(client)


def test_the_admin_login_is_locked_after_five_wrong_passwords_too(client, db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    _fail(client, 5, username="root", url="/admin/login/")
    response = _log_in(client, RIGHT, username="root", url="/admin/login/?next=/admin/")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_failures_at_the_admin_and_the_app_login_add_up(client, alice):
    _fail(client, 3, url="/admin/login/")
    _fail(client, 2)
    assert LOCKED in _log_in(client, RIGHT).content.decode()


def test_the_lockout_ends_fifteen_minutes_after_the_last_failure(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 5)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert LOCKED in _log_in(client, RIGHT).content.decode()
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert _log_in(client, RIGHT).status_code == 302
        assert _logged_in(client)


def test_tries_during_the_lockout_do_not_extend_it(client, alice):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, 5)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        _fail(client, 3)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _log_in(client, RIGHT).status_code == 302


def test_the_lockout_holds_for_one_username_from_one_address(client, alice, bob):
    _fail(client, 5)
    assert _log_in(Client(), RIGHT, username="bob").status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.7")
    assert _log_in(elsewhere, RIGHT).status_code == 302


def test_the_limit_and_the_lockout_length_follow_the_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    _fail(client, 2)
    page = _log_in(client, RIGHT).content.decode()
    assert LOCKED in page and "blocked for 3 minutes" in page


def test_the_test_clients_login_still_works_without_a_request(client, alice):
    assert client.login(username="alice", password=RIGHT)
    assert _logged_in(client)
    assert not Client().login(username="alice", password="wrong password")


class TestBehindAProxy:
    @pytest.fixture(autouse=True)
    def one_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

    def test_each_forwarded_address_has_its_own_count(self, client, alice):
        _fail(client, 5, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
        other = _log_in(client, RIGHT, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
        assert other.status_code == 302

    def test_addresses_the_client_puts_in_front_change_nothing(self, client, alice):
        for n in range(5):
            forged = f"192.0.2.{n}, 198.51.100.1"
            _log_in(client, "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged)
        response = _log_in(
            client, RIGHT, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.1"
        )
        assert LOCKED in response.content.decode()

    def test_a_forwarded_value_that_is_no_address_counts_the_proxy_instead(self, client, alice):
        _fail(client, 5, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
        response = _log_in(client, RIGHT, REMOTE_ADDR="10.0.0.1")
        assert LOCKED in response.content.decode()
