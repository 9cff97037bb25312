"""Organisations and roles: local groups and their validation, invitations and
the last coordinator, municipal contacts, histories, the public list."""

import pytest
from django import forms
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from actors import services
from actors.forms import CommuneField
from actors.models import Invitation, Membership, MunicipalContact, Organization
from territories.models import Commune, Department
from tests.support import browser, enable_totp, make_partner_coordinator, make_user, messages_of

pytestmark = pytest.mark.django_db


def commune(code):
    return Commune.objects.select_related("department").get(code=code)


def create_group(user, name="Accueil Saint-Denis", code="93066", networks=(), capture=None, **extra):
    fields = {"group_type": Organization.GroupType.EGM_ASSEMBLY, "description": "", "website": ""}
    fields.update(extra)
    if capture is None:
        return services.organization_create_local_group(
            user=user, name=name, commune=commune(code), networks=list(networks), **fields
        )
    with capture(execute=True):
        return services.organization_create_local_group(
            user=user,
            name=name,
            commune=commune(code),
            networks=list(networks),
            site_url="http://testserver",
            **fields,
        )


def validated_group(user, name="Accueil Saint-Denis", code="93066"):
    group = create_group(user, name=name, code=code)
    Organization.objects.filter(pk=group.pk).update(status=Organization.Status.VALIDATED)
    group.refresh_from_db()
    return group


@pytest.fixture
def alice():
    return make_user("alice@example.org", display_name="Alice")


@pytest.fixture
def egm():
    return Organization.objects.get(slug="egm")


# Creating a local group -----------------------------------------------------------------


def test_the_five_partners_exist_from_the_start():
    partners = Organization.objects.partners()
    assert set(partners.values_list("slug", flat=True)) == {
        "anvita",
        "egm",
        "pacte-pour-la-transition",
        "alliance-migrations",
        "ocu",
    }
    assert {partner.status for partner in partners} == {Organization.Status.VALIDATED}


def test_a_new_local_group_is_pending_and_its_creator_coordinates_it(alice, egm):
    group = create_group(alice, networks=[egm])

    assert group.status == Organization.Status.PENDING
    assert group.kind == Organization.Kind.LOCAL_GROUP
    assert group.scale == Organization.Scale.COMMUNE
    assert group.commune.code == "93066"
    assert group.created_by == alice
    assert list(group.networks.all()) == [egm]
    membership = Membership.objects.get(organization=group)
    assert (membership.user, membership.role) == (alice, Membership.Role.COORDINATOR)
    assert group.slug == "accueil-saint-denis"
    assert group not in Organization.objects.public()


def test_slugs_are_unique(alice):
    first = create_group(alice, name="Accueil", code="93066")
    second = create_group(alice, name="Accueil", code="01053")
    third = create_group(alice, name="Accueil !", code="93066")
    fourth = create_group(alice, name="Accueil Saint-Denis", code="93066")

    slugs = [first.slug, second.slug, third.slug, fourth.slug]
    assert first.slug == "accueil-saint-denis"
    assert second.slug == "accueil-bourg-en-bresse"
    assert len(set(slugs)) == 4
    assert third.slug.startswith("accueil-saint-denis-")


def test_same_name_in_the_same_commune_is_refused(alice):
    create_group(alice, name="Accueil Saint-Denis")
    with pytest.raises(services.ActorsError) as error:
        create_group(make_user("bob@example.org"), name="  accueil saint-denis ")
    assert str(error.value) == "Un groupe de ce nom existe déjà dans cette commune."
    assert Organization.objects.filter(name__iexact="accueil saint-denis").count() == 1
    # The same name in another commune is fine.
    create_group(alice, name="Accueil Saint-Denis", code="01344")


def test_editing_cannot_take_the_name_of_another_group_of_the_commune(alice):
    validated_group(alice, name="Accueil Saint-Denis")
    other = validated_group(alice, name="Collectif solidaire")

    response = browser(alice).post(
        f"/organisations/{other.slug}/modifier/",
        {"name": "accueil saint-denis", "description": "", "website": ""},
    )

    assert response.status_code in (200, 302)
    other.refresh_from_db()
    assert other.name == "Collectif solidaire"


def test_a_group_needs_a_name(alice):
    with pytest.raises(services.ActorsError) as error:
        create_group(alice, name="   ")
    assert str(error.value) == "Donnez un nom au groupe."


def test_coordinators_of_declared_networks_are_told_of_the_new_group(
    alice, egm, django_capture_on_commit_callbacks
):
    make_partner_coordinator("egm1@example.org")
    make_partner_coordinator("egm2@example.org", language="en")
    plain_egm_member = make_user("egm-member@example.org")
    Membership.objects.create(user=plain_egm_member, organization=egm, role=Membership.Role.MEMBER)
    make_partner_coordinator("anvita@example.org", partner="anvita")

    create_group(alice, networks=[egm], capture=django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == ["egm1@example.org", "egm2@example.org"]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert (
        by_address["egm1@example.org"].subject
        == "[Hospitalité] Un nouveau groupe à valider : Accueil Saint-Denis"
    )
    assert "http://testserver/organisations/a-valider/" in by_address["egm1@example.org"].body
    assert (
        by_address["egm2@example.org"].subject == "[Hospitalité] A new group to validate: Accueil Saint-Denis"
    )


def test_no_network_no_email(alice, django_capture_on_commit_callbacks):
    make_partner_coordinator("egm1@example.org")
    create_group(alice, capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_create_group_page(alice, egm):
    client = browser(alice)
    assert client.get("/organisations/nouvelle/?commune=93066").status_code == 200

    response = client.post(
        "/organisations/nouvelle/",
        {
            "name": "Collectif solidaire",
            "group_type": "pacte_collective",
            "commune": "saint denis 93",
            "networks": [egm.pk],
            "description": "Nous accueillons.",
            "website": "collectif.example.org",
        },
    )

    assert response.status_code == 302
    group = Organization.objects.get(name="Collectif solidaire")
    assert response["Location"] == group.get_absolute_url()
    assert group.commune.code == "93066"
    assert group.website == "https://collectif.example.org"
    assert messages_of(response) == [
        "Votre groupe est créé. Il sera public une fois validé par une coordination partenaire."
    ]
    page = client.get(group.get_absolute_url())
    assert page.status_code == 200
    assert "en attente" in page.content.decode()
    # Pending: hidden from anonymous visitors and from other users.
    assert browser().get(group.get_absolute_url()).status_code == 404
    assert browser(make_user("bob@example.org")).get(group.get_absolute_url()).status_code == 404


def test_create_group_page_refuses_an_ambiguous_commune(alice):
    response = browser(alice).post(
        "/organisations/nouvelle/", {"name": "Collectif", "group_type": "other", "commune": "saint denis"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plusieurs communes correspondent" in html
    assert not Organization.objects.filter(name="Collectif").exists()


def test_create_group_requires_login():
    response = browser().get("/organisations/nouvelle/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


# The commune field ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["93066", " 93066 ", "saint denis 93", "Saint-Denis 93", "ST DENIS 93"])
def test_commune_field_resolves_a_code_or_a_name_with_its_department(typed):
    assert CommuneField().clean(typed).code == "93066"


def test_commune_field_refuses_an_ambiguous_name_listing_the_choices():
    field = CommuneField()
    with pytest.raises(forms.ValidationError) as error:
        field.clean("saint denis")
    assert error.value.messages == [
        "Plusieurs communes correspondent à «\u00a0saint denis\u00a0» : choisissez la vôtre parmi celles proposées."
    ]
    assert {commune.code for commune in field.widget.candidates} == {"93066", "97411"}


def test_commune_field_refuses_an_unknown_name():
    with pytest.raises(forms.ValidationError) as error:
        CommuneField().clean("Xyzzyville")
    assert error.value.messages == [
        "Aucune commune ne correspond à «\u00a0Xyzzyville\u00a0». Vérifiez l’orthographe, ou saisissez son code postal."
    ]


def test_commune_field_is_required():
    with pytest.raises(forms.ValidationError) as error:
        CommuneField().clean("")
    assert error.value.messages == ["Ce champ est obligatoire."]


# Validation --------------------------------------------------------------------------------------


def test_validation_by_a_network_coordinator_tells_the_group_coordinators(
    alice, egm, django_capture_on_commit_callbacks
):
    reviewer = make_partner_coordinator("egm1@example.org")
    group = create_group(alice, networks=[egm])

    with django_capture_on_commit_callbacks(execute=True):
        services.organization_set_status(
            organization=group, user=reviewer, validated=True, site_url="http://testserver"
        )

    group.refresh_from_db()
    assert group.status == Organization.Status.VALIDATED
    assert (group.validated_by, bool(group.validated_at)) == (reviewer, True)
    assert group in Organization.objects.public()
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert mail.outbox[0].subject == "[Hospitalité] Accueil Saint-Denis est validé"
    assert "http://testserver/organisations/accueil-saint-denis/" in mail.outbox[0].body


def test_rejection_needs_a_reason_and_tells_the_coordinators(alice, egm, django_capture_on_commit_callbacks):
    reviewer = make_partner_coordinator("egm1@example.org")
    group = create_group(alice, networks=[egm])

    with pytest.raises(services.ActorsError) as error:
        services.organization_set_status(organization=group, user=reviewer, validated=False, reason="  ")
    assert str(error.value) == "Indiquez pourquoi l’organisation est refusée."
    group.refresh_from_db()
    assert group.is_pending

    with django_capture_on_commit_callbacks(execute=True):
        services.organization_set_status(
            organization=group, user=reviewer, validated=False, reason="Groupe en double"
        )

    group.refresh_from_db()
    assert group.status == Organization.Status.REJECTED
    assert group.status_reason == "Groupe en double"
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert mail.outbox[0].subject == "[Hospitalité] Accueil Saint-Denis n’a pas été validé"
    assert "Groupe en double" in mail.outbox[0].body


def test_a_group_is_reviewed_only_once(alice, egm):
    reviewer = make_partner_coordinator("egm1@example.org")
    group = create_group(alice, networks=[egm])
    services.organization_set_status(organization=group, user=reviewer, validated=True)

    with pytest.raises(services.ActorsError) as error:
        services.organization_set_status(organization=group, user=reviewer, validated=False, reason="Non")

    assert str(error.value) == "Cette organisation a déjà été examinée."
    group.refresh_from_db()
    assert group.status == Organization.Status.VALIDATED


def test_review_page_is_for_coordinators_of_declared_networks_and_staff(
    alice, egm, django_capture_on_commit_callbacks
):
    group = create_group(alice, networks=[egm])
    egm_coordinator = make_partner_coordinator("egm1@example.org")
    anvita_coordinator = make_partner_coordinator("anvita@example.org", partner="anvita")
    url = f"/organisations/{group.slug}/decision/"

    queue = browser(egm_coordinator).get("/organisations/a-valider/")
    assert "Accueil Saint-Denis" in queue.content.decode()
    assert (
        "Accueil Saint-Denis"
        not in browser(anvita_coordinator).get("/organisations/a-valider/").content.decode()
    )
    assert browser(alice).get("/organisations/a-valider/").status_code == 403

    assert browser(alice).post(url, {"decision": "validate"}).status_code == 403
    assert browser(anvita_coordinator).post(url, {"decision": "validate"}).status_code in (403, 404)
    group.refresh_from_db()
    assert group.is_pending

    with django_capture_on_commit_callbacks(execute=True):
        response = browser(egm_coordinator).post(url, {"decision": "validate", "from": "queue"})

    assert response.status_code == 302
    assert response["Location"] == "/organisations/a-valider/"
    group.refresh_from_db()
    assert group.is_validated
    assert len(mail.outbox) == 1
    assert browser().get(group.get_absolute_url()).status_code == 200


# Invitations and roles ----------------------------------------------------------------------------


def test_no_invitation_while_the_group_is_pending(alice, django_capture_on_commit_callbacks):
    group = create_group(alice)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ActorsError) as error:
        services.invitation_send(organization=group, email="bob@example.org", role="member", invited_by=alice)

    assert str(error.value) == "Les membres peuvent être invités une fois l’organisation validée."
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    response = browser(alice).post(
        f"/organisations/{group.slug}/membres/", {"email": "bob@example.org", "role": "member"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_flow_from_the_members_page(alice, django_capture_on_commit_callbacks):
    group = validated_group(alice)
    bob = make_user("bob@example.org", display_name="Bob")

    with django_capture_on_commit_callbacks(execute=True):
        response = browser(alice).post(
            f"/organisations/{group.slug}/membres/", {"email": "Bob@Example.org", "role": "coordinator"}
        )

    assert response.status_code == 302
    assert messages_of(response) == ["Invitation envoyée à Bob@Example.org."]
    message = mail.outbox[0]
    assert message.to == ["bob@example.org"]
    assert message.subject == "[Hospitalité] Invitation à rejoindre Accueil Saint-Denis"
    path = message.body.split("http://testserver", 1)[1].split()[0]
    invitation_page = browser(bob).get(path)
    assert invitation_page.status_code == 200
    response = browser(bob).post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=bob, organization=group).role == Membership.Role.COORDINATOR
    with pytest.raises(services.ActorsError) as error:
        services.invitation_send(organization=group, email="bob@example.org", role="member", invited_by=alice)
    assert str(error.value) == "Cette personne est déjà membre."


def test_a_new_invitation_replaces_the_pending_one(alice, django_capture_on_commit_callbacks):
    group = validated_group(alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invitation_send(
            organization=group, email="bob@example.org", role="member", invited_by=alice
        )
        second = services.invitation_send(
            organization=group, email="BOB@example.org", role="member", invited_by=alice
        )
    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert second.is_usable


def test_last_coordinator_cannot_leave_nor_be_demoted(alice):
    group = validated_group(alice)
    membership = Membership.objects.get(user=alice, organization=group)
    last = "La dernière personne à la coordination ne peut pas partir : nommez d’abord quelqu’un d’autre."

    with pytest.raises(services.ActorsError) as error:
        services.membership_remove(membership=membership)
    assert str(error.value) == last
    step_down = "La dernière personne à la coordination ne peut pas quitter ce rôle : nommez d’abord quelqu’un d’autre."
    with pytest.raises(services.ActorsError) as error:
        services.membership_set_role(membership=membership, role=Membership.Role.MEMBER)
    assert str(error.value) == step_down

    response = browser(alice).post(f"/organisations/{group.slug}/quitter/")
    assert response.status_code == 302
    assert messages_of(response) == [last]
    response = browser(alice).post(
        f"/organisations/{group.slug}/membres/{membership.pk}/role/", {"role": "member"}
    )
    assert messages_of(response) == [step_down]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.COORDINATOR


def test_with_two_coordinators_one_may_step_down_then_leave(alice):
    group = validated_group(alice)
    bob = make_user("bob@example.org", display_name="Bob")
    Membership.objects.create(user=bob, organization=group, role=Membership.Role.COORDINATOR)
    membership = Membership.objects.get(user=alice, organization=group)

    response = browser(alice).post(
        f"/organisations/{group.slug}/membres/{membership.pk}/role/", {"role": "member"}
    )
    assert messages_of(response) == ["Rôle modifié."]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER

    response = browser(alice).post(f"/organisations/{group.slug}/quitter/")
    assert response["Location"] == "/compte/"
    assert not Membership.objects.filter(user=alice, organization=group).exists()
    bob_membership = Membership.objects.get(user=bob, organization=group)
    with pytest.raises(services.ActorsError):
        services.membership_remove(membership=bob_membership)


def test_members_cannot_manage_members(alice):
    group = validated_group(alice)
    bob = make_user("bob@example.org")
    Membership.objects.create(user=bob, organization=group, role=Membership.Role.MEMBER)
    alice_membership = Membership.objects.get(user=alice, organization=group)

    client = browser(bob)
    assert client.get(f"/organisations/{group.slug}/membres/").status_code == 200
    assert (
        client.post(
            f"/organisations/{group.slug}/membres/", {"email": "x@example.org", "role": "member"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/organisations/{group.slug}/membres/{alice_membership.pk}/retirer/").status_code == 403
    )
    assert (
        client.post(
            f"/organisations/{group.slug}/membres/{alice_membership.pk}/role/", {"role": "member"}
        ).status_code
        == 403
    )
    assert (
        browser(make_user("carol@example.org")).get(f"/organisations/{group.slug}/membres/").status_code
        == 404  # a page she may not see: as for a missing group (issue 13)
    )


# Municipal contacts -------------------------------------------------------------------------------


def test_municipal_contact_verified_by_a_partner_coordinator(alice):
    response = browser(alice).post(
        "/communes/93066/representer/",
        {"role": "staff", "position": "Chargée de mission", "method": "coordinator"},
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Votre demande a été transmise aux coordinations partenaires."]
    contact = MunicipalContact.objects.get(user=alice)
    assert contact.status == MunicipalContact.Status.PENDING
    assert contact.token_hash == ""
    assert mail.outbox == []

    coordinator = make_partner_coordinator("egm1@example.org")
    client = browser(coordinator)
    queue = client.get("/contacts-municipaux/")
    assert queue.status_code == 200
    html = queue.content.decode()
    assert "alice@example.org" in html
    assert "Chargée de mission" in html

    response = client.post("/contacts-municipaux/", {"contact": contact.pk, "decision": "verify"})

    assert response.status_code == 302
    assert messages_of(response) == ["Décision enregistrée."]
    contact.refresh_from_db()
    assert contact.status == MunicipalContact.Status.VERIFIED
    assert contact.method == MunicipalContact.Method.COORDINATOR
    assert contact.verified_by == coordinator
    assert alice.has_perm("actors.act_for_commune", commune("93066"))
    assert "alice@example.org" not in client.get("/contacts-municipaux/").content.decode()
    with pytest.raises(services.ActorsError) as error:
        services.municipal_contact_review(contact=contact, reviewer=coordinator, verified=False)
    assert str(error.value) == "Cette demande a déjà été examinée."


def test_municipal_contact_rejected_by_staff():
    staff = enable_totp(make_user("staff@example.org", is_staff=True))
    bob = make_user("bob@example.org")
    contact = services.municipal_contact_request(
        user=bob, commune=commune("93066"), role="council", position="Maire", by_town_hall_email=False
    )
    response = browser(staff).post("/contacts-municipaux/", {"contact": contact.pk, "decision": "reject"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == MunicipalContact.Status.REJECTED
    assert not bob.has_perm("actors.act_for_commune", commune("93066"))


def test_contacts_queue_answers_404_to_a_malformed_contact_id():
    client = browser(make_partner_coordinator("egm1@example.org"))
    client.raise_request_exception = False
    response = client.post("/contacts-municipaux/", {"contact": "abc", "decision": "verify"})
    assert response.status_code in (400, 404)


def test_municipal_contacts_queue_is_for_partner_coordinators_and_staff(alice):
    assert browser(alice).get("/contacts-municipaux/").status_code == 403
    local_coordinator = make_user("local@example.org")
    validated_group(local_coordinator)
    assert browser(local_coordinator).get("/contacts-municipaux/").status_code == 403
    assert browser().get("/contacts-municipaux/").status_code == 302


def test_a_commune_without_town_hall_email_refuses_the_email_method(alice):
    Commune.objects.filter(code="01002").update(town_hall_email="")

    response = browser(alice).post(
        "/communes/01002/representer/",
        {"role": "council", "position": "Adjoint", "method": "town_hall_email"},
    )

    assert response.status_code == 200
    assert (
        "L’annuaire officiel ne donne pas d’e-mail pour cette mairie : "
        "demandez à une coordination partenaire de vous vérifier."
    ) in response.content.decode()
    assert not MunicipalContact.objects.exists()
    assert mail.outbox == []
    # The coordinator path stays open.
    response = browser(alice).post(
        "/communes/01002/representer/", {"role": "council", "position": "Adjoint", "method": "coordinator"}
    )
    assert response.status_code == 302
    assert MunicipalContact.objects.get(user=alice).commune.code == "01002"


def test_a_verified_contact_cannot_ask_again(alice):
    contact = services.municipal_contact_request(
        user=alice, commune=commune("93066"), role="council", position="Maire", by_town_hall_email=False
    )
    services.municipal_contact_review(contact=contact, reviewer=None, verified=True)
    with pytest.raises(services.ActorsError) as error:
        services.municipal_contact_request(
            user=alice, commune=commune("93066"), role="council", position="Maire", by_town_hall_email=False
        )
    assert str(error.value) == "Vous êtes déjà un contact vérifié de cette commune."


# History -----------------------------------------------------------------------------------------------


def test_history_lists_creation_and_changes_with_who_and_when(alice, egm):
    client = browser(alice)
    client.post(
        "/organisations/nouvelle/",
        {"name": "Collectif solidaire", "group_type": "other", "commune": "93066", "description": "Avant"},
    )
    group = Organization.objects.get(name="Collectif solidaire")
    client.post(
        f"/organisations/{group.slug}/modifier/",
        {"name": "Collectif solidaire", "description": "Après", "website": ""},
    )

    page = client.get(f"/organisations/{group.slug}/historique/")

    assert page.status_code == 200
    html = page.content.decode().replace("\u00a0", " ")  # French's non-breaking spaces, as plain ones
    assert "Historique — Collectif solidaire" in html
    assert "Alice a créé l’organisation « Collectif solidaire »." in html
    assert "Alice a modifié l’organisation « Collectif solidaire »." in html
    assert "Description : « Après » (auparavant « Avant »)." in html
    assert "Alice a créé l’adhésion du membre Alice." in html
    assert html.count("<time datetime=") == 3


def test_history_is_for_coordinators_network_coordinators_and_staff(alice, egm):
    group = create_group(alice, networks=[egm])
    url = f"/organisations/{group.slug}/historique/"
    bob = make_user("bob@example.org")
    Membership.objects.create(user=bob, organization=group, role=Membership.Role.MEMBER)

    assert browser(alice).get(url).status_code == 200
    assert browser(make_partner_coordinator("egm1@example.org")).get(url).status_code == 200
    assert browser(enable_totp(make_user("staff@example.org", is_staff=True))).get(url).status_code == 200
    assert browser(bob).get(url).status_code == 404  # as for a missing group (issue 13)
    assert browser(make_user("carol@example.org")).get(url).status_code == 404
    assert browser().get(url).status_code == 302


def test_changes_made_outside_requests_are_by_the_platform(alice):
    group = validated_group(alice)
    services.organization_update(organization=group, name="Nouveau nom", description="", website="")
    html = browser(alice).get(f"/organisations/{group.slug}/historique/").content.decode()
    html = html.replace("\u00a0", " ")
    assert "La plateforme a modifié l’organisation « Nouveau nom »." in html
    assert "Nom : « Nouveau nom » (auparavant « Accueil Saint-Denis »)." in html


# Public list ----------------------------------------------------------------------------------------------


def make_many_groups(count, creator, networks):
    codes = list(
        Commune.objects.filter(department__code__in=["93", "01"])
        .order_by("code")
        .values_list("code", flat=True)
    )
    communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
    created = []
    for number in range(count):
        code = codes[number % len(codes)]
        organization = Organization.objects.create(
            name=f"Groupe {number:02d}",
            slug=slugify(f"groupe-{number:02d}"),
            kind=Organization.Kind.LOCAL_GROUP,
            group_type=Organization.GroupType.OTHER,
            scale=Organization.Scale.COMMUNE,
            commune=communes[code],
            status=Organization.Status.VALIDATED,
            created_by=creator,
        )
        organization.networks.set(networks)
        Membership.objects.create(user=creator, organization=organization, role=Membership.Role.COORDINATOR)
        created.append(organization)
    return created


def test_public_list_paginates_and_filters(alice, egm):
    groups = make_many_groups(40, alice, [egm])
    pending = create_group(alice, name="En attente")
    hidden = groups[0]
    Organization.objects.filter(pk=hidden.pk).update(hidden_at="2026-01-01T00:00:00Z", hidden_reason="Spam")
    department = Organization.objects.create(
        name="Conseil départemental",
        slug="cd93",
        kind=Organization.Kind.LOCAL_AUTHORITY,
        scale=Organization.Scale.DEPARTMENT,
        department=Department.objects.get(code="93"),
        status=Organization.Status.VALIDATED,
    )
    client = browser()

    first = client.get("/organisations/")
    assert first.status_code == 200
    visible = 5 + 39 + 1
    assert first.context["page"].paginator.count == visible
    assert len(first.context["page"].object_list) == 30
    assert f"{visible} organisations" in first.content.decode()
    second = client.get("/organisations/?page=2")
    assert len(second.context["page"].object_list) == visible - 30
    listed = {o.pk for o in first.context["page"].object_list} | {
        o.pk for o in second.context["page"].object_list
    }
    assert hidden.pk not in listed
    assert pending.pk not in listed

    partners = client.get("/organisations/?type=partner").context["page"].object_list
    assert {o.kind for o in partners} == {"partner"}
    assert len(partners) == 5
    in_93 = client.get("/organisations/?departement=93").context["page"]
    expected_93 = [g for g in groups[1:] if g.commune.department.code == "93"] + [department]
    assert in_93.paginator.count == len(expected_93)
    assert {o.pk for o in in_93.object_list} <= {o.pk for o in expected_93}
    assert client.get("/organisations/?type=local_group&departement=01").context[
        "page"
    ].paginator.count == len([g for g in groups[1:] if g.commune.department.code == "01"])
    assert client.get("/organisations/?type=nonsense").context["page"].paginator.count == visible
    assert client.get("/organisations/?q=groupe 1").context["page"].paginator.count == 10


def test_public_list_costs_a_bounded_number_of_queries(alice, egm, django_assert_max_num_queries):
    anvita = Organization.objects.get(slug="anvita")
    make_many_groups(5, alice, [egm, anvita])
    client = browser()
    client.get("/organisations/")  # warm caches (content types, templates)
    with CaptureQueriesContext(connection) as few:
        client.get("/organisations/")

    Organization.objects.filter(name__startswith="Groupe").delete()
    make_many_groups(40, alice, [egm, anvita])
    with django_assert_max_num_queries(8):
        response = client.get("/organisations/")
    with CaptureQueriesContext(connection) as many:
        client.get("/organisations/?page=2")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30
    assert len(many) == len(few)
