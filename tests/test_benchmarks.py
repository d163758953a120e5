"""The benchmark's own machinery (benchmarks/): the generator at its tiny scale, the query-count gate
and the refusal of a database that is not PostgreSQL. The figures themselves live in the benchmark."""

import pytest

from applications.models import Achievement, Application, Status
from applications.validators import validate_patent_number
from benchmarks import database, pages
from benchmarks.generate import SCALES, generate, statuses_for
from benchmarks.run import autosave_experts, main
from enterprises.models import Enterprise
from enterprises.validators import validate_credit_code
from reviews.models import Assignment, Score
from zaozhuang_titles.validators import validate_id_number


@pytest.mark.django_db
def test_generate_tiny_puts_one_application_in_each_status_with_valid_codes():
    world = generate("tiny")

    assert sorted(Application.objects.values_list("status", flat=True)) == sorted(Status.values)
    assert world.counts["applications"] == len(Status.values)
    enterprise = Enterprise.objects.get()
    validate_credit_code(enterprise.credit_code)
    for application in Application.objects.select_related("applicant"):
        validate_id_number(application.applicant.id_number)
    for number in Achievement.objects.exclude(patent_number="").values_list("patent_number", flat=True):
        validate_patent_number(number)
    assert Assignment.objects.filter(case__application__status=Status.IN_REVIEW).count() == 5
    assert Score.objects.count() == 5 * 4
    assert Application.objects.get(pk=world.application_id).status == Status.DISTRICT_AUDIT


def test_statuses_for_a_batch_follow_the_shares_with_every_status_present():
    statuses = statuses_for(SCALES["province"].applications)

    assert len(statuses) == 100_000
    assert set(statuses) == set(Status.values)
    assert statuses.count(Status.IN_REVIEW) == pytest.approx(37_500, abs=20)
    assert statuses.count(Status.DISTRICT_AUDIT) == pytest.approx(20_000, abs=20)


@pytest.mark.django_db
def test_count_queries_measures_every_page_of_the_tiny_world():
    world = generate("tiny")

    counts = pages.count_queries(world)

    assert set(counts) == {page.name for page in pages.PAGES}
    assert all(count > 0 for count in counts.values())


def test_gate_fails_a_page_whose_query_count_grows_with_its_rows():
    at_one = {"district queue": 12, "ranking": 11}

    assert pages.gate(at_one, {"district queue": 12, "ranking": 11}) == []
    assert pages.gate(at_one, {"district queue": 12, "ranking": 219}) == [("ranking", 11, 219)]


def test_deep_url_takes_the_largest_numbered_page_link():
    html = '<a class="page-link" href="?p=2">2</a> <a href="?p=40">40</a> <a href="?p=3">3</a>'
    client = FakeClient({"/admin/applications/application/": html})

    assert pages.deep_url(client, "/admin/applications/application/") == "/admin/applications/application/?p=40"


@pytest.mark.parametrize("url", ["", "sqlite:///db.sqlite3"])
def test_bench_refuses_a_database_that_is_not_postgresql(monkeypatch, capsys, url):
    monkeypatch.setenv("DATABASE_URL", url)

    assert main(["run", "--scale", "small"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_settings_of_accepts_a_postgresql_url():
    config = database.settings_of("postgres://postgres@127.0.0.1:5432/bench")

    assert config["NAME"] == "bench"


class FakeClient:
    """Answers every URL with the HTML of ``pages`` (by path and query), or a 404."""

    def __init__(self, pages):
        self.pages = pages

    def get(self, url):
        class Response:
            status_code = 200 if url in self.pages else 404
            content = self.pages.get(url, "").encode()

        return Response()


def test_deep_url_of_a_list_with_only_previous_and_next_is_its_last_page_not_page_2():
    client = FakeClient({"/q/": '<a href="?status=x&amp;page=2">下一页</a>', "/q/?page=999999999": "last"})

    assert pages.deep_url(client, "/q/") == "/q/?page=999999999"


def test_deep_url_follows_next_links_of_a_keyset_list():
    client = FakeClient({f"/q/?after={n}": f'<a rel="next" href="?after={n + 1}">Next</a>' for n in range(30)})
    client.pages["/q/"] = '<a rel="next" href="?after=0">Next</a>'

    assert pages.deep_url(client, "/q/", hops=5) == "/q/?after=4"


@pytest.mark.django_db
def test_autosave_experts_get_targets_on_their_own_assignments():
    generate("tiny")

    experts = autosave_experts(3)

    assert [expert["username"] for expert in experts] == ["expert0", "expert1", "expert2"]
    for expert in experts:
        owners = set(
            Assignment.objects.filter(pk__in=[a for a, _c in expert["targets"]]).values_list(
                "expert__user__username", flat=True
            )
        )
        assert owners == {expert["username"]}
        assert len(expert["targets"]) == 4


@pytest.mark.django_db
def test_claim_refuses_a_database_holding_accounts_it_did_not_write():
    from django.db import connection

    from tests.factories import UserFactory
    from zaozhuang_titles.models import User

    UserFactory()

    with pytest.raises(database.BenchmarkDatabaseError, match="not a benchmark database"):
        database.claim(connection, User._meta.db_table)
    assert database.MARKER not in connection.introspection.table_names()


@pytest.mark.django_db
def test_import_workbook_of_the_heavy_task_passes_the_enterprise_import_checks():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from benchmarks.heavy import import_workbook
    from enterprises.excel import parse_workbook, validate_rows

    generate("tiny")
    upload = SimpleUploadedFile("enterprises.xlsx", import_workbook(3).getvalue())

    rows, problems, _warnings = validate_rows(parse_workbook(upload))

    assert problems == []
    assert [row["enterprise"]["name"] for row in rows] == [f"枣庄导入测试机械有限公司{i:05d}" for i in range(3)]


@pytest.mark.django_db
def test_export_heavy_task_exports_the_applications_it_was_asked_for():
    from django.core.files.storage import default_storage

    from benchmarks.heavy import _export
    from zaozhuang_titles.models import Export

    generate("tiny")
    present = Application.objects.count()

    seconds, note = _export(present + 3)

    assert seconds > 0
    assert f"{present + 3} rows" in note
    export = Export.objects.get()
    assert export.status == Export.Status.DONE
    assert not default_storage.exists(export.file.name)  # the benchmark keeps no file


@pytest.mark.django_db
def test_certificates_heavy_task_issues_them_through_an_issue_run():
    from benchmarks.heavy import _certificates
    from results.models import Certificate, CertificateRun

    seconds, note = _certificates(2)

    assert seconds > 0
    assert note.startswith("2 certificates printed, signed and stored as the Celery task does (")
    run = CertificateRun.objects.get()
    assert (run.state, run.done, run.total, run.issued) == ("finished", 2, 2, 2)
    assert Certificate.objects.count() == 2
