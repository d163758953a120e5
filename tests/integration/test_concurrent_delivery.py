"""The same task run by two workers at the same moment (a visibility timeout that expired while the
first still ran, or a task queued twice): on PostgreSQL, whose row locks make it a real race, exactly
one close, one certificate per application and one email result."""

import threading

import pytest
from django.core import mail
from django.db import connection

from applications.models import Transition
from results.models import Certificate, Publicity
from results.services.filing import filing_create
from results.tasks import close_publicity, issue_certificates
from tests.factories import UserFactory
from tests.integration.conftest import need
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import Notice
from zaozhuang_titles.notices import notice_create
from zaozhuang_titles.tasks import deliver_notice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql(transactional_db):
    need(connection.vendor == "postgresql", "row locks race only on PostgreSQL: run with DATABASE_URL=postgres://...")


def at_once(task, **kwargs):
    """Run ``task`` in two threads released together; return what each returned or raised."""
    barrier = threading.Barrier(2)
    results = []

    def run():
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results.append(task.apply(kwargs=kwargs, throw=False).result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_close_publicity_raced_by_two_workers_closes_once(postgresql):
    world = FilingWorld(count=2, cleared=False)

    results = at_once(close_publicity, publicity_id=world.publicity.pk)

    assert sorted(results, key=str) == [None, {"cleared": 2, "held": 0}]
    assert Publicity.objects.get(pk=world.publicity.pk).closed_at is not None
    keys = list(Notice.objects.filter(key__startswith="publicity-entry:").values_list("key", flat=True))
    assert len(keys) == len(set(keys)) >= 2


def test_certificates_raced_by_two_workers_are_issued_once(postgresql):
    world = FilingWorld(count=3)
    number_filing(filing_create(batch=world.batch, actor=world.city), world.city)

    results = at_once(issue_certificates, batch_id=world.batch.pk)

    assert len(results) == 2
    assert all(isinstance(result, int) for result in results)  # neither failed
    assert Certificate.objects.filter(application__batch=world.batch).count() == 3
    assert Transition.objects.filter(application__batch=world.batch, action="certify").count() == 3


def test_notice_raced_by_two_workers_sends_one_email(postgresql):
    notice = notice_create(recipient=UserFactory(email="race@example.com"), key="race", subject="s", body="b")
    Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.PENDING, email_sent_at=None, email_attempts=0)
    mail.outbox.clear()

    results = at_once(deliver_notice, notice_id=notice.pk)

    assert sorted(results) == [False, True]
    assert [message.to for message in mail.outbox] == [["race@example.com"]]
