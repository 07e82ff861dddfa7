"""The catalog's one table: where the TMDB rate limit shared through the database keeps its pace."""

from django.db import models


class CatalogPace(models.Model):
    """The earliest time (seconds of the database's clock) the next TMDB request may start.

    One row, moved on by every request of every process: see `catalog.pacing.RateLimiter`.
    """

    next_slot = models.FloatField(default=0)

    class Meta:
        # Made by rankings' migrations before the catalog was an app of its own; keeping the
        # name spares every installation a table copy.
        db_table = "rankings_catalogpace"

    def __str__(self) -> str:
        return f"next TMDB request at {self.next_slot:.3f}"
