from django.contrib import admin

from imports.models import ImportItem, ImportSession


class ReadOnlyAdmin(admin.ModelAdmin):
    """Import data is written by the wizard only; the admin is for looking."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    fields = readonly_fields = (
        "position",
        "prime_title",
        "match_status",
        "band",
        "confidence",
        "decision",
        "ranking",
    )
    can_delete = False
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportSession)
class ImportSessionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "user",
        "status",
        "file_name",
        "detected_format",
        "movies_found",
        "created",
        "expires_at",
    ]
    list_filter = ["status", "detected_format", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "file_name", "items__prime_title"]
    list_select_related = ["user"]
    date_hierarchy = "created"
    inlines = [ImportItemInline]


@admin.register(ImportItem)
class ImportItemAdmin(ReadOnlyAdmin):
    list_display = ["prime_title", "session", "match_status", "band", "confidence", "decision"]
    list_filter = [
        "match_status",
        "decision",
        "band",
        ("session__user", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["prime_title", "clean_title", "gti"]
    list_select_related = ["session", "session__user"]
    raw_id_fields = ["session", "ranking"]
