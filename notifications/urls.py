from django.urls import path, re_path

from . import views

app_name = "notifications"

TARGET = r"^abonnements/(?P<kind>commune|engagement|groupe)/(?P<key>[-\w]{1,100})/"

urlpatterns = [
    path("abonnements/", views.subscriptions, name="subscriptions"),
    path("abonnements/frequence/", views.preference, name="preference"),
    path("abonnements/revoquer-les-liens/", views.revoke_links, name="revoke_links"),
    re_path(TARGET + r"suivre/$", views.follow, name="follow"),
    re_path(TARGET + r"ne-plus-suivre/$", views.unfollow, name="unfollow"),
    # The unsubscribe link of the emails (no sign-in): a GET shows the button, a POST unsubscribes.
    re_path(r"^desabonnement/(?P<token>[A-Za-z0-9_-]{1,100})/$", views.unsubscribe, name="unsubscribe"),
]
