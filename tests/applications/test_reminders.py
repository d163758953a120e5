"""Reminders of correction deadlines (退回补正): who is told, when, only once per deadline, in one
notice per applicant, on working days only."""

import datetime

import pytest
from django.core import mail

from applications import services
from applications.models import CorrectionRequest
from applications.reminders import correction_reminders_send, corrections_due_for_reminder
from applications.tasks import remind_correction_deadlines
from tests.applications.factories import World
from tests.factories import BatchFactory
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db

#: A Friday: two working days later is Tuesday 1 December 2026.
FRIDAY = datetime.date(2026, 11, 27)
SATURDAY = datetime.date(2026, 11, 28)


def returned(world, deadline, applicant=None):
    application = world.at_district(applicant)
    correction = services.application_return(
        application=application,
        actor=world.district,
        reason="材料不全",
        items=[("field:summary", "业绩摘要", "请补充成果转化效益")],
    )
    CorrectionRequest.objects.filter(pk=correction.pk).update(deadline=deadline)
    correction.refresh_from_db()
    return correction


def reminders():
    return Notice.objects.filter(key__startswith="correction-reminder:")


def test_corrections_due_within_two_working_days_are_selected_across_the_weekend():
    world = World()
    due_today = returned(world, FRIDAY)
    due_tuesday = returned(world, datetime.date(2026, 12, 1))
    returned(world, datetime.date(2026, 12, 2))  # three working days away
    returned(world, datetime.date(2026, 11, 26))  # already past

    assert list(corrections_due_for_reminder(today=FRIDAY)) == [due_today, due_tuesday]


def test_answered_correction_is_not_reminded():
    world = World()
    correction = returned(world, datetime.date(2026, 11, 30))
    services.application_resubmit(application=correction.application, actor=correction.application.applicant)

    assert list(corrections_due_for_reminder(today=FRIDAY)) == []


def test_reminder_is_an_in_site_notice_and_an_email_sent_once(django_capture_on_commit_callbacks):
    world = World()
    correction = returned(world, datetime.date(2026, 11, 30))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert correction_reminders_send(today=FRIDAY) == 1
        assert correction_reminders_send(today=FRIDAY) == 0
        assert correction_reminders_send(today=datetime.date(2026, 11, 30)) == 0

    notice = reminders().get()
    assert notice.recipient == correction.application.applicant
    assert notice.key.startswith(f"correction-reminder:{correction.application.applicant_id}:20261127:")
    correction.refresh_from_db()
    assert correction.reminded_deadline == datetime.date(2026, 11, 30)
    assert correction.application.number in notice.subject
    assert "2026年11月30日" in notice.body
    assert notice.email == Notice.Email.SENT
    assert [message.to for message in mail.outbox] == [[correction.application.applicant.email]]


def test_moved_deadline_is_reminded_again():
    world = World()
    correction = returned(world, datetime.date(2026, 11, 30))
    correction_reminders_send(today=FRIDAY)
    CorrectionRequest.objects.filter(pk=correction.pk).update(deadline=datetime.date(2026, 12, 1))

    assert correction_reminders_send(today=FRIDAY) == 1
    assert reminders().count() == 2


def test_provisional_deadline_says_so():
    world = World()
    correction = returned(world, datetime.date(2026, 11, 30))
    CorrectionRequest.objects.filter(pk=correction.pk).update(deadline_provisional=True)

    correction_reminders_send(today=FRIDAY)

    assert "provisional" in reminders().get().body or "暂定" in reminders().get().body


def test_daily_task_reminds_today_and_twice_has_the_effect_of_once(monkeypatch):
    world = World()
    correction = returned(world, FRIDAY)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: FRIDAY)

    remind_correction_deadlines.delay()
    remind_correction_deadlines.delay()

    assert list(reminders().values_list("recipient", flat=True)) == [correction.application.applicant_id]


def test_an_applicants_corrections_are_reminded_in_one_notice():
    world = World()
    first = returned(world, datetime.date(2026, 11, 30))
    applicant = first.application.applicant
    world.batch = BatchFactory(channel=world.batch.channel)
    second = returned(world, datetime.date(2026, 12, 1), applicant=applicant)
    other = returned(world, datetime.date(2026, 12, 1))

    assert correction_reminders_send(today=FRIDAY) == 2

    notice = reminders().get(recipient=applicant)
    assert first.application.number in notice.body and second.application.number in notice.body
    assert "2026年11月30日" in notice.body and "2026年12月1日" in notice.body
    assert other.application.number not in notice.body
    assert other.application.number in reminders().get(recipient=other.application.applicant).subject


def test_a_correction_due_later_is_told_in_a_new_notice_without_repeating_the_first():
    world = World()
    first = returned(world, datetime.date(2026, 11, 30))
    applicant = first.application.applicant
    correction_reminders_send(today=FRIDAY)
    world.batch = BatchFactory(channel=world.batch.channel)
    later = returned(world, datetime.date(2026, 12, 2), applicant=applicant)

    assert correction_reminders_send(today=datetime.date(2026, 11, 30)) == 1

    newest = reminders().filter(recipient=applicant).order_by("-id").first()
    assert later.application.number in newest.subject
    assert first.application.number not in newest.body


def test_no_reminder_on_a_day_off():
    world = World()
    returned(world, datetime.date(2026, 11, 30))

    assert correction_reminders_send(today=SATURDAY) == 0
    assert not reminders().exists()


def test_reminders_cost_a_fixed_number_of_queries(django_assert_num_queries):
    world = World()
    returned(world, datetime.date(2026, 11, 30))
    with django_assert_num_queries(11):
        assert correction_reminders_send(today=FRIDAY) == 1
    for _ in range(3):
        returned(world, datetime.date(2026, 12, 1))
    with django_assert_num_queries(11):
        assert correction_reminders_send(today=FRIDAY) == 3
