"""Pages of working groups (chantiers): the list, a group's page and its POSTs (join,
accept an invitation, leave, invite, close), the creation forms (a committee's, an
organisation's), and the documents (upload, new version, page, file)."""

from django.urls import path, re_path

from . import documents, groups

GROUP = "chantiers/<int:pk>/"

urlpatterns = [
    path("chantiers/", groups.working_group_list, name="working_groups"),
    path(GROUP, groups.working_group_detail, name="working_group"),
    path(GROUP + "rejoindre/", groups.working_group_join, name="working_group_join"),
    path(GROUP + "accepter/", groups.working_group_accept, name="working_group_accept"),
    path(GROUP + "quitter/", groups.working_group_leave, name="working_group_leave"),
    path(GROUP + "inviter/", groups.working_group_invite, name="working_group_invite"),
    path(GROUP + "clore/", groups.working_group_close, name="working_group_close"),
    path(GROUP + "documents/nouveau/", documents.document_create, name="document_create"),
    path("chantiers/documents/<int:pk>/", documents.document_detail, name="document"),
    path(
        "chantiers/documents/<int:pk>/nouvelle-version/",
        documents.document_version_create,
        name="document_version_create",
    ),
    path("chantiers/fichiers/<int:pk>/", documents.document_file, name="document_file"),
    re_path(
        r"^communes/(?P<code>[0-9][0-9AB][0-9]{3})/comite/chantiers/nouveau/$",
        groups.working_group_create_committee,
        name="working_group_create_committee",
    ),
    path(
        "organisations/<slug:slug>/chantiers/nouveau/",
        groups.working_group_create_organization,
        name="working_group_create_organization",
    ),
]
