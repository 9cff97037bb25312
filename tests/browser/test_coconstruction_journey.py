"""Issue 12's journey, as its people live it, in French, at 1280 and 390 px wide.

Saint-Denis (93066) committed to items 26 and 01 of the Pacte. Nadia Adjointe, the town
hall's verified contact, reaches the committee page from the commune page (through the
follow-up board) and creates the committee; Fatou Diallo, coordinator of « Accueil
Saint-Denis », asks for her group to take part and Nadia accepts it; Awa Koné, a member of
the group, asks to take part for it and Fatou accepts her. Fatou schedules a public
meeting next month at 18:00: the members are invited by email with an .ics, the commune's
iCalendar feed holds it; she moves it to 18:30 and the feed follows (SEQUENCE grows, new
DTSTART). After the meeting, its minutes are published with attendance counts and a
decision on item 26, which the item's follow-up page shows. Fatou opens a working group,
shares a real PDF, starts a discussion and mentions « @Awa Koné », who is told by email
(weekly digest). Awa answers with a phone number; Fatou reports it and an EGM coordinator
(second factor) hides it with a reason: the discussion shows the hidden notice.

Every page passes the browser checks (axe, no third party, no script error), is in French,
and does not scroll sideways. A last test, with a plain Django client: a members-only
meeting, a members-only working group, its document, file and discussion are a 404 for
anonymous visitors and a member of another commune's group, whatever id they guess."""

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from coconstruction.models import Comment, Committee, Meeting, WorkingGroup
from coconstruction.queries.discussions import subject_of
from coconstruction.services import discussions as discussion_services
from coconstruction.services import workgroups as workgroup_services
from coconstruction.tests.conftest import make_committee, make_meeting
from coconstruction.tests.workgroups_support import make_working_group
from followup.tests.conftest import member_of, verified_contact
from followup.tests.helpers import commit, commune, item
from frameworks.services import frameworks_load
from moderation.models import ModerationDecision, Report
from tests.browser.helpers import link_in, log_in, submit, totp_secret
from tests.browser.test_whole_journey import VIEWPORTS, assert_no_horizontal_scroll
from tests.support import make_group, make_partner_coordinator, make_user
from tests.test_emails import problems

PARIS = ZoneInfo("Europe/Paris")
COMMUNE = "/communes/93066/"
COMMITTEE = "/communes/93066/comite/"
MEETING_TITLE = "Comité de suivi de rentrée"
GROUP_NAME = "Domiciliation des personnes exilées"
THREAD_TITLE = "Relecture de la note"
MENTION = "@Awa Koné, peux-tu relire la partie sur la domiciliation ?"
PHONE = "06 12 34 56 78"
DECISION = "La mairie ouvre un point de domiciliation au CCAS avant le 1er mars."
HIDING_REASON = "Numéro de téléphone personnel publié sans accord."
# Words of the interface that show a page left in English (the content is all French).
ENGLISH = re.compile(
    r"\b(?:the|and|your|you|with|is|are|its|of|to|by|for|this|Meeting|Committee|Working group|Minutes"
    r"|Sign in|Share|Hide|Report)\b"
)


def text(words, exact=False):
    """A pattern matching the words, whatever their case and spaces (non-breaking ones too)."""
    words = words.replace(" ", r"\s+")
    return re.compile(f"^(?:{words})$" if exact else f"(?:{words})", re.IGNORECASE)


def a_real_pdf():
    """A one-page PDF made by WeasyPrint, as a member's word processor would make one."""
    from weasyprint import HTML

    html = "<h1>Note sur la domiciliation</h1><p>Propositions du chantier, version de travail.</p>"
    return HTML(string=html).write_pdf()


def attachment_body(attachment):
    if isinstance(attachment, tuple | list):
        content = attachment[1]
        return content.encode() if isinstance(content, str) else content
    return attachment.get_payload(decode=True)


def emails_to(address, subject):
    return [message for message in mail.outbox if address in message.to and subject.search(message.subject)]


# People --------------------------------------------------------------------------------


def person(open_browsing, width):
    """A browsing helper whose every page check also asserts that the page is in French
    and does not scroll sideways (open, submit and log_in all check the page they load)."""
    browsing = open_browsing(viewport=VIEWPORTS[width])
    checks = browsing.check_page

    def check_page():
        checks()
        page = browsing.page
        assert page.locator("html").get_attribute("lang") == "fr", page.url
        english = ENGLISH.findall(page.locator("body").inner_text())
        assert not english, f"{page.url} shows English words: {english}"
        assert_no_horizontal_scroll(page)

    browsing.check_page = check_page
    return browsing


@dataclass
class Cast:
    nadia: object
    fatou: object
    awa: object
    moderator: object
    visitor: object
    users: dict = field(default_factory=dict)
    feed: str = ""


@pytest.fixture
def saint_denis(territories):
    """Saint-Denis committed to items 26 and 01 of the Pacte; the journey's people."""
    frameworks_load()
    commit("26", "01")
    nadia = verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )
    fatou = make_user("fatou@example.org", display_name="Fatou Diallo")
    group = make_group("Accueil Saint-Denis", coordinator=fatou)
    awa = member_of(group, "awa@example.org", display_name="Awa Koné")
    egm = make_partner_coordinator("coord@egm.example.org", display_name="Claire Coordinatrice")
    return {"nadia": nadia, "fatou": fatou, "group": group, "awa": awa, "egm": egm}


def signed_in(browsing, email, **kwargs):
    browsing.open("/compte/login/")
    log_in(browsing, email, **kwargs)
    return browsing


# 1. The committee: the town hall creates it, the group and its member join ----------------


def nadia_creates_the_committee(cast):
    nadia = signed_in(cast.nadia, "adjointe@saint-denis.example.org")
    page = nadia.open(COMMUNE)
    page = submit(nadia, page.get_by_role("link", name="Voir le tableau de suivi"))
    page = submit(nadia, page.get_by_role("link", name="À propos du comité de suivi"))
    expect(page.locator("h1")).to_have_text(text("Comité de suivi — Saint-Denis \\(93\\)"))
    creating = page.get_by_role("region", name="Créer le comité")
    creating.get_by_label("Objet du comité").fill(
        "Suivre ensemble les engagements du **Pacte** : une réunion par trimestre."
    )
    page = submit(nadia, creating.get_by_role("button", name="Créer le comité"))
    expect(page.locator(".messages")).to_contain_text("Le comité de suivi est créé.")
    expect(page.locator("main")).to_contain_text("Nadia Adjointe (vous)")


def fatou_brings_her_group(cast):
    fatou = signed_in(cast.fatou, "fatou@example.org")
    page = fatou.open(COMMITTEE)
    asking = page.get_by_role("group", name="Demander la participation de votre organisation")
    asking.get_by_label("Organisation").select_option(value=str(cast.users["group"].pk))
    page = submit(fatou, asking.get_by_role("button", name="Envoyer la demande"))
    expect(page.locator(".messages")).to_contain_text(text("La demande est envoyée"))
    [request] = emails_to("adjointe@saint-denis.example.org", text("une demande de participation"))
    # Nadia answers from the committee page the email links to.
    nadia = cast.nadia
    page = nadia.open(link_in(request, nadia, COMMITTEE))
    requests = page.get_by_role("region", name="Demandes de participation")
    page = submit(nadia, requests.get_by_role("button", name="Accepter Accueil Saint-Denis"))
    expect(page.locator(".messages")).to_contain_text("Demande acceptée.")
    [accepted] = emails_to("fatou@example.org", text("demande acceptée"))
    assert "participe désormais au comité de suivi de Saint-Denis (93)" in accepted.body, accepted.body
    members = page.get_by_role("region", name="Qui participe")
    expect(members.get_by_role("link", name="Accueil Saint-Denis")).to_be_visible()
    expect(members.locator("tbody tr").filter(has_text="Fatou Diallo")).to_contain_text("Accueil Saint-Denis")


def awa_takes_part(cast):
    awa = signed_in(cast.awa, "awa@example.org")
    page = awa.open(COMMITTEE)
    asking = page.get_by_role("group", name="Demander à participer vous-même")
    asking.get_by_label("Vous participez au nom de").select_option(value=str(cast.users["group"].pk))
    page = submit(awa, asking.get_by_role("button", name="Demander à participer"))
    expect(page.locator(".messages")).to_contain_text(text("Votre demande est envoyée"))
    fatou = cast.fatou
    page = fatou.open(COMMITTEE)
    requests = page.get_by_role("region", name="Demandes de participation")
    expect(requests).to_contain_text("Awa Koné")
    page = submit(fatou, requests.get_by_role("button", name="Accepter Awa Koné"))
    expect(page.locator(".messages")).to_contain_text("Demande acceptée.")
    rows = page.get_by_role("region", name="Qui participe").locator("tbody tr")
    expect(rows).to_have_count(3)
    for name in ("Nadia Adjointe", "Fatou Diallo", "Awa Koné"):
        expect(rows.filter(has_text=name)).to_have_count(1)
    committee = Committee.objects.get(commune__code="93066")
    assert committee.members.filter(status="accepted").count() == 3


# 2. A meeting: scheduled, invited, in the feed, moved --------------------------------------


def next_month():
    today = timezone.localdate()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=15)


def schedule_the_meeting(cast):
    fatou = cast.fatou
    page = fatou.open(COMMITTEE)
    page = submit(fatou, page.get_by_role("link", name="Programmer une réunion"))
    expect(page.locator("h1")).to_have_text("Programmer une réunion")
    form = page.locator("main form.meeting-form")
    form.get_by_label("Titre").fill(MEETING_TITLE)
    form.get_by_label("Date").fill(next_month().isoformat())
    form.get_by_label("Heure de début").fill("18:00")
    form.get_by_label("Heure de fin").fill("20:00")
    form.get_by_label("Lieu").fill("Salle du conseil, hôtel de ville, 2 place Victor-Hugo")
    form.get_by_label("Ordre du jour").fill("1. Point sur l’engagement 26\n2. Chantier domiciliation")
    expect(form.get_by_role("radio", name=text("Tout le monde : la réunion est publique"))).to_be_checked()
    page = submit(fatou, form.get_by_role("button", name="Programmer la réunion"))
    expect(page.locator(".messages")).to_contain_text(text("La réunion est programmée"))
    expect(page.locator("h1")).to_have_text(MEETING_TITLE)
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    expect(page.locator("time[data-localtime]").first).to_have_text(text(r"\d+ \w+ \d{4} à 18 h 00"))
    return meeting


def the_invitations(meeting, expected_start):
    """Awa and Nadia are invited by email, with the meeting as an .ics."""
    for address in ("awa@example.org", "adjointe@saint-denis.example.org"):
        [invitation] = emails_to(address, text(f"Invitation : {MEETING_TITLE}"))
        assert meeting.get_absolute_url() in invitation.body, invitation.body
        [ics] = [a for a in invitation.attachments if attachment_body(a).startswith(b"BEGIN:VCALENDAR")]
        [event] = Calendar.from_ical(attachment_body(ics)).walk("VEVENT")
        assert event.decoded("dtstart") == expected_start


def the_feed(cast):
    """The commune's iCalendar feed, as a calendar app reads it: its only event."""
    response = cast.visitor.page.request.get(cast.visitor.url(cast.feed))
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.body()).walk("VEVENT")
    assert MEETING_TITLE in str(event["SUMMARY"])
    return event


def the_feed_holds_it(cast, start):
    visitor = cast.visitor
    page = visitor.open(COMMITTEE)
    expect(page.get_by_role("link", name=MEETING_TITLE)).to_be_visible()
    cast.feed = page.get_by_role("link", name="Agenda des réunions de la commune").get_attribute("href")
    event = the_feed(cast)
    assert event.decoded("dtstart") == start
    return int(event["SEQUENCE"])


def move_the_meeting(cast, meeting, sequence):
    fatou = cast.fatou
    page = fatou.open(meeting.get_absolute_url())
    page = submit(fatou, page.get_by_role("link", name="Modifier la réunion"))
    form = page.locator("main form.meeting-form")
    expect(form.get_by_label("Heure de début")).to_have_value("18:00")
    form.get_by_label("Heure de début").fill("18:30")
    form.get_by_label("Heure de fin").fill("20:30")
    page = submit(fatou, form.get_by_role("button", name="Enregistrer les modifications"))
    expect(page.locator(".messages")).to_contain_text(text("La réunion est modifiée"))
    expect(page.locator("time[data-localtime]").first).to_have_text(text(r"à 18 h 30"))
    moved = datetime.combine(next_month(), time(18, 30), tzinfo=PARIS)
    [update] = emails_to("awa@example.org", text(f"Réunion modifiée : {MEETING_TITLE}"))
    assert any(attachment_body(a).startswith(b"BEGIN:VCALENDAR") for a in update.attachments)
    event = the_feed(cast)
    assert event.decoded("dtstart") == moved
    assert int(event["SEQUENCE"]) > sequence


# 3. After the meeting: minutes, attendance, a decision on item 26 --------------------------


def the_minutes(cast, meeting):
    # The minutes are written once the meeting has started: the test moves it to earlier
    # today through the ORM (nobody can schedule a meeting in the past from the form).
    starts = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    fatou = cast.fatou
    page = fatou.open(meeting.get_absolute_url())
    page = submit(fatou, page.get_by_role("link", name="Compte rendu, participation et décisions"))
    form = page.get_by_role("region", name="Compte rendu et participation").locator("form")
    form.get_by_label("Compte rendu", exact=True).fill("## Relevé\n\nLe CCAS présente son projet.")
    counts = {"Élus": 3, "Agents municipaux": 2, "Membres d’associations": 5, "Habitants": 4}
    counts["Personnes concernées par l’exil"] = 6
    for label, count in counts.items():
        form.get_by_label(label).fill(str(count))
    form.get_by_label("Publier le compte rendu").check()
    page = submit(fatou, form.get_by_role("button", name="Enregistrer le compte rendu"))
    expect(page.locator(".messages")).to_contain_text("Le compte rendu est publié.")
    page = submit(fatou, page.get_by_role("link", name="Compte rendu, participation et décisions"))
    deciding = page.locator("main form").filter(
        has=page.get_by_role("button", name="Enregistrer la décision")
    )
    deciding.get_by_label("Engagement concerné").select_option(value=str(item("26").pk))
    deciding.get_by_label(re.compile(r"^Décision")).fill(DECISION)
    page = submit(fatou, deciding.get_by_role("button", name="Enregistrer la décision"))
    expect(page.locator(".messages")).to_contain_text(text("La décision est enregistrée"))


def everyone_reads_the_minutes_and_the_decision(cast, meeting):
    visitor = cast.visitor
    page = visitor.open(meeting.get_absolute_url())
    minutes = page.get_by_role("region", name="Compte rendu", exact=True)
    expect(minutes).to_contain_text("Le CCAS présente son projet.")
    attendance = minutes.locator(".meeting-attendance li")
    expect(attendance).to_have_count(5)
    expect(attendance.filter(has_text=text("exil"))).to_contain_text("6")
    decisions = page.get_by_role("region", name="Décisions", exact=True)
    expect(decisions).to_contain_text(DECISION)
    # The decision's item leads to its follow-up page in Saint-Denis, which shows it.
    page = submit(visitor, decisions.get_by_role("link", name=re.compile(r"^26\b")))
    expect(page).to_have_url(re.compile(rf"/communes/93066/suivi/.*{item('26').pk}/$"))
    panel = page.get_by_role("region", name="Décisions des réunions")
    expect(panel).to_contain_text(DECISION)
    expect(panel.get_by_role("link", name=MEETING_TITLE)).to_be_visible()


# 4. A working group, a document, a discussion with a mention --------------------------------


def open_the_working_group(cast):
    fatou = cast.fatou
    page = fatou.open(COMMITTEE)
    page = submit(fatou, page.get_by_role("link", name="Ouvrir un chantier"))
    form = page.locator("main form")
    form.get_by_role("textbox", name=re.compile(r"^Nom\b")).fill(GROUP_NAME)
    form.get_by_role("textbox", name=re.compile(r"^Objet\b")).fill(
        "Rédiger avec la mairie une **note** sur la domiciliation."
    )
    form.get_by_role("checkbox", name=re.compile(r"^26\b")).check()
    form.get_by_role("radio", name="Ouvert à tous").check()
    form.get_by_role("radio", name="Public").check()
    page = submit(fatou, form.get_by_role("button", name="Ouvrir le chantier"))
    expect(page.locator(".messages")).to_contain_text(text("Le chantier est ouvert"))
    expect(page.locator("h1")).to_contain_text(GROUP_NAME)
    group = WorkingGroup.objects.get(name=GROUP_NAME)
    awa = cast.awa
    page = awa.open(COMMITTEE)
    page = submit(awa, page.get_by_role("link", name=GROUP_NAME))
    page = submit(awa, page.get_by_role("button", name="Rejoindre le chantier"))
    expect(page.locator(".messages")).to_contain_text("Vous êtes membre du chantier.")
    return group


def share_a_document(cast, group):
    fatou, pdf = cast.fatou, a_real_pdf()
    page = fatou.open(group.get_absolute_url())
    page = submit(fatou, page.get_by_role("link", name="Partager un document"))
    form = page.locator("main form")
    form.get_by_label("Titre").fill("Note sur la domiciliation")
    form.get_by_label("Fichier").set_input_files(
        {"name": "note-domiciliation.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    form.get_by_label("Commentaire").fill("Première version, à relire")
    page = submit(fatou, form.get_by_role("button", name="Partager le document"))
    expect(page.locator(".messages")).to_contain_text("Le document est partagé avec le chantier.")
    expect(page.locator("h1")).to_have_text("Note sur la domiciliation")
    download = page.get_by_role("link", name=text("Télécharger la version 1"))
    response = page.request.get(fatou.url(download.get_attribute("href")))
    assert response.ok and response.body() == pdf


def mention_awa(cast, group):
    fatou = cast.fatou
    page = fatou.open(group.get_absolute_url())
    starting = page.get_by_role("region", name="Discussions")
    if starting.locator("details.discussion-start[open]").count() == 0:
        starting.locator("summary").filter(has_text="Lancer une discussion").click()
    starting.get_by_label("Objet").fill(THREAD_TITLE)
    starting.get_by_label("Premier commentaire").fill("La note est en ligne dans les documents du chantier.")
    page = submit(fatou, starting.get_by_role("button", name="Lancer la discussion"))
    expect(page.locator(".messages")).to_contain_text("Votre discussion est lancée.")
    expect(page.locator("h1")).to_have_text(THREAD_TITLE)
    form = page.locator("main form").filter(has=page.get_by_role("button", name="Publier le commentaire"))
    form.get_by_label("Votre commentaire").fill(MENTION)
    page = submit(fatou, form.get_by_role("button", name="Publier le commentaire"))
    expect(page.locator(".messages")).to_contain_text("Votre commentaire est publié.")
    expect(page.locator(".discussion-text .mention")).to_have_text("@Awa Koné")


def awa_is_told_and_answers(cast):
    # Awa is told in her weekly digest (the default): the task worker sends the digests.
    call_command("send_digests")
    [told] = [
        message for message in mail.outbox if message.to == ["awa@example.org"] and "mentionn" in message.body
    ]
    assert "Fatou Diallo vous a mentionné·e dans « Relecture de la note »" in told.body.replace("\xa0", " ")
    awa = cast.awa
    page = awa.open(link_in(told, awa, "/discussions/commentaires/"))
    expect(page.locator("h1")).to_have_text(THREAD_TITLE)
    form = page.locator("main form").filter(has=page.get_by_role("button", name="Publier le commentaire"))
    form.get_by_label("Votre commentaire").fill(f"Je relis demain. Pour l’accueil, appelez Ali au {PHONE}.")
    page = submit(awa, form.get_by_role("button", name="Publier le commentaire"))
    expect(page.locator(".messages")).to_contain_text("Votre commentaire est publié.")


# 5. A comment reported, and hidden by a moderator --------------------------------------------


def fatou_reports_the_phone_number(cast):
    fatou = cast.fatou
    comment = Comment.objects.get(text__contains=PHONE)
    page = fatou.open(comment.thread.get_absolute_url())
    article = page.locator(f"#comment-{comment.pk} article")
    page = submit(fatou, article.get_by_role("link", name="Signaler"))
    expect(page.locator("h1")).to_have_text("Signaler ce contenu")
    form = page.locator("main form")
    form.get_by_label(text("données personnelles")).check()
    form.get_by_label("Commentaire").fill("Le numéro d’une personne accueillie, publié sans son accord.")
    page = submit(fatou, form.get_by_role("button", name="Envoyer le signalement"))
    expect(page.locator(".messages")).to_contain_text(text("Merci : la modération va examiner ce contenu."))
    assert Report.objects.filter(object_id=comment.pk, status=Report.Status.OPEN).count() == 1
    return comment


def the_moderator_hides_it(cast, comment, egm):
    moderator = cast.moderator
    moderator.open("/moderation/")
    page = log_in(moderator, "coord@egm.example.org", totp=totp_secret(egm))
    expect(page.locator("h1")).to_have_text("File de modération")
    entry = page.locator("main section").filter(has_text=THREAD_TITLE)
    expect(entry).to_contain_text(text("données personnelles"))
    entry.get_by_label("Motif, envoyé à l’auteur").fill(HIDING_REASON)
    page = submit(moderator, entry.get_by_role("button", name="Masquer"))
    expect(page.locator(".messages")).to_contain_text(text("Contenu masqué ; son auteur est prévenu"))
    assert [m for m in mail.outbox if m.to == ["awa@example.org"] and HIDING_REASON in m.body]
    comment.refresh_from_db()
    assert comment.is_hidden
    assert ModerationDecision.objects.filter(object_id=comment.pk, action="hide").count() == 1
    # Whoever reads the discussion sees the notice, not the phone number.
    visitor = cast.visitor
    page = visitor.open(comment.thread.get_absolute_url())
    hidden = page.locator(f"#comment-{comment.pk} .discussion-hidden")
    expect(hidden).to_contain_text(text(f"Commentaire masqué par la modération : {HIDING_REASON}"))
    expect(page.locator("main")).not_to_contain_text(PHONE)
    expect(page.locator(".discussion-text .mention")).to_have_text("@Awa Koné")


def the_emails():
    """Every email of the journey: no empty placeholder, no English."""
    assert mail.outbox
    for message in mail.outbox:
        assert not problems(message), (message.subject, problems(message), message.body)
        assert not ENGLISH.findall(message.subject), message.subject


# The journey ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_committee_journey_in_french(open_browsing, saint_denis, settings, tmp_path, width):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = Cast(*(person(open_browsing, width) for _ in range(5)), users=saint_denis)
    # The emails sent by the task worker link to SITE_URL: here, the live server.
    settings.SITE_URL = cast.visitor.url("")

    nadia_creates_the_committee(cast)
    fatou_brings_her_group(cast)
    awa_takes_part(cast)

    meeting = schedule_the_meeting(cast)
    start = datetime.combine(next_month(), time(18, 0), tzinfo=PARIS)
    the_invitations(meeting, start)
    sequence = the_feed_holds_it(cast, start)
    move_the_meeting(cast, meeting, sequence)

    the_minutes(cast, meeting)
    everyone_reads_the_minutes_and_the_decision(cast, meeting)

    group = open_the_working_group(cast)
    share_a_document(cast, group)
    mention_awa(cast, group)
    awa_is_told_and_answers(cast)

    comment = fatou_reports_the_phone_number(cast)
    the_moderator_hides_it(cast, comment, saint_denis["egm"])
    the_emails()


# Privacy: what members only see is a 404 for everyone else ----------------------------------


@pytest.fixture
def private_things(db, settings, tmp_path):
    """A members-only meeting of Saint-Denis's committee; a members-only working group of
    the committee with a document (a PDF) and a discussion."""
    settings.MEDIA_ROOT = tmp_path / "media"
    fatou = make_user("fatou@example.org", display_name="Fatou Diallo")
    group = make_group("Accueil Saint-Denis", coordinator=fatou)
    awa = member_of(group, "awa@example.org", display_name="Awa Koné")
    committee = make_committee(
        commune("93066"), organizations=[group], members=[(fatou, group), (awa, group)]
    )
    meeting = make_meeting(committee, place="Salle 3", visibility=Meeting.Visibility.MEMBERS)
    working_group = make_working_group(
        fatou, committee=committee, name="Budget", visibility=WorkingGroup.Visibility.MEMBERS
    )
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    document = workgroup_services.document_add(
        group=working_group,
        user=fatou,
        title="Budget prévisionnel",
        upload=SimpleUploadedFile("budget.pdf", pdf, content_type="application/pdf"),
    )
    started = discussion_services.thread_start(
        subject=subject_of(working_group=working_group), user=fatou, title="Chiffres", text="À relire."
    )
    urls = [
        meeting.get_absolute_url(),
        working_group.get_absolute_url(),
        document.get_absolute_url(),
        f"/chantiers/fichiers/{document.versions.get().pk}/",
        started.thread.get_absolute_url(),
        started.get_absolute_url(),
    ]
    return {"fatou": fatou, "awa": awa, "urls": urls}


def test_members_only_things_are_a_404_to_outsiders_by_url_guessing(private_things):
    other_group = make_group("Accueil Abergement", commune="01001", coordinator=make_user("h@example.org"))
    outsider = member_of(other_group, "loin@example.org", display_name="Paul Loin")
    insider = Client()
    insider.force_login(private_things["fatou"])
    stranger = Client()
    stranger.force_login(outsider)
    for url in private_things["urls"]:
        assert insider.get(url).status_code in (200, 302), url  # the ids are real ones
        assert Client().get(url).status_code == 404, url
        assert stranger.get(url).status_code == 404, url
    # A member of the committee who is not in the working group sees the committee's
    # members-only meeting, not the group's things.
    awa = Client()
    awa.force_login(private_things["awa"])
    meeting, *group_things = private_things["urls"]
    assert awa.get(meeting).status_code == 200
    assert [awa.get(url).status_code for url in group_things] == [404] * len(group_things)
