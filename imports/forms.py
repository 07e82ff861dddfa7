from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from catalog.active import get_catalog
from catalog.interface import CatalogError
from imports.decisions import Choice
from imports.models import ImportItem
from imports.sources import PrimeFileError, read_history
from rankings.forms import RatingForm


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Watch history file",
        help_text=(
            "The CSV from the Prime Video exporter, or Amazon's “Request your data” ZIP or CSV."
        ),
        error_messages={"required": "Choose your watch history file to upload."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit_mb = settings.IMPORT_MAX_UPLOAD_MB
        if upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                f"That file is larger than the {limit_mb} MB limit. "
                "Upload only the viewing history CSV (or Amazon's Prime Video ZIP)."
            )
        try:
            self.history = read_history(
                upload.read(), filename=upload.name, max_bytes=limit_mb * 1024 * 1024
            )
        except PrimeFileError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class AddForm(RatingForm):
    film = forms.CharField(
        max_length=32, error_messages={"required": "Choose the film to add, or Skip."}
    )
    rated_on = forms.DateField(
        label="Rated on",
        error_messages={
            "required": "Enter the date you rated it.",
            "invalid": "Enter a valid date.",
        },
    )

    EARLIEST_RATED_ON = date(1900, 1, 1)

    def __init__(self, *args, item: ImportItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_rated_on(self):
        rated_on = self.cleaned_data["rated_on"]
        # A day of slack: the person's today may already be tomorrow on the server's clock.
        if rated_on > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError("The rating date cannot be in the future.")
        if rated_on < self.EARLIEST_RATED_ON:
            raise forms.ValidationError("Enter a rating date after 1900.")
        return rated_on

    def clean(self):
        """The film named by its catalog id: one of the card's, else asked of the catalog
        (a film found with the card's search). The catalog's refusal is said above the card."""
        cleaned = super().clean()
        film_id = cleaned.get("film")
        if film_id and not self.errors:
            film = next((c for c in self.item.candidates if c.catalog_id == film_id), None)
            try:
                cleaned["film"] = film or get_catalog().get(film_id)
            except CatalogError as exc:
                raise forms.ValidationError(exc.message) from exc
        return cleaned

    def choice(self) -> Choice | None:
        """What to add, or None while the input is not usable."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return Choice(film=data["film"], rating=data["rating"], rated_on=data["rated_on"])


class BulkRatingForm(RatingForm):
    """The one rating "Add all High matches" gives every film it adds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].error_messages["required"] = (
            "Choose the rating for all High matches first."
        )
