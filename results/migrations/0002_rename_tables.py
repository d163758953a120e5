# The tables the results took over from applications get the results_ prefix, rows and keys kept
# (ALTER TABLE ... RENAME; foreign keys follow the table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="certificate", table=None),
        migrations.AlterModelTable(name="filing", table=None),
        migrations.AlterModelTable(name="filingentry", table=None),
        migrations.AlterModelTable(name="publicity", table=None),
        migrations.AlterModelTable(name="publicityentry", table=None),
        migrations.AlterModelTable(name="objection", table=None),
    ]
