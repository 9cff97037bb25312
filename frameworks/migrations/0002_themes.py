from django.db import migrations

# The theme taxonomy (labels are translated in frameworks.models.THEMES).
THEMES = [
    ("access_to_rights", "access to rights"),
    ("first_welcome", "first welcome"),
    ("shelter_housing", "shelter and housing"),
    ("health", "health"),
    ("language_learning", "language learning"),
    ("schooling_children", "schooling and children"),
    ("training_employment", "training and employment"),
    ("social_links_culture", "social links and culture"),
    ("participation_citizenship", "participation and citizenship"),
    ("anti_discrimination_awareness", "fight against discrimination and awareness"),
    ("food", "food"),
    ("mobility", "mobility"),
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("frameworks", "Theme")
    for position, (code, name) in enumerate(THEMES):
        Theme.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
