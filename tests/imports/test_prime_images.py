import csv
import io

import pytest

from imports.models import ImportSession
from imports.prime_images import prime_image_url
from tests.imports.conftest import V3_HEADER, upload

COVER = "https://m.media-amazon.com/images/S/pv-target-images/bba1._UX667_UY375_SY200_.jpg"
# Accounts in Europe carry covers on Amazon's regional host instead.
EU_COVER = "https://images-eu.ssl-images-amazon.com/images/I/81abc._SX300_.jpg"


@pytest.mark.parametrize(
    "url",
    [
        COVER,
        "https://images-na.ssl-images-amazon.com/images/I/81abc.jpg",
        "https://images-eu.ssl-images-amazon.com/images/I/81abc.jpg",
        "https://images-fe.ssl-images-amazon.com/images/I/81abc.jpg",
        "https://ecx.images-amazon.com/images/I/51xyz.jpg",
        "https://images-amazon.com/images/I/51xyz.jpg",
        "HTTPS://M.MEDIA-AMAZON.COM/images/x.jpg",
    ],
)
def test_an_https_cover_on_amazons_image_hosts_is_shown(url):
    assert prime_image_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.domain)//https://m.media-amazon.com/x.jpg",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "http://m.media-amazon.com/images/x.jpg",
        "//m.media-amazon.com/images/x.jpg",
        "/images/x.jpg",
        "https://evil.example/m.media-amazon.com/x.jpg",
        "https://evil.example/?u=https://m.media-amazon.com/x.jpg",
        "https://m.media-amazon.com@evil.example/x.jpg",
        "https://m.media-amazon.com:443@evil.example/x.jpg",
        "https://evil.example@m.media-amazon.com/x.jpg",
        "https://user:pass@m.media-amazon.com/x.jpg",
        "https://m.media-amazon.com\\@evil.example/x.jpg",
        "https://m.media-amazon.com.evil.example/x.jpg",
        "https://m.media-amazon.com./x.jpg",
        "https://evilmedia-amazon.com/x.jpg",
        "https://media-amazon.com/x.jpg",
        "https://m.media-amazon.com:8443/x.jpg",
        "https://m.media-amazon.com:99999/x.jpg",
        "https://m.media-amazon.com%2eevil.example/x.jpg",
        "https://[::1]/x.jpg",
        "https://127.0.0.1/x.jpg",
        " https://m.media-amazon.com/x.jpg",
        'https://m.media-amazon.com/x.jpg" onerror="alert(1)',
        "https://m.media-\tamazon.com/x.jpg",
        "https://m.media-amazon.com\x00.evil.example/x.jpg",
        "https://images-eu.ssl-images-amazon.com.evil.example/x.jpg",
        "https://images-eu-ssl-images-amazon.com/x.jpg",
        "https://images-xx.ssl-images-amazon.com/x.jpg",
        "https://evil.ssl-images-amazon.com.example/x.jpg",
    ],
)
def test_any_other_url_is_not_shown(url):
    assert prime_image_url(url) == ""


def _file_with_cover(url: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(V3_HEADER)
    gti = "amzn1.dv.gti.9d433401-0000-4737-9ec7-ce92e6b313f2"
    writer.writerow(["2024-05-01 20:00:00.000", "Movie", "Casablanca", "", gti, "", "", "", url])
    return out.getvalue().encode()


def _review_card(client, user, data: bytes) -> str:
    upload(client, data)
    session = ImportSession.objects.get(user=user)
    for _ in range(10):
        client.post(f"/settings/import/{session.pk}/match/", headers={"HX-Request": "true"})
        session.refresh_from_db()
        if session.status != "matching":
            break
    page = client.get(f"/settings/import/{session.pk}/").content.decode()
    assert '<h2 id="card-title" tabindex="-1">Casablanca</h2>' in page
    return page


@pytest.mark.usefixtures("offline_catalog")
@pytest.mark.parametrize("cover", [COVER, EU_COVER])
def test_the_review_card_shows_the_amazon_cover(alice_client, alice, cover):
    page = _review_card(alice_client, alice, _file_with_cover(cover))
    assert f'<img class="prime-image" src="{cover}"' in page


@pytest.mark.usefixtures("offline_catalog")
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example/m.media-amazon.com/x.jpg",
        "https://images-eu.ssl-images-amazon.com.evil.example/x.jpg",
    ],
)
def test_the_review_card_leaves_out_a_cover_from_anywhere_else(alice_client, alice, url):
    page = _review_card(alice_client, alice, _file_with_cover(url))
    assert "prime-image" not in page
    assert "evil.example" not in page and "javascript:" not in page
