"""Create a large, realistic election campaign in the configured database (for benchmarks and demos).

    .venv/bin/python scripts/make_campaign_data.py --communes 5000 [--others 2000]
        [--campaign SLUG] [--seed 2026] [--replace] [--if-missing]

Random but seeded (the same arguments on the same data give the same campaign):
real current communes (not arrondissements) of the database, `--communes` of
them committed (1–3 candidate lists each, one signed bulletin of the Pacte pour
la Transition with 3–12 of its items, some with an ambition level) and
`--others` more (default: 40 % of --communes) interpellated, refused or not
yet interpellated, with their interpellation log. About one local group per
25 communes follows them. Everything is written in one transaction with
bulk_create (simple_history's bulk_create_with_history for models with a
history); the frameworks are loaded first (frameworks_load, idempotent) and the
national partners come from the migrations. DATABASE_URL chooses the database,
as for manage.py.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PACTE = "pacte-pour-la-transition"
FIRST_NAMES = [
    "Camille", "Dominique", "Claude", "Alix", "Sacha", "Lou", "Noa", "Maël", "Nadia", "Karim",
    "Sophie", "Jean", "Marie", "Pierre", "Fatou", "Youssef", "Inès", "Hugo", "Léa", "Thomas",
    "Aïcha", "Paul", "Chloé", "Mathieu", "Élise", "Nicolas", "Samia", "Julien", "Anne", "Malik",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Diallo", "Benali", "Nguyen",
]  # fmt: skip
LIST_WORDS = [
    "Ensemble pour", "Vivre", "Agir pour", "Demain", "Un nouvel élan pour", "Unis pour",
    "Réinventons", "Cap sur", "L'avenir de", "Citoyens de",
]  # fmt: skip
LABELS = ["divers gauche", "divers droite", "divers centre", "sans étiquette", "écologiste", ""]
ROLES = ["tête de liste", "colistière", "colistier", "candidate", "candidat"]
STEP_NOTES = ["", "", "Courrier déposé en mairie.", "Rendez-vous pris.", "Relance par téléphone."]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=5000, help="committed communes (default 5000)")
    parser.add_argument(
        "--others",
        type=int,
        default=None,
        help="communes interpellated, refused or not interpellated (default: 40%% of --communes)",
    )
    parser.add_argument("--campaign", default="municipales-2026-generee", help="slug of the campaign")
    parser.add_argument("--title", default=None, help="title (default: derived from the slug)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--replace", action="store_true", help="delete a campaign of that slug first")
    parser.add_argument(
        "--if-missing", action="store_true", help="do nothing (exit 0) when the campaign already exists"
    )
    args = parser.parse_args(argv)
    if args.communes < 1:
        parser.error("--communes must be at least 1")
    if args.others is None:
        args.others = round(args.communes * 0.4)
    if args.others < 0:
        parser.error("--others cannot be negative")
    return args


def person(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def past_date(rng, today, earliest_days=120, latest_days=1):
    return today - timedelta(days=rng.randint(latest_days, earliest_days))


def generate(args, out=print):
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from actors.models import Organization
    from campaigns.models import Campaign, CandidateList, Step, Target
    from commitments.models import Commitment, CommitmentItem
    from frameworks.models import Framework, Item
    from frameworks.services import frameworks_load
    from territories.models import Commune

    started = time.perf_counter()
    existing = Campaign.objects.filter(slug=args.campaign).first()
    if existing and args.if_missing:
        count = existing.targets.count()
        out(f"Campaign “{existing.slug}” already exists ({count} communes): nothing to do.")
        return 0
    if existing and not args.replace:
        raise SystemExit(f"Campaign “{args.campaign}” already exists (use --replace or --if-missing).")

    report = frameworks_load()
    out(
        f"Frameworks: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
    frameworks = {framework.slug: framework for framework in Framework.objects.current()}
    if PACTE not in frameworks:
        raise SystemExit(f"The framework “{PACTE}” is missing after frameworks_load().")
    pacte = frameworks[PACTE]
    items = list(Item.objects.filter(framework=pacte).prefetch_related("levels").order_by("position"))
    organizers = list(Organization.objects.partners().filter(slug__in=["egm", PACTE]).order_by("slug"))
    if not organizers:
        raise SystemExit("No national partner found: run the migrations first.")

    rng = random.Random(args.seed)
    codes = list(
        Commune.objects.filter(is_active=True, kind=Commune.Kind.COMMUNE)
        .order_by("code")
        .values_list("pk", "department_id", "department__code", "name")
    )
    wanted = args.communes + args.others
    if wanted > len(codes):
        raise SystemExit(f"{wanted} communes asked for, the database holds {len(codes)} current communes.")
    chosen = rng.sample(codes, wanted)
    committed, others = chosen[: args.communes], chosen[args.communes :]
    # Others: half interpellated, a fifth refused, the rest not yet interpellated.
    n_interpellated = round(len(others) * 0.5)
    n_refused = round(len(others) * 0.2)
    statuses = (
        [Target.Status.COMMITTED] * len(committed)
        + [Target.Status.INTERPELLATED] * n_interpellated
        + [Target.Status.REFUSED] * n_refused
        + [Target.Status.NOT_INTERPELLATED] * (len(others) - n_interpellated - n_refused)
    )

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        if existing:
            deleted, _per_model = existing.delete()
            out(f"Deleted the previous campaign “{args.campaign}” ({deleted} rows).")
        campaign = Campaign.objects.create(
            title=args.title or args.campaign.replace("-", " ").capitalize(),
            slug=args.campaign,
            kind=Campaign.Kind.ELECTION,
            description="Campagne générée par scripts/make_campaign_data.py (données fictives).",
            first_round=today + timedelta(days=100),
            second_round=today + timedelta(days=107),
        )
        campaign.frameworks.set(frameworks.values())
        campaign.organizers.set(organizers)

        # Local groups: about one per 25 communes, each in the department of one of its communes.
        group_count = max(1, wanted // 25)
        group_departments = [chosen[index][1:3] for index in rng.sample(range(wanted), group_count)]
        groups = bulk_create_with_history(
            [
                Organization(
                    name=f"Collectif accueil {code} n°{number + 1}",
                    slug=f"{args.campaign}-groupe-{number + 1}"[:170],
                    kind=Organization.Kind.LOCAL_GROUP,
                    group_type=rng.choice(Organization.GroupType.values),
                    scale=Organization.Scale.DEPARTMENT,
                    department_id=department_id,
                    status=Organization.Status.VALIDATED,
                    validated_at=now,
                    created_at=now,
                )
                for number, (department_id, code) in enumerate(group_departments)
            ],
            Organization,
            default_date=now,
        )
        groups_by_department = {}
        for group in groups:
            groups_by_department.setdefault(group.department_id, []).append(group)

        # Targets: the group of the commune's department when there is one, else none or any group.
        targets = []
        for (commune_id, department_id, _code, _name), status in zip(chosen, statuses, strict=True):
            local = groups_by_department.get(department_id)
            group = rng.choice(local) if local else (rng.choice(groups) if rng.random() < 0.3 else None)
            targets.append(
                Target(
                    campaign=campaign,
                    commune_id=commune_id,
                    group=group,
                    status=status,
                    created_at=now - timedelta(days=rng.randint(1, 150)),
                )
            )
        targets = bulk_create_with_history(targets, Target, default_date=now)

        # Candidate lists: 1–3 per commune, except those not yet interpellated (none).
        lists = []
        for target, (_pk, _dept, _code, name) in zip(targets, chosen, strict=True):
            if target.status == Target.Status.NOT_INTERPELLATED:
                continue
            names = rng.sample(LIST_WORDS, rng.randint(1, 3))
            for word in names:
                head = person(rng)
                candidate_list = CandidateList(
                    target=target,
                    name=f"{word} {name}",
                    head_name=head,
                    email=f"{head.split()[0].lower()}.{target.commune_id}@example.org"
                    if rng.random() < 0.5
                    else "",
                    political_label=rng.choice(LABELS),
                    created_at=target.created_at,
                )
                lists.append(candidate_list)
        lists = bulk_create_with_history(lists, CandidateList, default_date=now)
        lists_of = {}
        for candidate_list in lists:
            lists_of.setdefault(candidate_list.target_id, []).append(candidate_list)

        # The interpellation log, and one signed bulletin per committed commune.
        steps, commitments = [], []
        for target in targets:
            own = lists_of.get(target.pk, [])
            if target.status == Target.Status.NOT_INTERPELLATED:
                continue
            first = past_date(rng, today, 150, 60)
            for candidate_list in own:
                steps.append(
                    Step(
                        target=target,
                        candidate_list=candidate_list,
                        kind=rng.choice([Step.Kind.LETTER, Step.Kind.EMAIL]),
                        date=first,
                        notes=rng.choice(STEP_NOTES),
                        created_at=now,
                    )
                )
                if target.status == Target.Status.REFUSED:
                    steps.append(
                        Step(
                            target=target,
                            candidate_list=candidate_list,
                            kind=Step.Kind.REFUSAL,
                            date=past_date(rng, today, 59, 2),
                            created_at=now,
                        )
                    )
                elif rng.random() < 0.3:
                    steps.append(
                        Step(
                            target=target,
                            candidate_list=candidate_list,
                            kind=rng.choice([Step.Kind.MEETING, Step.Kind.REMINDER, Step.Kind.ANSWER]),
                            date=past_date(rng, today, 59, 2),
                            created_at=now,
                        )
                    )
            if target.status == Target.Status.COMMITTED:
                candidate_list = rng.choice(own)
                channel = rng.choice(
                    [Commitment.Channel.ONLINE, Commitment.Channel.PAPER, Commitment.Channel.IMPORT]
                )
                commitments.append(
                    Commitment(
                        target=target,
                        candidate_list=candidate_list,
                        framework=pacte,
                        channel=channel,
                        signatory_name=candidate_list.head_name,
                        signatory_role=rng.choice(ROLES),
                        signed_on=past_date(rng, today, 59, 1),
                        terms_accepted_at=now if channel == Commitment.Channel.ONLINE else None,
                        created_at=now,
                    )
                )
        Step.objects.bulk_create(steps, batch_size=2000)
        commitments = bulk_create_with_history(commitments, Commitment, default_date=now)

        entries = []
        for commitment in commitments:
            for item in rng.sample(items, rng.randint(3, min(12, len(items)))):
                levels = list(item.levels.all())
                level = rng.choice(levels) if levels and rng.random() < 0.5 else None
                entries.append(CommitmentItem(commitment=commitment, item=item, level=level))
        entries = bulk_create_with_history(entries, CommitmentItem, default_date=now, batch_size=2000)

    counts = {status: statuses.count(status) for status in Target.Status.values}
    out(f"Campaign “{campaign.title}” at /campagnes/{campaign.slug}/ (seed {args.seed}):")
    out(f"  {len(targets)} communes: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    out(f"  {len(groups)} local groups, {len(lists)} candidate lists, {len(steps)} log steps")
    out(
        f"  {len(commitments)} signed commitments ({pacte.short_title}), "
        f"{len(entries)} committed items ({len(items)} items in the framework)"
    )
    out(f"  in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv=None):
    return generate(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
