from django.contrib import admin

from .models import Framework, Item, Level, Section, Theme


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
