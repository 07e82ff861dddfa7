"""Remembered decisions: a page at a time, searchable, readable on a phone."""

from imports.models import RememberedDecision


def _remember(user, count: int) -> None:
    RememberedDecision.objects.bulk_create(
        RememberedDecision(
            user=user, key=f"title:film {n}", prime_title=f"Film {n}", kind="skipped"
        )
        for n in range(1, count + 1)
    )


def _rows(page: str) -> int:
    return page.count('<tr id="memory-')


def test_remembered_decisions_come_fifty_to_a_page_with_a_pager(alice_client, alice):
    _remember(alice, 120)

    first = alice_client.get("/settings/import/remembered/").content.decode()
    last = alice_client.get("/settings/import/remembered/?page=3").content.decode()

    assert _rows(first) == 50 and "Page 1 of 3" in first and "120 remembered decisions" in first
    assert _rows(last) == 20 and 'rel="next"' not in last


def test_searching_remembered_decisions_finds_titles_by_any_part_of_them(alice_client, alice):
    _remember(alice, 120)
    RememberedDecision.objects.create(
        user=alice, key="title:the matrix", prime_title="The Matrix [OV]", kind="skipped"
    )

    page = alice_client.get("/settings/import/remembered/?q=MATRIX").content.decode()

    assert _rows(page) == 1 and "The Matrix [OV]" in page
    assert "1 of 121 decisions match “MATRIX”" in page


def test_the_pager_keeps_the_search(alice_client, alice):
    _remember(alice, 200)
    page = alice_client.get("/settings/import/remembered/?q=Film+1").content.decode()
    # Film 1, Film 10–19, Film 100–199: 111 titles, three pages.
    assert "Page 1 of 3" in page and 'href="?q=Film+1&amp;page=2"' in page


def test_another_users_remembered_decisions_are_not_listed(alice_client, bob):
    _remember(bob, 3)
    page = alice_client.get("/settings/import/remembered/").content.decode()
    assert _rows(page) == 0 and "No remembered decisions yet." in page
