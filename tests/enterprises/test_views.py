"""Staff pages: district scoping everywhere, constant queries, registration, archive, statistics, QR."""

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from enterprises.models import Enterprise, ServiceLog
from tests.enterprises.factories import (
    CommissionerFactory,
    ContactFactory,
    EnterpriseFactory,
    RecognitionFactory,
    ServiceLogFactory,
    make_credit_code,
)
from tests.factories import BatchFactory, TownFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_user(make_user, division):
    return make_user(Role.DISTRICT_STAFF, roles__division=division)


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


def full_enterprise(division, **kwargs):
    commissioner = CommissionerFactory(division=division)
    enterprise = EnterpriseFactory(
        division=division, town=TownFactory(division=division), commissioner=commissioner, **kwargs
    )
    RecognitionFactory(enterprise=enterprise)
    RecognitionFactory(
        enterprise=enterprise,
        kind="little_giant",
        level="national",
        expires_on=datetime.date(2021, 1, 1),
        year_granted=2020,
    )
    ContactFactory(enterprise=enterprise)
    ServiceLogFactory(
        enterprise=enterprise, commissioner=commissioner, kind=ServiceLog.Kind.CONSULTATION, people_count=3
    )
    return enterprise


def test_list_district_staff_sees_only_own_division(client_for, district_user, division, other_division):
    mine = EnterpriseFactory(division=division, name="本区企业")
    EnterpriseFactory(division=other_division, name="外区企业")
    response = client_for(district_user).get(reverse("enterprises:list"))
    assert list(response.context["enterprises"]) == [mine]
    assert "外区企业" not in response.content.decode()


def test_list_district_staff_cannot_widen_scope_with_division_filter(client_for, district_user, other_division):
    EnterpriseFactory(division=other_division)
    response = client_for(district_user).get(reverse("enterprises:list"), {"division": other_division.pk})
    assert response.context["enterprises"] == []


def test_list_filters(client_for, city_user, division, other_division):
    today = timezone.localdate()
    expiring = EnterpriseFactory(division=division, name="即将到期")
    RecognitionFactory(enterprise=expiring, expires_on=today + datetime.timedelta(days=30))
    later = EnterpriseFactory(division=other_division, name="长期有效", is_key=False)
    RecognitionFactory(enterprise=later, kind="little_giant", level="national")
    client = client_for(city_user)
    url = reverse("enterprises:list")
    assert client.get(url, {"expiring": "on"}).context["enterprises"] == [expiring]
    assert client.get(url, {"recognition_kind": "little_giant"}).context["enterprises"] == [later]
    assert client.get(url, {"is_key": "no"}).context["enterprises"] == [later]
    assert client.get(url, {"commissioner": "none", "is_key": "yes"}).context["enterprises"] == [expiring]
    assert client.get(url, {"q": later.credit_code.lower()}).context["enterprises"] == [later]
    assert client.get(url, {"q": "即将"}).context["enterprises"] == [expiring]


def test_list_keyset_pages_keep_the_filters_and_the_name_order(client_for, city_user, division, other_division):
    # 60 enterprises of one division, names with ties (several share a name) and a "~" in some: the pages
    # follow (name, id), forward and back, within the division filter; the total counts them all.
    made = [EnterpriseFactory(division=division, name=f"同名~企业{index // 4:02d}") for index in range(60)]
    EnterpriseFactory(division=other_division, name="同名~企业00")
    expected = [e.pk for e in sorted(made, key=lambda e: (e.name, e.pk))]
    client = client_for(city_user)
    url = reverse("enterprises:list")

    first = client.get(url, {"division": division.pk})
    second = client.get(url, {"division": division.pk, "after": first.context["page"].next_cursor})
    back = client.get(url, {"division": division.pk, "before": second.context["page"].previous_cursor})

    assert [e.pk for e in first.context["enterprises"]] + [e.pk for e in second.context["enterprises"]] == expected
    assert second.context["page"].next_cursor is None
    assert [e.pk for e in back.context["enterprises"]] == expected[:50]
    assert first.context["total"] == second.context["total"] == 60
    assert 'data-testid="next"' in first.content.decode()


def test_list_bad_cursor_shows_the_first_page_with_a_message(client_for, city_user, division):
    mine = EnterpriseFactory(division=division)

    response = client_for(city_user).get(reverse("enterprises:list"), {"before": "x~y~z"})

    assert response.context["enterprises"] == [mine]
    assert "The page link is not valid" in response.content.decode() or "翻页链接无效" in response.content.decode()


def test_list_constant_queries(client_for, city_user, division, django_assert_num_queries):
    client = client_for(city_user)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("enterprises:list")),
        lambda: full_enterprise(division),
        expected=13,
    )
    print(f"\nenterprises:list queries = {count}")


def test_commissioner_home_constant_queries(client_for, make_user, division, django_assert_num_queries):
    user = make_user(Role.COMMISSIONER)
    commissioner = CommissionerFactory(user=user)

    def add():
        enterprise = full_enterprise(division)
        enterprise.commissioner = commissioner
        enterprise.save()

    client = client_for(user)
    # 10, and the commissioner scope's own lookup of the reader's commissioner record (once per request)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("enterprises:commissioner_home")), add, expected=11
    )
    print(f"\nenterprises:commissioner_home queries = {count}")


def test_statistics_constant_queries(client_for, city_user, division, django_assert_num_queries):
    client = client_for(city_user)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("enterprises:statistics")),
        lambda: full_enterprise(division),
        expected=13,
    )
    print(f"\nenterprises:statistics queries = {count}")


def test_detail_and_history_of_other_division_are_404(client_for, district_user, other_division):
    enterprise = EnterpriseFactory(division=other_division)
    client = client_for(district_user)
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("enterprises:history", args=[enterprise.pk])).status_code == 404
    assert client.post(reverse("enterprises:verify", args=[enterprise.pk])).status_code == 404


def test_export_is_scoped_and_filtered(client_for, district_user, division, other_division):
    mine = full_enterprise(division)
    EnterpriseFactory(division=other_division)
    client = client_for(district_user)
    response = client.post(reverse("enterprises:export"))
    download = client.get(response["Location"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [mine.credit_code]
    assert sheet.cell(1, 1).value == "企业名称"


def test_statistics_are_scoped_for_district_staff(client_for, district_user, division, other_division):
    full_enterprise(division)
    full_enterprise(other_division)
    stats = client_for(district_user).get(reverse("enterprises:statistics")).context["stats"]
    assert stats["totals"]["enterprises_served"] == 1
    assert stats["totals"]["consultations"] == 3


def test_statistics_by_commissioner_division_and_month(client_for, city_user, division, other_division):
    commissioner = CommissionerFactory(division=None)
    first = EnterpriseFactory(division=division, commissioner=commissioner)
    second = EnterpriseFactory(division=other_division, commissioner=commissioner)
    day = timezone.localdate().replace(day=1)
    ServiceLogFactory(enterprise=first, commissioner=commissioner, kind="consultation", people_count=4, occurred_on=day)
    ServiceLogFactory(
        enterprise=second, commissioner=commissioner, kind="consultation", people_count=2, occurred_on=day
    )
    ServiceLogFactory(
        enterprise=second, commissioner=commissioner, kind="problem", occurred_on=day, solution="已解决", solved_on=day
    )
    ServiceLogFactory(enterprise=second, commissioner=commissioner, kind="problem", occurred_on=day)
    stats = client_for(city_user).get(reverse("enterprises:statistics")).context["stats"]
    assert stats["totals"] == {
        "enterprises_served": 2,
        "entries": 4,
        "visits": 0,
        "consultations": 6,
        "policy_sessions": 0,
        "problems_raised": 2,
        "problems_solved": 1,
    }
    assert [row["enterprises_served"] for row in stats["by_commissioner"]] == [2]
    assert sorted(row["consultations"] for row in stats["by_division"]) == [2, 4]
    assert [row["problems_solved"] for row in stats["by_month"]] == [1]


def test_registration_page_registers_and_duplicate_shows_existing(client_for, make_user, division):
    town = TownFactory(division=division, name="荆河街道")
    data = {
        "name": "滕州新注册机械有限公司",
        "credit_code": make_credit_code("370481"),
        "legal_representative": "赵六",
        "chairman_name": "赵六",
        "division": division.pk,
        "town": town.pk,
        "professional_staff_count": 8,
        "recognition_kind": "specialized_sme",
        "recognition_level": "provincial",
        "recognition_year": 2022,
    }
    contact = make_user(Role.ENTERPRISE_CONTACT)
    response = client_for(contact).post(reverse("enterprises:register"), data)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=data["credit_code"])
    assert enterprise.status == Enterprise.Status.PENDING
    home = client_for(contact).get(reverse("enterprises:contact_home")).content.decode()
    assert enterprise.name in home
    # The QR code says what it opens.
    assert 'data-testid="public-qr"' in home
    assert "<figcaption" in home
    assert reverse("enterprises:public", args=[enterprise.public_token]) in home

    other = make_user(Role.ENTERPRISE_CONTACT)
    response = client_for(other).post(reverse("enterprises:register"), data)
    assert response.status_code == 409
    assert contact.real_name in response.content.decode()
    assert Enterprise.objects.count() == 1


def test_verify_page_by_district_staff(client_for, district_user, division):
    enterprise = EnterpriseFactory(division=division, status=Enterprise.Status.PENDING)
    client = client_for(district_user)
    assert (
        'data-testid="verify-form"' in client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    )
    client.post(reverse("enterprises:verify", args=[enterprise.pk]))
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.ACTIVE


def test_history_timeline_shows_who_changed_what(client_for, city_user, division):
    enterprise = EnterpriseFactory(division=division, professional_staff_count=10)
    client = client_for(city_user)
    commissioner = CommissionerFactory(division=division)
    client.post(
        reverse("enterprises:assign_commissioner", args=[enterprise.pk]),
        {"commissioner": commissioner.pk, "reason": "首次分配"},
    )
    RecognitionFactory(enterprise=enterprise)
    response = client.get(reverse("enterprises:history", args=[enterprise.pk]))
    timeline = response.context["timeline"]
    change = next(entry for entry in timeline if entry["reason"] == "首次分配")
    assert change["user"] == city_user
    assert any(old == "—" and new == str(commissioner) for _field, old, new in change["changes"])
    assert len(timeline) == 3
    assert commissioner.user.real_name in response.content.decode()


def test_commissioner_logs_visit_from_page(client_for, make_user, division):
    user = make_user(Role.COMMISSIONER)
    commissioner = CommissionerFactory(user=user)
    enterprise = EnterpriseFactory(division=division, commissioner=commissioner)
    response = client_for(user).post(
        reverse("enterprises:service_log_add", args=[enterprise.pk]),
        {"kind": "visit", "occurred_on": timezone.localdate().isoformat(), "people_count": 1, "summary": "走访"},
    )
    assert response.status_code == 302
    assert ServiceLog.objects.get().enterprise == enterprise


def test_commissioner_cannot_log_for_enterprise_it_does_not_serve(client_for, make_user, division):
    user = make_user(Role.COMMISSIONER)
    CommissionerFactory(user=user)
    enterprise = EnterpriseFactory(division=division, commissioner=CommissionerFactory())
    url = reverse("enterprises:service_log_add", args=[enterprise.pk])
    assert client_for(user).get(url).status_code == 404
    data = {"kind": ServiceLog.Kind.VISIT, "occurred_on": "2026-11-20", "people_count": 1, "summary": "走访"}
    assert client_for(user).post(url, data).status_code == 404
    assert not ServiceLog.objects.filter(enterprise=enterprise).exists()


def test_public_page_shows_commissioner_and_no_applicant_data(client, division):
    enterprise = full_enterprise(division)
    contact = enterprise.contacts.get()
    response = client.get(reverse("enterprises:public", args=[enterprise.public_token]))
    content = response.content.decode()
    assert enterprise.commissioner.work_phone in content
    assert contact.mobile not in content
    svg = client.get(reverse("enterprises:qr_code", args=[enterprise.public_token]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert client.get(reverse("enterprises:public", args=["not-a-token"])).status_code == 404


def test_public_page_lists_the_open_calls_only(client, division):
    enterprise = full_enterprise(division)
    open_batch = BatchFactory(name="开放中的专项评审")
    BatchFactory(name="已结束的专项评审", closes_at=timezone.now() - datetime.timedelta(days=1))

    content = client.get(reverse("enterprises:public", args=[enterprise.public_token])).content.decode()

    assert 'data-testid="open-batches"' in content
    assert open_batch.name in content
    assert "已结束的专项评审" not in content


def test_public_page_says_when_no_call_is_open(client, division):
    enterprise = full_enterprise(division)

    content = client.get(reverse("enterprises:public", args=[enterprise.public_token])).content.decode()

    assert 'data-testid="open-batches"' not in content
    assert "目前没有开放申报的评审批次" in content


def test_detail_query_count_is_constant(client_for, city_user, division, django_assert_num_queries):
    """一企一档: the enterprise's page with 1 and 3 recognitions, contacts and service-log entries."""
    enterprise = EnterpriseFactory(division=division, commissioner=CommissionerFactory(division=division))

    def add():
        RecognitionFactory(enterprise=enterprise)
        ContactFactory(enterprise=enterprise)
        ServiceLogFactory(enterprise=enterprise, commissioner=enterprise.commissioner, kind=ServiceLog.Kind.PROBLEM)

    client = client_for(city_user)
    url = reverse("enterprises:detail", args=[enterprise.pk])
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add, expected=11)
    response = client.get(url)
    assert len(response.context["logs"]) == 3
    assert len(response.context["recognitions"]) == 3


def test_history_query_count_is_constant(client_for, city_user, division, django_assert_num_queries):
    """The archive timeline with 1 and 3 more changes of the enterprise's record."""
    enterprise = EnterpriseFactory(division=division)
    names = iter(["枣庄甲科技有限公司", "枣庄乙科技有限公司", "枣庄丙科技有限公司"])

    def add():
        enterprise.name = next(names)
        enterprise.save()

    client = client_for(city_user)
    url = reverse("enterprises:history", args=[enterprise.pk])
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add, expected=14)
    assert "枣庄丙科技有限公司" in client.get(url).content.decode()


def test_history_query_count_is_constant_over_recognitions(client_for, city_user, division, django_assert_num_queries):
    """The archive timeline with 1 and 3 recognitions added, each named in it (without a query per
    recognition for the field its history leaves out)."""
    enterprise = EnterpriseFactory(division=division)
    client = client_for(city_user)
    url = reverse("enterprises:history", args=[enterprise.pk])
    recognitions = []
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(url),
        lambda: recognitions.append(RecognitionFactory(enterprise=enterprise)),
        expected=14,
    )
    subjects = [entry["subject"] for entry in client.get(url).context["timeline"]]
    with translation.override(settings.LANGUAGE_CODE):
        named = f"{translation.gettext('Recognition')} · {recognitions[0]}"
    assert subjects.count(named) == 3


def test_contact_home_query_count_is_constant(client_for, division, django_assert_num_queries):
    """本单位: the contact's enterprise with 1 and 3 recognitions."""
    contact = ContactFactory(enterprise=EnterpriseFactory(division=division))
    client = client_for(contact.user)
    url = reverse("enterprises:contact_home")

    def add():
        RecognitionFactory(enterprise=contact.enterprise)

    # 10, and the library's look-up of the package in hand (none here; its items make 2 when there is one).
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), add, expected=11)
    assert client.get(url).content.decode().count('data-testid="recognition"') == 3
