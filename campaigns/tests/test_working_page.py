"""The group's working page: a guided sequence (lists → letter → signature → result) where
each form shows when it makes sense and the next step is named; the signature forms are
pre-filled with each list's contact; a message shows once; the steps of the log are
corrected by their author."""

import re
from datetime import timedelta
from html import unescape

import pytest

from campaigns import services
from campaigns.models import Step
from tests.support import browser, make_user, messages_of

from .helpers import ANVITA, PACTE, add_list, framework, make_campaign, paper, take_on, today

pytestmark = pytest.mark.django_db


def page(target, user):
    response = browser(user).get(target.get_absolute_url())
    assert response.status_code == 200
    return unescape(response.content.decode())


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def next_step(html):
    return text_of(html.split('class="next-step">', 1)[1].split("</p>", 1)[0])


def section(html, key):
    return html.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]


def letter_sent(target, candidate_list):
    services.step_add(target=target, kind=Step.Kind.LETTER, date=today(), candidate_list=candidate_list)


# The sequence ---------------------------------------------------------------------------------


def test_a_new_commune_starts_with_its_lists(target, member):
    html = page(target, member)
    assert next_step(html).startswith("Prochaine étape : Listes candidates")
    assert "Ajoutez d’abord une liste : la lettre s’adresse à chaque tête de liste." in section(
        html, "lettre"
    )
    assert "Les signatures viennent une fois les listes connues." in section(html, "invitations")
    assert "Le résultat s’enregistre une fois les listes connues." in section(html, "resultat")
    assert "lettre/envoi/" not in html and "invitations/" not in html.split('id="invitations"', 1)[1]
    assert html.count("Ajoutez d’abord une liste") == 1  # said once, not once per framework


def test_with_lists_the_letter_comes_next(target, first, second, member):
    html = page(target, member)
    assert next_step(html).startswith("Prochaine étape : Lettre")
    letter = section(html, "lettre")
    for candidate_list in (first, second):
        assert (
            f"lettre/?liste={candidate_list.pk}" in letter
            and f"lettre.pdf?liste={candidate_list.pk}" in letter
        )
    # The kit forms are pre-filled with each list's contact.
    assert f'value="{first.pk}"' in letter and 'value="tete@example.org"' in letter
    assert f'value="{second.pk}"' in letter and 'value="louise@example.org"' in letter
    assert letter.count("Envoyer par e-mail, avec les liens de signature") == 2


def test_once_every_list_has_its_letter_the_signatures_come_next(target, first, second, member):
    letter_sent(target, first)
    assert next_step(page(target, member)).startswith("Prochaine étape : Lettre")
    letter_sent(target, second)
    html = page(target, member)
    assert next_step(html).startswith("Prochaine étape : Signature")
    assert html.count("lettre envoyée") >= 2


def test_the_signature_forms_are_prefilled_with_each_lists_contact(target, first, second, member):
    signature = section(page(target, member), "invitations")
    assert 'id="invitation_l%s_email"' % first.pk in signature and 'value="tete@example.org"' in signature
    assert 'id="invitation_l%s_email"' % second.pk in signature and 'value="louise@example.org"' in signature
    assert 'type="hidden" name="candidate_list" value="%s"' % first.pk in signature
    # Only the frameworks a list has not signed are offered.
    paper(target, "A", candidate_list=first)
    signature = section(page(target, member), "invitations")
    first_form = signature.split(f"invitation_l{first.pk}_framework", 1)[1].split("</form>", 1)[0]
    assert (
        f'value="{framework(PACTE).pk}"' not in first_form and f'value="{framework(ANVITA).pk}"' in first_form
    )


def test_a_posted_signature_form_sends_the_invitation(target, first, member):
    response = browser(member).post(
        target.get_absolute_url() + "invitations/",
        {"candidate_list": first.pk, "framework": framework(PACTE).pk, "email": "tete@example.org"},
    )
    assert messages_of(response) == ["L’invitation à signer est envoyée."]
    signature = section(page(target, member), "invitations")
    assert f"Lien envoyé à tete@example.org pour {framework(PACTE).title}" in signature


def test_when_every_list_signed_or_refused_the_result_comes_next(target, first, second, member):
    for candidate_list in (first, second):
        letter_sent(target, candidate_list)
    paper(target, candidate_list=first)
    paper(target, candidate_list=first, slug=ANVITA)
    services.step_add(target=target, kind=Step.Kind.REFUSAL, date=today(), candidate_list=second)
    html = page(target, member)
    assert next_step(html).startswith("Prochaine étape : Résultat de l’élection")
    assert "Tous les bulletins sont signés." in section(html, "lettre")
    services.mark_elected(target=target, candidate_list=first)
    assert next_step(page(target, member)).startswith("Toutes les étapes sont réalisées.")


def test_before_the_election_the_result_waits(coordinator, group, member):
    campaign = make_campaign(coordinator, title="Municipales", first_round=today() + timedelta(days=30))
    target = take_on(campaign, group=group, user=member)
    candidate_list = add_list(target)
    letter_sent(target, candidate_list)
    paper(target, candidate_list=candidate_list)
    html = page(target, member)
    result = section(html, "resultat")
    assert "L’élection a lieu le" in result and "resultat/" not in result.split("</p>", 2)[-1]
    assert next_step(html).startswith("Tout est envoyé. Après l’élection du")


def test_the_page_of_a_commune_without_lists_writes_to_the_municipality(coordinator, group, member):
    from campaigns.models import Campaign

    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, group=group, user=member)
    html = page(target, member)
    assert 'id="listes"' not in html
    assert next_step(html).startswith("Prochaine étape : Lettre")
    assert "La municipalité" in section(html, "lettre")


def test_a_list_without_a_bulletin_says_so_once(target, first, second, member):
    html = page(target, member)
    public = html.split('id="travail"', 1)[0]
    assert public.count("pas encore signé") == 2  # a status per list
    assert "Aucun bulletin signé." not in public


def test_the_working_page_costs_the_same_whatever_its_lists(target, member, django_assert_max_num_queries):
    client = browser(member)
    candidate_list = add_list(target, name="Liste 1", head_name="Tête 1")
    letter_sent(target, candidate_list)
    paper(target, candidate_list=candidate_list)
    client.get(target.get_absolute_url())
    with django_assert_max_num_queries(40) as few:
        client.get(target.get_absolute_url())
    for number in range(2, 7):
        candidate_list = add_list(target, name=f"Liste {number}", head_name=f"Tête {number}")
        letter_sent(target, candidate_list)
        paper(target, candidate_list=candidate_list)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(target.get_absolute_url())


# Steps corrected by their author ------------------------------------------------------------------


@pytest.fixture
def step(target, first, member):
    return services.step_add(
        target=target,
        kind=Step.Kind.MEETING,
        date=today() - timedelta(days=2),
        notes="Rencontre en mairie",
        candidate_list=first,
        user=member,
    )


def test_the_author_corrects_a_step(target, first, step, member):
    client = browser(member)
    url = target.get_absolute_url() + f"journal/{step.pk}/modifier/"
    assert url in page(target, member)
    form = unescape(client.get(url).content.decode())
    assert "Corriger une étape du journal" in form and "Rencontre en mairie" in form
    response = client.post(
        url,
        {
            "kind": Step.Kind.REFUSAL,
            "date": (today() - timedelta(days=1)).isoformat(),
            "candidate_list": first.pk,
            "notes": "Rencontre, puis refus",
            "public_reason": "Nous ne signons pas de chartes.",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#journal")
    assert messages_of(response) == ["L’étape est corrigée."]
    step.refresh_from_db()
    assert step.kind == Step.Kind.REFUSAL and step.public_reason == "Nous ne signons pas de chartes."
    assert [record.notes for record in step.history.order_by("history_date")] == [
        "Rencontre en mairie",
        "Rencontre, puis refus",
    ]
    # The refusal now shows publicly.
    assert "Nous ne signons pas de chartes." in page(target, make_user("passant@example.org"))


def test_a_corrected_step_is_checked_like_a_new_one(target, step, member):
    url = target.get_absolute_url() + f"journal/{step.pk}/modifier/"
    response = browser(member).post(
        url, {"kind": Step.Kind.MEETING, "date": (today() + timedelta(days=3)).isoformat(), "notes": "x"}
    )
    assert response.status_code == 200
    assert "Une étape du journal ne peut pas être dans le futur." in unescape(response.content.decode())
    step.refresh_from_db()
    assert step.notes == "Rencontre en mairie"


def test_only_the_author_corrects_a_step(target, group, step, member, coordinator):
    from actors.models import Membership

    other = make_user("autre-membre@example.org")
    Membership.objects.create(user=other, organization=group, role=Membership.Role.MEMBER)
    url = target.get_absolute_url() + f"journal/{step.pk}/modifier/"
    assert url not in page(target, other)
    assert browser(other).get(url).status_code == 403
    assert browser(other).post(url, {"kind": Step.Kind.MEETING, "date": "2026-01-01"}).status_code == 403
    assert browser(coordinator).get(url).status_code == 403  # manages the target, but not its author
    step.refresh_from_db()
    assert step.date == today() - timedelta(days=2)


def test_a_step_of_another_commune_is_not_found(campaign, target, step, member, coordinator):
    other = take_on(campaign, "01001", group=target.group, user=member)
    url = other.get_absolute_url() + f"journal/{step.pk}/modifier/"
    assert browser(member).get(url).status_code == 404
