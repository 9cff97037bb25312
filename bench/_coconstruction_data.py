"""The data of bench/coconstruction.py, written by its child process (`--generate`) with bulk
inserts: see that script's docstring. No history rows (no measured page reads them)."""

import os
import random
import time
from datetime import date, timedelta

from _common import setup_django

PACTE = "pacte-pour-la-transition"
BIG, SMALL_DEPARTMENT = "93066", "90"
# Private calendar links (only their hashes are stored, as the site does).
TOKENS = {"big": "banc-essai-agenda-grand-0123456789", "small": "banc-essai-agenda-petit-0123456789"}
FIRST = ["Awa", "Fatou", "Karim", "Léa", "Hugo", "Inès", "Moussa", "Chloé", "Yanis", "Sarah"]
LAST = ["Koné", "Diallo", "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau"]
PARAGRAPH = "Nous avons fait le point sur l’accueil en mairie et sur les **prochaines étapes**."
ATTENDANCE = ("elected", "staff", "associations", "residents", "lived_experience")


def people(commune, tag, groups, per_group, now):
    """Local groups of the commune, their members, its verified contact, its committee; returns
    (committee, [users]): users[0] coordinates group 0, users[1] is a plain member, the last
    one is the municipal contact."""
    from accounts.models import User
    from actors.models import Membership, MunicipalContact, Organization

    count = groups * per_group + 1
    users = User.objects.bulk_create(
        User(
            email=f"{tag}{i}@banc.example.org",
            display_name=f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST) % len(LAST)]} {tag}{i}",
            password="!",
        )
        for i in range(count)
    )
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Accueil {commune.name} {tag} {n + 1}",
            slug=f"banc-{tag}-{n + 1}",
            kind=Organization.Kind.LOCAL_GROUP,
            group_type=Organization.GroupType.OTHER,
            scale=Organization.Scale.COMMUNE,
            commune=commune,
            status=Organization.Status.VALIDATED,
            validated_at=now,
        )
        for n in range(groups)
    )
    role = Membership.Role
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organization=organizations[i // per_group],
            role=role.MEMBER if i % per_group else role.COORDINATOR,
        )
        for i, user in enumerate(users[:-1])
    )
    MunicipalContact.objects.create(
        user=users[-1],
        commune=commune,
        role=MunicipalContact.Role.COUNCIL,
        position="Adjointe à la solidarité",
        status=MunicipalContact.Status.VERIFIED,
        method=MunicipalContact.Method.TOWN_HALL_EMAIL,
        verified_at=now,
    )
    return committee_of(commune, organizations, users, per_group), users


def committee_of(commune, organizations, users, per_group):
    """The commune's committee: every organisation and person accepted (the contact for the
    municipality, the others for their group)."""
    from coconstruction.models import Committee, CommitteeMember, CommitteeOrganization, Participation

    committee = Committee.objects.create(commune=commune, description=PARAGRAPH, created_by=users[-1])
    accepted = Participation.ACCEPTED
    CommitteeOrganization.objects.bulk_create(
        CommitteeOrganization(committee=committee, organization=o, status=accepted) for o in organizations
    )
    CommitteeMember.objects.bulk_create(
        CommitteeMember(
            committee=committee,
            user=user,
            organization=organizations[i // per_group] if user is not users[-1] else None,
            status=accepted,
        )
        for i, user in enumerate(users)
    )
    return committee


def biggest_meetings(count):
    """Indexes of the biggest public meeting and of the biggest members-only one (both past,
    held, with minutes)."""
    past = count * 3 // 4
    return (past - 2, past - 6) if count > 2 else (0, 1)


def members_only(n, count):
    """One in five is for members only; of the baseline's two, the second."""
    return n % 5 == 4 if count > 2 else n == 1


def meetings(committee, items, users, count, now, rng):
    """`count` meetings, weekly, three quarters of them past; the biggest ones have every
    member registered and 6 decisions (the baseline's two, past: 1 registration, 1 decision)."""
    from coconstruction.models import Decision, Meeting, Registration

    past, biggest = count * 3 // 4 if count > 2 else count, biggest_meetings(count)
    rows = []
    for n in range(count):
        start = now + timedelta(days=7 * (n - past) + 1, hours=rng.randint(0, 3))
        held = n < past and n % 8 != 7
        rows.append(
            Meeting(
                committee=committee,
                title=f"Comité de suivi n° {n + 1}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                place="Salle du conseil, hôtel de ville",
                agenda="1. Point d’étape\n2. " + PARAGRAPH,
                visibility=Meeting.Visibility.MEMBERS
                if members_only(n, count)
                else Meeting.Visibility.PUBLIC,
                capacity=60,
                status=Meeting.Status.SCHEDULED if n % 8 != 7 else Meeting.Status.CANCELLED,
                cancelled_reason="" if n % 8 != 7 else "Salle indisponible.",
                minutes=(PARAGRAPH + "\n\n") * 5 if held else "",
                minutes_published_at=start + timedelta(days=2) if held else None,
                **({f"attended_{k}": rng.randint(0, 12) for k in ATTENDANCE} if held else {}),
                created_by=users[-1],
                created_at=start - timedelta(days=30),
                updated_at=start - timedelta(days=20),
            )
        )
    made = Meeting.objects.bulk_create(rows)
    registrations, decisions = [], []
    for n, meeting in enumerate(made):
        if count <= 2:
            chosen, decided = users[1:2], 1
        else:
            chosen = users if n in biggest else rng.sample(users, rng.randint(5, 30))
            decided = 6 if n in biggest else 2
        registrations += [Registration(meeting=meeting, user=user) for user in chosen]
        decisions += [
            Decision(
                meeting=meeting,
                commune_id=committee.commune_id,
                item=items[(n + k) % len(items)],
                text=f"Décision n° {k + 1} : " + PARAGRAPH,
                created_by=users[-1],
                created_at=meeting.ends_at,
            )
            for k in range(decided if meeting.minutes else 0)
        ]
    Registration.objects.bulk_create(registrations, batch_size=5000)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    return made


def working_groups(committee, items, themes, users, count, now, rng):
    """`count` working groups of the committee, with members and documents (the baseline's
    two: its coordinator and the member, 1 document of 1 version)."""
    from coconstruction.models import Document, DocumentVersion, WorkingGroup, WorkingGroupMember

    big = count > 2
    groups = WorkingGroup.objects.bulk_create(
        WorkingGroup(
            committee=committee,
            name=f"Chantier n° {n + 1} : accueil à {committee.commune.name}",
            purpose=PARAGRAPH,
            access=WorkingGroup.Access.INVITATION if n % 3 == 2 else WorkingGroup.Access.OPEN,
            visibility=WorkingGroup.Visibility.MEMBERS
            if members_only(n, count)
            else WorkingGroup.Visibility.PUBLIC,
            conclusion=PARAGRAPH if n % 7 == 6 else "",
            closed_at=now - timedelta(days=n) if n % 7 == 6 else None,
            created_by=users[0],
            created_at=now - timedelta(days=200 - n),
        )
        for n in range(count)
    )
    through_themes, through_items = WorkingGroup.themes.through, WorkingGroup.items.through
    theme_links, item_links, members, documents = [], [], [], []
    for group in groups:
        theme_links += [through_themes(workinggroup=group, theme=t) for t in rng.sample(themes, 2)]
        item_links += [
            through_items(workinggroup=group, item=i) for i in rng.sample(items, min(2, len(items)))
        ]
        chosen = users[:2] + (rng.sample(users[2:], rng.randint(3, 13)) if big else [])
        coordinator, member = WorkingGroupMember.Role.COORDINATOR, WorkingGroupMember.Role.MEMBER
        members += [
            WorkingGroupMember(working_group=group, user=user, role=member if k else coordinator)
            for k, user in enumerate(chosen)
        ]
        documents += [
            Document(working_group=group, title=f"Document {k + 1}", created_by=users[0])
            for k in range(3 if big else 1)
        ]
    through_themes.objects.bulk_create(theme_links)
    through_items.objects.bulk_create(item_links)
    WorkingGroupMember.objects.bulk_create(members, batch_size=5000)
    DocumentVersion.objects.bulk_create(
        DocumentVersion(
            document=document,
            number=number,
            file="chantiers/banc-essai.pdf",
            content_type="application/pdf",
            size=1234,
            sha256="0" * 64,
            note="Relecture." if number > 1 else "",
            uploaded_by=users[0],
        )
        for document in Document.objects.bulk_create(documents)
        for number in ((1, 2) if big else (1,))
    )
    return groups


def comments(specs, users, now, rng, every=(10, 20)):
    """specs: [(thread, number of comments)]; 70 % top-level (every 10th quoting the one
    before, every 20th mentioning someone, every 200th hidden), the others replies."""
    from coconstruction.models import Comment, Mention, Thread

    tops, replies, mentioned = [], [], []
    for thread, count in specs:
        top_count = max(1, count * 7 // 10)
        start = now - timedelta(minutes=count + 10)
        thread_tops = [
            Comment(
                thread=thread,
                text=(f"@{users[(n + 1) % len(users)].display_name} " if n % every[1] == every[1] - 1 else "")
                + PARAGRAPH,
                created_by=users[n % len(users)],
                created_at=start + timedelta(minutes=n),
                hidden_at=now if n % 200 == 199 else None,
                hidden_reason="Hors sujet." if n % 200 == 199 else "",
            )
            for n in range(top_count)
        ]
        tops.append((thread, count - top_count, thread_tops))
    Comment.objects.bulk_create((c for _t, _r, made in tops for c in made), batch_size=5000)
    for thread, reply_count, made in tops:
        for n, comment in enumerate(made):
            if n % every[1] == every[1] - 1:
                mentioned.append(Mention(comment=comment, user=users[(n + 1) % len(users)]))
            if n % every[0] == every[0] - 1:
                comment.quoted = made[n - 1]
        Comment.objects.bulk_update(made[every[0] - 1 :: every[0]], ["quoted"], batch_size=2000)
        for n in range(reply_count):
            parent = rng.choice(made)
            replies.append(
                Comment(
                    thread=thread,
                    parent=parent,
                    text="Je partage cet avis. " + PARAGRAPH,
                    created_by=users[(n + 3) % len(users)],
                    created_at=parent.created_at + timedelta(seconds=30),
                )
            )
        Thread.objects.filter(pk=thread.pk).update(last_comment_at=now)
    Comment.objects.bulk_create(replies, batch_size=5000)
    Mention.objects.bulk_create(mentioned, batch_size=5000)
    return sum(count for _t, count in specs)


def build(commune, items, tag, now, rng):
    """A commune's co-construction: the big one (tag "big") or the baseline ("small")."""
    from coconstruction.models import CalendarToken, Thread
    from core.tokens import token_hash
    from frameworks.models import Theme

    big = tag == "big"
    committee, users = people(commune, tag, 5 if big else 1, 8 if big else 2, now)
    made = meetings(committee, items, users, 200 if big else 2, now, rng)
    themes = list(Theme.objects.all())
    groups = working_groups(committee, items, themes, users, 50 if big else 2, now, rng)
    CalendarToken.objects.create(user=users[1], token_hash=token_hash(TOKENS[tag]))
    item_thread = Thread.objects.create(
        commune=commune, item=items[0], title="Où en est cet engagement ?", created_by=users[0]
    )
    if not big:  # a discussion of each subject; the item's: a comment, one quoting it, a reply
        others = Thread.objects.bulk_create(
            [Thread(meeting=m, title="Questions", created_by=users[1]) for m in made]
            + [Thread(working_group=g, title="Discussion", created_by=users[0]) for g in groups]
        )
        specs = [(item_thread, 3)] + [(thread, 1) for thread in others]
        return len(made), len(groups), comments(specs, users, now, rng, (2, 2))
    top = made[biggest_meetings(len(made))[0]]
    threads = Thread.objects.bulk_create(
        [Thread(meeting=top, title=f"Suites de la réunion {k}", created_by=users[1]) for k in (1, 2)]
        + [Thread(meeting=m, title="Questions", created_by=users[1]) for m in made[50:150] if m != top][:98]
        + [
            Thread(working_group=g, title=f"Discussion {k}", created_by=users[0])
            for g in groups
            for k in (1, 2)
        ]
    )
    # 10,000 on the item, 1,000 on the biggest meeting, 9,000 over the other 198 discussions.
    share, more = divmod(9000, len(threads) - 2)
    specs = [(item_thread, 10_000)] + [(t, 500) for t in threads[:2]]
    specs += [(t, share + (n < more)) for n, t in enumerate(threads[2:])]
    return len(made), len(groups), comments(specs, users, now, rng)


def generate():
    setup_django(os.environ["DATABASE_URL"])
    from django.db import transaction
    from django.utils import timezone
    from followup_board import commit

    from campaigns.models import Campaign, Target
    from commitments.models import Commitment, CommitmentItem, MandateCommitment
    from frameworks.models import Framework
    from frameworks.services import frameworks_load
    from territories.models import Commune

    started, rng, now = time.perf_counter(), random.Random(2026), timezone.now()
    frameworks_load()
    pacte = Framework.objects.get(slug=PACTE, is_current=True)
    pacte_items = list(pacte.items.order_by("position"))
    measure_26 = next(item for item in pacte_items if item.code == "26")
    others = [item for item in pacte_items if item is not measure_26]
    big = Commune.objects.get(code=BIG)
    small = Commune.objects.filter(department__code=SMALL_DEPARTMENT, is_active=True).order_by("-population")[
        0
    ]
    models = (Target, Commitment, CommitmentItem, MandateCommitment)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title="Banc d’essai de la co-construction",
            slug="bench-coconstruction-2026",
            kind=Campaign.Kind.ELECTION,
            first_round=date(2026, 3, 15),
        )
        campaign.frameworks.set([pacte])
        big_items, small_items = [measure_26, *others[:19]], [others[19]]
        commit(models, campaign, pacte, [big.pk], big_items, now - timedelta(days=400))
        commit(models, campaign, pacte, [small.pk], small_items, now - timedelta(days=400))
        counts = build(big, big_items, "big", now, rng)
        build(small, small_items, "small", now, rng)
    print(
        f"Generated {big.code} {big.name}: {counts[0]} meetings, {counts[1]} working groups, "
        f"{counts[2]} comments; baseline {small.code} {small.name}; {time.perf_counter() - started:.1f} s"
    )
    return 0
