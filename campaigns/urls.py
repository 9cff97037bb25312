from django.urls import path, re_path

from . import views

app_name = "campaigns"

TARGET = r"^campagnes/(?P<slug>[-\w]+)/communes/(?P<code>[0-9][0-9AB][0-9]{3})/"

urlpatterns = [
    path("campagnes/", views.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaign_create"),
    path("campagnes/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campagnes/<slug:slug>/modifier/", views.campaign_edit, name="campaign_edit"),
    path("campagnes/<slug:slug>/carte.json", views.campaign_map_data, name="map_data"),
    re_path(r"^campagnes/(?P<slug>[-\w]+)/export\.(?P<fmt>csv|xlsx)$", views.campaign_export, name="export"),
    path("campagnes/<slug:slug>/suivre/", views.target_take_on, name="take_on"),
    path("campagnes/<slug:slug>/import/", views.import_view, name="import"),
    path("campagnes/<slug:slug>/import/<int:job_id>/", views.import_job, name="import_job"),
    re_path(
        r"^campagnes/(?P<slug>[-\w]+)/import/modele\.(?P<fmt>csv|xlsx)$",
        views.import_template,
        name="import_template",
    ),
    re_path(TARGET + r"$", views.target_detail, name="target"),
    re_path(TARGET + r"listes/$", views.list_add, name="list_add"),
    re_path(TARGET + r"listes/(?P<list_id>[0-9]+)/modifier/$", views.list_edit, name="list_edit"),
    re_path(TARGET + r"listes/(?P<list_id>[0-9]+)/supprimer/$", views.list_delete, name="list_delete"),
    re_path(TARGET + r"journal/$", views.step_add, name="step_add"),
    re_path(TARGET + r"journal/(?P<step_id>[0-9]+)/supprimer/$", views.step_delete, name="step_delete"),
    re_path(TARGET + r"lettre/$", views.letter, name="letter"),
    re_path(TARGET + r"lettre\.pdf$", views.letter, {"fmt": "pdf"}, name="letter_pdf"),
    re_path(TARGET + r"invitations/$", views.invitation_send, name="invitation_send"),
    re_path(
        TARGET + r"invitations/(?P<invitation_id>[0-9]+)/annuler/$",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    re_path(TARGET + r"bulletin-papier/$", views.paper_record, name="paper"),
    re_path(TARGET + r"deliberation/$", views.deliberation_record, name="deliberation"),
    re_path(
        TARGET + r"bulletins/(?P<commitment_id>[0-9]+)/retrait/$",
        views.commitment_withdraw,
        name="commitment_withdraw",
    ),
    re_path(
        TARGET + r"bulletins/(?P<commitment_id>[0-9]+)\.pdf$", views.commitment_pdf, name="commitment_pdf"
    ),
    re_path(
        TARGET + r"bulletins/(?P<commitment_id>[0-9]+)/scan/$", views.commitment_scan, name="commitment_scan"
    ),
    re_path(TARGET + r"resultat/$", views.mark_elected, name="mark_elected"),
    re_path(TARGET + r"historique/$", views.target_history, name="history"),
    re_path(r"^signer/(?P<token>[A-Za-z0-9_-]{1,100})/$", views.sign, name="sign"),
    re_path(r"^retrait/(?P<token>[A-Za-z0-9_-]{1,100})/$", views.withdraw, name="withdraw"),
]
