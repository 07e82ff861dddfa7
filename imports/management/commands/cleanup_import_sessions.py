from django.core.management.base import BaseCommand
from django.db import transaction

from imports.models import ImportItem, ImportSession


class Command(BaseCommand):
    help = "Delete import sessions (and their items) whose time ran out. Safe to run from cron."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        # Only sessions past expires_at: every action on a live session slides it forward, so
        # a person reviewing right now is never affected.
        expired = ImportSession.objects.expired()
        sessions = expired.count()
        items = ImportItem.objects.filter(session__in=expired).count()
        if dry_run:
            self.stdout.write(f"Would delete {sessions} expired import sessions ({items} items).")
            return
        with transaction.atomic():
            _, per_model = ImportSession.objects.expired().delete()
        sessions = per_model.get(ImportSession._meta.label, 0)
        items = per_model.get(ImportItem._meta.label, 0)
        self.stdout.write(f"Deleted {sessions} expired import sessions ({items} items).")
