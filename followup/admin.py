from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Evidence, ItemState, Update


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0


@admin.register(Update)
class UpdateAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "item", "kind", "status", "progress", "published_at", "hidden_at"]
    list_filter = ["kind", "status"]
    search_fields = ["commune__name", "commune__code", "text"]
    raw_id_fields = ["commune", "item", "organization", "created_by", "cosigned_by", "cosigner_organization"]
    inlines = [EvidenceInline]


@admin.register(ItemState)
class ItemStateAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "item", "voice", "status", "progress", "version", "updated_at"]
    list_filter = ["voice", "status"]
    raw_id_fields = ["commune", "item", "last_update"]
