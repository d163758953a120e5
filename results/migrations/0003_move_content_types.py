# The content types of the moved models change app label, so that admin log entries, permissions and
# audit events that point at them follow the models to results. Nothing to undo on the way back: the
# rows are the same, only their label changed.

from django.db import migrations

MODELS = ("publicity", "publicityentry", "objection", "filing", "filingentry", "certificate")


def relabel(apps, schema_editor, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A fresh database has no content type yet (post_migrate creates them under the new label).
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="applications", new="results")


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0002_rename_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
