from django.contrib import admin

from .models import Notification, Preference, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "commune", "item", "organization", "created_at")
    raw_id_fields = ("user", "commune", "item", "organization")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "last_digest_at")
    list_filter = ("frequency",)
    raw_id_fields = ("user",)
    exclude = ("unsubscribe_salt", "unsubscribe_hash")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "object_id", "commune", "created_at", "sent_at")
    list_filter = ("event",)
    raw_id_fields = ("user", "commune")
