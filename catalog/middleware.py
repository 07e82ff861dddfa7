"""The catalog's deadline for every request."""

from catalog.deadlines import PAGE_DEADLINE_SECONDS, deadline


def catalog_deadline(get_response):
    """Whatever TMDB does, no page waits on the catalog past PAGE_DEADLINE_SECONDS.

    Matching sets its own, longer deadline inside a request; the innermost one holds.
    """

    def middleware(request):
        with deadline(PAGE_DEADLINE_SECONDS):
            return get_response(request)

    return middleware
