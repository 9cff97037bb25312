from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, JoinRequest, Membership, MunicipalContact, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "scale", "status", "hidden_at", "created_at"]
    list_filter = ["kind", "status", "scale"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["commune", "epci", "department", "region", "created_by", "validated_by"]
    filter_horizontal = ["networks"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]


@admin.register(MunicipalContact)
class MunicipalContactAdmin(SimpleHistoryAdmin):
    list_display = ["user", "commune", "role", "status", "requested_at"]
    list_filter = ["status", "role"]
    raw_id_fields = ["user", "commune", "verified_by"]
    exclude = ["token_hash", "token_expires_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "cancelled_at",
    ]
    raw_id_fields = ["organization", "invited_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(JoinRequest)
class JoinRequestAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "organization", "decided_by"]
