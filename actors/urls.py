from django.urls import path, re_path

from .views import joining, members, municipal, organizations

app_name = "actors"

urlpatterns = [
    path("organisations/", organizations.organization_list, name="organizations"),
    path("organisations/nouvelle/", organizations.organization_create, name="organization_create"),
    path("organisations/a-valider/", organizations.validation_queue, name="validation_queue"),
    path("organisations/<slug:slug>/", organizations.organization_detail, name="organization"),
    path("organisations/<slug:slug>/modifier/", organizations.organization_edit, name="organization_edit"),
    path(
        "organisations/<slug:slug>/decision/", organizations.organization_review, name="organization_review"
    ),
    path("organisations/<slug:slug>/membres/", members.organization_members, name="members"),
    path(
        "organisations/<slug:slug>/membres/<int:membership_id>/retirer/",
        members.membership_remove,
        name="member_remove",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:membership_id>/role/",
        members.membership_role,
        name="member_role",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:invitation_id>/annuler/",
        members.invitation_cancel,
        name="invitation_cancel",
    ),
    path("organisations/<slug:slug>/quitter/", members.organization_leave, name="leave"),
    path("organisations/<slug:slug>/ecrire/", joining.organization_contact, name="contact"),
    path("organisations/<slug:slug>/rejoindre/", joining.organization_join, name="join"),
    path(
        "organisations/<slug:slug>/rejoindre/retirer/",
        joining.join_request_withdraw,
        name="join_withdraw",
    ),
    path(
        "organisations/<slug:slug>/demandes/<int:request_id>/",
        joining.join_request_decide,
        name="join_decide",
    ),
    path("organisations/<slug:slug>/historique/", organizations.organization_history, name="history"),
    re_path(r"^invitations/(?P<token>[A-Za-z0-9_-]{1,100})/$", members.invitation, name="invitation"),
    re_path(
        r"^communes/(?P<code>[0-9][0-9AB][0-9]{3})/representer/$",
        municipal.municipal_contact_request,
        name="municipal_contact_request",
    ),
    re_path(
        r"^verification-mairie/(?P<token>[A-Za-z0-9_-]{1,100})/$",
        municipal.municipal_contact_verify,
        name="municipal_contact_verify",
    ),
    path("contacts-municipaux/", municipal.municipal_contacts_queue, name="municipal_contacts"),
]
