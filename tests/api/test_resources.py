"""The resources: what each operation returns or writes, through the apps' selectors and services."""

import pytest
from django.utils import timezone

from api.models import ApiCall, Scope
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_timeline
from results.documents.filing_excel import COLUMNS, EXCHANGE_KEYS
from tests.enterprises.factories import make_credit_code
from tests.factories import DivisionFactory, TownFactory, UserFactory, make_id_number
from training.models import EntryStatus, TrainingEntry
from zaozhuang_titles.masking import mask_id_number
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def test_filed_results_carry_the_filing_tables_columns_with_the_id_number_masked(filed_batch, make_client, api):
    _client, token = make_client(Scope.RESULTS_READ)
    batch = filed_batch["batch"]
    response = api(token).get(f"/api/v1/batches/{batch.pk}/filed-results/")
    assert response.status_code == 200
    rows = response.body["results"]
    applicants = {a.number: a.applicant for a in filed_batch["world"].applications}
    assert {row["application_number"] for row in rows} == set(applicants)
    row = rows[0]
    assert set(EXCHANGE_KEYS) <= set(row) and len(EXCHANGE_KEYS) == len(COLUMNS)
    person = applicants[row["application_number"]]
    assert row["id_number"] == mask_id_number(person.id_number)
    assert row["name"] == person.real_name
    assert row["filing_number"] == filed_batch["filing"].number
    assert row["title"] == "高级工程师"


def test_filed_results_show_the_id_number_whole_to_a_client_holding_results_personal(filed_batch, make_client, api):
    _client, token = make_client(Scope.RESULTS_READ, Scope.RESULTS_PERSONAL)
    rows = api(token).get(f"/api/v1/batches/{filed_batch['batch'].pk}/filed-results/").body["results"]
    numbers = {a.applicant.id_number for a in filed_batch["world"].applications}
    assert {row["id_number"] for row in rows} == numbers


def test_results_are_cursor_paginated(filed_batch, make_client, api):
    _client, token = make_client(Scope.RESULTS_READ)
    first = api(token).get(f"/api/v1/batches/{filed_batch['batch'].pk}/filed-results/?page_size=1").body
    assert len(first["results"]) == 1 and first["next"]
    second = api(token).get(first["next"].replace("http://testserver", "")).body
    assert len(second["results"]) == 1
    assert second["results"][0]["application_number"] != first["results"][0]["application_number"]
    bad = api(token).get(f"/api/v1/batches/{filed_batch['batch'].pk}/filed-results/?cursor=nonsense")
    assert bad.status_code == 404 and bad["Content-Type"] == "application/problem+json"


def test_certificates_of_a_batch_and_the_public_verification(filed_batch, make_client, api):
    _client, token = make_client(Scope.RESULTS_READ)
    certificate = filed_batch["certificate"]
    listed = api(token).get(f"/api/v1/batches/{filed_batch['batch'].pk}/certificates/").body["results"]
    assert [row["number"] for row in listed] == [certificate.number]
    assert listed[0]["verification_url"].endswith(f"/applications/verify/{certificate.token}/")
    verified = api().get(f"/api/v1/certificates/verify/{certificate.token}/")
    assert verified.status_code == 200
    assert verified.body["holder_name"] == certificate.holder_name and verified.body["valid"] is True
    missing = api().get("/api/v1/certificates/verify/not-a-token-at-all-000/")
    assert missing.status_code == 404 and missing.body["detail"]


def test_a_draft_batch_is_nobodys_business(make_client, api):
    from tests.factories import BatchFactory

    draft = BatchFactory(status="draft")
    _client, token = make_client(Scope.BATCHES_READ)
    assert api(token).get(f"/api/v1/batches/{draft.pk}/").status_code == 404
    assert draft.pk not in [row["id"] for row in api(token).get("/api/v1/batches/").body["results"]]


def _enterprise_body(division, **extra):
    return {
        "credit_code": make_credit_code(division.code),
        "name": "枣庄接口科技有限公司",
        "legal_representative": "王五",
        "division": division.code,
        "recognitions": [{"kind": "little_giant", "level": "national", "year_granted": 2024}],
        **extra,
    }


def test_the_industry_department_adds_an_enterprise_and_the_archive_names_it(make_client, api, division):
    client, token = make_client(Scope.ENTERPRISES_WRITE, Scope.ENTERPRISES_READ, name="市工信局")
    body = _enterprise_body(division)
    # The code as typed by hand: full-width digits and lower case are made canonical.
    typed = body["credit_code"].translate(str.maketrans("0123456789", "０１２３４５６７８９")).lower()
    response = api(token).post("/api/v1/enterprises/", {**body, "credit_code": typed})
    assert response.status_code == 201, response.body
    enterprise = Enterprise.objects.get(credit_code=body["credit_code"])
    assert response.body["credit_code"] == body["credit_code"]
    assert enterprise.status == Enterprise.Status.ACTIVE
    assert [r.kind for r in enterprise.recognitions.all()] == ["little_giant"]
    timeline = enterprise_timeline(enterprise)
    assert {str(entry["user"]) for entry in timeline} == {"市工信局"}
    assert all("市工信局" in entry["reason"] for entry in timeline)
    client.refresh_from_db()
    assert enterprise.verified_by == client.service_user
    assert not client.service_user.is_active and not client.service_user.has_usable_password()


def test_a_change_through_the_api_appears_in_the_enterprises_history_with_the_client(make_client, api, division):
    _client, token = make_client(Scope.ENTERPRISES_WRITE, name="市工信局")
    code = api(token).post("/api/v1/enterprises/", _enterprise_body(division)).body["credit_code"]
    town = TownFactory(division=division, name="龙泉街道")
    response = api(token).patch(
        f"/api/v1/enterprises/{code}/", {"name": "枣庄接口科技股份有限公司", "town": "龙泉街道", "reason": "更名"}
    )
    assert response.status_code == 200, response.body
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.name == "枣庄接口科技股份有限公司" and enterprise.town == town
    latest = enterprise_timeline(enterprise)[0]
    assert str(latest["user"]) == "市工信局"
    assert latest["reason"] == "经接口（市工信局）：更名"
    assert ("枣庄接口科技有限公司", "枣庄接口科技股份有限公司") in [
        (old, new) for _field, old, new in latest["changes"]
    ]


def test_a_wrong_check_character_is_refused_with_the_expected_one(make_client, api, division):
    _client, token = make_client(Scope.ENTERPRISES_WRITE)
    body = _enterprise_body(division)
    good = body["credit_code"]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = api(token).post("/api/v1/enterprises/", {**body, "credit_code": wrong})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.body["errors"][0]["pointer"] == "/credit_code"
    assert response.body["errors"][0]["code"] == "credit_code_check"
    assert f"应为 {good[17]}" in response.body["errors"][0]["detail"]
    assert not Enterprise.objects.filter(credit_code=wrong).exists()


@pytest.mark.parametrize(
    ("hostile", "code"),
    [
        ("枣庄\u202e科技", "forbidden_character"),
        ("枣庄\x1b科技", "forbidden_character"),
        # DRF refuses a NUL before our validator sees it, in its own (translated) words.
        ("枣庄\x00科技", "null_characters_not_allowed"),
    ],
)
@pytest.mark.parametrize("field", ["name", "division", "town", "address"])
def test_control_and_direction_characters_are_refused_by_the_api_as_by_the_forms(
    make_client, api, division, hostile, code, field
):
    """On every text field, the division too: it is looked up in the database, and a NUL in its text
    reached PostgreSQL's query and answered 500 (found by Schemathesis on CI)."""
    _client, token = make_client(Scope.ENTERPRISES_WRITE)
    body = _enterprise_body(division)
    response = api(token).post("/api/v1/enterprises/", {**body, field: hostile})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.body["errors"]
    assert {error["pointer"] for error in errors} == {f"/{field}"}
    error = next(error for error in errors if error["code"] == code)
    if code == "forbidden_character":
        assert error["detail"].startswith("文本中含有无法保存的字符：")
    assert not Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


def test_a_credit_code_typed_with_full_width_characters_is_stored_canonical(make_client, api, division):
    _client, token = make_client(Scope.ENTERPRISES_WRITE)
    body = _enterprise_body(division)
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in body["credit_code"])
    response = api(token).post("/api/v1/enterprises/", {**body, "credit_code": wide})
    assert response.status_code == 201, response.body
    assert response.body["credit_code"] == body["credit_code"]
    assert Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


def test_a_recognition_is_added_and_renewed(make_client, api, division):
    _client, token = make_client(Scope.ENTERPRISES_WRITE, name="市工信局")
    code = api(token).post("/api/v1/enterprises/", _enterprise_body(division, recognitions=[])).body["credit_code"]
    added = api(token).post(
        f"/api/v1/enterprises/{code}/recognitions/",
        {"kind": "specialized_sme", "level": "provincial", "year_granted": 2023},
    )
    assert added.status_code == 201, added.body
    renewed = api(token).patch(
        f"/api/v1/enterprises/{code}/recognitions/{added.body['id']}/", {"expires_on": "2026-12-31"}
    )
    assert renewed.status_code == 200 and renewed.body["expires_on"] == "2026-12-31"
    refused = api(token).patch(
        f"/api/v1/enterprises/{code}/recognitions/{added.body['id']}/", {"expires_on": "2020-01-01"}
    )
    assert refused.status_code == 400 and refused.body["errors"][0]["pointer"] == "/expires_on"


def test_hours_from_the_training_platform_arrive_unrecognised(make_client, api, other_division):
    client, token = make_client(Scope.HOURS_WRITE, name="继续教育平台")
    person = UserFactory(roles=[Role.APPLICANT], id_number=make_id_number())
    record = {
        "record": "PX-2025-0001",
        "id_number": person.id_number,
        "name": person.real_name,
        "year": timezone.localdate().year,
        "category": "专业科目",
        "hours": 24,
        "course": "数控机床新技术",
    }
    response = api(token).post("/api/v1/training-hours/", {"records": [record]})
    assert response.status_code == 201, response.body
    entry = TrainingEntry.objects.get(platform_record="PX-2025-0001")
    assert entry.person == person and entry.hours == 24 and entry.status == EntryStatus.PENDING
    client.refresh_from_db()
    assert entry.created_by == client.service_user
    assert entry.training_import.file_name == "接口：继续教育平台"
    again = api(token).post(
        "/api/v1/training-hours/", {"records": [record, {**record, "record": "PX-2", "hours": 900}]}
    )
    assert again.status_code == 400
    assert [error["pointer"] for error in again.body["errors"]] == ["/records/0", "/records/1"]
    assert TrainingEntry.objects.count() == 1


def test_every_call_is_recorded_once(filed_batch, make_client, api):
    client, token = make_client(Scope.RESULTS_READ)
    api(token).get(f"/api/v1/batches/{filed_batch['batch'].pk}/filed-results/")
    api(token).get("/api/v1/enterprises/")
    calls = list(ApiCall.objects.filter(client=client).order_by("id"))
    assert [(c.scope, c.method, c.status, c.object_count) for c in calls] == [
        ("results:read", "GET", 200, 2),
        ("enterprises:read", "GET", 403, 0),
    ]


def test_the_list_of_calls_in_admin_costs_the_same_at_1_and_3_rows(
    city, client_for, make_client, api, django_assert_num_queries
):
    from django.db import connection
    from django.urls import reverse

    from tests.helpers import assert_constant_queries

    _client, token = make_client(Scope.BATCHES_READ)
    browser = client_for(city)
    url = reverse("admin:api_apicall_changelist")
    assert_constant_queries(
        django_assert_num_queries,
        lambda: browser.get(url),
        lambda: api(token).get("/api/v1/batches/"),
        # PostgreSQL adds the admin's estimated count (pg_class) of the unfiltered list.
        expected=QUERIES_OF_THE_CALL_LIST + (connection.vendor == "postgresql"),
    )


#: The admin list of calls (measured on SQLite): session, user and roles, the page's rows with their client and
#: token in one query, the filters' choices (clients, scopes, methods, statuses) and the admin's own.
QUERIES_OF_THE_CALL_LIST = 14


def test_divisions_are_named_by_code_or_name_and_a_wrong_one_lists_them(make_client, api, division):
    _client, token = make_client(Scope.ENTERPRISES_WRITE)
    DivisionFactory(code="370402", name="市中区")
    response = api(token).post("/api/v1/enterprises/", {**_enterprise_body(division), "division": "北京"})
    assert response.status_code == 400
    assert "370402 市中区" in response.body["errors"][0]["detail"]
