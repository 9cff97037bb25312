from django.urls import re_path

from . import views

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
