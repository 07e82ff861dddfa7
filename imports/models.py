from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from catalog.interface import CatalogMovie
from catalog.titles import normalize_title
from imports import prime_images
from imports.snapshots import snapshot_to_movie

# Longer than a match request (its budget, and its grace when TMDB is slow).
MATCHING_PAGE_SILENCE = timedelta(seconds=15)


def ttl() -> timedelta:
    return timedelta(minutes=settings.IMPORT_SESSION_TTL_MINUTES)


class ImportSessionQuerySet(models.QuerySet):
    def active(self) -> "ImportSessionQuerySet":
        return self.filter(status__in=ImportSession.ACTIVE, expires_at__gt=timezone.now())

    def expired(self) -> "ImportSessionQuerySet":
        return self.filter(expires_at__lte=timezone.now())

    def retire_expired(self) -> int:
        """Cancel these imports left in progress past their expiry: they block nothing."""
        return self.filter(status__in=ImportSession.ACTIVE, expires_at__lte=timezone.now()).update(
            status=ImportSession.Status.CANCELLED
        )

    def matching_now(self) -> "ImportSessionQuerySet":
        """Imports whose page is matching: each match request touches its import, so one
        untouched for a while is a page left open or closed, not matching."""
        recently = timezone.now() - MATCHING_PAGE_SILENCE
        return self.filter(status=ImportSession.Status.MATCHING, last_activity__gte=recently)


class ImportSession(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for confirmation"
        MATCHING = "matching", "Matching"
        REVIEWING = "reviewing", "Reviewing"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.MATCHING, Status.REVIEWING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_sessions"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MATCHING)
    file_name = models.CharField(max_length=255, blank=True)
    detected_format = models.CharField(max_length=80, blank=True)
    language = models.CharField(max_length=8, blank=True)
    date_warning = models.CharField(max_length=300, blank=True)
    total_entries = models.PositiveIntegerField(default=0)
    movies_found = models.PositiveIntegerField(default=0)
    episodes_filtered = models.PositiveIntegerField(default=0)
    other_dropped = models.PositiveIntegerField(default=0)
    already_ranked = models.PositiveIntegerField(default=0)
    truncated = models.PositiveIntegerField(default=0)
    # Titles the upload left out as extras by their label ("Bonus: Making Of"), kept so the
    # person can bring one back: {"title", "clean_title", "year_hint", "watched", "image_url",
    # "gti"}, plus "item" (its ImportItem's pk) once brought back.
    extras = models.JSONField(default=list, blank=True)
    matching_error = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_activity = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = ImportSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            # The database itself guarantees one import in progress per person.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["matching", "reviewing"]),
                name="one_active_import_per_user",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="import_session_expiry")]

    def __str__(self) -> str:
        return f"{self.user} · {self.file_name or 'import'} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = timezone.now() + ttl()
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def movie_rows(self) -> int:
        """The file's rows that were films: with the episode rows and the other rows dropped,
        they make the total (a film watched three times is three rows and one film)."""
        return max(0, self.total_entries - self.episodes_filtered - self.other_dropped)

    def extras_left_out(self) -> list[tuple[int, dict]]:
        """The extras not brought back, with their index in `extras`."""
        return [(index, extra) for index, extra in enumerate(self.extras) if not extra.get("item")]

    @property
    def matching_runs(self) -> bool:
        """Matching is under way, not paused by a catalog failure."""
        return self.status == self.Status.MATCHING and not self.matching_error

    # The lifecycle, in one place: waiting -> matching -> reviewing -> complete (or cancelled),
    # back to matching when a title is brought back for review, and back to reviewing when an
    # undo reopens a finished import. These methods are the only writers of `status` after an
    # import is created; the person's actions (`imports.decisions`, `imports.services`) call
    # them and views call neither. Each transition is a conditional UPDATE, so two requests
    # racing over one import move it once.

    def _move(self, from_statuses: tuple[str, ...], to: str) -> bool:
        moved = ImportSession.objects.filter(pk=self.pk, status__in=from_statuses).update(status=to)
        if moved:
            self.status = to
        return bool(moved)

    def touch(self) -> None:
        """Slide the expiry: a session lives TTL minutes after the last action."""
        now = timezone.now()
        self.last_activity, self.expires_at = now, now + ttl()
        ImportSession.objects.filter(pk=self.pk).update(
            last_activity=self.last_activity, expires_at=self.expires_at
        )

    def start_matching(self) -> None:
        """A waiting import replaces the one in progress, which is cancelled."""
        ImportSession.objects.filter(user_id=self.user_id, status__in=self.ACTIVE).exclude(
            pk=self.pk
        ).update(status=self.Status.CANCELLED)
        self._move((self.Status.WAITING,), self.Status.MATCHING)
        self.finish_matching_if_done()

    def finish_matching_if_done(self) -> None:
        """Move on to the review (or straight to complete) once every item is matched."""
        if self.status == self.Status.MATCHING and not self.items.to_match().exists():
            next_status = (
                self.Status.REVIEWING
                if self.items.pending_review().exists()
                else self.Status.COMPLETE
            )
            self._move((self.Status.MATCHING,), next_status)
            self.refresh_from_db()

    def match_again(self) -> None:
        """A title came back for review and needs a catalog match first."""
        self._move((self.Status.REVIEWING, self.Status.COMPLETE), self.Status.MATCHING)

    def settle(self) -> None:
        """After a person's action: complete the review when no card is left, reopen a
        finished one when an undo brought a card back, and slide the expiry."""
        if self.status in (self.Status.REVIEWING, self.Status.COMPLETE):
            pending = self.items.pending_review().exists()
            if self.status == self.Status.REVIEWING and not pending:
                self._move((self.Status.REVIEWING,), self.Status.COMPLETE)
            elif self.status == self.Status.COMPLETE and pending:
                self._move((self.Status.COMPLETE,), self.Status.REVIEWING)
        self.touch()

    @property
    def is_matching(self) -> bool:
        return self.status == self.Status.MATCHING

    @property
    def is_reviewing(self) -> bool:
        return self.status == self.Status.REVIEWING

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING


class ImportItemQuerySet(models.QuerySet):
    def to_match(self) -> "ImportItemQuerySet":
        return self.filter(match_status=ImportItem.MatchStatus.PENDING)

    def unclaimed(self, now) -> "ImportItemQuerySet":
        """Items no request holds: never claimed, or the claim's lease ran out before `now`."""
        return self.filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))

    def reviewable(self) -> "ImportItemQuerySet":
        return self.filter(REVIEWABLE)

    def skipped_before(self) -> "ImportItemQuerySet":
        return self.filter(skipped_before=True)

    def pending_review(self) -> "ImportItemQuerySet":
        return self.filter(PENDING_REVIEW)

    def unmatched(self) -> "ImportItemQuerySet":
        """Titles of this import that ended without a film (not stored as films anywhere)."""
        return self.filter(
            skipped_before=False,
            match_status=ImportItem.MatchStatus.UNMATCHED,
            decision=ImportItem.Decision.SKIPPED,
        )

    def skipped_with_proposal(self) -> "ImportItemQuerySet":
        """Titles of this import skipped although the catalog proposed a film."""
        return self.filter(skipped_before=False, decision=ImportItem.Decision.SKIPPED).exclude(
            match_status__in=[ImportItem.MatchStatus.UNMATCHED, ImportItem.MatchStatus.PENDING]
        )

    def progress(self) -> dict[str, int]:
        """The wizard's counts, from one GROUP BY over the columns they depend on, so a review
        action costs the same few queries however large the import is. (Nine filtered COUNTs
        took longer to compile than to run: a third of a review action's time.)"""
        status, decision = ImportItem.MatchStatus, ImportItem.Decision
        names = ("ready", "pre_skipped", "matched", "to_match", "total", "decided", "undoable")
        counts = dict.fromkeys((*names, "high_pending", "unmatched_pending"), 0)
        groups = (
            self.values_list("skipped_before", "match_status", "decision")
            .annotate(
                has_decided_at=models.ExpressionWrapper(
                    models.Q(decided_at__isnull=False), output_field=models.BooleanField()
                ),
                n=models.Count("pk"),
            )
            .order_by()
        )
        for skipped_before, matched_as, decided_as, has_decided_at, n in groups:
            this_import = not skipped_before
            in_review = this_import and decided_as != decision.ALREADY_RANKED
            reviewable = in_review and matched_as != status.PENDING
            pending = reviewable and decided_as == decision.PENDING
            counts["to_match" if this_import else "pre_skipped"] += n
            counts["ready"] += n * in_review
            counts["matched"] += n * (this_import and matched_as != status.PENDING)
            counts["total"] += n * reviewable
            counts["decided"] += n * (reviewable and not pending)
            counts["undoable"] += n * bool(has_decided_at)
            counts["high_pending"] += n * (pending and matched_as == status.MATCHED)
            counts["unmatched_pending"] += n * (pending and matched_as == status.UNMATCHED)
        return counts

    def outcome(self) -> dict[str, int]:
        """How the review ended: films added, skipped, and chosen but already ranked."""
        this_import = models.Q(skipped_before=False)
        return self.aggregate(
            added=models.Count(
                "pk", filter=this_import & models.Q(decision=ImportItem.Decision.ADDED)
            ),
            skipped=models.Count(
                "pk", filter=this_import & models.Q(decision=ImportItem.Decision.SKIPPED)
            ),
            kept=models.Count("pk", filter=models.Q(decision=ImportItem.Decision.KEPT)),
        )


class ImportItem(models.Model):
    class MatchStatus(models.TextChoices):
        PENDING = "pending", "Not matched yet"
        MATCHED = "matched", "Matched"
        NEEDS_REVIEW = "needs_review", "Needs review"
        UNMATCHED = "unmatched", "Unmatched"

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        ADDED = "added", "Added"
        SKIPPED = "skipped", "Skipped"
        KEPT = "kept", "Already ranked, kept"
        ALREADY_RANKED = "already_ranked", "Already ranked before the import"

    session = models.ForeignKey(ImportSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    prime_title = models.CharField(max_length=500)
    clean_title = models.CharField(max_length=500)
    year_hint = models.PositiveSmallIntegerField(null=True, blank=True)
    watched = models.JSONField(default=list, blank=True, help_text="ISO datetimes, newest first")
    last_watched = models.DateTimeField(null=True, blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    gti = models.CharField(max_length=100, blank=True)
    match_status = models.CharField(
        max_length=12, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    proposal = models.JSONField(null=True, blank=True)
    alternatives = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Pre-skipped because the person skipped this title in an earlier import; not reviewed
    # unless they ask for it again.
    skipped_before = models.BooleanField(default=False)
    ranking = models.ForeignKey(
        "rankings.Ranking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ImportItemQuerySet.as_manager()
    # Not stored: worked out once per row of the list review (imports.views._as_row).
    films: list[CatalogMovie]
    watched_day: str
    rated_on_default: str  # ISO, for the row's date input

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_item_per_position")
        ]
        indexes = [
            models.Index(fields=["session", "match_status", "position"], name="item_next_to_match"),
            models.Index(fields=["session", "decision", "position"], name="item_next_to_review"),
            models.Index(fields=["session", "-decided_at"], name="item_last_decided"),
        ]

    def __str__(self) -> str:
        return self.prime_title

    @property
    def memory_key(self) -> str:
        return memory_key(gti=self.gti, normalized_title=normalize_title(self.clean_title))

    @property
    def is_reviewable(self) -> bool:
        """In Python what REVIEWABLE says in SQL: a card of the review."""
        return (
            self.match_status != self.MatchStatus.PENDING
            and self.decision != self.Decision.ALREADY_RANKED
            and not self.skipped_before
        )

    @property
    def prime_image_url(self) -> str:
        """The Prime cover when it may be shown: the file's URL is the uploader's to choose."""
        return prime_images.prime_image_url(self.image_url)

    @property
    def candidates(self) -> list[CatalogMovie]:
        """The stored proposal and alternatives, so a card needs no catalog call."""
        return [snapshot_to_movie(s) for s in [self.proposal, *self.alternatives] if s]


# A card of the review: matched, not ranked before the import, not pre-skipped. A Q object so
# the wizard's single counting aggregate can use it too.
REVIEWABLE = (
    ~models.Q(match_status=ImportItem.MatchStatus.PENDING)
    & ~models.Q(decision=ImportItem.Decision.ALREADY_RANKED)
    & models.Q(skipped_before=False)
)
PENDING_REVIEW = REVIEWABLE & models.Q(decision=ImportItem.Decision.PENDING)


def memory_key(*, gti: str, normalized_title: str) -> str:
    """What identifies a Prime title across imports: its GTI, else its normalised title."""
    return f"gti:{gti}" if gti else f"title:{normalized_title}"[:200]


class RememberedDecision(models.Model):
    """A person's choice for a Prime title, reused by their later imports."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        SKIPPED = "skipped", "Skipped"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remembered_decisions"
    )
    key = models.CharField(max_length=200)
    prime_title = models.CharField(max_length=500)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    film = models.JSONField(null=True, blank=True, help_text="The chosen film, for added titles")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_memory_per_user_and_title")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.prime_title} · {self.get_kind_display()}"

    @property
    def film_movie(self) -> CatalogMovie | None:
        return snapshot_to_movie(self.film) if self.film else None
