"""The image's HEALTHCHECK: exit 0 when this container's /healthz answers 200, 1 otherwise.

Python's urllib, because python:3.11-slim has no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def host_header(allowed_hosts: str) -> str:
    """A name Django accepts: with ALLOWED_HOSTS=movies.example.org a request for 127.0.0.1
    would be refused as a disallowed host (400) and the container reported unhealthy."""
    first = allowed_hosts.split(",")[0].strip()
    if not first or first == "*":
        return "localhost"
    # ".example.org" allows example.org and every subdomain.
    return first.removeprefix(".")


def healthz_request() -> urllib.request.Request:
    port = os.environ.get("PORT") or "8000"
    return urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={
            "Host": host_header(os.environ.get("ALLOWED_HOSTS", "")),
            # With BEHIND_HTTPS_PROXY=1 a plain-HTTP request is redirected to HTTPS, which the
            # container itself does not speak; this says the request is already secure. It is
            # only trusted with BEHIND_HTTPS_PROXY=1, and ignored otherwise.
            "X-Forwarded-Proto": "https",
        },
    )


def main() -> int:
    try:
        with urllib.request.urlopen(healthz_request(), timeout=4) as response:
            print(response.read().decode(errors="replace").strip())
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:
        print(f"{exc.code}: {exc.read().decode(errors='replace').strip()}", file=sys.stderr)
    except OSError as exc:
        print(f"/healthz did not answer: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
