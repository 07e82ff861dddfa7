from django import forms

from rankings.models import Ranking

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Find a film",
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={
            "required": "Type a title to search.",
            "max_length": f"That search is too long: at most {MAX_QUERY_LENGTH} characters.",
        },
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=Ranking.RATINGS,
        coerce=int,
        error_messages={
            "required": "Choose a rating from 1 to 5 stars.",
            "invalid_choice": "A rating is a whole number from 1 to 5.",
        },
    )


class RateFilmForm(RatingForm):
    film = forms.CharField(max_length=32, error_messages={"required": "Choose a film to rate."})


class RankingFilterForm(forms.Form):
    SORTS = {
        "rated": ("-rated_at", "-id"),
        "rating": ("-rating", "-rated_at", "-id"),
        "title": ("movie__title", "movie__year", "id"),
    }
    sort = forms.ChoiceField(
        choices=[("rated", "Date rated"), ("rating", "Rating"), ("title", "Title")],
        required=False,
    )
    stars = forms.TypedChoiceField(
        choices=[("", "Any"), *Ranking.RATINGS], coerce=int, required=False, empty_value=None
    )

    def ordering(self) -> tuple[str, ...]:
        sort = self.cleaned_data.get("sort") if self.is_valid() else None
        return self.SORTS[sort or "rated"]

    def stars_filter(self) -> int | None:
        return self.cleaned_data.get("stars") if self.is_valid() else None
