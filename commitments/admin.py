from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Commitment, CommitmentItem, Declaration, DeclarationItem, MandateCommitment


class CommitmentItemInline(admin.TabularInline):
    model = CommitmentItem
    extra = 0
    raw_id_fields = ["item", "level"]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["signatory_name", "framework", "target", "channel", "signed_on", "withdrawn_at"]
    list_filter = ["channel", "framework"]
    search_fields = ["signatory_name", "target__commune__name"]
    raw_id_fields = ["target", "candidate_list", "created_by"]
    inlines = [CommitmentItemInline]


@admin.register(MandateCommitment)
class MandateCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "campaign", "start_year", "end_year"]
    raw_id_fields = ["commune", "commitment"]


class DeclarationItemInline(admin.TabularInline):
    model = DeclarationItem
    extra = 0
    raw_id_fields = ["item", "level"]


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = [
        "commune",
        "framework",
        "committed_by",
        "list_name",
        "committed_on",
        "status",
        "declared_at",
    ]
    list_filter = ["status", "committed_by", "declared_as", "framework"]
    search_fields = ["commune__name", "commune__code", "list_name"]
    raw_id_fields = ["commune", "declared_by", "declared_for", "decided_by", "decided_for"]
    inlines = [DeclarationItemInline]
