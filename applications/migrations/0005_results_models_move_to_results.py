# The publicity, objections, filing and certificates moved to the ``results`` app (issue 10). Only the
# migration state forgets them here: their tables and rows stay, and ``results`` 0001 takes them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_transition_status_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Objection"),
                migrations.DeleteModel(name="PublicityEntry"),
                migrations.DeleteModel(name="Publicity"),
                migrations.DeleteModel(name="FilingEntry"),
                migrations.DeleteModel(name="Filing"),
                migrations.DeleteModel(name="Certificate"),
            ],
            database_operations=[],
        ),
    ]
