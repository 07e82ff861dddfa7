from rankings.catalog import get_catalog


def catalog(request):
    return {"catalog_note": get_catalog().describe()}
