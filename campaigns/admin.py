from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, CandidateList, ImportJob, Step, Target


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "is_open", "first_round", "created_at"]
    list_filter = ["kind", "is_open"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["frameworks", "organizers"]
    raw_id_fields = ["created_by"]


class CandidateListInline(admin.TabularInline):
    model = CandidateList
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "campaign", "group", "status"]
    list_filter = ["campaign", "status"]
    search_fields = ["commune__name", "commune__code"]
    raw_id_fields = ["commune", "group", "created_by"]
    inlines = [CandidateListInline]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["target", "kind", "date"]
    raw_id_fields = ["target", "candidate_list", "created_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "campaign", "created_by", "status", "row_count", "created_at", "finished_at"]
    list_filter = ["status", "campaign"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["counts", "errors", "message"]
