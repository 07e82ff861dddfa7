from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request views see: `HtmxMiddleware` sets `htmx` on every one (django-htmx's
    documented pattern for typing it)."""

    htmx: HtmxDetails
