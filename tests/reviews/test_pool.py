"""The expert pool: creating and updating experts, the committee's size rules (人社部令第40号), and the
Excel import with every row checked first (all rows or none)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from reviews import excel
from reviews.models import Committee, Expert, Specialty, term_limit
from reviews.selectors.pool import committee_problems, size_problems
from reviews.services.pool import committee_create, committee_update, expert_create, expert_update, experts_import
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import BatchFactory, UserFactory
from tests.helpers import assert_constant_queries
from tests.reviews.factories import ExpertFactory, SpecialtyFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 1, 1)


@pytest.fixture
def city():
    return UserFactory(roles=[Role.CITY_STAFF])


# --- committee size rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "count", "broken"),
    [
        (Committee.Kind.SERIES, 23, ["min"]),
        (Committee.Kind.SERIES, 24, ["odd", "min"]),
        (Committee.Kind.SERIES, 25, []),
        (Committee.Kind.SERIES, 26, ["odd"]),
        (Committee.Kind.SERIES, 27, []),
        (Committee.Kind.SPECIALTY, 9, ["min"]),
        (Committee.Kind.SPECIALTY, 10, ["odd", "min"]),
        (Committee.Kind.SPECIALTY, 11, []),
        (Committee.Kind.SPECIALTY, 12, ["odd"]),
        (Committee.Kind.SPECIALTY, 0, ["odd", "min"]),
    ],
)
def test_size_problems_boundaries(kind, count, broken):
    with translation.override("en"):
        problems = size_problems(kind, count)
    assert len(problems) == len(broken)
    assert all("人社部令第40号" in problem for problem in problems)
    if "odd" in broken:
        assert "odd" in problems[0]
    if "min" in broken:
        assert str(25 if kind == Committee.Kind.SERIES else 11) in problems[-1]


def test_committee_problems_counts_members_and_flags_long_terms():
    committee = Committee.objects.create(batch=BatchFactory(), name="委员会", kind=Committee.Kind.SPECIALTY)
    experts = [ExpertFactory() for _ in range(11)]
    committee.members.set(experts)
    assert committee_problems(committee) == []
    # A term of more than 3 years cannot be saved through clean(); caught anyway if written around it.
    Expert.objects.filter(pk=experts[0].pk).update(term_starts=START, term_ends=datetime.date(2027, 1, 2))
    problems = committee_problems(Committee.objects.get(pk=committee.pk))
    assert len(problems) == 1
    assert "3" in problems[0] and str(experts[0]) in problems[0]


# --- services -------------------------------------------------------------------------------------


def test_expert_create_makes_a_user_with_the_expert_role(city):
    expert = expert_create(
        actor=city,
        real_name="刘振华",
        mobile="13812345678",
        specialties=[SpecialtyFactory()],
        title_name="正高级工程师",
        employer_name="山东理工大学",
        term_starts=START,
        term_ends=datetime.date(2026, 12, 31),
    )
    assert expert.user.username == "13812345678"
    assert expert.user.real_name == "刘振华"
    assert expert.user.has_role(Role.EXPERT)
    assert not expert.user.has_usable_password()
    assert [s.name for s in expert.specialties.all()] == ["机械设计"]


def test_expert_create_links_an_existing_user_and_its_registered_employer(city):
    user = UserFactory(mobile="13812345679")
    enterprise = EnterpriseFactory()
    expert = expert_create(
        actor=city,
        mobile="13812345679",
        specialties=[SpecialtyFactory()],
        title_name="高级工程师",
        employer_name=enterprise.name,
        employer_credit_code=enterprise.credit_code.lower(),
        term_starts=START,
        term_ends=datetime.date(2025, 12, 31),
    )
    assert expert.user == user
    assert expert.employer == enterprise
    assert expert.employer_credit_code == enterprise.credit_code


def test_expert_create_refuses_a_term_over_three_years(city):
    with pytest.raises(ValidationError) as error:
        expert_create(
            actor=city,
            real_name="刘振华",
            mobile="13812345678",
            specialties=[SpecialtyFactory()],
            title_name="正高级工程师",
            employer_name="山东理工大学",
            term_starts=START,
            term_ends=datetime.date(2027, 1, 2),
        )
    assert "term_ends" in error.value.error_dict
    assert not Expert.objects.exists()


def test_expert_create_only_by_city_staff():
    with pytest.raises(PermissionDenied):
        expert_create(
            actor=UserFactory(roles=[Role.DISTRICT_STAFF]),
            real_name="x",
            mobile="13812345678",
            specialties=[SpecialtyFactory()],
            title_name="x",
            employer_name="x",
            term_starts=START,
            term_ends=datetime.date(2025, 1, 1),
        )


def test_expert_update_changes_the_term_and_specialties(city):
    expert = ExpertFactory()
    other = SpecialtyFactory(name="电气自动化")
    expert_update(
        expert=expert, actor=city, term_starts=START, term_ends=datetime.date(2026, 6, 30), specialties=[other]
    )
    expert.refresh_from_db()
    assert expert.term_ends == datetime.date(2026, 6, 30)
    assert list(expert.specialties.all()) == [other]


# --- Excel import ---------------------------------------------------------------------------------

HEADER = [title for _key, title in excel.COLUMNS]


def workbook(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def row(
    name="刘振华",
    mobile="13812345678",
    code="",
    specialties="机械设计、数控技术",
    starts="2024-01-01",
    ends="2026-12-31",
):
    return [name, mobile, "正高级工程师", "正高级", specialties, "山东理工大学", code, starts, ends, "是"]


def test_import_creates_experts_and_new_specialties(city):
    enterprise = EnterpriseFactory()
    raw = excel.parse_workbook(workbook(row(), row(name="王海涛", mobile="13812345670", code=enterprise.credit_code)))
    created, updated = experts_import(raw_rows=raw, actor=city)
    assert (len(created), len(updated)) == (2, 0)
    assert set(Specialty.objects.values_list("name", flat=True)) == {"机械设计", "数控技术"}
    assert Expert.objects.get(user__mobile="13812345670").employer == enterprise
    assert Expert.objects.get(user__mobile="13812345678").term_ends == datetime.date(2026, 12, 31)


def test_import_updates_an_expert_already_in_the_pool(city):
    expert = ExpertFactory(user__mobile="13812345678", user__real_name="刘振华")
    raw = excel.parse_workbook(workbook(row(starts="2025-01-01", ends="2027-12-31")))
    created, updated = experts_import(raw_rows=raw, actor=city)
    assert (created, updated) == ([], [expert])
    expert.refresh_from_db()
    assert expert.term_ends == datetime.date(2027, 12, 31)


def test_import_with_one_bad_row_writes_nothing_and_names_every_problem(city):
    good = row(name="王海涛", mobile="13812345670")
    raw = excel.parse_workbook(
        workbook(
            good,
            row(mobile="1381234"),  # row 3: bad mobile
            row(name="张三", mobile="13812345671", code="91370481MA3C0000X0"),  # row 4: bad credit code
            row(name="李四", mobile="13812345672", ends="2027-01-02"),  # row 5: term over 3 years
            row(name="赵六", mobile="13812345670"),  # row 6: mobile twice
            row(name="", mobile="13812345673", specialties=""),  # row 7: empty cells
        )
    )
    _rows, problems = excel.validate_rows(raw)
    by_row = {}
    for number, message in problems:
        by_row.setdefault(number, []).append(message)
    assert sorted(by_row) == [3, 4, 5, 6, 7]
    assert "11" in by_row[3][0]
    assert "91370481MA3C0000X0" in by_row[4][0]
    assert "人社部令第40号" in by_row[5][0]
    assert "2" in by_row[6][0] and "6" in by_row[6][0]
    assert len(by_row[7]) == 2
    with pytest.raises(ValidationError) as error:
        experts_import(raw_rows=raw, actor=city)
    assert len(error.value.messages) == len(problems)
    assert not Expert.objects.exists()
    assert not Specialty.objects.exists()


def test_import_refuses_a_mobile_of_someone_else(city):
    UserFactory(mobile="13812345678", real_name="别人")
    _rows, problems = excel.validate_rows(excel.parse_workbook(workbook(row())))
    assert len(problems) == 1
    assert "别人" in problems[0][1]


def test_parse_workbook_refuses_a_file_without_the_columns():
    book = Workbook()
    book.active.append(["名字", "电话"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ValidationError) as error:
        excel.parse_workbook(buffer)
    assert "姓名" in error.value.messages[0]


def test_parse_workbook_refuses_a_file_that_is_not_a_workbook():
    with pytest.raises(ValidationError):
        excel.parse_workbook(io.BytesIO(b"not a workbook"))


def test_export_round_trips_through_the_import(city):
    expert = ExpertFactory(user__mobile="13812345678", user__real_name="刘振华", term_starts=START)
    Expert.objects.filter(pk=expert.pk).update(term_ends=datetime.date(2026, 12, 31))
    data = excel.export_workbook(list(Expert.objects.select_related("user").prefetch_related("specialties")))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A2"].value == "刘振华"
    rows, problems = excel.validate_rows(excel.parse_workbook(io.BytesIO(data)))
    assert problems == []
    assert rows[0]["exists"] is True


def test_term_limit_is_three_years_on_and_28_february_from_a_leap_day():
    assert term_limit(datetime.date(2024, 1, 1)) == datetime.date(2027, 1, 1)
    assert term_limit(datetime.date(2024, 2, 29)) == datetime.date(2027, 2, 28)


# --- committee ----------------------------------------------------------------------------------------


def test_committee_create_saves_members_and_returns_the_rules_it_breaks(city):
    batch = BatchFactory()
    experts = ExpertFactory.create_batch(2)

    committee = committee_create(
        actor=city, batch=batch, name=" 机械专业评审委员会 ", kind=Committee.Kind.SPECIALTY, members=experts
    )

    assert (committee.batch, committee.name) == (batch, "机械专业评审委员会")
    assert set(committee.members.all()) == set(experts)
    assert committee.problems == size_problems(Committee.Kind.SPECIALTY, 2)
    assert committee.history.latest().history_user == city


def test_committee_update_changes_members_kind_and_reason_and_keeps_the_batch(city):
    batch = BatchFactory()
    committee = committee_create(actor=city, batch=batch, name="委员会", kind=Committee.Kind.SERIES, members=[])
    experts = ExpertFactory.create_batch(3)

    committee = committee_update(
        committee=committee,
        actor=city,
        name="委员会",
        kind=Committee.Kind.SPECIALTY,
        members=experts,
        size_override_reason=" 在库专家不足 ",
    )

    committee.refresh_from_db()
    assert (committee.batch, committee.kind, committee.size_override_reason) == (
        batch,
        Committee.Kind.SPECIALTY,
        "在库专家不足",
    )
    assert set(committee.members.all()) == set(experts)


def test_committee_create_refuses_a_second_committee_of_a_batch_and_anyone_but_city_staff(city):
    batch = BatchFactory()
    committee_create(actor=city, batch=batch, name="委员会", kind=Committee.Kind.SERIES, members=[])
    with pytest.raises(ValidationError) as caught:
        committee_create(actor=city, batch=batch, name="另一个", kind=Committee.Kind.SERIES, members=[])
    assert "batch" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        committee_create(
            actor=UserFactory(roles=[Role.EXPERT]), batch=BatchFactory(), name="x", kind="series", members=[]
        )
    assert list(Committee.objects.values_list("name", flat=True)) == ["委员会"]


def test_expert_pool_admin_list_query_count_is_constant(city, django_assert_num_queries):
    """专家库: the admin list of the pool with 1 and 3 experts, each with its specialties and employer."""
    client = Client()
    client.force_login(city, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    specialties = [SpecialtyFactory(name="机械设计"), SpecialtyFactory(name="电气自动化")]
    url = reverse("admin:reviews_expert_changelist")

    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(url),
        lambda: ExpertFactory(specialties=specialties, employer=EnterpriseFactory()),
        # was 13: no second count of the whole table (show_full_result_count = False); PostgreSQL asks
        # pg_class for the table's estimated size first (EstimatedCountPaginator).
        expected=12 + (connection.vendor == "postgresql"),
    )
    assert client.get(url).context["cl"].result_count == 3
