"""The active catalog's one line, for every page's footer."""

from catalog.active import get_catalog


def catalog(request):
    return {"catalog_note": get_catalog().describe()}
