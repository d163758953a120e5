"""Answering: one answer per enterprise, saved by its contacts only, a draft first or not, changed until
the deadline and never after it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from surveys.models import Answer, Response, SurveyEvent
from surveys.selectors import answers_of
from surveys.services import response_save
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def complete(questions, *, yes=True, count="12", scale="4", text=""):
    q1, q2, q3, q4, _q5, q6 = questions
    answers = {q1.pk: q1.opt["是" if yes else "否"].pk, q4.pk: scale, q3.pk: [q3.opt["A"].pk]}
    if yes:
        answers[q2.pk] = count
    if text:
        answers[q6.pk] = text
    return answers


def test_a_draft_is_saved_without_its_required_answers(recipient, contact, survey):
    q1 = survey[1][0]

    response = response_save(recipient=recipient, user=contact, answers={q1.pk: q1.opt["是"].pk}, submit=False)

    assert (response.status, response.submitted_at) == (Response.Status.DRAFT, None)
    assert answers_of(response) == {q1.pk: q1.opt["是"].pk}
    assert response.contact.user == contact


def test_submitting_needs_every_visible_required_answer(recipient, contact, survey):
    q1, q2, _q3, q4, *_rest = survey[1]

    with pytest.raises(ValidationError) as raised:
        response_save(recipient=recipient, user=contact, answers={q1.pk: q1.opt["是"].pk}, submit=True)

    assert set(raised.value.message_dict) == {f"q{q2.pk}", f"q{q4.pk}"}
    assert not Response.objects.exists()


def test_the_enterprise_answers_once_whichever_contact_saves(recipient, contact, survey, enterprise):
    colleague = ContactFactory(enterprise=enterprise, user__roles=[Role.ENTERPRISE_CONTACT]).user
    questions = survey[1]

    first = response_save(recipient=recipient, user=contact, answers=complete(questions, count="3"), submit=False)
    second = response_save(recipient=recipient, user=colleague, answers=complete(questions, count="5"), submit=True)

    assert first.pk == second.pk
    assert Response.objects.filter(recipient=recipient).count() == 1
    assert second.contact.user == colleague
    assert answers_of(second)[questions[1].pk] == 5


def test_a_submitted_answer_changes_until_the_deadline_and_stays_submitted(recipient, contact, survey):
    questions = survey[1]
    submitted = response_save(recipient=recipient, user=contact, answers=complete(questions, count="3"), submit=True)
    first_submitted_at = submitted.submitted_at

    changed = response_save(recipient=recipient, user=contact, answers=complete(questions, yes=False), submit=False)

    assert changed.status == Response.Status.SUBMITTED
    assert changed.submitted_at == first_submitted_at
    assert questions[1].pk not in answers_of(changed)
    assert list(SurveyEvent.objects.filter(recipient=recipient).values_list("action", flat=True).order_by("id")) == [
        SurveyEvent.Action.SUBMITTED,
        SurveyEvent.Action.RESUBMITTED,
    ]


def test_a_submitted_answer_cannot_lose_a_required_answer(recipient, contact, survey):
    questions = survey[1]
    response_save(recipient=recipient, user=contact, answers=complete(questions), submit=True)

    with pytest.raises(ValidationError):
        response_save(recipient=recipient, user=contact, answers={}, submit=False)

    assert Answer.objects.filter(response__recipient=recipient).count() == 4


def test_the_deadline_day_is_still_open_and_the_day_after_is_closed(recipient, contact, survey, monkeypatch):
    questions = survey[1]
    recipient.dispatch.deadline = timezone.localdate()
    recipient.dispatch.save()

    response_save(recipient=recipient, user=contact, answers=complete(questions, count="3"), submit=True)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)

    with pytest.raises(ValidationError, match="closed at the end of"):
        response_save(recipient=recipient, user=contact, answers=complete(questions, count="9"), submit=True)
    assert answers_of(Response.objects.get())[questions[1].pk] == 3


@pytest.mark.parametrize("who", ["another enterprise's contact", "an inactive contact", "city staff", "nobody"])
def test_only_a_contact_of_the_enterprise_answers(recipient, survey, enterprise, division, who):
    if who == "another enterprise's contact":
        user = ContactFactory(enterprise=EnterpriseFactory(division=division)).user
    elif who == "an inactive contact":
        user = ContactFactory(enterprise=enterprise, is_active=False).user
    elif who == "city staff":
        user = UserFactory(roles=[Role.CITY_STAFF])
    else:
        user = None

    with pytest.raises(PermissionDenied):
        response_save(recipient=recipient, user=user, answers=complete(survey[1]), submit=True)
    assert not Response.objects.exists()
