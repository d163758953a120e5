"""Continuing-education hours leave the applicant's profile: ``training`` 0002 carried every
``TrainingRecord`` over as recognised entries, so the table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_admin_workspace"),
        ("training", "0002_carry_profile_hours"),
    ]

    operations = [migrations.DeleteModel(name="TrainingRecord")]
