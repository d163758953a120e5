"""Results shared with district staff and commissioners: a questionnaire sent to enterprises in their
charge, counted over those enterprises' answers only, with the city's charts; outsiders refused."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys.selectors import results_enterprises, shared_results
from surveys.services import response_save
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.helpers import assert_constant_queries
from tests.surveys.factories import DispatchFactory, RecipientFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(make_user, division, other_division):
    """District staff of ``division`` and of ``other_division``, the commissioner serving 甲公司 and one
    serving no enterprise of the dispatch."""
    commissioner = make_user(Role.COMMISSIONER)
    return {
        "district": make_user(Role.DISTRICT_STAFF, roles__division=division, is_staff=True),
        "other_district": make_user(Role.DISTRICT_STAFF, roles__division=other_division, is_staff=True),
        "commissioner": commissioner,
        "served": CommissionerFactory(user=commissioner),
        "other_commissioner": CommissionerFactory().user,
    }


@pytest.fixture
def shared(survey, readers, division, other_division):
    """A dispatch to three enterprises that submitted: 甲公司 (``division``, served by the commissioner)
    answered 是 with the text 甲的建议, 乙公司 (``division``) 否, 丙公司 (``other_division``) 是 with 丙的建议."""
    questionnaire, questions = survey
    q1, _q2, q3, q4, _q5, q6 = questions
    dispatch = DispatchFactory(questionnaire=questionnaire)
    for name, where, choice, text, served in [
        ("甲公司", division, "是", "甲的建议", True),
        ("乙公司", division, "否", "", False),
        ("丙公司", other_division, "是", "丙的建议", False),
    ]:
        enterprise = EnterpriseFactory(name=name, division=where, commissioner=readers["served"] if served else None)
        recipient = RecipientFactory(dispatch=dispatch, enterprise=enterprise)
        answers = {q1.pk: q1.opt[choice].pk, q3.pk: [q3.opt["A"].pk], q4.pk: 4, q6.pk: text}
        if choice == "是":
            answers[questions[1].pk] = "5"
        response_save(
            recipient=recipient, user=ContactFactory(enterprise=enterprise).user, answers=answers, submit=True
        )
    return dispatch


def counts_of_question_1(client, dispatch):
    data = client.get(reverse("surveys:results_data", args=[dispatch.pk])).json()
    first = data["questions"][0]
    return dict(zip(first["labels"], first["counts"], strict=True))


def test_district_staff_read_the_results_of_their_divisions_enterprises_only(shared, readers, city_user, client_for):
    district = client_for(readers["district"])
    district.cookies.load({"django_language": "zh-hans"})

    page = district.get(reverse("surveys:results", args=[shared.pk])).content.decode()

    assert counts_of_question_1(district, shared) == {"是": 1, "否": 1}
    assert counts_of_question_1(client_for(city_user), shared) == {"是": 2, "否": 1}
    assert "甲的建议" in page and "丙的建议" not in page and "丙公司" not in page
    assert 'data-testid="share-note"' in page
    # The same charts as the city's: the canvases and the data they are drawn from.
    assert 'data-chart-source="' + reverse("surveys:results_data", args=[shared.pk]) in page
    assert page.count("data-chart-question=") == 3
    # They read their share here; each answer's own page stays the city's.
    assert reverse("surveys:response", args=[shared.recipients.get(enterprise__name="甲公司").response.pk]) not in page


def test_a_commissioner_reads_the_results_of_the_enterprises_it_serves_only(shared, readers, client_for):
    client = client_for(readers["commissioner"])

    page = client.get(reverse("surveys:results", args=[shared.pk])).content.decode()

    assert counts_of_question_1(client, shared) == {"是": 1, "否": 0}
    assert "甲的建议" in page and "丙的建议" not in page
    assert [d.recipient_count for d in shared_results(readers["commissioner"])] == [1]


@pytest.mark.parametrize("outsider", ["other_commissioner"])
def test_outsiders_get_404_on_the_results(shared, readers, client_for, outsider):
    client = client_for(readers[outsider])

    for name in ("surveys:results", "surveys:results_data", "surveys:results_export"):
        assert client.get(reverse(name, args=[shared.pk])).status_code == 404, name


def test_district_staff_of_a_division_the_dispatch_did_not_reach_get_404(
    survey, readers, division, client_for, other_division
):
    dispatch = DispatchFactory(questionnaire=survey[0])
    RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division))

    response = client_for(readers["other_district"]).get(reverse("surveys:results", args=[dispatch.pk]))

    assert response.status_code == 404
    assert list(shared_results(readers["other_district"])) == []


def test_the_export_holds_the_readers_enterprises_only(shared, readers, client_for):
    response = client_for(readers["district"]).get(reverse("surveys:results_export", args=[shared.pk]))

    workbook = load_workbook(io.BytesIO(response.content))
    answers = workbook.worksheets[1]
    names = [row[0] for row in answers.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["乙公司", "甲公司"]


def test_results_enterprises_is_none_for_city_staff_and_the_share_otherwise(shared, readers, city_user):
    assert results_enterprises(city_user) is None
    assert sorted(results_enterprises(readers["district"]).values_list("name", flat=True)) == ["乙公司", "甲公司"]
    assert list(results_enterprises(readers["commissioner"]).values_list("name", flat=True)) == ["甲公司"]


def test_shared_results_list_shows_the_dispatches_sent_to_the_readers_enterprises(
    shared, survey, readers, client_for, other_division
):
    elsewhere = DispatchFactory(questionnaire=survey[0])
    RecipientFactory(dispatch=elsewhere, enterprise=EnterpriseFactory(division=other_division))
    client = client_for(readers["district"])
    client.cookies.load({"django_language": "zh-hans"})

    page = client.get(reverse("surveys:shared_results")).content.decode()

    assert reverse("surveys:results", args=[shared.pk]) in page
    assert reverse("surveys:results", args=[elsewhere.pk]) not in page
    assert "问卷结果" in page


def test_shared_results_list_costs_the_same_at_1_and_3_dispatches(
    survey, readers, division, client_for, django_assert_num_queries
):
    client = client_for(readers["district"])

    def add():
        dispatch = DispatchFactory(questionnaire=survey[0])
        RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division))

    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("surveys:shared_results")), add, expected=8
    )
    print(f"\nsurveys:shared_results queries = {count}")


# One query more than the city's (20, 18, 22): the reader's division, which scopes the answers counted.
@pytest.mark.parametrize(("name", "expected"), [("results", 21), ("results_data", 19), ("results_export", 23)])
def test_shared_results_pages_cost_the_same_at_1_and_3_answers(
    survey, readers, division, client_for, django_assert_num_queries, name, expected
):
    dispatch = DispatchFactory(questionnaire=survey[0])
    q1, _q2, q3, q4, *_rest = survey[1]
    client = client_for(readers["district"])

    def add():
        enterprise = EnterpriseFactory(division=division)
        recipient = RecipientFactory(dispatch=dispatch, enterprise=enterprise)
        answers = {q1.pk: q1.opt["否"].pk, q3.pk: [q3.opt["A"].pk], q4.pk: 4}
        response_save(
            recipient=recipient, user=ContactFactory(enterprise=enterprise).user, answers=answers, submit=True
        )

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse(f"surveys:{name}", args=[dispatch.pk])),
        add,
        expected=expected,
    )
    print(f"\nsurveys:{name} (district) queries = {count}")
