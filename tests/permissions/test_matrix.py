"""The permission matrix: for every state-changing URL of the project (and the
pages restricted to some roles) and every role, the expected answer, checked
by a real request on fresh data (see conftest.py for the cast of users).

Each row is one request. Each cell (row × role) is its own test, with an id
like "invite_member-partner_coordinator".

Adding a row (a new URL, or a new case of an existing one) means appending a
Row to ROWS:

    Row(
        "edit_group",                                 # the test id's prefix
        "POST",
        url=lambda w: f"/organisations/{w.group.slug}/modifier/",
        data=lambda w: {"name": "Nouveau nom"},        # optional
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.group).name == "Nouveau nom",  # optional
        setup=...,            # optional: adds row-specific data to the world
        success_url=...,      # optional: where an allowed request redirects to
    ),

`matrix(default, role=outcome, ...)` gives every role an outcome:

- ALLOW: the request is accepted: the row's success status (302 for a POST,
  200 for a GET, unless `allow_status` says otherwise), a redirect going
  neither to the login page nor to the two-factor set-up; and `effect(cell)`
  is true afterwards;
- DENY: the row's `deny_status` (403 unless said otherwise) and no effect;
- LOGIN: a redirect to the login page, coming back to the URL, and no effect.

`deny(404)`, `deny(302, location=...)`, `allow(200)`… give a cell its own
exact status. A cell where the application is wrong is written as it should
be, with `bug="BUG: …"`: it is then marked xfail(strict=True), so fixing the
application makes it fail until the mark is removed.

test_every_state_changing_url_has_a_row fails when one of the project's URLs
that accepts POST (or whose methods cannot be read), or any page of accounts,
actors or moderation, has neither a row nor a reason in NOT_IN_MATRIX: new
views cannot stay out of the matrix unnoticed.
"""

import csv
import inspect
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from actors.models import Invitation, JoinRequest, Membership, MunicipalContact, Organization
from campaigns import imports as campaign_imports
from campaigns import services as campaigns
from campaigns.models import Campaign, CandidateList, ImportJob, SignatureInvitation, Step, Target
from commitments.models import Commitment, MandateCommitment
from core.tokens import new_token
from frameworks import drafts
from frameworks.models import Framework, FrameworkDraft
from moderation.models import Report

pytestmark = pytest.mark.django_db

# The columns of the matrix (their users are built by conftest.py's `world`).
ROLES = (
    "anonymous",
    "plain_user",
    "member",
    "coordinator",
    "other_coordinator",
    "municipal_contact",
    "other_municipal_contact",
    "partner_coordinator",
    "staff",
)

ALLOW, DENY, LOGIN = "allow", "deny", "login"


@dataclass(frozen=True)
class Expect:
    outcome: str
    status: int | None = None  # None: the row's default for this outcome
    location: Callable[[object], str] | None = None  # where a redirect must go
    bug: str = ""  # "BUG: …": the application disagrees; the cell is a strict xfail


def allow(status=None, *, location=None, bug=""):
    return Expect(ALLOW, status, location, bug)


def deny(status=None, *, location=None, bug=""):
    return Expect(DENY, status, location, bug)


def matrix(default, **cells):
    """The expected outcome of every role: `default` unless the role is named."""
    unknown = set(cells) - set(ROLES)
    assert not unknown, f"unknown roles: {unknown}"

    def as_expect(value):
        return value if isinstance(value, Expect) else Expect(value)

    return {role: as_expect(cells.get(role, default)) for role in ROLES}


@dataclass
class Cell:
    """What an effect looks at once the request is done."""

    world: object  # conftest.World
    role: str
    user: object  # None for anonymous
    client: Client
    response: HttpResponse


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    url: Callable[[object], str]
    expect: dict
    data: Callable[[object], dict] | None = None
    setup: Callable[[object], None] | None = None
    effect: Callable[[Cell], bool] | None = None
    success_url: Callable[[object], str] | None = None
    allow_status: int | None = None
    deny_status: int = 403
    login_url: Callable[[object], str] | None = None

    def default_status(self, outcome):
        if outcome == ALLOW:
            return self.allow_status or (302 if self.method == "POST" else 200)
        if outcome == DENY:
            return self.deny_status
        return 302


# Row helpers ---------------------------------------------------------------


def org_url(slug, suffix=""):
    return f"/organisations/{slug}/{suffix}"


def refreshed(instance):
    instance.refresh_from_db()
    return instance


def add_checked_import(world):
    """A spreadsheet checked by the partner coordinator, waiting to be applied."""
    _report, job = campaigns.import_job_check(
        campaign=world.campaign, user=world.user("partner_coordinator"), upload=import_file(world)
    )
    world.extra["job"] = job


SCAN_BYTES = b"%PDF-1.4\n% scan of a signed bulletin\n"


def attach_scan(world):
    """The scan of G's paper bulletin, stored as the paper form stores it."""
    from django.core.files.base import ContentFile

    world.commitment.scan.save("bulletin.pdf", ContentFile(SCAN_BYTES))
    world.extra["scan"] = world.commitment.scan.name


def add_pending_invitation(world):
    token, hashed = new_token()
    world.extra["invitation"] = Invitation.objects.create(
        organization=world.group,
        email="pending-invitee@example.org",
        token_hash=hashed,
        invited_by=world.user("coordinator"),
        expires_at=timezone.now() + timedelta(days=Invitation.VALIDITY_DAYS),
    )
    world.extra["token"] = token


def invite_plain_user(world):
    """An invitation to G sent to the plain user's address."""
    add_pending_invitation(world)
    world.extra["invitation"].email = world.user("plain_user").email
    world.extra["invitation"].save()


def add_second_coordinator(world):
    """So that G's coordinator may leave: a group always keeps one coordinator."""
    world.add_member(world.make_user("co-coordinator@example.org"), world.group, Membership.Role.COORDINATOR)
    world.extra["members_before"] = world.group.memberships.count()


def add_join_request(world):
    """The plain user asks to join G."""
    world.extra["join_request"] = JoinRequest.objects.create(
        organization=world.group, user=world.user("plain_user"), message="Bonjour"
    )


def contacted_the_coordinators(cell):
    """An email reached G's coordinator, their answer going to the sender."""
    return any(
        message.to == ["coordinator@example.org"] and message.reply_to == [cell.user.email]
        for message in mail.outbox
    )


def add_contact_request(world, *, with_token=False):
    token, hashed = new_token() if with_token else ("", "")
    world.extra["contact"] = MunicipalContact.objects.create(
        user=world.make_user("candidate@example.org"),
        commune=world.saint_denis,
        role=MunicipalContact.Role.STAFF,
        position="Directrice du CCAS",
        token_hash=hashed,
        token_expires_at=timezone.now() + timedelta(hours=1) if with_token else None,
    )
    world.extra["token"] = token


def add_report(world):
    Report.objects.create(content=world.group, reporter=world.user("plain_user"), reason=Report.Reason.SPAM)


def contact_verified(cell):
    return refreshed(cell.world.extra["contact"]).status == MunicipalContact.Status.VERIFIED


def listed(text):
    """An effect for pages: the response shows `text`."""
    return lambda cell: text(cell.world) in cell.response.content.decode()


# Campaign row helpers ----------------------------------------------------------


def campaign_url(w, suffix=""):
    return f"/campagnes/{w.campaign.slug}/{suffix}"


def target_url(w, suffix="", code=None):
    return f"/campagnes/{w.campaign.slug}/communes/{code or w.target.commune.code}/{suffix}"


def managers(**cells):
    """manage_target: G's members, the coordinators of the organising partner ("egm"), staff."""
    return matrix(
        DENY,
        **{
            "anonymous": LOGIN,
            "member": ALLOW,
            "coordinator": ALLOW,
            "partner_coordinator": ALLOW,
            "staff": ALLOW,
            **cells,
        },
    )


def organisers(**cells):
    """change_campaign, import_commitments: the organising partner's coordinators, staff."""
    return matrix(DENY, **{"anonymous": LOGIN, "partner_coordinator": ALLOW, "staff": ALLOW, **cells})


def days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def first_item(w, position=0):
    return w.framework.items.order_by("position")[position]


def add_other_target(world):
    """H takes on L'Abergement-Clémenciat (01001) in the campaign."""
    world.extra["other_target"] = campaigns.target_take_on(
        campaign=world.campaign,
        commune=world.abergement,
        group=world.other_group,
        user=world.user("other_coordinator"),
    )


def close_campaign(world):
    Campaign.objects.filter(pk=world.campaign.pk).update(is_open=False)


def count_steps(world):
    world.extra["steps_before"] = world.target.steps.count()


def import_file(w):
    """A small valid spreadsheet: one new list of 01001 that signed the Pacte."""
    values = {
        "code_insee": "01001",
        "commune": w.abergement.name,
        "departement": "01",
        "liste": "Liste importée",
        "tete_de_liste": "Jeanne Barret",
        "email": "",
        "etiquette": "",
        "referentiel": w.framework.slug,
        "engagements": first_item(w).code,
        "signataire": "",
        "qualite": "",
        "date_signature": (timezone.localdate() - timedelta(days=5)).strftime("%d/%m/%Y"),
        "elue": "",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(campaign_imports.COLUMNS)
    writer.writerow([values.get(column, "") for column in campaign_imports.COLUMNS])
    return SimpleUploadedFile("engagements.csv", buffer.getvalue().encode(), content_type="text/csv")


def withdrawn(commitment):
    return refreshed(commitment).withdrawn_at is not None


def is_pdf(cell):
    return cell.response.status_code == 200 and cell.response.content.startswith(b"%PDF")


# Framework editor row helpers ----------------------------------------------------

EGM_CHARTER = "egm-charte-commune-accueillante"  # published by "egm", the partner coordinator's
LOCAL_PACTE = "pacte-pour-la-transition-groupe-g"  # G's local version of the Pacte


def charter_url(suffix=""):
    return f"/referentiels/{EGM_CHARTER}/{suffix}"


def open_charter_draft(world):
    """The draft of the EGM charter's next version, opened by the partner coordinator."""
    charter = Framework.objects.get(slug=EGM_CHARTER, is_current=True)
    world.extra["draft"] = drafts.draft_open(framework=charter, user=world.user("partner_coordinator"))


def add_empty_section(world):
    """The charter's draft, with a section V that has no item (so that it may be removed)."""
    open_charter_draft(world)
    draft = world.extra["draft"]
    draft.data["sections"].append({"code": "V", "kind": "chapter", "title": "Section vide", "summary": ""})
    FrameworkDraft.objects.filter(pk=draft.pk).update(data=draft.data)


def open_local_draft(world):
    """G's local version of the Pacte, opened by G's coordinator."""
    world.extra["draft"] = drafts.draft_open_local(
        national=world.framework, group=world.group, user=world.user("coordinator")
    )


def draft_now(world):
    """The row's draft as it is now (None once discarded)."""
    return FrameworkDraft.objects.filter(pk=world.extra["draft"].pk).first()


def draft_codes(world, key="items"):
    return [str(entry["code"]) for entry in draft_now(world).data[key]]


def with_revision(**values):
    """The POST data of a draft form, on the draft's current revision."""
    return lambda w: {"revision": draft_now(w).revision, **values}


def editors(**cells):
    """edit_framework: the coordinators of the framework's publisher ("egm"), staff."""
    return matrix(DENY, **{"anonymous": LOGIN, "partner_coordinator": ALLOW, "staff": ALLOW, **cells})


def draft_savers(**cells):
    """editors(), for a request that saves the draft."""
    saves = allow()
    return editors(**{"partner_coordinator": saves, "staff": saves, **cells})


CHARTER_ITEM = {
    "section": "B",
    "summary": "Un résumé écrit par la matrice.",
    "confidence": "confirmed",
    "levels": "",
    "sources": "",
}


# The matrix ------------------------------------------------------------------

ROWS = [
    Row(
        "create_group",
        "POST",
        url=lambda w: "/organisations/nouvelle/",
        data=lambda w: {
            "name": "Groupe de la matrice",
            "group_type": Organization.GroupType.OTHER,
            "commune": "93066",
            "networks": [w.partner.pk],
            "description": "",
            "website": "",
        },
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=lambda c: Organization.objects.filter(
            name="Groupe de la matrice",
            status=Organization.Status.PENDING,
            memberships__user=c.user,
            memberships__role=Membership.Role.COORDINATOR,
        ).exists(),
    ),
    Row(
        "edit_group",
        "POST",
        url=lambda w: org_url(w.group.slug, "modifier/"),
        data=lambda w: {"name": "Nouveau nom", "description": "Modifiée", "website": ""},
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.group).name == "Nouveau nom",
        success_url=lambda w: org_url(w.group.slug),
    ),
    Row(
        "validate_group",
        "POST",
        url=lambda w: org_url(w.pending.slug, "decision/"),
        data=lambda w: {"decision": "validate", "reason": ""},
        # A pending group is not visible to those who cannot act on it: 404.
        expect=matrix(deny(404), anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.pending).is_validated,
        success_url=lambda w: org_url(w.pending.slug),
    ),
    Row(
        "validate_group_of_another_network",
        "POST",
        url=lambda w: org_url(w.pending_elsewhere.slug, "decision/"),
        data=lambda w: {"decision": "validate", "reason": ""},
        # Only the coordinators of a network it declares see a pending group,
        # and validate it; for the others it does not exist.
        expect=matrix(
            deny(404),
            anonymous=LOGIN,
            partner_coordinator=deny(404),
            staff=ALLOW,
        ),
        effect=lambda c: refreshed(c.world.pending_elsewhere).is_validated,
        success_url=lambda w: org_url(w.pending_elsewhere.slug),
    ),
    Row(
        "invite_member",
        "POST",
        url=lambda w: org_url(w.group.slug, "membres/"),
        data=lambda w: {"email": "invitee@example.org", "role": Membership.Role.MEMBER},
        # Who may not see the members page gets a 404 there; who sees it, a 403 (issue 13).
        expect=matrix(
            deny(404), anonymous=LOGIN, member=DENY, partner_coordinator=DENY, coordinator=ALLOW, staff=ALLOW
        ),
        effect=lambda c: Invitation.objects.filter(
            organization=c.world.group, email="invitee@example.org", cancelled_at__isnull=True
        ).exists(),
        success_url=lambda w: org_url(w.group.slug, "membres/"),
    ),
    Row(
        "remove_member",
        "POST",
        url=lambda w: org_url(w.group.slug, f"membres/{w.member_membership.pk}/retirer/"),
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: not Membership.objects.filter(pk=c.world.member_membership.pk).exists(),
        success_url=lambda w: org_url(w.group.slug, "membres/"),
    ),
    Row(
        "remove_member_through_another_group",
        "POST",
        # G's membership, addressed through H's URL: never found there.
        url=lambda w: org_url(w.other_group.slug, f"membres/{w.member_membership.pk}/retirer/"),
        expect=matrix(DENY, anonymous=LOGIN, other_coordinator=deny(404), staff=deny(404)),
        effect=lambda c: not Membership.objects.filter(pk=c.world.member_membership.pk).exists(),
    ),
    Row(
        "change_member_role",
        "POST",
        url=lambda w: org_url(w.group.slug, f"membres/{w.member_membership.pk}/role/"),
        data=lambda w: {"role": Membership.Role.COORDINATOR},
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.member_membership).role == Membership.Role.COORDINATOR,
        success_url=lambda w: org_url(w.group.slug, "membres/"),
    ),
    Row(
        "cancel_invitation",
        "POST",
        setup=add_pending_invitation,
        url=lambda w: org_url(w.group.slug, f"invitations/{w.extra['invitation'].pk}/annuler/"),
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.extra["invitation"]).cancelled_at is not None,
        success_url=lambda w: org_url(w.group.slug, "membres/"),
    ),
    Row(
        "accept_invitation",
        "POST",
        setup=invite_plain_user,
        url=lambda w: f"/invitations/{w.extra['token']}/",
        # Only the invited address may accept; others see the page again (200)
        # with an error, anonymous users are sent back to the page to sign in.
        expect=matrix(
            deny(200),
            anonymous=deny(302, location=lambda w: f"/invitations/{w.extra['token']}/"),
            plain_user=ALLOW,
        ),
        effect=lambda c: refreshed(c.world.extra["invitation"]).accepted_at is not None,
        success_url=lambda w: org_url(w.group.slug),
    ),
    Row(
        "leave_group",
        "POST",
        setup=add_second_coordinator,
        url=lambda w: org_url(w.group.slug, "quitter/"),
        expect=matrix(deny(404), anonymous=LOGIN, member=ALLOW, coordinator=ALLOW),
        effect=lambda c: c.world.group.memberships.count() == c.world.extra["members_before"] - 1,
        success_url=lambda w: "/compte/",
    ),
    Row(
        "contact_group",
        "POST",
        url=lambda w: org_url(w.group.slug, "ecrire/"),
        data=lambda w: {"subject": "Bonjour", "message": "Je voudrais aider le groupe le samedi."},
        # Signed in (the answer goes to a verified address); its coordinators do not write to themselves.
        expect=matrix(ALLOW, anonymous=LOGIN, coordinator=DENY),
        effect=contacted_the_coordinators,
        success_url=lambda w: org_url(w.group.slug),
    ),
    Row(
        "ask_to_join_group",
        "POST",
        url=lambda w: org_url(w.group.slug, "rejoindre/"),
        data=lambda w: {"message": "Bonjour"},
        expect=matrix(ALLOW, anonymous=LOGIN, member=DENY, coordinator=DENY),
        effect=lambda c: JoinRequest.objects.filter(
            organization=c.world.group, user=c.user, status=JoinRequest.Status.PENDING
        ).exists(),
        success_url=lambda w: org_url(w.group.slug),
    ),
    Row(
        "withdraw_join_request",
        "POST",
        setup=add_join_request,
        url=lambda w: org_url(w.group.slug, "rejoindre/retirer/"),
        # Only the requester has a request to withdraw; the others are sent back with a message.
        expect=matrix(deny(302, location=lambda w: org_url(w.group.slug)), anonymous=LOGIN, plain_user=ALLOW),
        effect=lambda c: refreshed(c.world.extra["join_request"]).status == JoinRequest.Status.WITHDRAWN,
        success_url=lambda w: org_url(w.group.slug),
    ),
    Row(
        "accept_join_request",
        "POST",
        setup=add_join_request,
        url=lambda w: org_url(w.group.slug, f"demandes/{w.extra['join_request'].pk}/"),
        data=lambda w: {"decision": "accept"},
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: (
            refreshed(c.world.extra["join_request"]).status == JoinRequest.Status.ACCEPTED
            and c.world.group.memberships.filter(user=c.world.user("plain_user")).exists()
        ),
        success_url=lambda w: org_url(w.group.slug, "membres/"),
    ),
    Row(
        "accept_join_request_through_another_group",
        "POST",
        setup=add_join_request,
        # G's request, addressed through H's URL: never found there.
        url=lambda w: org_url(w.other_group.slug, f"demandes/{w.extra['join_request'].pk}/"),
        data=lambda w: {"decision": "accept"},
        expect=matrix(DENY, anonymous=LOGIN, other_coordinator=deny(404), staff=deny(404)),
        effect=lambda c: refreshed(c.world.extra["join_request"]).status != JoinRequest.Status.PENDING,
    ),
    Row(
        "request_municipal_contact",
        "POST",
        url=lambda w: "/communes/93066/representer/",
        data=lambda w: {
            "role": MunicipalContact.Role.COUNCIL,
            "position": "Adjointe à la solidarité",
            "method": "town_hall_email",
        },
        # Already a verified contact of this commune: the form says so (200).
        expect=matrix(ALLOW, anonymous=LOGIN, municipal_contact=deny(200)),
        effect=lambda c: MunicipalContact.objects.filter(
            commune=c.world.saint_denis,
            position="Adjointe à la solidarité",
            status=MunicipalContact.Status.PENDING,
        ).exists(),
        success_url=lambda w: "/compte/",
    ),
    Row(
        "verify_municipal_contact_in_queue",
        "POST",
        setup=add_contact_request,
        url=lambda w: "/contacts-municipaux/",
        data=lambda w: {"contact": w.extra["contact"].pk, "decision": "verify"},
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=contact_verified,
        success_url=lambda w: "/contacts-municipaux/",
    ),
    Row(
        "verify_municipal_contact_by_town_hall_link",
        "POST",
        setup=lambda w: add_contact_request(w, with_token=True),
        url=lambda w: f"/verification-mairie/{w.extra['token']}/",
        # The link sent to the town hall's address is the credential.
        expect=matrix(ALLOW),
        allow_status=200,
        effect=contact_verified,
    ),
    Row(
        "report_group",
        "POST",
        url=lambda w: f"/signaler/actors/organization/{w.group.pk}/",
        data=lambda w: {"reason": Report.Reason.SPAM, "comment": ""},
        # Nobody reports their own content: G's coordinator (its creator) changes it instead.
        expect=matrix(ALLOW, anonymous=LOGIN, coordinator=DENY),
        effect=lambda c: Report.objects.filter(object_id=c.world.group.pk, reporter=c.user).exists(),
        success_url=lambda w: org_url(w.group.slug),
    ),
    Row(
        "report_pending_group",
        "POST",
        url=lambda w: f"/signaler/actors/organization/{w.pending.pk}/",
        data=lambda w: {"reason": Report.Reason.SPAM, "comment": ""},
        # Whoever may not see the pending group may not report it either: 404.
        expect=matrix(
            deny(404),
            anonymous=LOGIN,
            partner_coordinator=ALLOW,
            staff=ALLOW,
        ),
        effect=lambda c: Report.objects.filter(object_id=c.world.pending.pk).exists(),
        success_url=lambda w: org_url(w.pending.slug),
    ),
    Row(
        "hide_group",
        "POST",
        url=lambda w: f"/moderation/actors/organization/{w.group.pk}/",
        data=lambda w: {"action": "hide", "reason": "Informations trompeuses"},
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.group).is_hidden,
        success_url=lambda w: "/moderation/",
    ),
    Row(
        "edit_profile",
        "POST",
        url=lambda w: "/compte/profil/",
        data=lambda w: {"display_name": "Nom de la matrice", "language": "fr"},
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=lambda c: c.user is not None and refreshed(c.user).display_name == "Nom de la matrice",
        success_url=lambda w: "/compte/",
    ),
    Row(
        "delete_account",
        "POST",
        url=lambda w: "/compte/supprimer/",
        data=lambda w: {"password": w.password},
        # The sole coordinator of a group that has other members must hand over
        # first: the form comes back with the reason (200) and nothing is deleted.
        expect=matrix(ALLOW, anonymous=LOGIN, coordinator=deny(200)),
        effect=lambda c: c.user is not None and not get_user_model().objects.filter(pk=c.user.pk).exists(),
        success_url=lambda w: "/",
    ),
    Row(
        "switch_language",
        "POST",
        url=lambda w: "/i18n/setlang/",
        data=lambda w: {"language": "en", "next": "/"},
        expect=matrix(ALLOW),
        effect=lambda c: c.response.cookies["django_language"].value == "en",
        success_url=lambda w: "/",
    ),
    Row(
        "log_out",
        "POST",
        url=lambda w: "/compte/logout/",
        expect=matrix(ALLOW),
        effect=lambda c: "_auth_user_id" not in c.client.session,
        success_url=lambda w: "/",
    ),
    # Pages restricted to some roles.
    Row(
        "members_page",
        "GET",
        deny_status=404,  # what the viewer may not see answers as a missing page (issue 13)
        url=lambda w: org_url(w.group.slug, "membres/"),
        expect=matrix(
            DENY, anonymous=LOGIN, member=ALLOW, coordinator=ALLOW, partner_coordinator=ALLOW, staff=ALLOW
        ),
        effect=listed(lambda w: w.group.name),
    ),
    Row(
        "history_page",
        "GET",
        deny_status=404,  # what the viewer may not see answers as a missing page (issue 13)
        url=lambda w: org_url(w.group.slug, "historique/"),
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, partner_coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: w.group.name),
    ),
    Row(
        "pending_group_page",
        "GET",
        url=lambda w: org_url(w.pending.slug),
        expect=matrix(deny(404), partner_coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: w.pending.name),
    ),
    Row(
        "pending_group_of_another_network_page",
        "GET",
        url=lambda w: org_url(w.pending_elsewhere.slug),
        expect=matrix(
            deny(404),
            partner_coordinator=deny(404),
            staff=ALLOW,
        ),
        effect=listed(lambda w: w.pending_elsewhere.name),
    ),
    Row(
        "validation_queue",
        "GET",
        url=lambda w: "/organisations/a-valider/",
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: w.pending.name),
    ),
    Row(
        "moderation_queue",
        "GET",
        setup=add_report,
        url=lambda w: "/moderation/",
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: w.group.name),
    ),
    Row(
        "municipal_contacts_queue",
        "GET",
        setup=add_contact_request,
        url=lambda w: "/contacts-municipaux/",
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: w.extra["contact"].position),
    ),
    Row(
        "data_export",
        "GET",
        url=lambda w: "/compte/mes-donnees/export.json",
        expect=matrix(ALLOW, anonymous=LOGIN),
        # Each user gets their own data, nobody else's.
        effect=lambda c: (
            c.response.status_code == 200
            and json.loads(c.response.content)["account"]["email"] == c.user.email
        ),
    ),
    Row(
        "admin_index",
        "GET",
        url=lambda w: "/admin/",
        login_url=lambda w: "/admin/login/?next=/admin/",
        expect=matrix(
            deny(302, location=lambda w: "/admin/login/?next=/admin/"), anonymous=LOGIN, staff=ALLOW
        ),
        effect=listed(lambda w: "Hospitalité — administration"),
    ),
    # Campaigns: state-changing requests.
    Row(
        "create_campaign",
        "POST",
        url=lambda w: "/campagnes/nouvelle/",
        data=lambda w: {
            "title": "Campagne de la matrice",
            "kind": Campaign.Kind.MID_MANDATE,
            "frameworks": [w.framework.pk],
            "organizers": [w.partner.pk],
            "mandate_start": 2026,
            "mandate_end": 2032,
            "is_open": "on",
            "letter_template": "",
        },
        expect=organisers(),
        effect=lambda c: Campaign.objects.filter(title="Campagne de la matrice").exists(),
        success_url=lambda w: "/campagnes/campagne-de-la-matrice/",
    ),
    Row(
        "edit_campaign",
        "POST",
        url=lambda w: campaign_url(w, "modifier/"),
        data=lambda w: {
            "title": "Municipales 2026 (modifiée)",
            "description": "",
            "frameworks": [w.framework.pk],
            "organizers": [w.partner.pk],
            "first_round": "2026-03-15",
            "second_round": "",
            "mandate_start": 2026,
            "mandate_end": 2032,
            "is_open": "on",
            "letter_template": "",
        },
        expect=organisers(),
        effect=lambda c: refreshed(c.world.campaign).title == "Municipales 2026 (modifiée)",
        success_url=lambda w: campaign_url(w),
    ),
    Row(
        "take_on_commune_for_group",
        "POST",
        url=lambda w: campaign_url(w, "suivre/"),
        data=lambda w: {"commune": "01001", "group": w.group.pk},
        # Members of a validated local group take on communes for one of their own
        # groups: G is not one of the others' (the form says so, 200).
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            member=ALLOW,
            coordinator=ALLOW,
            other_coordinator=deny(200),
            municipal_contact=deny(200),
            other_municipal_contact=deny(200),
            partner_coordinator=deny(200),
            staff=deny(200),
        ),
        effect=lambda c: Target.objects.filter(
            campaign=c.world.campaign, commune=c.world.abergement, group=c.world.group
        ).exists(),
        success_url=lambda w: target_url(w, code="01001"),
    ),
    Row(
        "take_on_commune_without_group",
        "POST",
        url=lambda w: campaign_url(w, "suivre/"),
        data=lambda w: {"commune": "01001", "group": ""},
        # The organisers' coordinators and staff may follow a commune themselves, and a
        # verified municipal contact the commune they represent (01001: the "other" one);
        # a group member must name the group (the form says so, 200).
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            member=deny(200),
            coordinator=deny(200),
            other_coordinator=deny(200),
            municipal_contact=deny(200),
            other_municipal_contact=ALLOW,
            partner_coordinator=ALLOW,
            staff=ALLOW,
        ),
        effect=lambda c: Target.objects.filter(
            campaign=c.world.campaign, commune=c.world.abergement
        ).exists(),
        success_url=lambda w: target_url(w, code="01001"),
    ),
    Row(
        "take_on_commune_in_closed_campaign",
        "POST",
        setup=close_campaign,
        url=lambda w: campaign_url(w, "suivre/"),
        data=lambda w: {"commune": "01001", "group": ""},
        expect=matrix(DENY, anonymous=LOGIN),
        effect=lambda c: Target.objects.filter(
            campaign=c.world.campaign, commune=c.world.abergement
        ).exists(),
    ),
    Row(
        "add_candidate_list",
        "POST",
        url=lambda w: target_url(w, "listes/"),
        data=lambda w: {"name": "Liste de la matrice", "head_name": "Olympe de Gouges"},
        expect=managers(),
        effect=lambda c: c.world.target.lists.filter(name="Liste de la matrice").exists(),
        success_url=lambda w: target_url(w) + "#listes",
    ),
    Row(
        "edit_candidate_list",
        "POST",
        url=lambda w: target_url(w, f"listes/{w.candidate_list.pk}/modifier/"),
        data=lambda w: {
            "name": "Saint-Denis Ensemble !",
            "head_name": "Marie Curie",
            "email": "",
            "political_label": "",
        },
        expect=managers(),
        effect=lambda c: refreshed(c.world.candidate_list).name == "Saint-Denis Ensemble !",
        success_url=lambda w: target_url(w) + "#listes",
    ),
    Row(
        "delete_candidate_list",
        "POST",
        url=lambda w: target_url(w, f"listes/{w.candidate_list.pk}/supprimer/"),
        expect=managers(),
        effect=lambda c: not CandidateList.objects.filter(pk=c.world.candidate_list.pk).exists(),
        success_url=lambda w: target_url(w) + "#listes",
    ),
    Row(
        "add_step",
        "POST",
        setup=count_steps,
        url=lambda w: target_url(w, "journal/"),
        data=lambda w: {"kind": Step.Kind.MEETING, "date": days_ago(1), "notes": "Rencontre en mairie"},
        expect=managers(),
        effect=lambda c: c.world.target.steps.count() == c.world.extra["steps_before"] + 1,
        success_url=lambda w: target_url(w) + "#journal",
    ),
    Row(
        "delete_step",
        "POST",
        url=lambda w: target_url(w, f"journal/{w.step.pk}/supprimer/"),
        expect=managers(),
        effect=lambda c: not Step.objects.filter(pk=c.world.step.pk).exists(),
        success_url=lambda w: target_url(w) + "#journal",
    ),
    Row(
        # A step is corrected by its author (the coordinator of G here) and by staff only.
        "edit_step",
        "POST",
        url=lambda w: target_url(w, f"journal/{w.step.pk}/modifier/"),
        data=lambda w: {"kind": Step.Kind.MEETING, "date": days_ago(1), "notes": "Étape corrigée"},
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.step).notes == "Étape corrigée",
        success_url=lambda w: target_url(w) + "#journal",
    ),
    Row(
        "edit_letter_settings",
        "POST",
        url=lambda w: target_url(w, "lettre/reglages/"),
        data=lambda w: {
            "letter_paragraph": "Paragraphe de la matrice",
            "contact_name": "Nadia Benali",
            "contact_email": "contact@example.org",
        },
        expect=managers(),
        effect=lambda c: refreshed(c.world.target).letter_paragraph == "Paragraphe de la matrice",
        success_url=lambda w: target_url(w) + "#lettre",
    ),
    Row(
        "send_letter_kit",
        "POST",
        url=lambda w: target_url(w, "lettre/envoi/"),
        data=lambda w: {"candidate_list": w.candidate_list.pk, "email": "kit@example.org"},
        expect=managers(),
        effect=lambda c: SignatureInvitation.objects.filter(
            target=c.world.target, email="kit@example.org", cancelled_at__isnull=True
        ).exists(),
        success_url=lambda w: target_url(w) + "#lettre",
    ),
    Row(
        "send_signature_invitation",
        "POST",
        url=lambda w: target_url(w, "invitations/"),
        data=lambda w: {
            "candidate_list": w.candidate_list.pk,
            "framework": w.framework.pk,
            "email": "nouvelle-tete@example.org",
        },
        expect=managers(),
        effect=lambda c: SignatureInvitation.objects.filter(
            target=c.world.target, email="nouvelle-tete@example.org", cancelled_at__isnull=True
        ).exists(),
        success_url=lambda w: target_url(w) + "#invitations",
    ),
    Row(
        "cancel_signature_invitation",
        "POST",
        url=lambda w: target_url(w, f"invitations/{w.invitation.pk}/annuler/"),
        expect=managers(),
        effect=lambda c: refreshed(c.world.invitation).cancelled_at is not None,
        success_url=lambda w: target_url(w) + "#invitations",
    ),
    Row(
        "cancel_signature_invitation_through_another_target",
        "POST",
        setup=add_other_target,
        # Saint-Denis' invitation, addressed through the 01001 target's URL: never found there.
        url=lambda w: target_url(w, f"invitations/{w.invitation.pk}/annuler/", code="01001"),
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            other_coordinator=deny(404),
            partner_coordinator=deny(404),
            staff=deny(404),
        ),
        effect=lambda c: refreshed(c.world.invitation).cancelled_at is not None,
    ),
    Row(
        "record_paper_bulletin",
        "POST",
        url=lambda w: target_url(w, "bulletin-papier/"),
        data=lambda w: {
            "candidate_list": w.candidate_list.pk,
            "signatory_name": "Marie Curie",
            "signatory_role": "tête de liste",
            "signed_on": days_ago(1),
            f"item_{first_item(w, 1).pk}": "on",
        },
        expect=managers(),
        effect=lambda c: Commitment.objects.filter(
            candidate_list=c.world.candidate_list, channel=Commitment.Channel.PAPER
        ).exists(),
        success_url=lambda w: target_url(w) + "#engagements",
    ),
    Row(
        "record_deliberation",
        "POST",
        url=lambda w: target_url(w, "deliberation/"),
        data=lambda w: {
            "reference": "DEL-2026-045",
            "adopted_on": days_ago(1),
            f"item_{first_item(w, 1).pk}": "on",
        },
        # The commune's verified municipal contacts record its deliberations too.
        expect=managers(municipal_contact=ALLOW),
        effect=lambda c: MandateCommitment.objects.filter(
            commitment__target=c.world.target, commitment__deliberation_reference="DEL-2026-045"
        ).exists(),
        success_url=lambda w: target_url(w) + "#engagements",
    ),
    Row(
        "withdraw_commitment",
        "POST",
        url=lambda w: target_url(w, f"bulletins/{w.commitment.pk}/retrait/"),
        data=lambda w: {"reason": "Bulletin saisi par erreur"},
        expect=managers(),
        effect=lambda c: withdrawn(c.world.commitment),
        success_url=lambda w: target_url(w) + "#engagements",
    ),
    Row(
        "withdraw_commitment_through_another_target",
        "POST",
        setup=add_other_target,
        url=lambda w: target_url(w, f"bulletins/{w.commitment.pk}/retrait/", code="01001"),
        data=lambda w: {"reason": "Bulletin saisi par erreur"},
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            other_coordinator=deny(404),
            partner_coordinator=deny(404),
            staff=deny(404),
        ),
        effect=lambda c: withdrawn(c.world.commitment),
    ),
    Row(
        "mark_elected",
        "POST",
        url=lambda w: target_url(w, "resultat/"),
        data=lambda w: {"candidate_list": w.signed_list.pk},
        expect=managers(),
        effect=lambda c: (
            refreshed(c.world.signed_list).is_elected
            and MandateCommitment.objects.filter(commitment=c.world.commitment).exists()
        ),
        success_url=lambda w: target_url(w) + "#resultat",
    ),
    Row(
        "check_commitments_import",
        "POST",
        url=lambda w: campaign_url(w, "import/"),
        data=lambda w: {"file": import_file(w)},
        # A valid file is checked (the report, 200) and kept as a job for the "apply" step.
        expect=organisers(),
        allow_status=200,
        effect=lambda c: ImportJob.objects.filter(
            campaign=c.world.campaign, created_by=c.user, status=ImportJob.Status.CHECKED
        ).exists(),
    ),
    Row(
        "apply_commitments_import",
        "POST",
        url=lambda w: campaign_url(w, "import/"),
        setup=add_checked_import,
        data=lambda w: {"action": "apply", "job": w.extra["job"].pk},
        # Only the coordinator who checked the file applies it: staff, who may import, get 404.
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=deny(404)),
        # Queued for the task worker (the test's transaction never commits, so it stays queued).
        effect=lambda c: refreshed(c.world.extra["job"]).status == ImportJob.Status.QUEUED,
    ),
    Row(
        "sign_by_invitation_link",
        "POST",
        url=lambda w: f"/signer/{w.invitation_token}/",
        data=lambda w: {
            "signatory_name": "Marie Curie",
            "signatory_role": "tête de liste",
            "terms": "on",
            f"item_{first_item(w).pk}": "on",
            "confirm": "1",  # from the summary shown before signing
        },
        # The emailed link is the credential: no account needed.
        expect=matrix(ALLOW),
        allow_status=200,
        effect=lambda c: refreshed(c.world.invitation).used_at is not None,
    ),
    Row(
        "withdraw_by_link",
        "POST",
        url=lambda w: f"/retrait/{w.withdraw_token}/",
        data=lambda w: {"reason": "Nous retirons notre engagement"},
        expect=matrix(ALLOW),
        effect=lambda c: withdrawn(c.world.commitment),
        success_url=lambda w: target_url(w),
    ),
    # Campaigns: pages restricted to some roles.
    Row(
        "create_campaign_page",
        "GET",
        url=lambda w: "/campagnes/nouvelle/",
        expect=organisers(),
        effect=listed(lambda w: 'name="letter_template"'),
    ),
    Row(
        "edit_campaign_page",
        "GET",
        url=lambda w: campaign_url(w, "modifier/"),
        expect=organisers(),
        effect=listed(lambda w: w.campaign.title),
    ),
    Row(
        "take_on_page",
        "GET",
        url=lambda w: campaign_url(w, "suivre/"),
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            member=ALLOW,
            coordinator=ALLOW,
            other_coordinator=ALLOW,
            municipal_contact=ALLOW,
            other_municipal_contact=ALLOW,
            partner_coordinator=ALLOW,
            staff=ALLOW,
        ),
        effect=listed(lambda w: w.campaign.title),
    ),
    Row(
        "edit_candidate_list_page",
        "GET",
        url=lambda w: target_url(w, f"listes/{w.candidate_list.pk}/modifier/"),
        expect=managers(),
        effect=listed(lambda w: w.candidate_list.head_name),
    ),
    Row(
        "letter_page",
        "GET",
        deny_status=404,  # what the viewer may not see answers as a missing page (issue 13)
        url=lambda w: target_url(w, "lettre/"),
        expect=managers(),
        effect=listed(lambda w: w.campaign.title),
    ),
    Row(
        "letter_pdf",
        "GET",
        deny_status=404,  # what the viewer may not see answers as a missing page (issue 13)
        url=lambda w: target_url(w, "lettre.pdf"),
        expect=managers(),
        effect=is_pdf,
    ),
    Row(
        "commitment_pdf",
        "GET",
        url=lambda w: target_url(w, f"bulletins/{w.commitment.pk}.pdf"),
        expect=managers(),
        effect=is_pdf,
        deny_status=404,
    ),
    Row(
        "commitment_scan",
        "GET",
        setup=attach_scan,
        url=lambda w: target_url(w, f"bulletins/{w.commitment.pk}/scan/"),
        # The scan of a signed paper bulletin: for the group and the coordinators only.
        expect=managers(),
        effect=lambda c: c.response.streaming and b"".join(c.response.streaming_content) == SCAN_BYTES,
        deny_status=404,
    ),
    Row(
        "commitment_scan_through_public_files",
        "GET",
        setup=attach_scan,
        url=lambda w: f"/fichiers/{w.extra['scan']}",
        # Never through the public file route, whoever asks.
        expect=matrix(deny(404)),
    ),
    Row(
        "target_history_page",
        "GET",
        deny_status=404,  # what the viewer may not see answers as a missing page (issue 13)
        url=lambda w: target_url(w, "historique/"),
        expect=managers(),
        effect=listed(lambda w: w.signed_list.name),
    ),
    Row(
        "paper_bulletin_page",
        "GET",
        url=lambda w: target_url(w, "bulletin-papier/"),
        expect=managers(),
        effect=listed(lambda w: first_item(w).title),
    ),
    Row(
        "deliberation_page",
        "GET",
        url=lambda w: target_url(w, "deliberation/"),
        expect=managers(municipal_contact=ALLOW),
        effect=listed(lambda w: first_item(w).title),
    ),
    Row(
        "import_page",
        "GET",
        url=lambda w: campaign_url(w, "import/"),
        expect=organisers(),
        effect=listed(lambda w: "code_insee"),
    ),
    Row(
        "import_template",
        "GET",
        url=lambda w: campaign_url(w, "import/modele.csv"),
        expect=organisers(),
        effect=lambda c: c.response.status_code == 200 and b"code_insee" in c.response.content,
    ),
    Row(
        "import_job_page",
        "GET",
        deny_status=404,  # what the viewer may not see answers as a missing page (issue 13)
        url=lambda w: campaign_url(w, f"import/{w.extra['job'].pk}/"),
        setup=add_checked_import,
        expect=organisers(),
        effect=listed(lambda w: w.extra["job"].filename),
    ),
    # The framework editor: the draft of the EGM charter's next version (the partner
    # coordinator's partner publishes it); without an open draft its pages are 404 for all.
    Row(
        "open_framework_draft",
        "POST",
        url=lambda w: charter_url("brouillon/ouvrir/"),
        expect=editors(),
        effect=lambda c: FrameworkDraft.objects.filter(slug=EGM_CHARTER, published_at__isnull=True).exists(),
        success_url=lambda w: charter_url("brouillon/"),
    ),
    Row(
        "open_framework_draft_of_another_publisher",
        "POST",
        # The Pacte is published by another partner: its coordinators and staff only.
        url=lambda w: f"/referentiels/{w.framework.slug}/brouillon/ouvrir/",
        expect=matrix(DENY, anonymous=LOGIN, staff=ALLOW),
        effect=lambda c: FrameworkDraft.objects.filter(slug=c.world.framework.slug).exists(),
        success_url=lambda w: f"/referentiels/{w.framework.slug}/brouillon/",
    ),
    Row(
        "edit_framework_draft_head",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/general/"),
        data=with_revision(
            version="2026",
            year=2026,
            title="Charte modifiée par la matrice",
            short_title="",
            source_url="https://eg-migrations.org/",
            description="Une description écrite par la matrice.",
            missing="",
        ),
        expect=draft_savers(),
        effect=lambda c: draft_now(c.world).data["title"] == "Charte modifiée par la matrice",
        success_url=lambda w: charter_url("brouillon/"),
        deny_status=404,
    ),
    Row(
        "add_framework_draft_section",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/sections/ajouter/"),
        data=with_revision(code="N", kind="chapter", title="Section de la matrice", summary=""),
        expect=draft_savers(),
        effect=lambda c: "N" in draft_codes(c.world, "sections"),
        success_url=lambda w: charter_url("brouillon/#sections"),
        deny_status=404,
    ),
    Row(
        "edit_framework_draft_section",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/sections/B/"),
        data=with_revision(code="B", kind="chapter", title="Bulletin modifié par la matrice", summary=""),
        expect=draft_savers(),
        effect=lambda c: draft_now(c.world).data["sections"][0]["title"] == "Bulletin modifié par la matrice",
        success_url=lambda w: charter_url("brouillon/#sections"),
        deny_status=404,
    ),
    Row(
        "remove_framework_draft_section",
        "POST",
        setup=add_empty_section,
        url=lambda w: charter_url("brouillon/sections/V/retirer/"),
        data=with_revision(),
        expect=draft_savers(),
        effect=lambda c: "V" not in draft_codes(c.world, "sections"),
        success_url=lambda w: charter_url("brouillon/#sections"),
        deny_status=404,
    ),
    Row(
        "add_framework_draft_item",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/engagements/ajouter/"),
        data=with_revision(code="9", title="Engagement de la matrice", **CHARTER_ITEM),
        expect=draft_savers(),
        effect=lambda c: "9" in draft_codes(c.world),
        success_url=lambda w: charter_url("brouillon/#items"),
        deny_status=404,
    ),
    Row(
        "edit_framework_draft_item",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/engagements/1/"),
        data=with_revision(code="1", title="Engagement 1 modifié par la matrice", **CHARTER_ITEM),
        expect=draft_savers(),
        effect=lambda c: (
            draft_now(c.world).data["items"][0]["title"] == "Engagement 1 modifié par la matrice"
        ),
        success_url=lambda w: charter_url("brouillon/#items"),
        deny_status=404,
    ),
    Row(
        "remove_framework_draft_item",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/engagements/1/retirer/"),
        data=with_revision(),
        expect=draft_savers(),
        effect=lambda c: "1" not in draft_codes(c.world),
        success_url=lambda w: charter_url("brouillon/#items"),
        deny_status=404,
    ),
    Row(
        "move_framework_draft_item",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/deplacer/"),
        data=with_revision(what="item", code="1", direction="down"),
        expect=draft_savers(),
        effect=lambda c: draft_codes(c.world)[:2] == ["2", "1"],
        success_url=lambda w: charter_url("brouillon/#items"),
        deny_status=404,
    ),
    Row(
        "publish_framework_draft",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/publier/"),
        data=with_revision(),
        expect=draft_savers(),
        effect=lambda c: draft_now(c.world).published_at is not None,
        success_url=lambda w: charter_url(),
        deny_status=404,
    ),
    Row(
        "discard_framework_draft",
        "POST",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/abandonner/"),
        expect=editors(),
        effect=lambda c: draft_now(c.world) is None,
        success_url=lambda w: charter_url(),
        deny_status=404,
    ),
    Row(
        "create_local_version",
        "POST",
        url=lambda w: f"/referentiels/{w.framework.slug}/versions-locales/nouvelle/",
        data=lambda w: {"group": w.group.pk},
        # Coordinators of a validated local group, for their own group only: H's coordinator
        # gets the form again (G is not among the choices).
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, other_coordinator=deny(200)),
        effect=lambda c: FrameworkDraft.objects.filter(publisher=c.world.group).exists(),
        success_url=lambda w: f"/referentiels/{LOCAL_PACTE}/brouillon/",
    ),
    Row(
        "remove_local_version_draft_item",
        "POST",
        setup=open_local_draft,
        url=lambda w: f"/referentiels/{LOCAL_PACTE}/brouillon/engagements/{first_item(w).code}/retirer/",
        data=with_revision(),
        # A local version is its group's: G's coordinators (not its members), staff.
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            coordinator=allow(),
            staff=allow(),
        ),
        effect=lambda c: first_item(c.world).code not in draft_codes(c.world),
        success_url=lambda w: f"/referentiels/{LOCAL_PACTE}/brouillon/#items",
        deny_status=404,
    ),
    # The framework editor: pages restricted to some roles.
    Row(
        "framework_draft_page",
        "GET",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/"),
        expect=editors(),
        effect=listed(lambda w: f'action="{charter_url("brouillon/publier/")}"'),
        deny_status=404,
    ),
    Row(
        "framework_draft_page_without_draft",
        "GET",
        # No draft open: nothing to protect, nothing to show, whoever asks.
        url=lambda w: charter_url("brouillon/"),
        expect=matrix(deny(404)),
    ),
    Row(
        "framework_draft_preview",
        "GET",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/apercu/"),
        expect=editors(),
        effect=listed(lambda w: f'href="{charter_url("brouillon/")}"'),
        deny_status=404,
    ),
    Row(
        "framework_draft_history",
        "GET",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/historique/"),
        expect=editors(),
        effect=listed(lambda w: 'class="history"'),
    ),
    Row(
        "framework_draft_yaml",
        "GET",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/yaml/"),
        expect=editors(),
        effect=lambda c: (
            c.response.status_code == 200 and c.response.content.startswith(f"slug: {EGM_CHARTER}\n".encode())
        ),
        deny_status=404,
    ),
    Row(
        "framework_draft_item_form",
        "GET",
        setup=open_charter_draft,
        url=lambda w: charter_url("brouillon/engagements/ajouter/"),
        data=lambda w: {"code": "9"},  # the form to fill in a missing item
        login_url=lambda w: redirect_to_login(charter_url("brouillon/engagements/ajouter/?code=9")).url,
        expect=editors(),
        effect=listed(lambda w: 'name="code" value="9"'),
        deny_status=404,
    ),
    Row(
        "local_version_draft_page",
        "GET",
        setup=open_local_draft,
        url=lambda w: f"/referentiels/{LOCAL_PACTE}/brouillon/",
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: f'action="/referentiels/{LOCAL_PACTE}/brouillon/publier/"'),
        deny_status=404,
    ),
    Row(
        "create_local_version_page",
        "GET",
        url=lambda w: f"/referentiels/{w.framework.slug}/versions-locales/nouvelle/",
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, other_coordinator=ALLOW),
        effect=listed(lambda w: 'name="group"'),
    ),
]


# Follow-up of commitments (followup) --------------------------------------------------------
# Saint-Denis commits to the Pacte's first item by a council deliberation. Its voices:
# the municipality (municipal_contact) and civil society (G's members: member,
# coordinator). H (other_coordinator) does not follow Saint-Denis; the contact of 01001
# does not speak for it; staff and partner coordinators have no voice (they moderate).


def commit_saint_denis(world):
    campaigns.deliberation_record(
        target=world.target,
        framework=world.framework,
        choices=[(first_item(world), None, "")],
        reference="2026-045",
        adopted_on=timezone.localdate(),
    )


def followup_url(w, suffix=""):
    return f"/communes/{w.saint_denis.code}/suivi/{suffix}"


def followup_item_url(w, suffix=""):
    return followup_url(w, f"engagements/{first_item(w).pk}/{suffix}")


def followup_update(world, voice="municipality", *, joint=False, hidden=False):
    """An update of Saint-Denis (a joint statement's draft when `joint`), in world.extra["update"]."""
    from followup import services as followup

    commit_saint_denis(world)
    author = world.user("municipal_contact" if voice == "municipality" else "member")
    common = {"commune": world.saint_denis, "item": first_item(world), "user": author, "voice": voice}
    if joint:
        update = followup.joint_statement_draft(**common, text="Accord du comité de suivi")
    else:
        update = followup.update_post(**common, version=0, text="Où nous en sommes", status="in_progress")
    if hidden:
        update.hidden_at, update.hidden_reason = timezone.now(), "Motif de la matrice"
        update.save(update_fields=["hidden_at", "hidden_reason"])
    world.extra["update"] = update


def followup_posted(kind):
    from followup.models import Update

    return lambda c: Update.objects.filter(kind=kind, created_by=c.user, published_at__isnull=False).exists()


def followup_data(w, speaking_for, **fields):
    values = {"text": "Texte de la matrice", "status": "done", "progress": "100"}
    values["speaking_for"] = speaking_for if speaking_for == "municipality" else f"group-{w.group.pk}"
    return {**values, "municipality_version": "0", "civil_society_version": "0", **fields}


def voices(default=DENY, **cells):
    """The forms are the voices' (G's members, Saint-Denis's municipal contact): others are
    refused before them (anonymous visitors sign in)."""
    return matrix(default, **{"anonymous": LOGIN, **cells})


def cosigned(cell):
    return refreshed(cell.world.extra["update"]).published_at is not None


ROWS += [
    Row(
        "followup_post_municipality_report",
        "POST",
        setup=commit_saint_denis,
        url=lambda w: followup_item_url(w, "publier/"),
        data=lambda w: followup_data(w, "municipality"),
        # G's members have a voice, but not the municipality's: the form comes back.
        expect=voices(municipal_contact=ALLOW, member=deny(200), coordinator=deny(200)),
        effect=followup_posted("municipality"),
    ),
    Row(
        "followup_post_civil_society_assessment",
        "POST",
        setup=commit_saint_denis,
        url=lambda w: followup_item_url(w, "publier/"),
        data=lambda w: followup_data(w, "group"),
        expect=voices(member=ALLOW, coordinator=ALLOW, municipal_contact=deny(200)),
        effect=followup_posted("civil_society"),
    ),
    Row(
        "followup_draft_joint_statement",
        "POST",
        setup=commit_saint_denis,
        url=lambda w: followup_item_url(w, "declaration-commune/"),
        data=lambda w: followup_data(w, "municipality"),
        expect=voices(municipal_contact=ALLOW, member=deny(200), coordinator=deny(200)),
        effect=lambda c: c.user is not None and c.user.followup_updates.filter(kind="joint").exists(),
    ),
    Row(
        "followup_cosign_municipality_draft",
        "POST",
        setup=lambda w: followup_update(w, joint=True),
        url=lambda w: followup_url(w, f"mises-a-jour/{w.extra['update'].pk}/cosigner/"),
        data=lambda w: followup_data(w, "group"),
        # Civil society co-signs; the drafter's side may see the draft, not co-sign it;
        # moderators see it; whoever else may not see it gets 404.
        expect=voices(
            deny(404),
            member=ALLOW,
            coordinator=ALLOW,
            municipal_contact=DENY,
            partner_coordinator=DENY,
            staff=DENY,
        ),
        effect=cosigned,
    ),
    Row(
        "followup_cosign_civil_society_draft",
        "POST",
        setup=lambda w: followup_update(w, "civil_society", joint=True),
        url=lambda w: followup_url(w, f"mises-a-jour/{w.extra['update'].pk}/cosigner/"),
        data=lambda w: followup_data(w, "municipality"),
        expect=voices(
            deny(404),
            municipal_contact=ALLOW,
            member=DENY,
            coordinator=DENY,
            partner_coordinator=DENY,
            staff=DENY,
        ),
        effect=cosigned,
    ),
    Row(
        "followup_report_update",
        "POST",
        setup=followup_update,
        url=lambda w: f"/signaler/followup/update/{w.extra['update'].pk}/",
        data=lambda w: {"reason": Report.Reason.FALSE, "comment": ""},
        # Nobody reports their own content: the update's author is the municipal contact.
        expect=matrix(ALLOW, anonymous=LOGIN, municipal_contact=DENY),
        effect=lambda c: Report.objects.filter(
            object_id=c.world.extra["update"].pk, reporter=c.user
        ).exists(),
        success_url=lambda w: w.extra["update"].get_absolute_url(),
    ),
    Row(
        "followup_hide_update",
        "POST",
        setup=followup_update,
        url=lambda w: f"/moderation/followup/update/{w.extra['update'].pk}/",
        data=lambda w: {"action": "hide", "reason": "Informations trompeuses"},
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.extra["update"]).is_hidden,
        success_url=lambda w: "/moderation/",
    ),
    Row(
        "followup_hidden_update_page",
        "GET",
        setup=lambda w: followup_update(w, hidden=True),
        url=lambda w: w.extra["update"].get_absolute_url(),
        # Its author reads why; moderators see it; for everyone else it does not exist.
        expect=matrix(deny(404), municipal_contact=ALLOW, partner_coordinator=ALLOW, staff=ALLOW),
        effect=listed(lambda w: "Où nous en sommes"),
    ),
]


# The yearly barometer (followup.barometer) ---------------------------------------------------
# A barometer is opened by the coordinators of the framework's publisher and by staff: the
# Pacte's publisher is not "egm" (the partner coordinator's), the EGM charter's is. The
# rating forms are the commune's voices', each for their own side.


def barometer_open(world, slug="pacte-pour-la-transition"):
    """This year's barometer of a framework, open today, in world.extra["barometer"]."""
    from followup.barometer import services as barometer

    today = timezone.localdate()
    world.extra["barometer"] = barometer.barometer_create(
        framework=Framework.objects.get(slug=slug, is_current=True),
        year=today.year,
        opens_on=today,
        closes_on=today + timedelta(days=30),
        user=None,
    )


def barometer_to_rate(world):
    commit_saint_denis(world)
    barometer_open(world)


def barometer_opened(cell):
    from followup.models import Barometer

    return cell.user is not None and Barometer.objects.filter(created_by=cell.user).exists()


def barometer_rate_url(w, voice_slug):
    barometer = w.extra["barometer"]
    return followup_url(w, f"barometre/{barometer.framework_slug}/{barometer.year}/{voice_slug}/")


def rated(voice):
    from followup.models import Rating

    return lambda c: Rating.objects.filter(author=c.user, voice=voice).exists()


def barometer_period(year=None):
    year = year or timezone.localdate().year
    return lambda w: {"year": str(year), "opens_on": f"{year}-04-01", "closes_on": f"{year}-06-30"}


ROWS += [
    Row(
        "barometer_open_pacte",
        "POST",
        url=lambda w: "/suivi/barometres/pacte-pour-la-transition/ouvrir/",
        data=barometer_period(2031),
        expect=matrix(DENY, anonymous=LOGIN, staff=ALLOW),
        effect=barometer_opened,
    ),
    Row(
        "barometer_open_egm_charter",
        "POST",
        url=lambda w: "/suivi/barometres/egm-charte-commune-accueillante/ouvrir/",
        data=barometer_period(2031),
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=barometer_opened,
    ),
    Row(
        "barometer_change_period",
        "POST",
        setup=lambda w: barometer_open(w, "egm-charte-commune-accueillante"),
        url=lambda w: (
            f"/suivi/barometres/egm-charte-commune-accueillante/{w.extra['barometer'].year}/modifier/"
        ),
        data=lambda w: {"opens_on": w.extra["barometer"].opens_on.isoformat(), "closes_on": days_ago(-60)},
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.extra["barometer"]).closes_on.isoformat() == days_ago(-60),
    ),
    Row(
        "barometer_rate_municipality",
        "POST",
        setup=barometer_to_rate,
        url=lambda w: barometer_rate_url(w, "municipalite"),
        data=lambda w: {f"score_{first_item(w).pk}": "3", f"comment_{first_item(w).pk}": "Matrice"},
        expect=voices(municipal_contact=ALLOW),
        effect=rated("municipality"),
    ),
    Row(
        "barometer_rate_civil_society",
        "POST",
        setup=barometer_to_rate,
        url=lambda w: barometer_rate_url(w, "societe-civile"),
        data=lambda w: {f"score_{first_item(w).pk}": "2"},
        expect=voices(member=ALLOW, coordinator=ALLOW),
        effect=rated("civil_society"),
    ),
]


# Following and notifications (notifications) -------------------------------------------------
# Anyone with an account follows a commune, an item or a validated local group (G), and
# manages what they follow; the emails' unsubscribe link is the credential of its holder.


def subscription_of(field, target):
    """An effect: the request's user follows `target(world)` (a Subscription `field`)."""
    from notifications.models import Subscription

    return lambda c: (
        c.user is not None and Subscription.objects.filter(user=c.user, **{field: target(c.world)}).exists()
    )


def everyone_follows_saint_denis(world):
    from notifications import services as notifications

    for user in world.users.values():
        notifications.follow(user=user, target=world.saint_denis)


def notification_links(world):
    """Every user's unsubscribe links, and the member's link (a token) in world.extra."""
    from notifications import services as notifications
    from notifications.models import Preference

    everyone_follows_saint_denis(world)
    world.extra["link"] = notifications.unsubscribe_token(world.user("member"))
    for user in world.users.values():
        notifications.preference_get(user)
    world.extra["hashes"] = dict(Preference.objects.values_list("user_id", "unsubscribe_hash"))


def links_revoked(cell):
    from notifications.models import Preference

    return cell.user is not None and (
        Preference.objects.get(user=cell.user).unsubscribe_hash != cell.world.extra["hashes"][cell.user.pk]
    )


def frequency_is(frequency):
    from notifications.models import Preference

    return lambda c: Preference.objects.filter(user=c.user, frequency=frequency).exists()


def follow_url(kind, key, action="suivre"):
    return f"/abonnements/{kind}/{key}/{action}/"


ROWS += [
    Row(
        "notifications_follow_commune",
        "POST",
        url=lambda w: follow_url("commune", w.saint_denis.code),
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=subscription_of("commune", lambda w: w.saint_denis),
        success_url=lambda w: "/communes/93066/",
    ),
    Row(
        "notifications_follow_item",
        "POST",
        url=lambda w: follow_url("engagement", first_item(w).pk),
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=subscription_of("item", first_item),
    ),
    Row(
        "notifications_follow_group",
        "POST",
        url=lambda w: follow_url("groupe", w.group.slug),
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=subscription_of("organization", lambda w: w.group),
    ),
    Row(
        "notifications_follow_pending_group",
        "POST",
        url=lambda w: follow_url("groupe", w.pending.slug),
        # Not followable: as if it did not exist, even for its own coordinator.
        expect=matrix(deny(404), anonymous=LOGIN),
        effect=subscription_of("organization", lambda w: w.pending),
    ),
    Row(
        "notifications_unfollow_commune",
        "POST",
        setup=everyone_follows_saint_denis,
        url=lambda w: follow_url("commune", w.saint_denis.code, "ne-plus-suivre"),
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=lambda c: c.user is not None and not subscription_of("commune", lambda w: w.saint_denis)(c),
    ),
    Row(
        "notifications_subscriptions_page",
        "GET",
        url=lambda w: "/abonnements/",
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=listed(lambda w: 'action="/abonnements/frequence/"'),
    ),
    Row(
        "notifications_choose_immediate_emails",
        "POST",
        url=lambda w: "/abonnements/frequence/",
        data=lambda w: {"frequency": "immediate"},
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=frequency_is("immediate"),
        success_url=lambda w: "/abonnements/",
    ),
    Row(
        "notifications_revoke_unsubscribe_links",
        "POST",
        setup=notification_links,
        url=lambda w: "/abonnements/revoquer-les-liens/",
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=links_revoked,
        success_url=lambda w: "/abonnements/",
    ),
    Row(
        "notifications_unsubscribe_by_link",
        "POST",
        setup=notification_links,
        url=lambda w: f"/desabonnement/{w.extra['link']}/",
        # The emailed link is the credential: no account needed, whoever holds it.
        expect=matrix(ALLOW),
        allow_status=200,
        effect=lambda c: not c.world.user("member").notification_subscriptions.exists(),
    ),
]


# Commitments made elsewhere (commitments' declarations, followup's pages) ---------------------
# Declare for Saint-Denis: G's members (member, coordinator) and its municipal contact. Confirm
# or refuse a declaration waiting for it: partner coordinators and Saint-Denis's municipal
# contact, never its declarer (member). Withdraw: its declarer while it waits, staff. The
# contact of 01001 and H's coordinator do not follow Saint-Denis; nobody else declares.


def confirmed_council_declaration(world):
    """A council deliberation with its act attached, declared by G's member and confirmed by
    the municipality: its act is public (commitments.rules.is_public_act)."""
    from commitments import declarations as commitment_declarations

    declaration_by_member(world, with_file=True)
    commitment_declarations.declaration_confirm(
        declaration=world.extra["declaration"], user=world.user("municipal_contact"), capacity="municipality"
    )


def declaration_by_member(world, *, with_file=False, refused=False):
    """A declaration of Saint-Denis's council's commitment by G's member, in world.extra."""
    from commitments import declarations as commitment_declarations

    proof = commitment_declarations.ProofGiven(
        reference="2026-045",
        file=SimpleUploadedFile("preuve.pdf", b"%PDF-1.4\n%%EOF\n") if with_file else None,
    )
    declaration = commitment_declarations.declaration_create(
        commune=world.saint_denis,
        framework=world.framework,
        choices=[(first_item(world), None)],
        committed_on=timezone.localdate() - timedelta(days=10),
        committer=commitment_declarations.Committer("council"),
        proof=proof,
        user=world.user("member"),
        capacity="local_group",
        organization=world.group,
    )
    if refused:
        commitment_declarations.declaration_refuse(
            declaration=declaration,
            user=world.user("municipal_contact"),
            capacity="municipality",
            reason="Motif de refus de la matrice.",
        )
    world.extra["declaration"] = declaration


def declaration_url(w, suffix=""):
    return followup_url(w, f"declarations/{w.extra['declaration'].pk}/{suffix}")


def declaration_status(cell):
    return refreshed(cell.world.extra["declaration"]).status


def declaration_data(w):
    return {
        "referentiel": w.framework.slug,
        "committed_by": "council",
        "committed_on": days_ago(10),
        f"item_{first_item(w).pk}": "on",
        "deliberation_reference": "2026-045",
    }


def declarations_csv(w):
    line = f"93066;{w.framework.slug};{first_item(w).code};{days_ago(10)};conseil;2026-045\r\n"
    data = ("code_insee;referentiel;engagements;date;engage_par;deliberation\r\n" + line).encode()
    return {"action": "check", "file": SimpleUploadedFile("engagements.csv", data)}


def reviewers(**cells):
    """A declaration waiting for confirmation: partner coordinators and Saint-Denis's contact."""
    return matrix(
        DENY, **{"anonymous": LOGIN, "municipal_contact": ALLOW, "partner_coordinator": ALLOW, **cells}
    )


ROWS += [
    Row(
        "declaration_declare",
        "POST",
        url=lambda w: followup_url(w, "declarer/"),
        data=declaration_data,
        expect=matrix(DENY, anonymous=LOGIN, member=ALLOW, coordinator=ALLOW, municipal_contact=ALLOW),
        effect=lambda c: c.user is not None and c.user.commitment_declarations.exists(),
    ),
    Row(
        "declaration_confirm",
        "POST",
        setup=declaration_by_member,
        url=lambda w: declaration_url(w, "confirmer/"),
        expect=reviewers(),
        effect=lambda c: declaration_status(c) == "confirmed",
        success_url=lambda w: declaration_url(w),
    ),
    Row(
        "declaration_refuse",
        "POST",
        setup=declaration_by_member,
        url=lambda w: declaration_url(w, "refuser/"),
        data=lambda w: {"reason": "Aucune délibération de ce genre."},
        expect=reviewers(),
        effect=lambda c: declaration_status(c) == "refused",
        success_url=lambda w: declaration_url(w),
    ),
    Row(
        "declaration_withdraw",
        "POST",
        setup=declaration_by_member,
        url=lambda w: declaration_url(w, "retirer/"),
        expect=matrix(DENY, anonymous=LOGIN, member=ALLOW, staff=ALLOW),
        effect=lambda c: declaration_status(c) == "withdrawn",
        success_url=lambda w: followup_url(w),
    ),
    Row(
        "declaration_refused_page",
        "GET",
        setup=lambda w: declaration_by_member(w, refused=True),
        url=lambda w: declaration_url(w),
        # Its declarer, those who may confirm and staff read why; for everyone else it does not exist.
        expect=matrix(
            deny(404), member=ALLOW, municipal_contact=ALLOW, partner_coordinator=ALLOW, staff=ALLOW
        ),
        effect=listed(lambda w: "Motif de refus de la matrice."),
    ),
    Row(
        "declaration_document",
        "GET",
        setup=lambda w: declaration_by_member(w, with_file=True),
        url=lambda w: w.extra["declaration"].proof_file_url,
        expect=matrix(
            deny(404), member=ALLOW, municipal_contact=ALLOW, partner_coordinator=ALLOW, staff=ALLOW
        ),
    ),
    Row(
        "declaration_document_public_act",
        "GET",
        setup=confirmed_council_declaration,
        url=lambda w: w.extra["declaration"].proof_file_url,
        # A confirmed council deliberation's act is public, linked from the commune page.
        expect=matrix(ALLOW),
    ),
    Row(
        "declarations_import_check",
        "POST",
        url=lambda w: "/suivi/engagements-declares/import/",
        data=declarations_csv,
        allow_status=200,
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: "followup_declarations_import" in c.client.session,
    ),
]


# Refusals from the signature link (campaigns): the emailed link is the credential, as for
# signing; declining spends it.
ROWS += [
    Row(
        "decline_by_invitation_link",
        "POST",
        url=lambda w: f"/signer/{w.invitation_token}/refus/",
        data=lambda w: {"public_reason": "Nous ne signons pas de chartes."},
        expect=matrix(ALLOW),
        allow_status=200,
        effect=lambda c: (
            refreshed(c.world.invitation).declined_at is not None
            and Step.objects.filter(
                kind=Step.Kind.REFUSAL, public_reason="Nous ne signons pas de chartes."
            ).exists()
        ),
    ),
]

# Co-construction: committees (coconstruction/views/committees/).
# Saint-Denis's committee: G (coordinator, member) and the municipal contact take part; its
# deciders are the contact and G's coordinator (staff too). H's coordinator and 01001's
# contact are outsiders; anyone signed in may ask to take part.


def cocon_committee(world):
    from coconstruction.models import Committee, CommitteeMember, CommitteeOrganization

    committee = Committee.objects.create(
        commune=world.saint_denis, created_by=world.user("municipal_contact")
    )
    CommitteeOrganization.objects.create(committee=committee, organization=world.group, status="accepted")
    for role, organization in (
        ("coordinator", world.group),
        ("member", world.group),
        ("municipal_contact", None),
    ):
        CommitteeMember.objects.create(
            committee=committee, user=world.user(role), organization=organization, status="accepted"
        )
    world.extra["committee"] = committee


def cocon_pending_organization(world):
    from coconstruction.models import CommitteeOrganization

    cocon_committee(world)
    world.extra["row"] = CommitteeOrganization.objects.create(
        committee=world.extra["committee"],
        organization=world.other_group,
        requested_by=world.user("other_coordinator"),
    )


def cocon_pending_member(world):
    from coconstruction.models import CommitteeMember

    cocon_committee(world)
    world.extra["row"] = CommitteeMember.objects.create(
        committee=world.extra["committee"], user=world.user("plain_user")
    )


def cocon_created(cell):
    from coconstruction.models import Committee

    return Committee.objects.filter(commune=cell.world.saint_denis, created_by=cell.user).exists()


def cocon_url(suffix=""):
    return lambda w: f"/communes/{w.saint_denis.code}/comite/{suffix}"


def cocon_row_status(status):
    return lambda c: refreshed(c.world.extra["row"]).status == status


def cocon_deciders(default=DENY, **cells):
    return matrix(default, anonymous=LOGIN, municipal_contact=ALLOW, coordinator=ALLOW, staff=ALLOW, **cells)


def cocon_member_row(role):
    def setup(world):
        from coconstruction.models import CommitteeMember

        cocon_committee(world)
        world.extra["row"] = CommitteeMember.objects.get(user=world.user(role))

    return setup


def cocon_group_row(world):
    from coconstruction.models import CommitteeOrganization

    cocon_committee(world)
    world.extra["row"] = CommitteeOrganization.objects.get(organization=world.group)


def cocon_asked(cell):
    from coconstruction.models import CommitteeMember

    return CommitteeMember.objects.filter(user=cell.user, status="pending").exists()


ROWS += [
    Row(
        "cocon_committee_create",
        "POST",
        url=cocon_url("creer/"),
        data=lambda w: {"description": "Suivre le Pacte", "organizations": [w.group.pk]},
        # The commune's verified contact, and the coordinator of a local group following it.
        expect=matrix(DENY, anonymous=LOGIN, municipal_contact=ALLOW, coordinator=ALLOW),
        effect=cocon_created,
    ),
    Row(
        "cocon_committee_edit",
        "POST",
        setup=cocon_committee,
        url=cocon_url("modifier/"),
        data=lambda w: {"description": "Objet modifié", "version": "0"},
        expect=cocon_deciders(),
        effect=lambda c: refreshed(c.world.extra["committee"]).description == "Objet modifié",
    ),
    Row(
        "cocon_committee_join",
        "POST",
        setup=cocon_committee,
        url=cocon_url("participer/"),
        data=lambda w: {},
        # Anyone signed in asks; those who already take part get the page back with the message.
        expect=matrix(
            ALLOW, anonymous=LOGIN, member=deny(200), coordinator=deny(200), municipal_contact=deny(200)
        ),
        effect=cocon_asked,
    ),
    Row(
        "cocon_committee_join_organization",
        "POST",
        setup=cocon_committee,
        url=cocon_url("participer/organisation/"),
        data=lambda w: {"organization": w.other_group.pk},
        # Only H's coordinator speaks for H: for others it is no choice (the form comes back).
        expect=matrix(deny(200), anonymous=LOGIN, other_coordinator=ALLOW),
        effect=lambda c: c.world.other_group.committees.filter(status="pending").exists(),
    ),
    Row(
        "cocon_committee_add_organization",
        "POST",
        setup=cocon_committee,
        url=cocon_url("organisations/ajouter/"),
        data=lambda w: {"organization": w.partner.pk},
        expect=cocon_deciders(),
        effect=lambda c: c.world.partner.committees.filter(status="accepted").exists(),
    ),
    Row(
        "cocon_committee_decide_organization",
        "POST",
        setup=cocon_pending_organization,
        url=lambda w: cocon_url(f"organisations/{w.extra['row'].pk}/decision/")(w),
        data=lambda w: {"decision": "accept"},
        expect=cocon_deciders(),
        effect=cocon_row_status("accepted"),
    ),
    Row(
        "cocon_committee_decide_member",
        "POST",
        setup=cocon_pending_member,
        url=lambda w: cocon_url(f"membres/{w.extra['row'].pk}/decision/")(w),
        data=lambda w: {"decision": "refuse"},
        expect=cocon_deciders(),
        effect=cocon_row_status("refused"),
    ),
    Row(
        "cocon_committee_remove_organization",
        "POST",
        setup=cocon_group_row,
        url=lambda w: cocon_url(f"organisations/{w.extra['row'].pk}/retirer/")(w),
        # G's coordinator withdraws it; a decider removes it (the town hall still decides).
        expect=cocon_deciders(),
        effect=cocon_row_status("left"),
    ),
    Row(
        "cocon_committee_remove_member",
        "POST",
        setup=cocon_member_row("member"),
        url=lambda w: cocon_url(f"membres/{w.extra['row'].pk}/retirer/")(w),
        expect=cocon_deciders(),
        effect=cocon_row_status("left"),
    ),
    Row(
        "cocon_committee_leave",
        "POST",
        setup=cocon_committee,
        url=cocon_url("quitter/"),
        expect=matrix(DENY, anonymous=LOGIN, member=ALLOW, coordinator=ALLOW, municipal_contact=ALLOW),
        effect=lambda c: c.user is not None and c.user.committee_memberships.filter(status="left").exists(),
    ),
]


# Co-construction: meetings (coconstruction/views/meetings.py).
# Saint-Denis's committee (cocon_committee) holds a public meeting in ten days, or one held
# yesterday (minutes, decisions). Its deciders (the contact, G's coordinator, staff) run
# them; anyone signed in who sees a meeting registers. A members-only meeting is a 404 to
# whoever is not in the committee (moderators are). A working group of the committee is
# coordinated by G's member: its meetings are scheduled by it and by the committee's deciders.


def cocon_meeting(world, *, days=10, visibility="public"):
    from datetime import datetime

    from coconstruction.models import Meeting

    cocon_committee(world)
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(datetime(day.year, day.month, day.day, 18, 0))
    world.extra["meeting"] = Meeting.objects.create(
        committee=world.extra["committee"],
        title="Comité de suivi",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Salle du conseil",
        visibility=visibility,
    )


def cocon_members_meeting(world):
    cocon_meeting(world, visibility="members")


def cocon_past_meeting(world):
    commit_saint_denis(world)
    cocon_meeting(world, days=-1)


def cocon_decision(world):
    from coconstruction.models import Decision

    cocon_past_meeting(world)
    world.extra["decision"] = Decision.objects.create(
        meeting=world.extra["meeting"], commune=world.saint_denis, item=first_item(world), text="Décidé"
    )


def cocon_registered(world):
    from coconstruction.models import Registration

    cocon_meeting(world)
    for user in world.users.values():
        Registration.objects.create(meeting=world.extra["meeting"], user=user)


def cocon_committee_group(world):
    from coconstruction.models import WorkingGroup, WorkingGroupMember

    cocon_committee(world)
    world.extra["working_group"] = group = WorkingGroup.objects.create(
        committee=world.extra["committee"], name="Lieu d’accueil", purpose="Ouvrir le lieu."
    )
    WorkingGroupMember.objects.create(
        working_group=group, user=world.user("member"), role=WorkingGroupMember.Role.COORDINATOR
    )


def meeting_url(suffix=""):
    return lambda w: f"/reunions/{w.extra['meeting'].pk}/{suffix}"


def meeting_form(**fields):
    def data(world):
        start = timezone.localtime(world.extra["meeting"].starts_at) if "meeting" in world.extra else None
        day = start.date() if start else timezone.localdate() + timedelta(days=20)
        values = {
            "title": "Comité de suivi",
            "date": day.isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "place": "Salle du conseil",
            "visibility": "public",
        }
        return {**values, **fields}

    return data


def cocon_scheduled(cell):
    from coconstruction.models import Meeting

    return Meeting.objects.filter(title="Réunion de la matrice", created_by=cell.user).exists()


def cocon_registration(active):
    def effect(cell):
        from coconstruction.models import Registration

        rows = Registration.objects.filter(meeting=cell.world.extra["meeting"], user=cell.user)
        return rows.filter(cancelled_at__isnull=active).exists()

    return effect


ROWS += [
    Row(
        "cocon_meeting_create",
        "POST",
        setup=cocon_committee,
        url=cocon_url("reunions/nouvelle/"),
        data=meeting_form(title="Réunion de la matrice"),
        expect=cocon_deciders(),
        effect=cocon_scheduled,
    ),
    Row(
        "cocon_meeting_create_group",
        "POST",
        setup=cocon_committee_group,
        url=lambda w: f"/chantiers/{w.extra['working_group'].pk}/reunions/nouvelle/",
        data=meeting_form(title="Réunion de la matrice"),
        # The group's coordinator, and the deciders of the committee it belongs to.
        expect=cocon_deciders(member=ALLOW),
        effect=cocon_scheduled,
    ),
    Row(
        "cocon_meeting_edit",
        "POST",
        setup=cocon_meeting,
        url=meeting_url("modifier/"),
        data=meeting_form(place="Maison des associations", version="0"),
        expect=cocon_deciders(),
        effect=lambda c: refreshed(c.world.extra["meeting"]).place == "Maison des associations",
    ),
    Row(
        "cocon_meeting_cancel",
        "POST",
        setup=cocon_meeting,
        url=meeting_url("annuler/"),
        data=lambda w: {"reason": "Salle indisponible", "version": "0"},
        expect=cocon_deciders(),
        effect=lambda c: refreshed(c.world.extra["meeting"]).is_cancelled,
    ),
    Row(
        "cocon_meeting_register",
        "POST",
        setup=cocon_meeting,
        url=meeting_url("inscription/"),
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=cocon_registration(active=True),
    ),
    Row(
        "cocon_meeting_register_members_only",
        "POST",
        setup=cocon_members_meeting,
        url=meeting_url("inscription/"),
        # Outsiders may not even see it: 404, as for a meeting that does not exist.
        expect=cocon_deciders(deny(404), member=ALLOW, partner_coordinator=ALLOW),
        effect=cocon_registration(active=True),
    ),
    Row(
        "cocon_meeting_unregister",
        "POST",
        setup=cocon_registered,
        url=meeting_url("desinscription/"),
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=cocon_registration(active=False),
    ),
    Row(
        "cocon_meeting_minutes",
        "POST",
        setup=cocon_past_meeting,
        url=meeting_url("compte-rendu/"),
        data=lambda w: {"minutes": "Compte rendu de la matrice", "publish": "on", "attended_elected": "2"},
        expect=cocon_deciders(),
        effect=lambda c: refreshed(c.world.extra["meeting"]).minutes_published_at is not None,
    ),
    Row(
        "cocon_meeting_decision_add",
        "POST",
        setup=cocon_past_meeting,
        url=meeting_url("decisions/"),
        data=lambda w: {"item": first_item(w).pk, "text": "Décision de la matrice"},
        expect=cocon_deciders(),
        effect=lambda c: c.world.extra["meeting"].decisions.filter(text="Décision de la matrice").exists(),
    ),
    Row(
        "cocon_meeting_decision_delete",
        "POST",
        setup=cocon_decision,
        url=lambda w: meeting_url(f"decisions/{w.extra['decision'].pk}/supprimer/")(w),
        expect=cocon_deciders(),
        effect=lambda c: not c.world.extra["meeting"].decisions.exists(),
    ),
]


# Co-construction: calendars (coconstruction/views/calendars.py).
def give_calendar_links(world):
    """Every user of the world has a private calendar link (to delete)."""
    from coconstruction.services.calendars import link_create

    for user in world.users.values():
        link_create(user)


def has_calendar_link(cell):
    from coconstruction.models import CalendarToken

    return cell.user is not None and CalendarToken.objects.filter(user=cell.user).exists()


ROWS += [
    Row(
        "calendar_link_create",
        "POST",
        url=lambda w: "/compte/agenda/",
        data=lambda w: {"action": "create"},
        # Each person makes their own link, shown once on the answer (only its hash is kept).
        expect=matrix(ALLOW, anonymous=LOGIN),
        allow_status=200,
        effect=has_calendar_link,
    ),
    Row(
        "calendar_link_revoke",
        "POST",
        setup=give_calendar_links,
        url=lambda w: "/compte/agenda/",
        data=lambda w: {"action": "revoke"},
        # Each person deletes their own link, nobody else's (the URL names no one).
        expect=matrix(ALLOW, anonymous=LOGIN),
        effect=lambda c: c.user is not None and not has_calendar_link(c),
    ),
]


# Co-construction: workgroups (coconstruction/views/workgroups/).
def add_working_group(world, *, visibility="public", access="open"):
    """A working group of G, coordinated by G's coordinator, with G's member in it."""
    from coconstruction.models import WorkingGroup, WorkingGroupMember

    group = WorkingGroup.objects.create(
        organization=world.group,
        name="Chantier logement",
        purpose="Trouver des logements.",
        access=access,
        visibility=visibility,
        created_by=world.user("coordinator"),
    )
    WorkingGroupMember.objects.create(
        working_group=group, user=world.user("coordinator"), role=WorkingGroupMember.Role.COORDINATOR
    )
    WorkingGroupMember.objects.create(working_group=group, user=world.user("member"))
    world.extra["working_group"] = group


def add_members_only_group(world):
    add_working_group(world, visibility="members")


def add_group_invitation(world):
    """G's group by invitation, the plain user invited to it."""
    from coconstruction.models import WorkingGroupMember

    add_working_group(world, access="invitation")
    WorkingGroupMember.objects.create(
        working_group=world.extra["working_group"],
        user=world.user("plain_user"),
        status=WorkingGroupMember.Status.INVITED,
    )


def add_group_document(world, *, visibility="public"):
    from django.core.files.base import ContentFile

    from coconstruction.models import Document, DocumentVersion

    add_working_group(world, visibility=visibility)
    document = Document.objects.create(working_group=world.extra["working_group"], title="Compte rendu")
    version = DocumentVersion(
        document=document, number=1, content_type="application/pdf", size=10, sha256="0" * 64
    )
    version.file.save("document.pdf", ContentFile(SCAN_BYTES), save=False)
    version.save()
    world.extra["document"], world.extra["version"] = document, version


def add_committee_of_g(world):
    from coconstruction.models import Committee, CommitteeOrganization, Participation

    committee = Committee.objects.create(commune=world.saint_denis)
    CommitteeOrganization.objects.create(
        committee=committee, organization=world.group, status=Participation.ACCEPTED
    )


def group_url(world, suffix=""):
    return f"/chantiers/{world.extra['working_group'].pk}/{suffix}"


def active_members(cell):
    return cell.world.extra["working_group"].members.filter(status="active").count()


def membership_status(cell, role):
    row = cell.world.extra["working_group"].members.filter(user=cell.world.user(role)).first()
    return row.status if row else None


def new_group_data(world):
    return {
        "name": "Chantier de la matrice",
        "purpose": "Un chantier.",
        "access": "open",
        "visibility": "public",
    }


def a_pdf(world):
    return {
        "title": "Nouveau document",
        "file": SimpleUploadedFile("cr.pdf", SCAN_BYTES + b"% new\n"),
        "note": "",
    }


def new_group_made(cell):
    from coconstruction.models import WorkingGroup

    return WorkingGroup.objects.filter(name="Chantier de la matrice").exists()


SEES_MEMBERS_ONLY = matrix(deny(404), coordinator=ALLOW, member=ALLOW, partner_coordinator=ALLOW, staff=ALLOW)

ROWS += [
    Row(
        "working_group_create_organization",
        "POST",
        url=lambda w: org_url(w.group.slug, "chantiers/nouveau/"),
        data=new_group_data,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW),
        effect=new_group_made,
    ),
    Row(
        "working_group_create_national",
        "POST",
        url=lambda w: org_url(w.partner.slug, "chantiers/nouveau/"),
        data=new_group_data,
        expect=matrix(DENY, anonymous=LOGIN, partner_coordinator=ALLOW),
        effect=new_group_made,
    ),
    Row(
        "working_group_create_committee",
        "POST",
        url=lambda w: "/communes/93066/comite/chantiers/nouveau/",
        data=new_group_data,
        setup=add_committee_of_g,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, municipal_contact=ALLOW),
        effect=new_group_made,
    ),
    Row(
        "working_group_join",
        "POST",
        url=lambda w: group_url(w, "rejoindre/"),
        setup=add_working_group,
        expect=matrix(ALLOW, anonymous=LOGIN, coordinator=DENY, member=DENY),
        effect=lambda c: active_members(c) == 3,
    ),
    Row(
        "working_group_join_members_only",
        "POST",
        url=lambda w: group_url(w, "rejoindre/"),
        setup=add_members_only_group,
        expect=matrix(
            deny(404), anonymous=LOGIN, coordinator=DENY, member=DENY, partner_coordinator=ALLOW, staff=ALLOW
        ),
        effect=lambda c: active_members(c) == 3,
    ),
    Row(
        "working_group_accept",
        "POST",
        url=lambda w: group_url(w, "accepter/"),
        setup=add_group_invitation,
        expect=matrix(DENY, anonymous=LOGIN, plain_user=ALLOW),
        effect=lambda c: membership_status(c, "plain_user") == "active",
    ),
    Row(
        "working_group_leave",
        "POST",
        url=lambda w: group_url(w, "quitter/"),
        setup=add_working_group,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, member=ALLOW),
        effect=lambda c: active_members(c) == 1,
    ),
    Row(
        "working_group_invite",
        "POST",
        url=lambda w: group_url(w, "inviter/"),
        data=lambda w: {"email": w.user("plain_user").email},
        setup=add_working_group,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: membership_status(c, "plain_user") == "invited",
    ),
    Row(
        "working_group_close",
        "POST",
        url=lambda w: group_url(w, "clore/"),
        data=lambda w: {"conclusion": "Le chantier a abouti.", "version": w.extra["working_group"].version},
        setup=add_working_group,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, staff=ALLOW),
        effect=lambda c: refreshed(c.world.extra["working_group"]).is_closed,
    ),
    Row(
        "working_group_document_create",
        "POST",
        url=lambda w: group_url(w, "documents/nouveau/"),
        data=a_pdf,
        setup=add_working_group,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, member=ALLOW),
        effect=lambda c: c.world.extra["working_group"].documents.exists(),
    ),
    Row(
        "working_group_document_version",
        "POST",
        url=lambda w: f"/chantiers/documents/{w.extra['document'].pk}/nouvelle-version/",
        data=lambda w: {"file": SimpleUploadedFile("v2.pdf", SCAN_BYTES + b"% v2\n"), "note": "v2"},
        setup=add_group_document,
        expect=matrix(DENY, anonymous=LOGIN, coordinator=ALLOW, member=ALLOW),
        effect=lambda c: c.world.extra["document"].versions.count() == 2,
    ),
    Row(
        "working_group_members_only_page",
        "GET",
        url=lambda w: group_url(w),
        setup=add_members_only_group,
        expect=SEES_MEMBERS_ONLY,
    ),
    Row(
        "working_group_members_only_file",
        "GET",
        url=lambda w: f"/chantiers/fichiers/{w.extra['version'].pk}/",
        setup=lambda w: add_group_document(w, visibility="members"),
        expect=SEES_MEMBERS_ONLY,
    ),
    Row(
        "working_group_members_only_document",
        "GET",
        url=lambda w: f"/chantiers/documents/{w.extra['document'].pk}/",
        setup=lambda w: add_group_document(w, visibility="members"),
        expect=SEES_MEMBERS_ONLY,
    ),
]

# Co-construction: discussions (coconstruction/views/discussions.py).
# On an item's follow-up, Saint-Denis's voices write (G's members, its municipal contact);
# who started a discussion, the commune's deciders and moderators close it. On a meeting,
# the committee's insiders (moderators too); on a working group, its active members.


def discussion_committee(world, *, visibility="public"):
    """Saint-Denis's committee (G accepted; its coordinator and member in it), a meeting."""
    from coconstruction.models import Committee, Meeting

    committee = Committee.objects.create(
        commune=world.saint_denis, created_by=world.user("municipal_contact")
    )
    committee.organizations.create(organization=world.group, status="accepted")
    for role in ("coordinator", "member"):
        committee.members.create(user=world.user(role), organization=world.group, status="accepted")
    start = timezone.now() + timedelta(days=7)
    world.extra["meeting"] = Meeting.objects.create(
        committee=committee,
        title="Comité",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        visibility=visibility,
    )
    world.extra["committee"] = committee


def discussion_working_group(world):
    from coconstruction.models import WorkingGroup

    discussion_committee(world)
    group = WorkingGroup.objects.create(committee=world.extra["committee"], name="Santé", purpose="Soins")
    group.members.create(user=world.user("member"))
    world.extra["working_group"] = group


def discussion_on_item(world):
    """A discussion on the first item's follow-up in Saint-Denis, started by its contact."""
    from coconstruction.queries.discussions import subject_of
    from coconstruction.services import discussions

    commit_saint_denis(world)
    subject = subject_of(commune=world.saint_denis, item=first_item(world))
    world.extra["comment"] = discussions.thread_start(
        subject=subject, user=world.user("municipal_contact"), title="Domiciliation", text="Où en est-on ?"
    )
    world.extra["thread"] = world.extra["comment"].thread


def discussion_on_members_meeting(world):
    from coconstruction.queries.discussions import subject_of
    from coconstruction.services import discussions

    discussion_committee(world, visibility="members")
    world.extra["thread"] = discussions.thread_start(
        subject=subject_of(meeting=world.extra["meeting"]),
        user=world.user("coordinator"),
        title="Ordre",
        text="?",
    ).thread


def discussion_started(cell):
    from coconstruction.models import Thread

    return cell.user is not None and Thread.objects.filter(created_by=cell.user).exists()


def commented(cell):
    from coconstruction.models import Comment

    return (
        cell.user is not None
        and Comment.objects.filter(created_by=cell.user, text="Avis de la matrice").exists()
    )


def thread_data(w):
    return {"title": "Sujet de la matrice", "text": "Premier avis"}


DISCUSSION_VOICES = {"member": ALLOW, "coordinator": ALLOW, "municipal_contact": ALLOW}
MEETING_INSIDERS = {**DISCUSSION_VOICES, "partner_coordinator": ALLOW, "staff": ALLOW}

ROWS += [
    Row(
        "discussion_start_on_item",
        "POST",
        setup=commit_saint_denis,
        url=lambda w: f"/discussions/nouvelle/engagement/93066/{first_item(w).pk}/",
        data=thread_data,
        expect=matrix(DENY, anonymous=LOGIN, **DISCUSSION_VOICES),
        effect=discussion_started,
    ),
    Row(
        "discussion_start_on_meeting",
        "POST",
        setup=discussion_committee,
        url=lambda w: f"/discussions/nouvelle/reunion/{w.extra['meeting'].pk}/",
        data=thread_data,
        expect=matrix(DENY, anonymous=LOGIN, **MEETING_INSIDERS),
        effect=discussion_started,
    ),
    Row(
        "discussion_start_on_working_group",
        "POST",
        setup=discussion_working_group,
        url=lambda w: f"/discussions/nouvelle/chantier/{w.extra['working_group'].pk}/",
        data=thread_data,
        expect=matrix(DENY, anonymous=LOGIN, member=ALLOW),
        effect=discussion_started,
    ),
    Row(
        "discussion_comment",
        "POST",
        setup=discussion_on_item,
        url=lambda w: f"/discussions/{w.extra['thread'].pk}/commenter/",
        data=lambda w: {"text": "Avis de la matrice"},
        expect=matrix(DENY, anonymous=LOGIN, **DISCUSSION_VOICES),
        effect=commented,
    ),
    Row(
        "discussion_comment_members_only_meeting",
        "POST",
        setup=discussion_on_members_meeting,
        url=lambda w: f"/discussions/{w.extra['thread'].pk}/commenter/",
        data=lambda w: {"text": "Avis de la matrice"},
        # Whoever may not see the meeting may not know its discussion exists.
        expect=matrix(deny(404), anonymous=LOGIN, **MEETING_INSIDERS),
        effect=commented,
    ),
    Row(
        "discussion_comment_edit",
        "POST",
        setup=discussion_on_item,
        url=lambda w: f"/discussions/commentaires/{w.extra['comment'].pk}/modifier/",
        data=lambda w: {"text": "Corrigé par la matrice"},
        expect=matrix(DENY, anonymous=LOGIN, municipal_contact=ALLOW),
        effect=lambda c: refreshed(c.world.extra["comment"]).text == "Corrigé par la matrice",
    ),
    Row(
        "discussion_close",
        "POST",
        setup=discussion_on_item,
        url=lambda w: f"/discussions/{w.extra['thread'].pk}/clore/",
        data=lambda w: {"summary": "Synthèse de la matrice"},
        expect=matrix(
            DENY,
            anonymous=LOGIN,
            municipal_contact=ALLOW,
            coordinator=ALLOW,
            partner_coordinator=ALLOW,
            staff=ALLOW,
        ),
        effect=lambda c: refreshed(c.world.extra["thread"]).closed_at is not None,
    ),
]


def _cells():
    for row in ROWS:
        for role in ROLES:
            expected = row.expect[role]
            marks = [pytest.mark.xfail(strict=True, reason=expected.bug)] if expected.bug else []
            yield pytest.param(row, role, id=f"{row.name}-{role}", marks=marks)


CELLS = list(_cells())


def _is_login_or_mfa(location):
    return location.startswith(("/compte/login/", "/admin/login/", "/compte/2fa/"))


@pytest.mark.parametrize(("row", "role"), CELLS)
def test_permission(row, role, world, login_as):
    expected = row.expect[role]
    if row.setup:
        row.setup(world)
    client = login_as(role)
    url = row.url(world)
    data = row.data(world) if row.data else {}
    response = client.post(url, data) if row.method == "POST" else client.get(url, data)
    cell = Cell(world=world, role=role, user=world.user(role), client=client, response=response)

    status = expected.status or row.default_status(expected.outcome)
    location = response.get("Location", "")
    assert response.status_code == status, (
        f"{row.name} as {role}: expected {expected.outcome} ({status}), got {response.status_code} {location}"
    )
    if expected.outcome == LOGIN:
        login_url = row.login_url(world) if row.login_url else redirect_to_login(url).url
        assert location == login_url
    elif expected.location:
        assert location == expected.location(world)
    elif expected.outcome == ALLOW and 300 <= status < 400:
        assert not _is_login_or_mfa(location), location
        if row.success_url:
            assert location == row.success_url(world)

    if row.effect:
        happened = row.effect(cell)
        if expected.outcome == ALLOW:
            assert happened, f"{row.name} as {role}: accepted, but nothing changed"
        else:
            assert not happened, f"{row.name} as {role}: refused, yet the change happened"


# The matrix's own checks -------------------------------------------------------


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_every_signed_in_role_reaches_its_account_page(role, login_as):
    """Partner coordinators and staff have their TOTP: no detour to /compte/2fa/."""
    response = login_as(role).get("/compte/")
    assert response.status_code == 200, response.get("Location")


def test_partner_coordinator_without_two_factor_is_sent_to_set_it_up(world, login_as):
    """The middleware the fixtures satisfy is really there."""
    Authenticator.objects.filter(user=world.user("partner_coordinator")).delete()
    response = login_as("partner_coordinator").get("/compte/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# Which URLs need a row: every URL of the project's own views that accepts more
# than GET (or whose methods cannot be read), and every page of the apps where
# pages may be restricted, unless NOT_IN_MATRIX says why not. Out of scope: the
# admin (staff only: see the admin_index row), the read-only API, and allauth's
# views under /compte/ (login, sign-up, email, password, two-factor, sessions),
# which only act on the signed-in user's own account.
OUT_OF_SCOPE_NAMESPACES = {"admin", "api"}
RESTRICTED_APPS = {"accounts", "actors", "moderation"}
NOT_IN_MATRIX = {
    "actors:organizations": "public list",
    "actors:organization": "public page; its restricted case is the pending_group_page row",
    "pages:my_space": "own page (test_every_signed_in_role_reaches_its_account_page)",
    "accounts:my_data": "own page",
    "accounts:privacy": "public",
}


def _methods(view):
    """The HTTP methods a view accepts, read from require_http_methods; None if unknown."""
    while view is not None:
        if view.__closure__:
            methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if methods is not None:
                return set(methods)
        view = getattr(view, "__wrapped__", None)
    return None


def _project_urls(resolver=None, namespace=""):
    """(name, view) for every URL of the project's own views."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in OUT_OF_SCOPE_NAMESPACES:
                yield from _project_urls(pattern, pattern.namespace or namespace)
        elif not pattern.callback.__module__.startswith("allauth."):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def test_every_state_changing_url_has_a_row(world):
    """A new view that accepts POST fails this test until the matrix has a row for it."""
    covered = set()
    for row in ROWS:
        with transaction.atomic():  # each row's setup on its own
            if row.setup:
                row.setup(world)
            covered.add(resolve(row.url(world)).view_name)
            transaction.set_rollback(True)
    missing = []
    for name, view in _project_urls():
        methods = _methods(view)
        read_only = methods is not None and methods <= {"GET", "HEAD"}
        needs_row = not read_only or name.split(":")[0] in RESTRICTED_APPS
        if needs_row and name not in covered and name not in NOT_IN_MATRIX:
            missing.append(name)
    assert missing == [], "add a row to ROWS (or a reason to NOT_IN_MATRIX)"


def test_matrix_size(world, capsys):
    rows, roles = len(ROWS), len(ROLES)
    assert set(world.users) == set(ROLES) - {"anonymous"}, "every role has its user in conftest.py"
    assert len({row.name for row in ROWS}) == rows, "row names must be unique"
    assert all(set(row.expect) == set(ROLES) for row in ROWS)
    assert len(CELLS) == rows * roles
    with capsys.disabled():
        print(f"\npermission matrix: {rows} rows × {roles} roles = {rows * roles} cells")
