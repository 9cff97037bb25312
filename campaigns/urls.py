from django.urls import path, re_path

from .views import bulletins, campaigns, imports, letters, public, signature, targets

app_name = "campaigns"

TARGET = r"^campagnes/(?P<slug>[-\w]+)/communes/(?P<code>[0-9][0-9AB][0-9]{3})/"

urlpatterns = [
    path("campagnes/", public.campaign_list, name="campaigns"),
    path("campagnes/nouvelle/", campaigns.campaign_create, name="campaign_create"),
    path("campagnes/<slug:slug>/", public.campaign_detail, name="campaign"),
    path("campagnes/<slug:slug>/modifier/", campaigns.campaign_edit, name="campaign_edit"),
    path("campagnes/<slug:slug>/carte.json", public.campaign_map_data, name="map_data"),
    re_path(r"^campagnes/(?P<slug>[-\w]+)/export\.(?P<fmt>csv|xlsx)$", public.campaign_export, name="export"),
    path("campagnes/<slug:slug>/suivre/", campaigns.target_take_on, name="take_on"),
    path("campagnes/<slug:slug>/import/", imports.import_view, name="import"),
    path("campagnes/<slug:slug>/import/<int:job_id>/", imports.import_job, name="import_job"),
    re_path(
        r"^campagnes/(?P<slug>[-\w]+)/import/modele\.(?P<fmt>csv|xlsx)$",
        imports.import_template,
        name="import_template",
    ),
    re_path(TARGET + r"$", public.target_detail, name="target"),
    re_path(TARGET + r"listes/$", targets.list_add, name="list_add"),
    re_path(TARGET + r"listes/(?P<list_id>[0-9]+)/modifier/$", targets.list_edit, name="list_edit"),
    re_path(TARGET + r"listes/(?P<list_id>[0-9]+)/supprimer/$", targets.list_delete, name="list_delete"),
    re_path(TARGET + r"journal/$", targets.step_add, name="step_add"),
    re_path(TARGET + r"journal/(?P<step_id>[0-9]+)/supprimer/$", targets.step_delete, name="step_delete"),
    re_path(TARGET + r"journal/(?P<step_id>[0-9]+)/modifier/$", targets.step_edit, name="step_edit"),
    re_path(TARGET + r"lettre/$", letters.letter, name="letter"),
    re_path(TARGET + r"lettre\.pdf$", letters.letter, {"fmt": "pdf"}, name="letter_pdf"),
    re_path(TARGET + r"lettre/reglages/$", letters.letter_settings, name="letter_settings"),
    re_path(TARGET + r"lettre/envoi/$", letters.kit_send, name="kit_send"),
    re_path(TARGET + r"invitations/$", targets.invitation_send, name="invitation_send"),
    re_path(
        TARGET + r"invitations/(?P<invitation_id>[0-9]+)/annuler/$",
        targets.invitation_cancel,
        name="invitation_cancel",
    ),
    re_path(TARGET + r"bulletin-papier/$", bulletins.paper_record, name="paper"),
    re_path(TARGET + r"deliberation/$", bulletins.deliberation_record, name="deliberation"),
    re_path(
        TARGET + r"bulletins/(?P<commitment_id>[0-9]+)/retrait/$",
        bulletins.commitment_withdraw,
        name="commitment_withdraw",
    ),
    re_path(
        TARGET + r"bulletins/(?P<commitment_id>[0-9]+)\.pdf$", bulletins.commitment_pdf, name="commitment_pdf"
    ),
    re_path(
        TARGET + r"bulletins/(?P<commitment_id>[0-9]+)/scan/$",
        bulletins.commitment_scan,
        name="commitment_scan",
    ),
    re_path(TARGET + r"resultat/$", targets.mark_elected, name="mark_elected"),
    re_path(TARGET + r"historique/$", targets.target_history, name="history"),
    re_path(r"^signer/(?P<token>[A-Za-z0-9_-]{1,100})/$", signature.sign, name="sign"),
    re_path(r"^signer/(?P<token>[A-Za-z0-9_-]{1,100})/refus/$", signature.decline, name="decline"),
    re_path(r"^retrait/(?P<token>[A-Za-z0-9_-]{1,100})/$", signature.withdraw, name="withdraw"),
]
