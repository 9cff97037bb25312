from django.urls import path, re_path

from . import views

app_name = "actors"

urlpatterns = [
    path("organisations/", views.organization_list, name="organizations"),
    path("organisations/nouvelle/", views.organization_create, name="organization_create"),
    path("organisations/a-valider/", views.validation_queue, name="validation_queue"),
    path("organisations/<slug:slug>/", views.organization_detail, name="organization"),
    path("organisations/<slug:slug>/modifier/", views.organization_edit, name="organization_edit"),
    path("organisations/<slug:slug>/decision/", views.organization_review, name="organization_review"),
    path("organisations/<slug:slug>/membres/", views.organization_members, name="members"),
    path(
        "organisations/<slug:slug>/membres/<int:membership_id>/retirer/",
        views.membership_remove,
        name="member_remove",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:membership_id>/role/",
        views.membership_role,
        name="member_role",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:invitation_id>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("organisations/<slug:slug>/quitter/", views.organization_leave, name="leave"),
    path("organisations/<slug:slug>/historique/", views.organization_history, name="history"),
    re_path(r"^invitations/(?P<token>[A-Za-z0-9_-]{1,100})/$", views.invitation, name="invitation"),
    re_path(
        r"^communes/(?P<code>[0-9][0-9AB][0-9]{3})/representer/$",
        views.municipal_contact_request,
        name="municipal_contact_request",
    ),
    re_path(
        r"^verification-mairie/(?P<token>[A-Za-z0-9_-]{1,100})/$",
        views.municipal_contact_verify,
        name="municipal_contact_verify",
    ),
    path("contacts-municipaux/", views.municipal_contacts_queue, name="municipal_contacts"),
]
