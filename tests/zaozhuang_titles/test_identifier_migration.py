"""The data migration that finds identifiers an older release stored in a non-canonical form: a database
at ``zaozhuang_titles`` 0007 holding full-width and Arabic-Indic digits (one of them a second account of
a person) is migrated to the head; every such value is printed and listed in admin, an account's mobile
is rewritten when its canonical form is free and set aside when it is not, nothing is deleted."""

import io
from contextlib import redirect_stdout

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory, make_id_number
from zaozhuang_titles.models import IdentifierIssue, Role, User

BEFORE = [("zaozhuang_titles", "0007_identifierissue")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_migration_reports_non_canonical_identifiers_and_merges_or_deletes_nothing(client_for):
    original = UserFactory(username="13812345678", mobile="13812345678", id_number=make_id_number(serial=1))
    enterprise = EnterpriseFactory()
    try:
        old = migrate(BEFORE)
        OldUser = old.get_model("zaozhuang_titles", "User")
        # What the old release let in: "\d" matched any Unicode digit.
        free = OldUser.objects.create(username="free", real_name="甲", mobile="１３９００００００１１")
        second = OldUser.objects.create(
            username="١٣٨١٢٣٤٥٦٧٨",
            real_name="乙",
            mobile="١٣٨١٢٣٤٥٦٧٨",
            id_number="３７０４０２１９８５０６１８２１３Ｘ",
        )
        # Raw SQL: the ORM of today would write the canonical form even here.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE enterprises_enterprise SET credit_code = %s WHERE id = %s",
                [enterprise.credit_code.lower(), enterprise.pk],
            )
        users_before = OldUser.objects.count()
        output = io.StringIO()
        with redirect_stdout(output):
            migrate(latest())
    finally:
        migrate(latest())

    assert User.objects.count() == users_before
    assert User.objects.get(pk=free.pk).mobile == "13900000011"
    assert User.objects.get(pk=second.pk).mobile is None  # set aside: 13812345678 is the original's
    assert User.objects.get(pk=original.pk).mobile == "13812345678"
    issues = {(i.model, i.object_id, i.field): i for i in IdentifierIssue.objects.all()}
    assert issues[("zaozhuang_titles.user", str(free.pk), "mobile")].action == IdentifierIssue.Action.REWRITTEN
    aside = issues[("zaozhuang_titles.user", str(second.pk), "mobile")]
    assert (aside.action, aside.stored_value, aside.same_as) == ("set_aside", "١٣٨١٢٣٤٥٦٧٨", str(original.pk))
    username = issues[("zaozhuang_titles.user", str(second.pk), "username")]
    assert (username.action, username.canonical_value, username.same_as) == (
        "reported",
        "13812345678",
        str(original.pk),
    )
    assert issues[("zaozhuang_titles.user", str(second.pk), "id_number")].canonical_value == "37040219850618213X"
    assert issues[("enterprises.enterprise", str(enterprise.pk), "credit_code")].action == "reported"
    assert User.objects.get(pk=second.pk).username == "١٣٨١٢٣٤٥٦٧٨"  # only reported: staff decide
    printed = output.getvalue()
    assert "identifiers not in canonical form" in printed
    assert f"zaozhuang_titles.user #{second.pk} mobile" in printed

    # City staff find them in admin, with a link to the record to correct.
    staff = UserFactory(roles=[Role.CITY_STAFF])
    page = client_for(staff).get(reverse("admin:zaozhuang_titles_identifierissue_changelist")).content.decode()
    assert reverse("admin:zaozhuang_titles_user_change", args=[second.pk]) in page
    assert "１３９００００００１１" in page
