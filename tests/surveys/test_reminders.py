"""Reminders 3 and 1 working days before the deadline, on the Chinese working-day calendar, once.

The calendar of 2024's National Day: Sat 28 September is a day off, Sun 29 September a make-up working
day, 1–7 October the holiday. For a deadline on Tue 8 October, 1 working day before is Mon 30 September
and 3 working days before is Fri 27 September (the make-up Sunday counts)."""

import datetime

import pytest
from django.utils import timezone

from surveys.models import Response, SurveyEvent
from surveys.reminders import survey_reminders_send
from surveys.tasks import remind_survey_deadlines
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.surveys.factories import DispatchFactory, RecipientFactory
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2024, 10, 8)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def sent(survey, division):
    """A dispatch due on 8 October, sent on 20 September to three enterprises: one not started, one with
    a draft, one submitted; each has a contact with an account and one without."""
    questionnaire, _questions = survey
    dispatch = DispatchFactory(questionnaire=questionnaire, deadline=DEADLINE, sent_at=at(datetime.date(2024, 9, 20)))
    made = {}
    for state in ("none", "draft", "submitted"):
        enterprise = EnterpriseFactory(division=division, name=f"企业-{state}")
        contact = ContactFactory(enterprise=enterprise)
        ContactFactory(enterprise=enterprise, user=None)
        recipient = RecipientFactory(dispatch=dispatch, enterprise=enterprise)
        if state != "none":
            Response.objects.create(
                recipient=recipient,
                contact=contact,
                status=state,
                submitted_at=timezone.now() if state == "submitted" else None,
            )
        made[state] = contact.user
    return dispatch, made


def told(user):
    return list(
        Notice.objects.filter(recipient=user, key__startswith="survey-reminder:")
        .order_by("id")
        .values_list("key", flat=True)
    )


@pytest.mark.parametrize("day", [datetime.date(2024, 9, 26), datetime.date(2024, 9, 28), datetime.date(2024, 10, 3)])
def test_no_reminder_before_the_third_working_day_nor_on_a_day_off(sent, day):
    assert survey_reminders_send(today=day) == 0
    assert not Notice.objects.filter(key__startswith="survey-reminder:").exists()


def test_reminders_three_and_one_working_days_before_each_once(sent):
    _dispatch, users = sent

    assert survey_reminders_send(today=datetime.date(2024, 9, 27)) == 2
    assert survey_reminders_send(today=datetime.date(2024, 9, 27)) == 0  # the same run again
    assert survey_reminders_send(today=datetime.date(2024, 9, 29)) == 0  # the make-up Sunday: still stage 3
    assert survey_reminders_send(today=datetime.date(2024, 9, 30)) == 2
    assert survey_reminders_send(today=datetime.date(2024, 10, 8)) == 0  # the deadline: stage 1 told already

    assert [key.split(":")[3] for key in told(users["none"])] == ["3", "1"]
    assert [key.split(":")[3] for key in told(users["draft"])] == ["3", "1"]
    assert told(users["submitted"]) == []
    assert SurveyEvent.objects.filter(action=SurveyEvent.Action.REMINDED).count() == 2


def test_the_reminder_says_what_is_missing_and_links_the_answer(sent):
    dispatch, users = sent
    survey_reminders_send(today=datetime.date(2024, 9, 27))

    draft = Notice.objects.get(recipient=users["draft"])
    fresh = Notice.objects.get(recipient=users["none"])
    assert "草稿，但尚未提交" in draft.body
    assert "还剩 3 个工作日" in fresh.body
    assert fresh.url == f"/surveys/a/{dispatch.recipients.get(enterprise__name='企业-none').token}/"


def test_a_stage_whose_day_came_before_sending_is_skipped(survey, division):
    questionnaire, _questions = survey
    dispatch = DispatchFactory(questionnaire=questionnaire, deadline=DEADLINE, sent_at=at(datetime.date(2024, 9, 28)))
    user = ContactFactory(enterprise=RecipientFactory(dispatch=dispatch).enterprise).user

    assert survey_reminders_send(today=datetime.date(2024, 9, 29)) == 0
    assert survey_reminders_send(today=datetime.date(2024, 9, 30)) == 1
    assert [key.split(":")[3] for key in told(user)] == ["1"]


def test_a_closed_dispatch_is_not_reminded(sent):
    assert survey_reminders_send(today=datetime.date(2024, 10, 9)) == 0


def test_the_beat_task_sends_the_reminders(sent, monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda *args, **kwargs: real(*args, **kwargs) if args else datetime.date(2024, 9, 27)
    )

    assert remind_survey_deadlines.delay().get() == 2


def test_reminders_cost_a_fixed_number_of_queries(sent, division, django_assert_num_queries):
    dispatch, _users = sent
    with django_assert_num_queries(10):
        survey_reminders_send(today=datetime.date(2024, 9, 27))
    for _ in range(4):
        ContactFactory(enterprise=RecipientFactory(dispatch=dispatch).enterprise)
    with django_assert_num_queries(10):
        survey_reminders_send(today=datetime.date(2024, 9, 30))
