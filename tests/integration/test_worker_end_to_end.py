"""After the vote, end to end through a real Celery worker on the real Redis (CI sets REDIS_URL): the
beat task closes the ended publicity, the notices' emails go out, filing builds its files, the batch's
certificates are issued, and each task queued again changes nothing."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from applications.models import Application, Status
from applications.workflow import application_transition
from results.models import Certificate, Filing, FilingEntry, Publicity, PublicityEntry
from results.services.certificates import certificates_queue_for_batch
from results.services.filing import filing_create
from results.services.publicity import publicity_publish
from results.tasks import build_filing_files, close_due_publicities, close_publicity, issue_certificates
from tests.applications.factories import World
from tests.integration.conftest import need, wait_for
from tests.results.filing_factories import number_filing
from zaozhuang_titles.celery import app
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_broker(settings):
    """Tasks go to the real Redis (nothing runs in process); the queue starts empty."""
    need(settings.REDIS_URL, "REDIS_URL is not set: no broker for a real worker")
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def worker():
    return start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10)


def settle():
    """Wait until the worker has finished everything queued: nothing waits in the queue and nothing is
    taken but unacknowledged (acks_late: a task is acknowledged when it has finished). The test touches
    the database only then, so that SQLite's shared in-memory test database is never used by two
    threads at once (PostgreSQL would not mind)."""

    def done():
        with app.connection_for_write() as connection:
            client = connection.default_channel.client
            return client.llen("celery") == 0 and client.hlen("unacked") == 0

    assert wait_for(done, seconds=30), "the worker did not finish its tasks within 30 s"


def passed(world, count):
    applications = []
    for _ in range(count):
        application = world.accepted()
        for action in ("start_review", "review_pass"):
            application_transition(application=application, action=action, actor=world.city)
        applications.append(application)
    return applications


def test_publicity_close_filing_and_certificates_through_the_worker(real_broker):
    world = World()
    applications = passed(world, 2)
    publicity = publicity_publish(
        batch=world.batch, actor=world.city, title="", starts_on=timezone.localdate(), how_to_object=""
    )
    today = timezone.localdate()
    Publicity.objects.filter(pk=publicity.pk).update(
        starts_on=today - datetime.timedelta(days=12), ends_on=today - datetime.timedelta(days=5)
    )
    assert mail.outbox == []  # the emails of the moves so far wait in Redis

    with worker():
        # The beat's task closes the notice; each line is cleared; applicants and contact are told.
        close_due_publicities.delay()
        settle()
        publicity.refresh_from_db()
        assert publicity.closed_at is not None
        assert PublicityEntry.objects.filter(publicity=publicity, cleared_at__isnull=False).count() == 2
        ended = set(Notice.objects.filter(key__startswith="publicity-entry:").values_list("recipient", flat=True))
        assert {a.applicant_id for a in applications} | {world.contact.pk} <= ended

        # Filing queues the build of its files on commit; the worker builds them.
        filing = filing_create(batch=world.batch, actor=world.city)
        settle()
        filing.refresh_from_db()
        assert filing.row_count == 2
        assert default_storage.exists(filing.excel)
        assert default_storage.exists(filing.pdf)

        # The province numbers the filing; then city staff's button queues the certificates; the worker
        # issues them and the applicants are told.
        number_filing(filing, world.city)
        run = certificates_queue_for_batch(batch=world.batch, actor=world.city)
        settle()
        certificates = Certificate.objects.filter(application__batch=world.batch)
        assert certificates.count() == 2
        # The worker wrote the run's progress and result, which its page reads.
        run.refresh_from_db()
        assert (run.state, run.done, run.total, run.issued) == ("finished", 2, 2, 2)
        assert all(default_storage.exists(certificate.pdf) for certificate in certificates)
        statuses = Application.objects.filter(batch=world.batch).values_list("status", flat=True)
        assert set(statuses) == {Status.CERTIFIED}
        assert not Notice.objects.filter(email=Notice.Email.PENDING).exists()
        emails = len(mail.outbox)
        assert emails == Notice.objects.filter(email=Notice.Email.SENT).count()

        # Everything queued again: no second close, file, certificate or email.
        files = (filing.excel, filing.pdf)
        close_publicity.delay(publicity_id=publicity.pk)
        build_filing_files.delay(filing_id=filing.pk)
        issue_certificates.delay(batch_id=world.batch.pk)
        close_due_publicities.delay()
        settle()

    assert Publicity.objects.get(pk=publicity.pk).closed_at == publicity.closed_at
    assert Certificate.objects.filter(application__batch=world.batch).count() == 2
    assert Filing.objects.filter(batch=world.batch).count() == 1
    filing.refresh_from_db()
    assert (filing.excel, filing.pdf, filing.row_count) == (*files, 2)  # rebuilt in place, no row added
    assert FilingEntry.objects.filter(filing=filing).count() == 2
    assert len(mail.outbox) == emails
