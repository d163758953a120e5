"""A file the applicant removed is gone from the application's pages for everyone; staff open it from
the submission that named it, labelled as removed, and the opening is logged."""

import pytest
from django.test import Client
from django.urls import reverse

from applications import services
from tests.applications.factories import World, evidence_for, tiny_pdf
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import AuditEvent

pytestmark = pytest.mark.django_db


def client_for(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


@pytest.fixture
def world(division):
    return World(division=division)


def return_and_resubmit(world, application, *, remove=None, add=None):
    services.application_return(
        application=application,
        actor=world.district,
        reason="请更换材料",
        items=[("field:summary", "业绩综述", "补充")],
    )
    application.refresh_from_db()
    achievement = application.achievements.first()
    if add is not None:  # first, so that the achievement always has a file
        evidence_for(application, achievement, name=add, content=tiny_pdf(add))
    if remove is not None:
        services.evidence_remove(application=application, actor=application.applicant, evidence=remove)
    services.application_resubmit(application=application, actor=application.applicant)
    application.refresh_from_db()
    return application


@pytest.fixture
def replaced(world):
    """An application whose first submission named a file that the applicant removed before the second."""
    application = world.at_district()
    removed = application.evidence.first()
    return_and_resubmit(world, application, remove=removed, add="新证书.pdf")
    removed.refresh_from_db()
    assert removed.removed_at is not None
    return application, removed


def file_url(application, revision, evidence):
    return reverse("applications:submission_file", args=[application.pk, revision, evidence.pk])


def test_removed_evidence_is_404_on_the_application_pages_for_everyone(world, replaced):
    application, removed = replaced
    url = reverse("applications:evidence_download", args=[removed.pk])
    for user in (application.applicant, world.contact, world.chairman, world.district, world.city):
        assert client_for(user).get(url).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).exists()
    page = client_for(world.district).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert url not in page


def test_removed_evidence_opens_for_staff_from_its_submission_and_is_logged(world, replaced):
    application, removed = replaced

    response = client_for(world.district).get(file_url(application, 1, removed) + "?inline=1")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf(removed.original_name)
    assert response["Content-Disposition"].startswith("inline")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert (event.user, event.object_type, event.object_id) == (
        world.district,
        "applications.evidence",
        str(removed.pk),
    )
    assert event.at is not None
    assert event.detail == {
        "application": application.number,
        "submission": 1,
        "removed": True,
        "sha256": removed.sha256,
        "inline": True,
    }


def test_removed_evidence_is_labelled_removed_on_the_staff_page_of_its_submission(world, replaced):
    application, removed = replaced

    response = client_for(world.city).get(reverse("applications:diff", args=[application.pk]))

    by_revision = {
        s.revision: [(f.original_name, f.removed_at is not None) for f in files]
        for s, files in response.context["submission_files"]
    }
    assert by_revision == {1: [(removed.original_name, True)], 2: [("新证书.pdf", False)]}
    page = response.content.decode()
    assert file_url(application, 1, removed) in page
    assert page.count('data-testid="file-removed"') == 1
    assert "已删除" in page


def test_removed_evidence_is_not_served_from_a_submission_that_did_not_name_it(world, replaced):
    application, removed = replaced
    assert client_for(world.city).get(file_url(application, 2, removed)).status_code == 404
    assert client_for(world.city).get(file_url(application, 9, removed)).status_code == 404


def test_removed_evidence_stays_out_of_the_applicants_and_enterprises_reach(world, replaced):
    application, removed = replaced
    for user in (application.applicant, world.contact, world.chairman):
        assert client_for(user).get(file_url(application, 1, removed)).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).exists()


def test_removed_evidence_of_another_application_is_404(world, replaced):
    _application, removed = replaced
    other = world.at_district()
    url = reverse("applications:submission_file", args=[other.pk, 1, removed.pk])
    assert client_for(world.city).get(url).status_code == 404


def test_diff_page_query_count_is_constant(world, django_assert_num_queries):
    application = world.at_district()
    client = client_for(world.city)
    assert_constant_queries(
        django_assert_num_queries,
        render=lambda: client.get(reverse("applications:diff", args=[application.pk])),
        add_item=lambda: return_and_resubmit(world, application, add=f"证书{application.revision}.pdf"),
        expected=13,
    )
