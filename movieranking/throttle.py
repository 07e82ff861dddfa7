"""Who is asking, for the login lockout and the signup limit, and how many accounts an
address created lately."""

import ipaddress
import math
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address that reached our outermost proxy, or the socket's peer without proxies.

    Entries left of the ones our proxies appended are the client's own claim and worthless;
    a value that is not an address (a misconfigured proxy count) falls back to the peer, since
    axes stores it in an IP column.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return peer
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return peer
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return peer


class LoginLockoutBackend(AxesStandaloneBackend):
    """axes' lockout for every login that comes with a request: the login page's and the
    admin's always do. A call without one is no visitor to lock out (the test client's
    login(), a shell), and axes itself would refuse it with an exception."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _signup_key(request: HttpRequest) -> str:
    return f"signups:{client_ip(request)}"


def _recent_signups(request: HttpRequest) -> list[float]:
    since = time.time() - settings.SIGNUP_LIMIT_WINDOW.total_seconds()
    return [t for t in cache.get(_signup_key(request), []) if t > since]


def signup_wait_minutes(request: HttpRequest) -> int:
    """0 while this address may create an account, else the minutes until it may again."""
    if settings.SIGNUP_LIMIT <= 0:
        return 0
    recent = _recent_signups(request)
    if len(recent) < settings.SIGNUP_LIMIT:
        return 0
    frees_at = sorted(recent)[-settings.SIGNUP_LIMIT] + settings.SIGNUP_LIMIT_WINDOW.total_seconds()
    return max(1, math.ceil((frees_at - time.time()) / 60))


def record_signup(request: HttpRequest) -> None:
    # A list of times rather than cache.incr: on the database cache incr is a read and a write
    # like this one anyway, and it would reset the entry's expiry to the cache's default.
    window = settings.SIGNUP_LIMIT_WINDOW.total_seconds()
    recent = [*_recent_signups(request), time.time()]
    cache.set(_signup_key(request), recent[-max(settings.SIGNUP_LIMIT, 1) :], timeout=window)
