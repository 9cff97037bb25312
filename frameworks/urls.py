from django.urls import path, re_path

from . import editor, views

app_name = "frameworks"

CODE = r"(?P<code>[A-Za-z0-9._-]{1,20})"
VERSION = r"(?P<version>[A-Za-z0-9._-]{1,20})"
SLUG = r"(?P<slug>[-\w]+)"

urlpatterns = [
    path("referentiels/", views.framework_list, name="frameworks"),
    path("referentiels/<slug:slug>/", views.framework_detail, name="framework"),
    path("referentiels/<slug:slug>/comparer/", views.framework_diff, name="diff"),
    path("referentiels/<slug:slug>/yaml/", editor.framework_yaml, name="yaml"),
    re_path(rf"^referentiels/{SLUG}/engagements/{CODE}/$", views.item_detail, name="item"),
    re_path(rf"^referentiels/{SLUG}/versions/{VERSION}/$", views.framework_detail, name="framework_version"),
    re_path(rf"^referentiels/{SLUG}/versions/{VERSION}/yaml/$", editor.framework_yaml, name="yaml_version"),
    re_path(
        rf"^referentiels/{SLUG}/versions/{VERSION}/engagements/{CODE}/$",
        views.item_detail,
        name="item_version",
    ),
    path("referentiels/<slug:slug>/versions-locales/nouvelle/", editor.local_version_new, name="local_new"),
    # The draft of the next version, for the publisher's coordinators.
    path("referentiels/<slug:slug>/brouillon/ouvrir/", editor.draft_start, name="draft_start"),
    path("referentiels/<slug:slug>/brouillon/", editor.draft_detail, name="draft"),
    path("referentiels/<slug:slug>/brouillon/general/", editor.draft_head, name="draft_head"),
    path(
        "referentiels/<slug:slug>/brouillon/sections/ajouter/", editor.draft_section, name="draft_section_add"
    ),
    re_path(rf"^referentiels/{SLUG}/brouillon/sections/{CODE}/$", editor.draft_section, name="draft_section"),
    re_path(
        rf"^referentiels/{SLUG}/brouillon/sections/{CODE}/retirer/$",
        editor.draft_section_remove,
        name="draft_section_remove",
    ),
    path("referentiels/<slug:slug>/brouillon/engagements/ajouter/", editor.draft_item, name="draft_item_add"),
    re_path(rf"^referentiels/{SLUG}/brouillon/engagements/{CODE}/$", editor.draft_item, name="draft_item"),
    re_path(
        rf"^referentiels/{SLUG}/brouillon/engagements/{CODE}/retirer/$",
        editor.draft_item_remove,
        name="draft_item_remove",
    ),
    path("referentiels/<slug:slug>/brouillon/deplacer/", editor.draft_move, name="draft_move"),
    path("referentiels/<slug:slug>/brouillon/apercu/", editor.draft_preview, name="draft_preview"),
    path("referentiels/<slug:slug>/brouillon/publier/", editor.draft_publish, name="draft_publish"),
    path("referentiels/<slug:slug>/brouillon/abandonner/", editor.draft_discard, name="draft_discard"),
    path("referentiels/<slug:slug>/brouillon/historique/", editor.draft_history, name="draft_history"),
    path("referentiels/<slug:slug>/brouillon/yaml/", editor.draft_yaml, name="draft_yaml"),
]
