"""The move of publicity, objections, filing and certificates from ``applications`` to ``results`` keeps
every row: a database at the old head (``applications`` 0004, before ``results`` existed) holding a
notice, an objection, a filing and a certificate written with the historical models is migrated to the
new head and read back through ``results.models``, with the same keys and fields."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from results.models import Certificate, Filing, FilingEntry, Objection, Publicity, PublicityEntry
from tests.applications.factories import World

OLD_HEAD = ("applications", "0004_transition_status_labels")
MOVED = ("publicity", "publicityentry", "objection", "filing", "filingentry", "certificate")


def migrate(targets):
    """Migrate the test database to ``targets``; return the migration state there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_results_rows_survive_the_move_from_applications():
    # Arrange: an application, its batch and city staff (tables the move does not touch), then the
    # database at the old head, where the results live in applications' tables.
    world = World()
    application = world.accepted()
    try:
        old = migrate([OLD_HEAD]).apps
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
        assert {f"applications_{name}" for name in MOVED} <= tables
        assert not {f"results_{name}" for name in MOVED} & tables
        # An existing database has the content types under the old label (the test database made
        # them under the new one when it was created).
        OldContentType = old.get_model("contenttypes", "ContentType")
        OldContentType.objects.filter(app_label="results", model__in=MOVED).update(app_label="applications")
        publicity_type = OldContentType.objects.get(app_label="applications", model="publicity")

        publicity = old.get_model("applications", "Publicity").objects.create(
            batch_id=world.batch.pk,
            title="2026年评审结果公示",
            starts_on=datetime.date(2026, 11, 16),
            ends_on=datetime.date(2026, 11, 20),
            working_days=5,
            how_to_object="电话 0632-1234567",
            committee_name="枣庄市工程技术高级职称评审委员会",
            published_by_id=world.city.pk,
        )
        entry = old.get_model("applications", "PublicityEntry").objects.create(
            publicity=publicity,
            application_id=application.pk,
            name="张三",
            enterprise_name="枣庄精工机械有限公司",
            specialty="机械设计",
            title_granted="高级工程师",
            position=1,
        )
        objection = old.get_model("applications", "Objection").objects.create(
            reference="YY20261117ABCDEF",
            entry=entry,
            name="李四",
            mobile="13800000000",
            relation="同事",
            facts="业绩材料与事实不符。",
            deadline=datetime.date(2026, 12, 1),
            status="dismissed",
            conclusion="经核实，业绩属实。",
        )
        filing = old.get_model("applications", "Filing").objects.create(
            batch_id=world.batch.pk, number="鲁人社备〔2026〕12号", row_count=1, created_by_id=world.city.pk
        )
        filing_entry = old.get_model("applications", "FilingEntry").objects.create(
            filing=filing, application_id=application.pk
        )
        certificate = old.get_model("applications", "Certificate").objects.create(
            application_id=application.pk,
            number="ZZ2026FG00001",
            token="t" * 24,
            holder_name="张三",
            series="engineering",
            level="deputy_senior",
            title_name="高级工程师",
            granted_on=datetime.date(2026, 12, 16),
            committee_name="枣庄市工程技术高级职称评审委员会",
            issued_at=timezone.now(),
        )

        # Act
        migrate(latest())
        ContentType.objects.clear_cache()

        # Assert: the same rows, by the same keys, through the new models.
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
        assert {f"results_{name}" for name in MOVED} <= tables
        assert not {f"applications_{name}" for name in MOVED} & tables
        moved_publicity = Publicity.objects.get(pk=publicity.pk)
        assert (moved_publicity.batch_id, moved_publicity.title, moved_publicity.ends_on) == (
            world.batch.pk,
            "2026年评审结果公示",
            datetime.date(2026, 11, 20),
        )
        moved_entry = PublicityEntry.objects.get(pk=entry.pk)
        assert (moved_entry.publicity_id, moved_entry.application_id, moved_entry.title_granted) == (
            publicity.pk,
            application.pk,
            "高级工程师",
        )
        moved_objection = Objection.objects.get(pk=objection.pk)
        assert (moved_objection.entry_id, moved_objection.reference, moved_objection.status) == (
            entry.pk,
            "YY20261117ABCDEF",
            Objection.Status.DISMISSED,
        )
        assert moved_objection.conclusion == "经核实，业绩属实。"
        moved_filing = Filing.objects.get(pk=filing.pk)
        assert (moved_filing.number, moved_filing.row_count) == ("鲁人社备〔2026〕12号", 1)
        assert FilingEntry.objects.get(pk=filing_entry.pk).filing_id == filing.pk
        moved_certificate = Certificate.objects.get(pk=certificate.pk)
        assert (moved_certificate.number, moved_certificate.token, moved_certificate.application_id) == (
            "ZZ2026FG00001",
            "t" * 24,
            application.pk,
        )
        assert application.certificate == moved_certificate
        # The content type kept its key and follows the model, with its permissions and log entries.
        assert ContentType.objects.get_for_model(Publicity).pk == publicity_type.pk
    finally:
        # Leave the database at the latest migration for the other tests.
        migrate(latest())
        ContentType.objects.clear_cache()
