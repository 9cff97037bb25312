"""The five national partners exist from the start, as real records."""

from django.db import migrations

PARTNERS = [
    {
        "slug": "anvita",
        "name": "ANVITA — Association nationale des villes et territoires accueillants",
        "website": "https://villes-territoires-accueillants.fr/",
        "description": (
            "Réseau de collectivités locales et d'élus engagés pour l'accueil inconditionnel des "
            "personnes exilées. L'ANVITA cartographie les dispositifs d'accueil locaux, accompagne "
            "des diagnostics territoriaux et publie des guides de pratiques inspirantes."
        ),
    },
    {
        "slug": "egm",
        "name": "États Généraux des Migrations (EGM)",
        "website": "https://eg-migrations.org/",
        "description": (
            "Assemblées locales d'associations et de citoyens, organisées en chantiers autonomes. "
            "Pour les municipales, les EGM ont écrit une charte pour une commune accueillante, à "
            "laquelle listes candidates puis conseils municipaux s'engagent par un bulletin d'engagement."
        ),
    },
    {
        "slug": "pacte-pour-la-transition",
        "name": "Pacte pour la Transition (Collectif pour une Transition Citoyenne)",
        "website": "https://www.pacte-transition.org/",
        "description": (
            "Trois principes et trente-deux mesures concrètes pour des communes plus écologiques, "
            "solidaires et démocratiques. Des collectifs locaux demandent aux candidats de s'engager, "
            "puis suivent et accompagnent la mise en œuvre pendant tout le mandat ; la mesure 26 porte "
            "sur des dispositifs publics de premier accueil ouverts à toute personne étrangère."
        ),
    },
    {
        "slug": "alliance-migrations",
        "name": "Alliance Migrations",
        "website": "https://alliance-migrations.fr/",
        "description": (
            "Alliance entre autorités locales et société civile, fondée par l'OCU et l'ANVITA, pour une "
            "autre gouvernance des migrations fondée sur l'accueil digne et les droits fondamentaux. "
            "Elle recueille des pratiques inspirantes en France et à l'étranger."
        ),
    },
    {
        "slug": "ocu",
        "name": "Organisation pour une citoyenneté universelle (OCU)",
        "website": "https://o-c-u.org/",
        "description": (
            "Rassemblement d'organisations de solidarité internationale qui promeut la liberté de "
            "circulation et d'installation des personnes et une gouvernance des migrations associant "
            "personnes exilées, autorités locales et société civile."
        ),
    },
]


def create_partners(apps, schema_editor):
    Organization = apps.get_model("actors", "Organization")
    for partner in PARTNERS:
        Organization.objects.update_or_create(
            slug=partner["slug"],
            defaults={
                "name": partner["name"],
                "website": partner["website"],
                "description": partner["description"],
                "kind": "partner",
                "scale": "national",
                "status": "validated",
            },
        )


def remove_partners(apps, schema_editor):
    apps.get_model("actors", "Organization").objects.filter(
        slug__in=[partner["slug"] for partner in PARTNERS], kind="partner"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("actors", "0001_initial")]

    operations = [migrations.RunPython(create_partners, remove_partners)]
