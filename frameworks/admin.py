from django.contrib import admin

from .models import Framework, FrameworkDraft, Item, Level, Section, Theme


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Frameworks are data files loaded by `load_frameworks`: read them here, change the files."""

    list_display = ["title", "version", "year", "publisher", "is_current", "is_complete"]
    list_filter = ["is_current", "publisher"]
    inlines = [SectionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework", "section"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register([Theme, Level])


@admin.register(FrameworkDraft)
class FrameworkDraftAdmin(admin.ModelAdmin):
    """Drafts are edited on the site (/referentiels/<slug>/brouillon/): read them here."""

    list_display = ["slug", "publisher", "revision", "updated_by", "updated_at", "published_at"]
    list_filter = ["publisher"]
    readonly_fields = [field.name for field in FrameworkDraft._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
