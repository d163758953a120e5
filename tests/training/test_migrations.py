"""The profile's yearly hours move into training entries: every ``TrainingRecord`` becomes recognised
entries of source "migrated" that add up to the same totals, the eligibility rule reads the same
years, and the snapshot chairmen signed hashes as it did, so no signature breaks with the move."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.selectors import application_eligibility
from applications.snapshots import application_for_snapshot, application_snapshot
from tests.applications.factories import ApplicationFactory, ProfileFactory
from tests.factories import BatchFactory
from training.models import Category, EntryStatus, Source, TrainingDecision, TrainingEntry
from training.selectors import RecognisedYear, recognised_years

BEFORE = [("applications", "0011_correction_reminded_deadline"), ("training", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_profile_hours_are_carried_over_recognised_and_the_signed_snapshot_is_unchanged():
    profile = ProfileFactory()
    application = ApplicationFactory(
        applicant=profile.user, enterprise=profile.enterprise, batch=BatchFactory(channel="regular")
    )
    other = ProfileFactory()
    try:
        old = migrate(BEFORE).apps
        Record = old.get_model("applications", "TrainingRecord")
        rows = [
            Record.objects.create(profile_id=profile.pk, year=2022, total_hours=96, specialty_hours=64),
            Record.objects.create(profile_id=profile.pk, year=2023, total_hours=90, specialty_hours=90),
            Record.objects.create(profile_id=profile.pk, year=2024, total_hours=0, specialty_hours=0),
            Record.objects.create(profile_id=other.pk, year=2023, total_hours=120, specialty_hours=40),
        ]
        # What the snapshot listed before the move (``profile.training``, newest year first).
        signed_rows = [
            {"id": r.pk, "year": r.year, "total_hours": r.total_hours, "specialty_hours": r.specialty_hours}
            for r in sorted(rows[:3], key=lambda r: -r.year)
        ]
    finally:
        migrate(latest())

    entries = TrainingEntry.objects.filter(person=profile.user).order_by("year", "category")
    assert [(e.year, e.category, e.hours, e.source, e.status, e.legacy_record) for e in entries] == [
        (2022, Category.PUBLIC, 32, Source.MIGRATED, EntryStatus.RECOGNISED, rows[0].pk),
        (2022, Category.SPECIALTY, 64, Source.MIGRATED, EntryStatus.RECOGNISED, rows[0].pk),
        (2023, Category.SPECIALTY, 90, Source.MIGRATED, EntryStatus.RECOGNISED, rows[1].pk),
        (2024, Category.SPECIALTY, 0, Source.MIGRATED, EntryStatus.RECOGNISED, rows[2].pk),
    ]
    assert recognised_years(profile.user) == (
        RecognisedYear(2022, 96, 64),
        RecognisedYear(2023, 90, 90),
        RecognisedYear(2024, 0, 0),
    )
    assert recognised_years(other.user) == (RecognisedYear(2023, 120, 40),)
    # Each carried-over entry's decision says where it came from; no one decided it.
    assert TrainingDecision.objects.filter(actor__isnull=True).count() == TrainingEntry.objects.count() == 6
    # The chairman's signed content is the same data after the move, so its hash is unchanged.
    snapshot = application_snapshot(application_for_snapshot(application.pk))
    assert snapshot["profile"]["training"] == signed_rows
    # And the eligibility rule reads the carried-over years as it read the profile's.
    parts = {part.code: part.outcome for part in application_eligibility(application).result("training").parts}
    assert parts.get("training.2022", "pass") == "pass"


def test_hours_recognised_since_are_not_in_the_signed_snapshot(db):
    """Staff recognising hours must not break a chairman's signature: new entries stay out of it."""
    profile = ProfileFactory()
    application = ApplicationFactory(applicant=profile.user, enterprise=profile.enterprise)
    TrainingEntry.objects.create(
        person=profile.user,
        year=2024,
        category=Category.SPECIALTY,
        hours=90,
        course="课程",
        source=Source.MIGRATED,
        status=EntryStatus.RECOGNISED,
        created_by=profile.user,
    )
    snapshot = application_snapshot(application_for_snapshot(application.pk))
    assert snapshot["profile"]["training"] == []
