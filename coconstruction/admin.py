from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Comment, Committee, Meeting, WorkingGroup


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "created_at"]
    raw_id_fields = ["commune", "created_by"]
    search_fields = ["commune__name", "commune__code"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "committee", "working_group", "status"]
    list_filter = ["status", "visibility"]
    raw_id_fields = ["committee", "working_group", "created_by"]
    search_fields = ["title"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "committee", "organization", "closed_at"]
    raw_id_fields = ["committee", "organization", "created_by", "closed_by"]
    search_fields = ["name"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["thread", "created_by", "created_at", "hidden_at"]
    raw_id_fields = ["thread", "parent", "quoted", "created_by"]
