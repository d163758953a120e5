"""Faults: Redis stopped during transitions, tasks delivered twice, a worker killed in the middle of a
task. Each test starts its own ``redis-server`` on a spare loopback port and kills only that one."""

import os
import signal
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from applications.models import Status, Transition
from tests.applications.factories import World
from tests.factories import UserFactory
from tests.integration.conftest import WorkerProcess, celery_broker, wait_for
from zaozhuang_titles.celery import app
from zaozhuang_titles.models import Notice
from zaozhuang_titles.notices import notice_create
from zaozhuang_titles.tasks import deliver_notice, deliver_pending_notices

pytestmark = pytest.mark.django_db(transaction=True)


def emailed(notices):
    return sorted(notice.recipient.email for notice in notices)


def test_redis_stopped_during_transitions_loses_no_notice(own_redis):
    world = World()
    with celery_broker(own_redis.url):
        first = world.submitted()  # its emails are queued in Redis, and no worker takes them
        assert own_redis.client().llen("celery") >= 1
        own_redis.kill()  # the queued emails die with it (no persistence)

        second = world.submitted()  # Redis is down: the transition must still commit

        assert second.status == Status.ENTERPRISE_REVIEW
        assert Transition.objects.filter(application=second, action="submit").count() == 1
        pending = list(Notice.objects.filter(email=Notice.Email.PENDING).select_related("recipient"))
        assert {first.applicant, second.applicant} <= {notice.recipient for notice in pending}
        assert mail.outbox == []

        own_redis.start()  # back, and empty
        assert own_redis.client().llen("celery") == 0
        Notice.objects.update(created_at=timezone.now() - timedelta(minutes=5))  # the sweep's grace period
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            deliver_pending_notices.delay()
            assert wait_for(lambda: not Notice.objects.filter(email=Notice.Email.PENDING).exists())

    assert sorted(message.to[0] for message in mail.outbox) == emailed(pending)
    # The sweep and the task again (a broker that redelivers, a second beat): nobody is told twice.
    assert deliver_pending_notices() == 0
    for notice in pending:
        assert deliver_notice(notice_id=notice.pk) is False
    assert len(mail.outbox) == len(pending)
    assert Notice.objects.filter(email=Notice.Email.SENT, email_attempts=1).count() == len(pending)


def test_notice_delivered_twice_through_the_broker_sends_one_email(own_redis):
    recipient = UserFactory(email="twice@example.com")
    notice = notice_create(recipient=recipient, key="twice", subject="s", body="b")  # sent on commit, in process
    Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.PENDING, email_sent_at=None, email_attempts=0)
    mail.outbox.clear()

    with (
        celery_broker(own_redis.url),
        start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10),
    ):
        deliver_notice.delay(notice_id=notice.pk)
        deliver_notice.delay(notice_id=notice.pk)
        assert wait_for(lambda: own_redis.client().llen("celery") == 0)
        assert wait_for(lambda: Notice.objects.get(pk=notice.pk).email == Notice.Email.SENT)
        time.sleep(0.3)  # let the second delivery finish too

    assert [message.to for message in mail.outbox] == [["twice@example.com"]]


def test_close_publicity_and_certificates_delivered_twice_have_the_effect_of_once(own_redis):
    from results.models import Certificate, Publicity, PublicityEntry
    from results.services.filing import filing_create
    from results.tasks import close_publicity, issue_certificates
    from tests.results.filing_factories import FilingWorld, number_filing

    world = FilingWorld(count=2, cleared=False)  # the period ended five days ago, not closed yet
    with celery_broker(own_redis.url):
        close_publicity.delay(publicity_id=world.publicity.pk)
        close_publicity.delay(publicity_id=world.publicity.pk)
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            assert wait_for(lambda: _settled(own_redis))
            closed_at = Publicity.objects.get(pk=world.publicity.pk).closed_at
            told = Notice.objects.filter(key__startswith="publicity-entry:").count()
            filing = filing_create(batch=world.batch, actor=world.city)  # queues the build of its files on commit
            number_filing(filing, world.city)
            issue_certificates.delay(batch_id=world.batch.pk)
            issue_certificates.delay(batch_id=world.batch.pk)
            assert wait_for(lambda: _settled(own_redis), seconds=30)

    assert closed_at is not None
    assert Publicity.objects.get(pk=world.publicity.pk).closed_at == closed_at
    assert PublicityEntry.objects.filter(publicity=world.publicity, cleared_at__isnull=False).count() == 2
    assert told >= 2
    assert Notice.objects.filter(key__startswith="publicity-entry:").count() == told
    assert Certificate.objects.filter(application__batch=world.batch).count() == 2
    assert Transition.objects.filter(application__batch=world.batch, action="certify").count() == 2


def _settled(redis_server):
    """Nothing waits in the queue and nothing is taken but unacknowledged (acks_late)."""
    client = redis_server.client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def test_worker_killed_in_the_middle_of_a_task_loses_nothing_and_sends_once(
    own_redis, database_url_for_subprocess, tmp_path
):
    """The worker is SIGKILLed while it holds the notice's row lock and talks to the mail server. The
    task was not acknowledged (acks_late), so Redis hands it to the next worker after the visibility
    timeout (2 s here); the notice is still pending, and that worker sends it: once."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    pause_file = tmp_path / "paused"
    recipient = UserFactory(email="killed@example.com")
    with celery_broker(own_redis.url):
        notice = notice_create(recipient=recipient, key="worker-killed", subject="s", body="b")  # queued on commit

    first = WorkerProcess(
        broker_url=own_redis.url,
        database_url=database_url_for_subprocess,
        mail_dir=mail_dir,
        pause_file=pause_file,
        log_path=tmp_path / "worker-1.log",
    ).start()
    try:
        assert wait_for(pause_file.exists, seconds=30), (tmp_path / "worker-1.log").read_text()
    finally:
        first.kill()

    notice.refresh_from_db()
    assert notice.email == Notice.Email.PENDING
    assert list(mail_dir.iterdir()) == []
    assert own_redis.client().hlen("unacked") == 1  # taken, never acknowledged

    second = WorkerProcess(
        broker_url=own_redis.url,
        database_url=database_url_for_subprocess,
        mail_dir=mail_dir,
        pause_file=pause_file,
        log_path=tmp_path / "worker-2.log",
    ).start()
    try:
        sent = wait_for(lambda: Notice.objects.get(pk=notice.pk).email == Notice.Email.SENT, seconds=30)
        assert sent, (tmp_path / "worker-2.log").read_text()
        # Acknowledged, and nothing left in the queue or taken: no copy of the task can come again.
        assert wait_for(lambda: _settled(own_redis), seconds=10)
    finally:
        second.stop()

    assert len(list(mail_dir.iterdir())) == 1
    assert Notice.objects.get(pk=notice.pk).email_attempts == 1


def test_pool_child_killed_in_the_middle_of_a_task_is_requeued_and_sends_once(
    own_redis, database_url_for_subprocess, tmp_path
):
    """A prefork worker whose child process is SIGKILLed in the middle of a task (out of memory, say):
    the parent sees the child lost and, with ``reject_on_worker_lost``, puts the task back at once; a
    new child sends the email, once. Nothing is recorded as failed, since the task did not fail."""
    from zaozhuang_titles.models import FailedTask

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    pause_file = tmp_path / "paused"
    with celery_broker(own_redis.url):
        recipient = UserFactory(email="child@example.com")
        notice = notice_create(recipient=recipient, key="child-lost", subject="s", body="b")

    worker = WorkerProcess(
        broker_url=own_redis.url,
        database_url=database_url_for_subprocess,
        mail_dir=mail_dir,
        pause_file=pause_file,
        log_path=tmp_path / "worker.log",
        pool="prefork",
    ).start()
    try:
        assert wait_for(pause_file.exists, seconds=30), (tmp_path / "worker.log").read_text()
        assert wait_for(lambda: pause_file.read_text().strip().isdigit(), seconds=5)
        child = int(pause_file.read_text())
        assert child != worker.process.pid
        os.kill(child, signal.SIGKILL)

        sent = wait_for(lambda: Notice.objects.get(pk=notice.pk).email == Notice.Email.SENT, seconds=30)
        assert sent, (tmp_path / "worker.log").read_text()
        assert wait_for(lambda: _settled(own_redis), seconds=10)
    finally:
        worker.stop()

    assert len(list(mail_dir.iterdir())) == 1
    assert Notice.objects.get(pk=notice.pk).email_attempts == 1
    assert not FailedTask.objects.exists()
