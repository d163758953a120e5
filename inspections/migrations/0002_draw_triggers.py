"""The database's half of the no-redraw rule (the service refuses first, ``inspections.services.draw``).

Once a plan's hash is published its seed and hash never change, and once it is drawn its draw time never
changes; no drawn enterprise is added to a plan after its draw. Check constraints cannot compare a row
with its former self, so these are triggers, written for SQLite and PostgreSQL. Only UPDATE and INSERT
are watched: the test runner's flush (DELETE on SQLite, TRUNCATE on PostgreSQL) is left alone, and
nothing in the portal deletes a plan (every reference to it is PROTECT).
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER inspections_plan_seed_fixed
    BEFORE UPDATE ON inspections_inspectionplan
    FOR EACH ROW WHEN OLD.seed_sha256 <> '' AND (
        NEW.seed_sha256 IS NOT OLD.seed_sha256 OR NEW.seed IS NOT OLD.seed
        OR (OLD.drawn_at IS NOT NULL AND NEW.drawn_at IS NOT OLD.drawn_at)
    )
    BEGIN
        SELECT RAISE(ABORT, 'inspection draw: the seed, its hash and the draw are fixed once the hash is published');
    END
    """,
    """
    CREATE TRIGGER inspections_no_inspection_after_draw
    BEFORE INSERT ON inspections_inspection
    FOR EACH ROW WHEN (SELECT drawn_at FROM inspections_inspectionplan WHERE id = NEW.plan_id) IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'inspection draw: the plan is drawn; no enterprise is added to its draw');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS inspections_plan_seed_fixed",
    "DROP TRIGGER IF EXISTS inspections_no_inspection_after_draw",
]

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION inspections_plan_seed_fixed() RETURNS trigger AS $$
    BEGIN
        IF OLD.seed_sha256 <> '' AND (
            NEW.seed_sha256 IS DISTINCT FROM OLD.seed_sha256 OR NEW.seed IS DISTINCT FROM OLD.seed
            OR (OLD.drawn_at IS NOT NULL AND NEW.drawn_at IS DISTINCT FROM OLD.drawn_at)
        ) THEN
            RAISE EXCEPTION 'inspection draw: the seed, its hash and the draw are fixed once the hash is published'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER inspections_plan_seed_fixed
    BEFORE UPDATE ON inspections_inspectionplan
    FOR EACH ROW EXECUTE FUNCTION inspections_plan_seed_fixed()
    """,
    """
    CREATE OR REPLACE FUNCTION inspections_no_inspection_after_draw() RETURNS trigger AS $$
    BEGIN
        IF (SELECT drawn_at FROM inspections_inspectionplan WHERE id = NEW.plan_id) IS NOT NULL THEN
            RAISE EXCEPTION 'inspection draw: the plan is drawn; no enterprise is added to its draw'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER inspections_no_inspection_after_draw
    BEFORE INSERT ON inspections_inspection
    FOR EACH ROW EXECUTE FUNCTION inspections_no_inspection_after_draw()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS inspections_plan_seed_fixed ON inspections_inspectionplan",
    "DROP FUNCTION IF EXISTS inspections_plan_seed_fixed()",
    "DROP TRIGGER IF EXISTS inspections_no_inspection_after_draw ON inspections_inspection",
    "DROP FUNCTION IF EXISTS inspections_no_inspection_after_draw()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
