"""Pages of a commune's follow-up committee: the committee page (and its creation), the
purpose's edit form, and the POSTs of taking part (asking, answering, leaving, removing)."""

from django.urls import re_path

from . import membership, pages

COMMITTEE = r"^communes/(?P<code>[0-9][0-9AB][0-9]{3})/comite/"

urlpatterns = [
    re_path(COMMITTEE + r"$", pages.committee_detail, name="committee"),
    re_path(COMMITTEE + r"creer/$", pages.committee_create, name="committee_create"),
    re_path(COMMITTEE + r"modifier/$", pages.committee_edit, name="committee_edit"),
    re_path(COMMITTEE + r"participer/$", membership.member_request, name="committee_join"),
    re_path(
        COMMITTEE + r"participer/organisation/$",
        membership.organization_request,
        name="committee_join_organization",
    ),
    re_path(COMMITTEE + r"quitter/$", membership.leave, name="committee_leave"),
    re_path(
        COMMITTEE + r"organisations/ajouter/$", membership.organization_add, name="committee_add_organization"
    ),
    re_path(
        COMMITTEE + r"organisations/(?P<pk>[0-9]+)/decision/$",
        membership.organization_decide,
        name="committee_decide_organization",
    ),
    re_path(
        COMMITTEE + r"organisations/(?P<pk>[0-9]+)/retirer/$",
        membership.organization_remove,
        name="committee_remove_organization",
    ),
    re_path(
        COMMITTEE + r"membres/(?P<pk>[0-9]+)/decision/$",
        membership.member_decide,
        name="committee_decide_member",
    ),
    re_path(
        COMMITTEE + r"membres/(?P<pk>[0-9]+)/retirer/$",
        membership.member_remove,
        name="committee_remove_member",
    ),
]
