"""The content types of the moved models follow them (app_label "campaigns" becomes
"commitments"), so that the permissions given on them, the admin's log and anything else
pointing to a content type keep pointing to the same rows. Where the new content type
already exists (created by an earlier `migrate` that ran without this migration), the old
one is left as it is: `remove_stale_contenttypes` can take it."""

from django.db import migrations

MODELS = [
    "commitment",
    "commitmentitem",
    "mandatecommitment",
    "historicalcommitment",
    "historicalcommitmentitem",
    "historicalmandatecommitment",
]


def move(apps, schema_editor, source, destination):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=destination, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=destination)


def forwards(apps, schema_editor):
    move(apps, schema_editor, "campaigns", "commitments")


def backwards(apps, schema_editor):
    move(apps, schema_editor, "commitments", "campaigns")


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0001_initial"),
        ("campaigns", "0005_commitments_leave"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
