"""The review's columns of the applications export (scores, votes, result) and the expert pool's export
(``reviews.exports``), checked against figures counted by hand, in a constant number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from reviews.models import Assignment, Case, Score
from tests.factories import UserFactory
from tests.reviews.factories import ExpertFactory, ReviewWorld, SpecialtyFactory
from tests.scale import add_cases
from zaozhuang_titles import exports
from zaozhuang_titles.exports import export_build, export_start
from zaozhuang_titles.models import Export, Role


def exported(user, source, query=None):
    # The headers and labels in Chinese, as staff ask for them (this folder's tests run in English).
    with translation.override("zh-hans"):
        export = export_start(user=user, source_name=source, query=exports.query_dict(query or {}))
    assert export.status == Export.Status.DONE, export.error
    rows = [list(row) for row in load_workbook(io.BytesIO(export.file.read())).active.iter_rows(values_only=True)]
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def give_totals(case, totals):
    """Each expert of ``case`` (in order) submits scores adding up to its total (all on the first
    criterion); ``None`` leaves an expert's assignment unsubmitted."""
    criteria = list(case.meeting.batch.criteria.order_by("position"))
    for assignment, total in zip(case.assignments.order_by("expert_id"), totals, strict=True):
        if total is None:
            continue
        Score.objects.create(assignment=assignment, criterion=criteria[0], points=Decimal(total))
        Assignment.objects.filter(pk=assignment.pk).update(submitted_at=timezone.now())


@pytest.fixture
def review(db):
    return ReviewWorld(cases=2, panel_size=5)


def test_applications_export_gives_city_staff_the_scores_vote_and_result(review):
    scored, unscored = review.cases
    give_totals(scored, [80, 90, 70, 60, 100])
    # A recused expert's scores never count: the fifth expert declares a conflict on the second case.
    give_totals(unscored, [None, None, None, None, 50])
    Assignment.objects.filter(case=unscored, expert=review.experts[-1]).update(conflict_declared_at=timezone.now())
    Case.objects.filter(pk=scored.pk).update(present=5, yes=4, no=1, abstain=0, result=Case.Result.PASSED)

    rows = {row["申报编号"]: row for row in exported(review.city, "admin:applications.application")}

    first = rows[scored.application.number]
    assert first["评审会议"] == review.meeting.name
    assert first["评分专家数"] == 5
    assert first["平均分"] == 80  # (80+90+70+60+100)/5
    assert first["最终得分（去掉最高最低分）"] == 80  # (80+90+70)/3
    assert (first["参加表决专家数"], first["同意"], first["不同意"], first["弃权"]) == (5, 4, 1, 0)
    assert first["结果"] == "评审通过"
    second = rows[unscored.application.number]
    assert second["评审会议"] == review.meeting.name
    assert (second["评分专家数"], second["平均分"], second["最终得分（去掉最高最低分）"]) == (None, None, None)
    assert (second["参加表决专家数"], second["同意"]) == (None, None)  # the vote is not closed
    assert second["结果"] == "待定"


def test_the_latest_meeting_of_an_application_reviewed_twice_is_shown(review):
    from tests.reviews.factories import MeetingFactory

    case = review.cases[0]
    Case.objects.filter(pk=case.pk).update(result=Case.Result.NOT_PASSED, present=5, yes=1, no=4, abstain=0)
    later = MeetingFactory(batch=review.batch, specialty=review.specialty, name="复议会议")
    Case.objects.create(meeting=later, application=case.application, present=5, yes=5, no=0, abstain=0, result="passed")

    [row] = [
        row
        for row in exported(review.city, "admin:applications.application")
        if row["申报编号"] == case.application.number
    ]

    assert (row["评审会议"], row["同意"], row["结果"]) == ("复议会议", 5, "评审通过")


def test_review_columns_cost_the_same_queries_at_one_and_many_cases(review):
    give_totals(review.cases[0], [80, 90, 70, 60, 100])

    def build_queries():
        export = export_start(
            user=review.city, source_name="admin:applications.application", query=exports.query_dict({})
        )
        Export.objects.filter(pk=export.pk).update(status=Export.Status.PENDING, file="")
        with CaptureQueriesContext(connection) as captured:
            export_build(export_id=export.pk)
        return len(captured)

    few = build_queries()
    add_cases(review, 25)
    assert build_queries() == few


def test_expert_pool_export_in_the_import_columns(db):
    city = UserFactory(roles=[Role.CITY_STAFF])
    specialties = [SpecialtyFactory(name="机械设计"), SpecialtyFactory(name="电气自动化")]
    expert = ExpertFactory(
        user=UserFactory(real_name="王建国", mobile="13906325678", roles=[Role.EXPERT]),
        specialties=specialties,
        title_name="正高级工程师",
        employer_name="枣庄学院",
        term_starts=datetime.date(2025, 1, 1),
        term_ends=datetime.date(2027, 12, 31),
    )

    [row] = exported(city, "admin:reviews.expert")

    assert row == {
        "姓名": "王建国",
        "手机号码": "13906325678",
        "职称": "正高级工程师",
        "职称级别": "正高级",
        "评审专业": "机械设计、电气自动化" if "机械设计" < "电气自动化" else "电气自动化、机械设计",
        "工作单位": "枣庄学院",
        "单位统一社会信用代码": expert.employer_credit_code or None,
        "任期开始": "2025-01-01",
        "任期结束": "2027-12-31",
        "在库": "是",
    }


def test_admin_expert_list_export_follows_its_filter(db, client_for):
    city = UserFactory(roles=[Role.CITY_STAFF])
    ExpertFactory(user=UserFactory(real_name="在库专家", roles=[Role.EXPERT]))
    ExpertFactory(user=UserFactory(real_name="停用专家", roles=[Role.EXPERT]), is_active=False)
    client = client_for(city)

    response = client.post(reverse("admin:reviews_expert_export") + "?is_active__exact=0")
    content = b"".join(client.get(response["Location"]).streaming_content)

    sheet = load_workbook(io.BytesIO(content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["停用专家"]
    assert Export.objects.get().description == "有效：否"
