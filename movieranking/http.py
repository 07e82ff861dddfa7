from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for type checkers."""

    htmx: HtmxDetails
    # LoginRequiredMiddleware lets no anonymous request through to a view typed with this;
    # the one view open to anyone (signup) is not.
    user: User
