"""The wizard's counts (`ImportItemQuerySet.progress`) against their meaning, item by item."""

import itertools
from datetime import UTC, datetime

import pytest

from imports.models import ImportItem, ImportSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUSES = ImportItem.MatchStatus.values
DECISIONS = ImportItem.Decision.values


def _expected(items: list[ImportItem]) -> dict[str, int]:
    """Each count as the wizard means it, in plain Python over the items."""
    this_import = [i for i in items if not i.skipped_before]
    reviewable = [i for i in items if i.is_reviewable]
    pending = [i for i in reviewable if i.decision == ImportItem.Decision.PENDING]
    return {
        "ready": sum(i.decision != ImportItem.Decision.ALREADY_RANKED for i in this_import),
        "pre_skipped": len(items) - len(this_import),
        "matched": sum(i.match_status != ImportItem.MatchStatus.PENDING for i in this_import),
        "to_match": len(this_import),
        "total": len(reviewable),
        "decided": len(reviewable) - len(pending),
        "undoable": sum(i.decided_at is not None for i in items),
        "high_pending": sum(i.match_status == ImportItem.MatchStatus.MATCHED for i in pending),
        "unmatched_pending": sum(
            i.match_status == ImportItem.MatchStatus.UNMATCHED for i in pending
        ),
    }


def test_every_count_agrees_with_the_items_for_every_combination_of_their_states():
    session = ImportSession.objects.create(user=UserFactory(), status="reviewing")
    combinations = itertools.product([False, True], STATUSES, DECISIONS, [None, "decided"])
    items = []
    for n, (skipped_before, status, decision, decided) in enumerate(combinations):
        # One, two or three of each, so that a count of groups instead of rows shows.
        for _ in range(n % 3 + 1):
            items.append(
                ImportItem(
                    session=session,
                    position=len(items) + 1,
                    prime_title=f"Film {len(items)}",
                    clean_title=f"Film {len(items)}",
                    skipped_before=skipped_before,
                    match_status=status,
                    decision=decision,
                    decided_at=datetime(2024, 6, 1, tzinfo=UTC) if decided else None,
                )
            )
    ImportItem.objects.bulk_create(items)

    assert session.items.progress() == _expected(items)


def test_an_import_with_no_items_counts_zero_everywhere():
    session = ImportSession.objects.create(user=UserFactory(), status="reviewing")

    assert set(session.items.progress().values()) == {0}
