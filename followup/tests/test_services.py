"""The follow-up's writes: the two voices' updates, their statuses and progress, who speaks
for whom, joint statements co-signed by the other side, conflicts, history, moderation."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from actors.models import Organization
from followup import services
from followup.models import Evidence, ItemState, Status, Update, Voice
from followup.services import Proof, StateConflict
from moderation import services as moderation
from tests.support import make_group, make_user

from .conftest import member_of, verified_contact
from .helpers import PDF_BYTES, commune, fr, item, post, refused, version

pytestmark = pytest.mark.django_db

MUNICIPALITY, CIVIL_SOCIETY = Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY


def state(item_, voice):
    return ItemState.objects.get(commune__code="93066", item=item_, voice=voice)


# The two voices -------------------------------------------------------------------------


def test_the_municipality_reports_a_status_and_a_progress(committed, mayor):
    update = post(
        mayor, item("26"), MUNICIPALITY, status=Status.DONE, progress=100, text="Le lieu est **ouvert**."
    )

    assert update.kind == Update.Kind.MUNICIPALITY and update.published_at is not None
    assert update.organization is None and update.created_by == mayor
    now = state(item("26"), MUNICIPALITY)
    assert (now.status, now.progress, now.version, now.last_update) == (Status.DONE, 100, 1, update)
    assert not ItemState.objects.filter(voice=CIVIL_SOCIETY).exists()


def test_civil_society_speaks_for_its_group(committed, member, group):
    update = post(member, item("26"), CIVIL_SOCIETY, status=Status.IN_PROGRESS, progress=40)

    assert update.kind == Update.Kind.CIVIL_SOCIETY and update.organization == group
    assert state(item("26"), CIVIL_SOCIETY).status == Status.IN_PROGRESS


@pytest.mark.parametrize("status", Status.values)
def test_every_status_is_accepted(committed, mayor, status):
    post(mayor, item("01"), MUNICIPALITY, status=status)

    assert state(item("01"), MUNICIPALITY).status == status


def test_an_unknown_status_is_refused(committed, mayor):
    with refused("Choose a status from the list."):
        post(mayor, item("26"), MUNICIPALITY, status="finished")
    assert not Update.objects.exists()


@pytest.mark.parametrize("progress", [0, 55, 100])
def test_progress_is_a_percentage(committed, mayor, progress):
    post(mayor, item("26"), MUNICIPALITY, progress=progress)

    assert state(item("26"), MUNICIPALITY).progress == progress


@pytest.mark.parametrize("progress", [-1, 101, 250])
def test_progress_out_of_bounds_is_refused_in_french(committed, mayor, progress):
    with refused("The progress is a percentage: a whole number from 0 to 100."):
        post(mayor, item("26"), MUNICIPALITY, progress=progress)
    assert not Update.objects.exists() and not ItemState.objects.exists()


def test_a_text_is_required(committed, mayor):
    with refused("Write the text of the update."):
        post(mayor, item("26"), MUNICIPALITY, text="   ")


def test_an_update_without_status_keeps_the_voices_status(committed, mayor):
    post(mayor, item("26"), MUNICIPALITY, status=Status.IN_PROGRESS, progress=30)
    later = post(mayor, item("26"), MUNICIPALITY, text="Une réunion s’est tenue.")

    now = state(item("26"), MUNICIPALITY)
    assert (now.status, now.progress, now.version, now.last_update) == (Status.IN_PROGRESS, 30, 2, later)


def test_only_committed_items_are_followed(committed, mayor):
    with refused("This item is not among the commune's commitments for the mandate."):
        post(mayor, item("02"), MUNICIPALITY)


# Who speaks for whom ------------------------------------------------------------------------


def test_a_member_of_a_local_group_does_not_speak_for_the_municipality(committed, member):
    with refused("Only the verified municipal contacts of the commune speak for the municipality."):
        post(member, item("26"), MUNICIPALITY)


@pytest.mark.parametrize("who", ["other_mayor", "other_member", "pending_member", "moderator", "mayor"])
def test_only_members_of_a_group_that_follows_the_commune_speak_for_civil_society(committed, request, who):
    with refused(
        "Only the members of a validated local group that follows the commune speak for civil society."
    ):
        post(request.getfixturevalue(who), item("26"), CIVIL_SOCIETY)


@pytest.mark.parametrize("who", ["other_mayor", "other_member", "moderator"])
def test_people_of_other_communes_do_not_speak_for_its_municipality(committed, request, who):
    with refused("Only the verified municipal contacts of the commune speak for the municipality."):
        post(request.getfixturevalue(who), item("26"), MUNICIPALITY)


def test_a_departmental_group_follows_every_commune_of_its_department(committed):
    departmental = make_group("Réseau 93", coordinator=make_user("r93@example.org"))
    Organization.objects.filter(pk=departmental.pk).update(
        scale=Organization.Scale.DEPARTMENT, commune=None, department=commune("93066").department
    )
    update = post(member_of(departmental, "r@example.org"), item("26"), CIVIL_SOCIETY)

    assert update.organization == departmental


def test_a_member_of_two_following_groups_says_which_one(committed, group, member):
    second = make_group("Collectif Pacte Saint-Denis", coordinator=make_user("c@example.org"))
    second.memberships.create(user=member)

    with refused("Say which local group you speak for."):
        post(member, item("26"), CIVIL_SOCIETY)
    assert post(member, item("26"), CIVIL_SOCIETY, organization=second).organization == second
    with refused("You do not speak for this group: choose one of your groups that follow the commune."):
        post(member, item("26"), CIVIL_SOCIETY, organization=make_group("Autre", commune="01001"))


# Conflicts ----------------------------------------------------------------------------------------


def test_a_write_on_an_old_version_is_a_conflict_showing_the_current_state(committed, mayor):
    colleague = verified_contact(make_user("dgs@saint-denis.example.org", display_name="Sam DGS"), "93066")
    seen = version(item("26"), MUNICIPALITY)
    post(colleague, item("26"), MUNICIPALITY, status=Status.DONE, version=seen)

    with pytest.raises(StateConflict) as conflict:
        post(mayor, item("26"), MUNICIPALITY, status=Status.IN_PROGRESS, version=seen)

    (current,) = conflict.value.states
    assert (current.status, current.version) == (Status.DONE, 1)
    assert "Sam DGS" in str(conflict.value)
    assert Update.objects.count() == 1
    assert state(item("26"), MUNICIPALITY).status == Status.DONE


def test_the_two_voices_do_not_conflict_with_each_other(committed, mayor, member):
    post(mayor, item("26"), MUNICIPALITY, status=Status.DONE, version=0)
    post(member, item("26"), CIVIL_SOCIETY, status=Status.IN_PROGRESS, version=0)

    assert state(item("26"), MUNICIPALITY).status == Status.DONE
    assert state(item("26"), CIVIL_SOCIETY).status == Status.IN_PROGRESS


# Evidence ---------------------------------------------------------------------------------------


def test_evidence_links_files_and_deliberations(committed, mayor):
    update = post(
        mayor,
        item("26"),
        MUNICIPALITY,
        status=Status.DONE,
        evidence=[
            Proof(kind=Evidence.Kind.DELIBERATION, reference=" 2026-112  du 3 juin 2026 "),
            Proof(kind=Evidence.Kind.LINK, url="https://saint-denis.example.org/accueil", label="La page"),
            Proof(kind=Evidence.Kind.FILE, file=SimpleUploadedFile("cr.pdf", PDF_BYTES), label="cr.pdf"),
        ],
    )

    deliberation, link, document = update.evidence.order_by("pk")
    assert deliberation.reference == "2026-112 du 3 juin 2026"
    assert link.url == "https://saint-denis.example.org/accueil"
    assert document.file.name.startswith("preuves/") and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF_BYTES


def test_evidence_files_are_checked_by_their_content(committed, mayor):
    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>alert(1)</script></html>")

    with pytest.raises(services.FollowupError, match="PDF"):
        post(mayor, item("26"), MUNICIPALITY, evidence=[Proof(kind=Evidence.Kind.FILE, file=fake)])
    assert not Update.objects.exists()


def test_links_must_be_web_addresses(committed, mayor):
    with refused("This link is not a web address (http or https)."):
        post(
            mayor,
            item("26"),
            MUNICIPALITY,
            evidence=[Proof(kind=Evidence.Kind.LINK, url="javascript:alert(1)")],
        )


# Joint statements ---------------------------------------------------------------------------------


def draft(user, voice=MUNICIPALITY, **fields):
    return services.joint_statement_draft(
        commune=commune(),
        item=item("26"),
        user=user,
        voice=voice,
        text="Le comité de suivi constate…",
        **fields,
    )


def cosign(update, user, **versions):
    seen = {voice: version(item("26"), voice) for voice in Voice.values}
    return services.joint_statement_cosign(update=update, user=user, versions={**seen, **versions})


def test_a_joint_statement_is_published_when_the_other_side_cosigns_it(committed, mayor, member, group):
    post(mayor, item("26"), MUNICIPALITY, status=Status.DONE)
    post(member, item("26"), CIVIL_SOCIETY, status=Status.IN_PROGRESS)
    statement = draft(mayor, status=Status.IN_PROGRESS, progress=70)

    assert statement.kind == Update.Kind.JOINT and statement.published_at is None
    assert state(item("26"), MUNICIPALITY).status == Status.DONE  # nothing changes before the co-signature

    cosigned = cosign(statement, member)

    assert cosigned.published_at is not None
    assert (cosigned.cosigned_by, cosigned.cosigner_organization) == (member, group)
    for voice in Voice.values:
        now = state(item("26"), voice)
        assert (now.status, now.progress, now.version, now.last_update) == (
            Status.IN_PROGRESS,
            70,
            2,
            cosigned,
        )


def test_civil_society_may_draft_and_the_municipality_cosign(committed, mayor, member):
    statement = draft(member, voice=CIVIL_SOCIETY, status=Status.BLOCKED)

    assert cosign(statement, mayor).cosigned_by == mayor
    assert state(item("26"), MUNICIPALITY).status == Status.BLOCKED


def test_only_the_other_side_cosigns(committed, mayor, member, other_member):
    colleague = verified_contact(make_user("dgs@example.org"), "93066")
    statement = draft(mayor)

    with refused("You drafted this joint statement: a member of the other side co-signs it."):
        cosign(statement, mayor)
    with pytest.raises(services.FollowupError, match=fr("civil society")):
        cosign(statement, colleague)
    with pytest.raises(services.FollowupError):
        cosign(statement, other_member)
    statement.refresh_from_db()
    assert statement.published_at is None and statement.cosigned_by is None


def test_a_joint_statement_is_cosigned_once(committed, mayor, member, group):
    statement = cosign(draft(mayor), member)

    with refused("This joint statement is already co-signed."):
        cosign(statement, member_of(group, "autre@example.org"))


def test_a_cosignature_on_states_that_changed_is_a_conflict(committed, mayor, member):
    statement = draft(mayor, status=Status.DONE)
    seen = {voice: version(item("26"), voice) for voice in Voice.values}
    post(member, item("26"), CIVIL_SOCIETY, status=Status.BLOCKED)

    with pytest.raises(StateConflict) as conflict:
        services.joint_statement_cosign(update=statement, user=member, versions=seen)

    assert [state.voice for state in conflict.value.states] == [CIVIL_SOCIETY]
    statement.refresh_from_db()
    assert statement.published_at is None
    assert state(item("26"), CIVIL_SOCIETY).status == Status.BLOCKED


# History and moderation ---------------------------------------------------------------------------


def test_every_change_is_in_the_history(committed, mayor, member):
    statement = draft(mayor, status=Status.DONE)
    post(member, item("26"), CIVIL_SOCIETY, status=Status.IN_PROGRESS)
    cosign(statement, member)

    assert list(
        statement.history.order_by("history_date").values_list("history_type", "history_user_id")
    ) == [
        ("+", mayor.pk),
        ("~", member.pk),
    ]
    civil = state(item("26"), CIVIL_SOCIETY)
    assert list(civil.history.order_by("history_date").values_list("status", "history_user_id")) == [
        ("", None),  # the row, made when first locked
        (Status.IN_PROGRESS, member.pk),
        (Status.DONE, member.pk),
    ]


def test_hiding_an_update_takes_its_status_off_and_tells_its_author_why(
    committed, mayor, moderator, django_capture_on_commit_callbacks
):
    first = post(mayor, item("26"), MUNICIPALITY, status=Status.IN_PROGRESS, progress=20)
    abusive = post(mayor, item("26"), MUNICIPALITY, status=Status.DONE, progress=100, text="Texte injurieux")

    with django_capture_on_commit_callbacks(execute=True):
        moderation.content_hide(
            content=abusive,
            moderator=moderator,
            reason="Propos injurieux",
            site_url="https://hospitalite.example",
        )

    now = state(item("26"), MUNICIPALITY)
    assert (now.status, now.progress, now.last_update, now.version) == (Status.IN_PROGRESS, 20, first, 3)
    (message,) = mail.outbox
    assert message.to == [mayor.email]
    assert "Propos injurieux" in message.body
    assert f"https://hospitalite.example/communes/93066/suivi/mises-a-jour/{abusive.pk}/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        moderation.content_restore(content=abusive, moderator=moderator, reason="Corrigé")
    now = state(item("26"), MUNICIPALITY)
    assert (now.status, now.progress, now.last_update) == (Status.DONE, 100, abusive)
