"""Which Prime `Image URL`s a page may show: the file is the user's upload, so its URLs are
whatever they typed. Only https covers on Amazon's image hosts pass; no Django here."""

import re
from urllib.parse import urlsplit

# Host patterns in the Content-Security-Policy's own form ("*." is any subdomain, not the
# bare domain), so the settings can put the same list in img-src. m.media-amazon.com is the
# one Prime files carry today; the others served Amazon's covers before it, and accounts outside
# North America still get them from their region's host (na, eu, fe), named one by one rather
# than as *.ssl-images-amazon.com.
AMAZON_IMAGE_HOSTS = (
    "*.media-amazon.com",
    "images-na.ssl-images-amazon.com",
    "images-eu.ssl-images-amazon.com",
    "images-fe.ssl-images-amazon.com",
    "images-amazon.com",
    "*.images-amazon.com",
)

_PLAIN_HOST = re.compile(r"[a-z0-9.-]+")
# Browsers skip or reinterpret these where Python's URL parser does not: a backslash is a
# slash to a browser, whitespace and controls are dropped from the middle of a URL.
_AMBIGUOUS = re.compile(r"[\x00-\x20\x7f\\\"'<>`]")


def _amazon_host(host: str) -> bool:
    for pattern in AMAZON_IMAGE_HOSTS:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def prime_image_url(url: str) -> str:
    """`url` when it is an https image on Amazon's hosts, otherwise an empty string."""
    if not url or _AMBIGUOUS.search(url):
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or port is not None
        or parts.username is not None
        or "@" in parts.netloc
        or not _PLAIN_HOST.fullmatch(host)
        or not _amazon_host(host)
    ):
        return ""
    return url
