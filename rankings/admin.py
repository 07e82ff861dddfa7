from django.contrib import admin

from rankings.models import Movie, Ranking


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "tmdb_id", "imdb_id", "popularity"]
    list_filter = ["year"]
    search_fields = ["title", "original_title", "=tmdb_id", "=imdb_id"]


@admin.register(Ranking)
class RankingAdmin(admin.ModelAdmin):
    list_display = ["movie", "user", "rating", "rated_at", "updated"]
    list_filter = ["rating", "rated_at"]
    search_fields = ["movie__title", "user__username"]
    list_select_related = ["movie", "user"]
    raw_id_fields = ["movie", "user"]
    date_hierarchy = "rated_at"
