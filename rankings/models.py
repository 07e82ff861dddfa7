from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from catalog.interface import CatalogMovie, KnownByCatalogIds, identity


class MovieQuerySet(models.QuerySet):
    def identified_as(self, films: list[CatalogMovie]) -> "MovieQuerySet":
        """The stored films these catalog films are, each by its identity (see `identity`)."""
        ids: dict[str, list[int | str]] = {"tmdb_id": [], "imdb_id": []}
        for field, value in filter(None, map(identity, films)):
            ids[field].append(value)
        return self.filter(
            models.Q(tmdb_id__in=ids["tmdb_id"]) | models.Q(imdb_id__in=ids["imdb_id"])
        )

    def catalog_values(self, found: CatalogMovie) -> dict:
        """A catalog film's fields as a `Movie` stores them."""
        return {
            "tmdb_id": found.tmdb_id,
            "imdb_id": found.imdb_id or None,
            "title": found.title[:300],
            "original_title": found.original_title[:300],
            "year": found.year,
            "release_date": found.release_date,
            "overview": found.overview,
            "poster_url": found.poster_url[:500],
            "popularity": found.popularity,
            "runtime": found.runtime,
            "genres": ", ".join(found.genres)[:300],
        }

    def from_catalog(self, found: CatalogMovie) -> "Movie":
        """The stored film for a catalog result, created or refreshed by its `identity`."""
        key = identity(found)
        if key is None:
            raise ValueError("A catalog film needs a tmdb_id or an imdb_id")
        field, value = key
        lookup: dict[str, Any] = {field: value}
        values = self.catalog_values(found)
        del values["tmdb_id"]
        if not (found.tmdb_id and found.imdb_id):
            del values["imdb_id"]
        try:
            # A savepoint, so that losing a race with a concurrent insert leaves the outer
            # transaction usable and we can read the winner's row.
            with transaction.atomic():
                movie, _ = self.update_or_create(**lookup, defaults=values)
        except IntegrityError:
            values.pop("imdb_id", None)
            movie, _ = self.update_or_create(**lookup, defaults=values)
        return movie


class Movie(KnownByCatalogIds, models.Model):
    tmdb_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    imdb_id = models.CharField(max_length=16, unique=True, null=True, blank=True)
    title = models.CharField(max_length=300)
    original_title = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    overview = models.TextField(blank=True)
    poster_url = models.URLField(max_length=500, blank=True)
    popularity = models.FloatField(default=0)
    runtime = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minutes")
    genres = models.CharField(max_length=300, blank=True)

    objects = MovieQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tmdb_id__isnull=False) | models.Q(imdb_id__isnull=False),
                name="movie_has_an_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


class RankingQuerySet(models.QuerySet):
    def for_user(self, user) -> "RankingQuerySet":
        return self.filter(user=user)

    def catalog_ids(self) -> set[str]:
        """Every id of these rankings' films: a catalog film is ranked when its `catalog_id`
        is in here, whichever of its ids the catalog went by."""
        ids: set[str] = set()
        for tmdb_id, imdb_id in self.values_list("movie__tmdb_id", "movie__imdb_id"):
            ids.update(filter(None, (tmdb_id and str(tmdb_id), imdb_id)))
        return ids

    def of_catalog_films(self, films: list[CatalogMovie]) -> dict[str, "Ranking"]:
        """These rankings of the given catalog films, keyed by catalog id (one query)."""
        if not any(map(identity, films)):
            return {}
        found = self.select_related("movie").filter(movie__in=Movie.objects.identified_as(films))
        return {r.movie.catalog_id: r for r in found}

    def rate(self, *, user, movie: Movie, rating: int, rated_at=None) -> "Ranking":
        """Create or re-rate the user's one ranking of a film."""
        values = {"rating": rating, "rated_at": rated_at or timezone.localdate()}
        try:
            with transaction.atomic():
                ranking, _ = self.update_or_create(user=user, movie=movie, defaults=values)
        except IntegrityError:
            # A concurrent request (a double click) inserted the row first; update that one.
            ranking, _ = self.update_or_create(user=user, movie=movie, defaults=values)
        return ranking


class Ranking(models.Model):
    RATINGS = [(n, f"{n} star" if n == 1 else f"{n} stars") for n in range(1, 6)]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rankings"
    )
    movie = models.ForeignKey(Movie, on_delete=models.PROTECT, related_name="rankings")
    rating = models.PositiveSmallIntegerField(choices=RATINGS)
    rated_at = models.DateField(default=timezone.localdate)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RankingQuerySet.as_manager()

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "movie"], name="one_ranking_per_user_and_movie"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_between_1_and_5"
            ),
        ]
        indexes = [models.Index(fields=["user", "-rated_at"], name="ranking_user_rated_at")]

    def __str__(self) -> str:
        return f"{self.user} · {self.movie} · {self.rating}"

    @property
    def stars(self) -> str:
        return "★" * self.rating + "☆" * (5 - self.rating)
