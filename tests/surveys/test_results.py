"""Results against a hand-made fixture: three enterprises submitted, one has a draft (not counted)."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from enterprises.models import RecognitionKind
from surveys.excel import results_workbook
from surveys.results import chart_data, dispatch_results
from surveys.services import response_save
from tests.enterprises.factories import ContactFactory, EnterpriseFactory, RecognitionFactory
from tests.surveys.factories import DispatchFactory, RecipientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(survey, division, other_division):
    questionnaire, (q1, q2, q3, q4, q5, q6) = survey
    dispatch = DispatchFactory(questionnaire=questionnaire)
    expired = timezone.localdate() - datetime.timedelta(days=1)

    def enterprise(name, where, *recognitions):
        made = EnterpriseFactory(name=name, division=where)
        for kind, expires in recognitions:
            RecognitionFactory(enterprise=made, kind=kind, expires_on=expires)
        recipient = RecipientFactory(dispatch=dispatch, enterprise=made)
        return recipient, ContactFactory(enterprise=made).user

    one = enterprise("甲公司", division, ("specialized_sme", None), ("little_giant", None))
    two = enterprise("乙公司", division, ("specialized_sme", None))
    three = enterprise("丙公司", other_division, ("champion_enterprise", expired))
    four = enterprise("丁公司", other_division, ("specialized_sme", None))
    yes, no = q1.opt["是"].pk, q1.opt["否"].pk
    a, b, c = (q3.opt[label].pk for label in "ABC")
    for (recipient, user), answers, submit in [
        (one, {q1.pk: yes, q2.pk: "10", q3.pk: [a, c], q4.pk: 5, q5.pk: "需要培训", q6.pk: "建议一"}, True),
        (two, {q1.pk: no, q3.pk: [a], q4.pk: 3, q6.pk: ""}, True),
        (three, {q1.pk: yes, q2.pk: "4", q3.pk: [b], q4.pk: 4, q6.pk: '=HYPERLINK("http://x")'}, True),
        (four, {q1.pk: yes, q2.pk: "99", q3.pk: [c], q4.pk: 1}, False),
    ]:
        response_save(recipient=recipient, user=user, answers=answers, submit=submit)
    return dispatch


def by_number(results):
    return {item["number"]: item for item in results}


def test_counts_per_question(answered):
    results = by_number(dispatch_results(answered))

    assert [(row["label"], row["count"], row["percent"]) for row in results[1]["rows"]] == [
        ("是", 2, 66.7),
        ("否", 1, 33.3),
    ]
    assert [item["respondents"] for item in results.values()] == [3, 2, 3, 3, 1, 2]
    assert [(row["label"], row["count"]) for row in results[3]["rows"]] == [("A", 2), ("B", 1), ("C", 1)]
    assert [row["count"] for row in results[4]["rows"]] == [0, 0, 1, 1, 1]
    assert results[2]["stats"] == {"mean": 7.0, "low": "4", "high": "10"}
    assert results[4]["stats"] == {"mean": 4.0, "low": "3", "high": "5"}


def test_free_text_answers_are_listed_with_their_enterprise(answered):
    results = by_number(dispatch_results(answered))

    assert [(t["response__recipient__enterprise__name"], t["text"]) for t in results[5]["texts"]] == [
        ("甲公司", "需要培训")
    ]
    assert [t["text"] for t in results[6]["texts"]] == ['=HYPERLINK("http://x")', "建议一"]


def test_cross_tabulation_by_division(answered, division, other_division):
    results = by_number(dispatch_results(answered))

    assert [(row["label"], row["respondents"], row["counts"]) for row in results[1]["by_division"]] == [
        (other_division.name, 1, [1, 0]),
        (division.name, 2, [1, 1]),
    ] or [(row["label"], row["respondents"], row["counts"]) for row in results[1]["by_division"]] == [
        (division.name, 2, [1, 1]),
        (other_division.name, 1, [1, 0]),
    ]


def test_cross_tabulation_by_recognition_kind_counts_valid_recognitions(answered):
    results = by_number(dispatch_results(answered))
    sme = str(RecognitionKind.SPECIALIZED_SME.label)
    giant = str(RecognitionKind.LITTLE_GIANT.label)

    table = {str(row["label"]): (row["respondents"], row["counts"]) for row in results[3]["by_kind"]}

    assert table == {sme: (2, [2, 0, 1]), giant: (1, [1, 0, 1]), "No valid recognition": (1, [0, 1, 0])}


def test_chart_data_has_the_counted_questions(answered):
    data = chart_data(dispatch_results(answered))

    assert [(q["title"][:2], q["labels"], q["counts"]) for q in data["questions"]] == [
        ("1.", ["是", "否"], [2, 1]),
        ("3.", ["A", "B", "C"], [2, 1, 1]),
        ("4.", ["1", "2", "3", "4", "5"], [0, 0, 1, 1, 1]),
    ]


def test_results_cost_a_fixed_number_of_queries(answered, django_assert_num_queries):
    with django_assert_num_queries(11):
        dispatch_results(answered)


def test_export_holds_the_summary_the_answers_and_the_cross_tables(answered):
    workbook = load_workbook(io.BytesIO(results_workbook(answered)))

    assert workbook.sheetnames == ["Summary", "Answers", "By division", "By recognition kind"]
    summary = [list(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    assert [1, "是否申报", "Single choice (单选)", "是", 2, 66.7] in summary
    assert [2, "人数", "Number (数字)", "Average", 7, None] in summary or [
        2,
        "人数",
        "Number (数字)",
        "Average",
        7.0,
        None,
    ] in summary
    answers = [list(row) for row in workbook["Answers"].iter_rows(values_only=True)]
    assert answers[0][:5] == [
        "Enterprise",
        "Unified social credit code",
        "Division",
        "Recognitions valid today",
        "Answered by",
    ]
    assert [row[0] for row in answers[1:]] == ["丙公司", "乙公司", "甲公司"]  # submitted only, by name
    first = next(row for row in answers if row[0] == "甲公司")
    assert first[7:] == ["是", 10, "A；C", 5, "需要培训", "建议一"]
    third = next(row for row in answers if row[0] == "丙公司")
    assert third[-1] == '=HYPERLINK("http://x")'  # text, never a formula
    assert third[3] is None  # its only recognition expired: an empty cell
    cells = [cell for row in workbook["Answers"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    by_division = [list(row) for row in workbook["By division"].iter_rows(values_only=True)]
    assert [value for value in by_division[0] if value is not None] == ["1. 是否申报"]
