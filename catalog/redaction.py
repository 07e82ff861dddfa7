"""Keeping the TMDB api_key out of exceptions and httpx's log lines."""

import logging
import re

import httpx

_KEY_IN_URL = re.compile(r"(api_key=)[^&\s'\"]*")


def redact(exc: BaseException) -> None:
    """Take the key out of the request an httpx exception carries (the auth added it to the
    URL), so no traceback, error page or error tracker that keeps the exception shows it."""
    request = getattr(exc, "_request", None)
    if isinstance(request, httpx.Request) and "api_key" in request.url.params:
        request.url = request.url.copy_set_param("api_key", "[redacted]")


class _RedactKey(logging.Filter):
    """httpx logs every request URL at INFO; the settings keep it at WARNING, and this keeps
    the key out even for someone who turns it up to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "api_key=" in message:
            record.msg, record.args = _KEY_IN_URL.sub(r"\1[redacted]", message), None
        return True


logging.getLogger("httpx").addFilter(_RedactKey())
