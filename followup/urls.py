from django.urls import re_path
from django.views.decorators.http import require_GET

from . import declarations_views as declarations
from . import feeds, views
from .barometer import views as barometer

app_name = "followup"

BOARD = r"^communes/(?P<code>[0-9][0-9AB][0-9]{3})/suivi/"
ITEM = BOARD + r"engagements/(?P<item_id>[0-9]+)/"
UPDATE = BOARD + r"mises-a-jour/(?P<update_id>[0-9]+)/"

urlpatterns = [
    re_path(BOARD + r"$", views.commune_board, name="board"),
    re_path(ITEM + r"$", views.item_timeline, name="item"),
    re_path(ITEM + r"publier/$", views.update_create, name="update_create"),
    re_path(ITEM + r"declaration-commune/$", views.joint_create, name="joint_create"),
    re_path(UPDATE + r"$", views.update_detail, name="update"),
    re_path(UPDATE + r"cosigner/$", views.cosign, name="cosign"),
    # Evidence files: here, before core's /fichiers/ (config/urls.py includes this first),
    # so that a file is served only once the view has checked that its update is visible.
    re_path(
        r"^fichiers/preuves/(?P<name>[A-Za-z0-9_-]{1,100}(?:\.(?:png|jpg|jpeg|webp|pdf))?)$",
        views.evidence_file,
        name="evidence_file",
    ),
]

# The yearly barometer.
FRAMEWORK_YEAR = r"(?P<slug>[-\w]+)/(?P<year>[0-9]{4})/"
urlpatterns += [
    re_path(r"^suivi/barometres/$", barometer.barometer_list, name="barometers"),
    re_path(
        r"^suivi/barometres/(?P<slug>[-\w]+)/ouvrir/$", barometer.barometer_create, name="barometer_create"
    ),
    re_path(r"^suivi/barometres/" + FRAMEWORK_YEAR + r"$", barometer.barometer_detail, name="barometer"),
    re_path(
        r"^suivi/barometres/" + FRAMEWORK_YEAR + r"modifier/$",
        barometer.barometer_edit,
        name="barometer_edit",
    ),
    re_path(
        BOARD + r"barometre/" + FRAMEWORK_YEAR + r"(?P<voice_slug>municipalite|societe-civile)/$",
        barometer.ratings_edit,
        name="barometer_rate",
    ),
]

# Atom feeds of the published updates (feeds.py), read-only.
urlpatterns += [
    re_path(BOARD + r"flux\.atom$", require_GET(feeds.CommuneFeed()), name="feed_commune"),
    re_path(
        r"^suivi/engagements/(?P<item_id>[0-9]{1,12})/flux\.atom$",
        require_GET(feeds.ItemFeed()),
        name="feed_item",
    ),
    re_path(
        r"^departements/(?P<code>(?:\d{2,3}|2[abAB]))/suivi/flux\.atom$",
        require_GET(feeds.DepartmentFeed()),
        name="feed_department",
    ),
]

# Commitments made elsewhere, declared after the fact (commitments' Declaration).
DECLARATION = BOARD + r"declarations/(?P<pk>[0-9]{1,12})/"
urlpatterns += [
    re_path(BOARD + r"declarer/$", declarations.declaration_create, name="declaration_create"),
    re_path(DECLARATION + r"$", declarations.declaration_detail, name="declaration"),
    re_path(DECLARATION + r"confirmer/$", declarations.declaration_confirm, name="declaration_confirm"),
    re_path(DECLARATION + r"refuser/$", declarations.declaration_refuse, name="declaration_refuse"),
    re_path(DECLARATION + r"retirer/$", declarations.declaration_withdraw, name="declaration_withdraw"),
    re_path(
        r"^suivi/engagements-declares/$", declarations.declarations_to_confirm, name="declarations_to_confirm"
    ),
    re_path(
        r"^suivi/engagements-declares/import/$", declarations.declarations_import, name="declarations_import"
    ),
    re_path(
        r"^suivi/engagements-declares/import/modele\.(?P<fmt>csv|xlsx)$",
        declarations.declarations_import_template,
        name="declarations_import_template",
    ),
    # Before core's /fichiers/, as the evidence files: served once the view has checked who reads it.
    re_path(
        r"^fichiers/declarations/(?P<name>[A-Za-z0-9_-]{1,100}(?:\.(?:png|jpg|jpeg|webp|pdf))?)$",
        declarations.declaration_file,
        name="declaration_file",
    ),
]
