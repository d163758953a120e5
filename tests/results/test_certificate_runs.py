"""Batch issue of certificates with its progress page (批量发证进度): city staff's button creates a
``CertificateRun`` and queues the task; the task writes done/total, the errors and the result on it; the
page polls its progress part with htmx until the run has ended. Tasks run inline here
(CELERY_TASK_ALWAYS_EAGER), as on SQLite in development; tests/integration runs them in a worker."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from results.models import Certificate, CertificateRun
from results.services.certificates import certificate_run_execute, certificates_queue_for_batch
from results.tasks import issue_certificates
from tests.results.filing_factories import FilingWorld
from tests.results.test_certificates import filed_world

pytestmark = pytest.mark.django_db


def run_url(run):
    return reverse("results:certificate_run", kwargs={"batch_pk": run.batch_id, "pk": run.pk})


def test_the_issue_button_runs_the_task_and_shows_its_result(client_for, django_capture_on_commit_callbacks):
    world = filed_world(2, django_capture_on_commit_callbacks)
    client = client_for(world.city)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:filing_certificates", args=[world.batch.pk]))

    run = CertificateRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    assert (run.state, run.total, run.done, run.issued, run.errors) == ("finished", 2, 2, 2, [])
    assert run.actor == world.city and run.started_at and run.finished_at
    assert Certificate.objects.filter(application__batch=world.batch).count() == 2
    page = client.get(run_url(run)).content.decode()
    assert 'data-state="finished"' in page
    assert "hx-get" not in page  # ended: no more polling
    assert 'data-testid="run-count">已处理 2 / 2<' in page
    assert 'data-testid="run-result"' in page
    listing = client.get(reverse("results:filing_certificates", args=[world.batch.pk])).content.decode()
    assert run_url(run) in listing


def test_the_progress_endpoint_answers_htmx_with_the_progress_part_while_it_runs(client_for):
    world = FilingWorld(count=1)
    run = CertificateRun.objects.create(batch=world.batch, actor=world.city, state="running", total=3, done=1)
    client = client_for(world.city)

    fragment = client.get(run_url(run), HTTP_HX_REQUEST="true")
    page = client.get(run_url(run))

    body = fragment.content.decode()
    assert "<html" not in body and 'id="certificate-run"' in body
    assert f'hx-get="{run_url(run)}"' in body and 'hx-trigger="every 2s"' in body
    assert 'value="33"' in body  # 1 of 3
    assert "no-store" in fragment["Cache-Control"]
    assert "<html" in page.content.decode() and 'id="certificate-run"' in page.content.decode()

    CertificateRun.objects.filter(pk=run.pk).update(state="finished", done=3, issued=3)
    ended = client.get(run_url(run), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in ended and 'data-state="finished"' in ended


def test_a_run_of_another_batch_is_not_found(client_for):
    world, other = FilingWorld(count=1), FilingWorld(count=1)
    run = CertificateRun.objects.create(batch=other.batch, actor=world.city)

    url = reverse("results:certificate_run", kwargs={"batch_pk": world.batch.pk, "pk": run.pk})

    assert client_for(world.city).get(url).status_code == 404


def test_a_second_click_while_a_run_is_open_returns_that_run(django_capture_on_commit_callbacks):
    world = filed_world(1, django_capture_on_commit_callbacks)

    first = certificates_queue_for_batch(batch=world.batch, actor=world.city)  # queued, not committed yet
    second = certificates_queue_for_batch(batch=world.batch, actor=world.city)

    assert first == second and CertificateRun.objects.count() == 1
    certificate_run_execute(run_id=first.pk)
    with pytest.raises(ValidationError) as refused:  # ended: a new run, but nothing is left to issue
        certificates_queue_for_batch(batch=world.batch, actor=world.city)
    assert refused.value.code == "not_ready"


def test_a_run_is_idempotent_and_a_failure_ends_it_with_the_reason(django_capture_on_commit_callbacks, settings):
    world = filed_world(2, django_capture_on_commit_callbacks)
    run = CertificateRun.objects.create(batch=world.batch, actor=world.city, total=2)
    settings.DOCUMENT_SIGNING_P12 = "/nonexistent/bureau.p12"  # the signing key went missing

    failed = certificate_run_execute(run_id=run.pk)

    assert failed.state == "failed" and failed.finished_at
    assert "DOCUMENT_SIGNING_P12" in failed.errors[-1]["reason"]
    assert not Certificate.objects.exists()
    # Ended: the task delivered again leaves it as it is.
    assert issue_certificates.delay(batch_id=world.batch.pk, run_id=run.pk).get() == {
        "state": "failed",
        "done": 0,
        "issued": 0,
    }
