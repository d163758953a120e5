"""District staff work in Django admin (issue 14): their accounts are marked ``is_staff`` as the role
service marks city staff's. The reverse leaves the flag (it grants nothing without the role)."""

from django.db import migrations


def mark_district_staff(apps, schema_editor):
    User = apps.get_model("zaozhuang_titles", "User")
    User.objects.filter(roles__role="district_staff", is_staff=False).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("zaozhuang_titles", "0012_export")]

    operations = [migrations.RunPython(mark_district_staff, migrations.RunPython.noop)]
