"""The task frame: delivery guarantees set on every task, retries with backoff, failed tasks recorded
once after the last retry, and city staff retrying them from admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.integration import failing_tasks
from zaozhuang_titles.celery import app
from zaozhuang_titles.failed_tasks import failed_task_record, failed_task_retry
from zaozhuang_titles.models import FailedTask, Notice, Role
from zaozhuang_titles.notices import notice_create

PORTAL_TASKS = [
    "zaozhuang_titles.deliver_notice",
    "zaozhuang_titles.deliver_pending_notices",
    "zaozhuang_titles.clear_expired_sessions",
    "applications.close_due_publicities",
    "applications.close_publicity",
    "applications.build_filing_files",
    "applications.issue_certificates",
    "applications.remind_correction_deadlines",
    "applications.rebuild_stay_counts",
    "zaozhuang_titles.send_staff_digest",
]


@pytest.fixture
def worker_like(db):
    """Run tasks in process as a worker would: a failure is handled (and signalled), not raised.

    The test settings propagate errors of tasks run in process; a worker never does, and only then does
    Celery send ``task_failure``."""
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.fixture
def tasks():
    app.loader.import_default_modules()
    return app.tasks


@pytest.mark.parametrize("name", PORTAL_TASKS)
def test_task_acks_late_and_is_requeued_when_its_worker_is_lost(tasks, name):
    task = tasks[name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.parametrize("name", [n for n in PORTAL_TASKS if n.startswith("applications.")])
def test_application_task_retries_connection_errors_with_backoff(tasks, name):
    task = tasks[name]
    assert ConnectionError in task.autoretry_for
    assert task.retry_backoff is True
    assert task.max_retries == 5


def test_beat_schedule_runs_publicity_closing_every_quarter_hour_and_reminders_daily():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["close-due-publicities"]["task"] == "applications.close_due_publicities"
    assert schedule["close-due-publicities"]["schedule"].minute == {0, 15, 30, 45}
    reminders = schedule["remind-correction-deadlines"]["schedule"]
    assert (reminders.hour, reminders.minute) == ({8}, {0})


def test_failing_task_is_recorded_once_with_its_kwargs(worker_like):
    result = failing_tasks.always_fails.delay(notice_id=42)

    assert result.failed()
    failed = FailedTask.objects.get()
    assert failed.task_name == "tests.always_fails"
    assert failed.kwargs == {"notice_id": 42}
    assert failed.exception == "ValueError: no such thing as notice 42"
    assert "always_fails" in failed.traceback
    assert failed.retried_at is None


def test_connection_error_is_retried_then_recorded_once_after_the_last_retry(worker_like):
    failing_tasks.ATTEMPTS["lost_connection"] = 0

    result = failing_tasks.lost_connection.delay(notice_id=7)

    assert result.failed()
    assert failing_tasks.ATTEMPTS["lost_connection"] == 1 + 5
    failed = FailedTask.objects.get()
    assert failed.task_name == "tests.lost_connection"
    assert failed.kwargs == {"notice_id": 7}


def test_failure_record_never_raises_and_keeps_ids_only(db):
    class Unserialisable:
        def __repr__(self):
            return "<thing>"

    failed = failed_task_record(
        task_name="x.y", task_id="abc", kwargs={"thing": Unserialisable()}, exception=RuntimeError("boom")
    )

    assert failed.kwargs == {"thing": "<thing>"}
    assert failed.exception == "RuntimeError: boom"
    assert failed.traceback == ""


def test_failed_task_retry_queues_the_task_again_by_name_and_records_who(db):
    staff = UserFactory(roles=[Role.CITY_STAFF])
    notice = notice_create(recipient=UserFactory(email="a@example.com"), key="k1", subject="s", body="b", email=False)
    Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.PENDING)
    failed = failed_task_record(
        task_name="zaozhuang_titles.deliver_notice",
        task_id="t1",
        kwargs={"notice_id": notice.pk},
        exception=ConnectionError("smtp down"),
    )

    failed_task_retry(failed_task=failed, actor=staff)

    failed.refresh_from_db()
    assert failed.retried_by == staff
    assert failed.retried_at is not None
    assert failed.retry_task_id
    notice.refresh_from_db()
    assert notice.email == Notice.Email.SENT
    assert len(mail.outbox) == 1


def test_failed_task_retry_refuses_an_unknown_task(db):
    from django.core.exceptions import ValidationError

    failed = failed_task_record(task_name="gone.task", task_id="", kwargs={}, exception=ValueError("x"))

    with pytest.raises(ValidationError):
        failed_task_retry(failed_task=failed, actor=UserFactory(roles=[Role.CITY_STAFF]))

    failed.refresh_from_db()
    assert failed.retried_at is None


def test_admin_lists_failed_tasks_for_city_staff(client, db):
    failed_task_record(
        task_name="applications.close_publicity", task_id="t", kwargs={"publicity_id": 3}, exception=OSError("x")
    )
    client.force_login(UserFactory(roles=[Role.CITY_STAFF]))

    response = client.get(reverse("admin:zaozhuang_titles_failedtask_changelist"))

    assert response.status_code == 200
    assert "applications.close_publicity" in response.content.decode()


def test_admin_retry_action_requeues_and_reports(client, db):
    staff = UserFactory(roles=[Role.CITY_STAFF])
    recipient = UserFactory(email="b@example.com")
    notice = notice_create(recipient=recipient, key="k2", subject="s", body="b", email=False)
    Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.PENDING)
    good = failed_task_record(
        task_name="zaozhuang_titles.deliver_notice", task_id="", kwargs={"notice_id": notice.pk}, exception=OSError()
    )
    again = failed_task_record(task_name="tests.always_fails", task_id="", kwargs={"notice_id": 1}, exception=OSError())
    client.force_login(staff)

    response = client.post(
        reverse("admin:zaozhuang_titles_failedtask_changelist"),
        {"action": "retry", ACTION_CHECKBOX_NAME: [good.pk, again.pk]},
        follow=True,
    )

    good.refresh_from_db()
    again.refresh_from_db()
    assert good.retried_by == staff
    assert again.retried_at is None  # run in process, it failed again at once
    text = response.content.decode()
    assert "tests.always_fails" in text
    assert len(mail.outbox) == 1


def test_admin_retry_action_is_refused_to_district_staff(client, division):
    failed = failed_task_record(task_name="tests.always_fails", task_id="", kwargs={}, exception=OSError())
    client.force_login(UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division))

    client.post(
        reverse("admin:zaozhuang_titles_failedtask_changelist"),
        {"action": "retry", ACTION_CHECKBOX_NAME: [failed.pk]},
    )

    failed.refresh_from_db()
    assert failed.retried_at is None
    assert FailedTask.objects.count() == 1
