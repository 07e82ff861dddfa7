"""Remembered decisions read well on a phone: each is a small card, its title whole."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from imports.models import RememberedDecision
from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_a_remembered_title_wraps_between_words_not_inside_them(page):
    sign_up(page, username="rememberer")
    user = get_user_model().objects.get(username="rememberer")
    title = "Die Unendliche Geschichte Extended Director's Cut [dt./OV]"
    RememberedDecision.objects.create(user=user, key="title:x", prime_title=title, kind="skipped")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/settings/import/remembered/")

    cell = page.get_by_role("cell", name=title, exact=True)
    expect(cell).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The title has the card's whole width: words wrap, none is cut in two.
    assert cell.bounding_box()["width"] > 300
