"""Carry the yearly hours applicants kept in their profile (``applications.TrainingRecord``: a total and
its specialty part per year) over as recognised entries, source "migrated": one specialty entry and one
public entry per record (the parts that hold hours; one specialty entry of 0 hours for a year of none).

They count as recognised: the eligibility rule counted them before. Each keeps the record's id
(``legacy_record``), so that the content chairmen signed before the move hashes as it did
(``training.selectors.legacy_rows``). The entries were stated by the applicant (``created_by``); no one
decided on them here, so their decision has no actor and says where they came from. ``applications`` removes its table
after this migration."""

from django.db import migrations
from django.utils import timezone

REASON = "继续教育学时由个人档案迁移（迁移前已计入资格审查）"


def carry_over(apps, schema_editor):
    TrainingRecord = apps.get_model("applications", "TrainingRecord")
    TrainingEntry = apps.get_model("training", "TrainingEntry")
    TrainingDecision = apps.get_model("training", "TrainingDecision")
    now = timezone.now()
    records = TrainingRecord.objects.select_related("profile").order_by("id").iterator(chunk_size=2000)
    batch = []
    for record in records:
        person_id = record.profile.user_id
        parts = [("specialty", record.specialty_hours), ("public", record.total_hours - record.specialty_hours)]
        parts = [(category, hours) for category, hours in parts if hours > 0] or [("specialty", 0)]
        for category, hours in parts:
            batch.append(
                TrainingEntry(
                    person_id=person_id,
                    year=record.year,
                    category=category,
                    hours=hours,
                    course="个人档案中的年度学时",
                    source="migrated",
                    legacy_record=record.pk,
                    status="recognised",
                    decided_at=now,
                    reason=REASON,
                    created_by_id=person_id,
                )
            )
        if len(batch) >= 2000:
            _save(TrainingEntry, TrainingDecision, batch)
            batch = []
    if batch:
        _save(TrainingEntry, TrainingDecision, batch)


def _save(TrainingEntry, TrainingDecision, entries):
    created = TrainingEntry.objects.bulk_create(entries)
    if created and created[0].pk is None:  # a backend that returns no keys: read them back
        legacy = [entry.legacy_record for entry in entries]
        created = list(TrainingEntry.objects.filter(source="migrated", legacy_record__in=legacy))
    TrainingDecision.objects.bulk_create(
        TrainingDecision(
            entry_id=entry.pk,
            from_status="pending",
            to_status="recognised",
            actor=None,
            reason=REASON,
        )
        for entry in created
    )


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("applications", "0011_correction_reminded_deadline"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
