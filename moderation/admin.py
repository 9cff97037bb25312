from django.contrib import admin

from .models import ModerationDecision, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["reporter", "closed_by"]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "action", "reason", "created_at"]
    raw_id_fields = ["moderator"]
