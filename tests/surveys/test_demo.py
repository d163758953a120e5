"""The demo questionnaire: sent to every key enterprise, answered by 20, its branch respected."""

import pytest

from enterprises import demo as enterprises_demo
from surveys import demo
from surveys.branching import visible_question_ids
from surveys.models import Dispatch, Questionnaire, Response
from surveys.results import dispatch_results
from surveys.selectors import answers_of, questions_of
from zaozhuang_titles import demo as foundation_demo

pytestmark = pytest.mark.django_db


def test_demo_questionnaire_has_answers_from_20_enterprises_and_is_idempotent():
    foundation_demo.seed()
    enterprises_demo.seed()
    demo.seed()
    demo.seed()

    questionnaire = Questionnaire.objects.get(title=demo.TITLE)
    dispatch = Dispatch.objects.get(questionnaire=questionnaire)
    assert dispatch.recipients.count() == 275
    assert dispatch.is_open()
    responses = list(Response.objects.filter(recipient__dispatch=dispatch).select_related("recipient", "contact"))
    assert len(responses) == demo.ANSWERED == 20
    assert all(r.status == Response.Status.SUBMITTED for r in responses)
    assert all(r.contact.enterprise_id == r.recipient.enterprise_id for r in responses)
    demo_enterprise = enterprises_demo.DEMO_ENTERPRISE_NAME
    assert not dispatch.recipients.filter(enterprise__name=demo_enterprise, response__isnull=False).exists()
    questions = questions_of(questionnaire)
    for response in responses:
        saved = answers_of(response)
        assert set(saved) <= visible_question_ids(questions, saved)
    results = dispatch_results(dispatch)
    assert results[0]["respondents"] == 20 and sum(row["count"] for row in results[0]["rows"]) == 20
    assert {row["label"] for row in results[0]["by_division"]} and results[5]["stats"]["mean"] >= 3
