from django.db import migrations

# The transition themes of the Pacte (labels are translated in frameworks.models.THEMES).
THEMES = [
    ("energy_climate", "energy, climate and buildings"),
    ("food_agriculture", "food and agriculture"),
    ("biodiversity_water", "biodiversity, water and soils"),
    ("waste_sobriety", "waste and sobriety"),
    ("economy_finance", "economy, public purchasing and finance"),
    ("digital", "digital"),
    ("solidarity", "solidarity and inclusion"),
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("frameworks", "Theme")
    Theme.objects.filter(code="food").update(name="food aid")
    for position, (code, name) in enumerate(THEMES, start=12):
        Theme.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0003_drafts_local_versions_confidence")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
