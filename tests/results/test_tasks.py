"""The application tasks run in process (the test settings' eager mode): each finds its object again,
returns quietly when it is gone, and has the effect of once when it runs twice."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from applications.models import Application, Status, Transition
from results.models import Certificate, Filing, FilingEntry, Publicity, PublicityEntry
from results.services.filing import filing_create
from results.tasks import (
    build_filing_files,
    close_due_publicities,
    close_publicity,
    issue_certificates,
)
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    """A publicity whose last day was five days ago, not closed, with two applications in it."""
    return FilingWorld(count=2, cleared=False)


def test_close_due_publicities_queues_only_ended_open_notices(ended):
    running = Publicity.objects.create(
        batch=ended.batch,
        title="还在公示",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=7),
        working_days=5,
        how_to_object="电话",
        committee_name="评委会",
        published_by=ended.city,
    )

    assert close_due_publicities.delay().get() == [ended.publicity.pk]

    ended.publicity.refresh_from_db()
    running.refresh_from_db()
    assert ended.publicity.closed_at is not None
    assert ended.publicity.closed_by is None
    assert running.closed_at is None
    assert PublicityEntry.objects.filter(publicity=ended.publicity, cleared_at__isnull=False).count() == 2


def test_close_publicity_twice_closes_once_and_tells_once(ended):
    first = close_publicity.delay(publicity_id=ended.publicity.pk).get()
    closed_at = Publicity.objects.get(pk=ended.publicity.pk).closed_at
    notices = Notice.objects.filter(key__startswith="publicity-entry:").count()

    second = close_publicity.delay(publicity_id=ended.publicity.pk).get()

    assert first == {"cleared": 2, "held": 0}
    assert second is None
    assert Publicity.objects.get(pk=ended.publicity.pk).closed_at == closed_at
    assert Notice.objects.filter(key__startswith="publicity-entry:").count() == notices
    assert notices >= 2  # each applicant at least


def test_close_publicity_holds_a_line_with_an_open_objection(ended):
    ended.object_to(ended.applications[0])

    assert close_publicity.delay(publicity_id=ended.publicity.pk).get() == {"cleared": 1, "held": 1}


def test_tasks_return_quietly_when_the_object_is_gone(db):
    assert close_publicity.delay(publicity_id=999_999).get() is None
    assert build_filing_files.delay(filing_id=999_999).get() is None
    assert issue_certificates.delay(batch_id=999_999).get() is None


def test_filing_then_certificates_twice_have_the_effect_of_once(django_capture_on_commit_callbacks):
    world = FilingWorld(count=2)
    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_create(batch=world.batch, actor=world.city)  # queues build_filing_files on commit
    filing.refresh_from_db()
    files = (filing.excel, filing.pdf)
    assert all(default_storage.exists(name) for name in files)

    assert build_filing_files.delay(filing_id=filing.pk).get() == 2
    filing.refresh_from_db()
    assert (filing.excel, filing.pdf) == files
    assert FilingEntry.objects.filter(filing=filing).count() == 2
    assert Filing.objects.filter(batch=world.batch).count() == 1

    assert issue_certificates.delay(batch_id=world.batch.pk).get() == 0  # no filing number yet
    number_filing(filing, world.city)
    assert issue_certificates.delay(batch_id=world.batch.pk).get() == 2
    assert issue_certificates.delay(batch_id=world.batch.pk).get() == 0

    assert Certificate.objects.filter(application__batch=world.batch).count() == 2
    assert Transition.objects.filter(application__batch=world.batch, action="certify").count() == 2
    statuses = Application.objects.filter(pk__in=[a.pk for a in world.applications]).values_list("status", flat=True)
    assert set(statuses) == {Status.CERTIFIED}
