"""Upgrading an installation made before the catalog was an app of its own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.models import CatalogPace

BEFORE_THE_MOVE = [("rankings", "0002_catalog_pace"), ("catalog", None)]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_pace_row_kept_by_rankings_is_the_catalogs_after_the_upgrade():
    _migrate(BEFORE_THE_MOVE)
    try:
        old_state = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE[0])
        old_state.apps.get_model("rankings", "CatalogPace").objects.create(pk=1, next_slot=1234.5)

        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        assert CatalogPace.objects.get().next_slot == 1234.5
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
