"""The demo applications: about a hundred in every state of the audit, valid, and seeded once."""

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from applications import demo, guards
from applications.models import Application, Evidence, InternalNotice, Nomination, Status, Submission, Transition
from applications.selectors import last_diff, queue_for
from applications.validators import validate_id_number, validate_patent_number
from enterprises import demo as enterprises_demo
from enterprises.selectors import enterprise_for_chairman
from training.selectors import recognised_years
from zaozhuang_titles import demo as foundation_demo
from zaozhuang_titles.models import Role, User

pytestmark = pytest.mark.django_db


def test_demo_seed_covers_every_audit_state_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    foundation_demo.seed()
    enterprises_demo.seed()
    demo.seed()
    counts = {model: model.objects.count() for model in (Application, Transition, Evidence, Nomination, User)}
    demo.seed()
    assert {model: model.objects.count() for model in counts} == counts

    applications = Application.objects.filter(batch__name=demo.FIRST_BATCH_NAME)
    assert 95 <= applications.count() <= 110
    statuses = set(applications.values_list("status", flat=True))
    assert len(statuses) >= 8
    assert {Status.DRAFT, Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.ACCEPTED} <= statuses

    # Every submission left its snapshot; the moves were logged on past working days, in order.
    for application in applications.exclude(revision=0):
        assert Submission.objects.filter(application=application).count() == application.revision
        moments = list(application.transitions.order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments)

    # Applicants: the role, a valid Zaozhuang ID number, a profile with education, 工程师 and training.
    for application in applications.select_related("applicant__applicant_profile"):
        applicant = application.applicant
        assert applicant.has_role(Role.APPLICANT)
        validate_id_number(applicant.id_number)
        assert applicant.id_number.startswith("3704")
        profile = applicant.applicant_profile
        assert profile.enterprise_id == application.enterprise_id
        assert profile.educations.exists() and len(recognised_years(applicant)) >= 3
        assert profile.titles.filter(name="工程师").exists()
        assert 1 <= application.achievements.count() <= 4
    for number in applications.exclude(achievements__patent_number="").values_list(
        "achievements__patent_number", flat=True
    ):
        validate_patent_number(number)
    evidence = Evidence.objects.filter(application__in=applications, removed_at__isnull=True).first()
    assert default_storage.open(evidence.storage_name).read().startswith(b"%PDF")

    # The demo applicant can still submit its draft.
    draft = Application.objects.get(applicant__username="applicant")
    assert draft.status == Status.DRAFT
    assert draft.enterprise.name == enterprises_demo.DEMO_ENTERPRISE_NAME
    assert draft.achievements.filter(kind="patent").exists()
    assert guards.submission_problems(draft) == []

    # Each demo login finds work: district and city queues, the contact's and the chairman's.
    district_queue = list(queue_for(User.objects.get(username="district"), "district"))
    assert len(district_queue) >= 3
    assert any(last_diff(a) for a in district_queue)  # the resubmitted one shows what changed
    assert len(queue_for(User.objects.get(username="city"), "city")) >= 3
    own = applications.filter(enterprise__name=enterprises_demo.DEMO_ENTERPRISE_NAME)
    assert own.filter(status=Status.NOMINATED, internal_notice__ends_on__lt=timezone.localdate()).exists()
    assert own.filter(status=Status.ENTERPRISE_REVIEW, internal_notice__isnull=False).count() >= 3
    running = InternalNotice.objects.filter(enterprise__name=enterprises_demo.DEMO_ENTERPRISE_NAME)
    assert any(not notice.has_ended() for notice in running)
    letter = Nomination.objects.filter(signed_by__username="chairman").exclude(letter="").first()
    assert default_storage.open(letter.letter).read().startswith(b"%PDF")
    returned = applications.filter(status=Status.RETURNED).first()
    correction = returned.corrections.get()
    assert correction.items.count() == 2 and correction.deadline > correction.transition.at.date()

    # Every enterprise with applications has a chairman account with a mobile.
    for enterprise_id in applications.values_list("enterprise", flat=True).distinct():
        chairman = Application.objects.filter(enterprise_id=enterprise_id).first().enterprise.chairman
        assert chairman.has_role(Role.CHAIRMAN) and chairman.mobile
        assert enterprise_for_chairman(chairman).pk == enterprise_id


def test_demo_applications_open_for_city_staff_with_their_changes(settings, tmp_path, client):
    """Every submitted demo application's audit page, and the changes page of each resubmitted one, opens
    for city staff: the demo's one resubmission replaced an evidence file of an achievement, and its
    diff named the file through the achievement's reverse relation (a 500 before)."""
    settings.MEDIA_ROOT = str(tmp_path)
    foundation_demo.seed()
    enterprises_demo.seed()
    demo.seed()
    client.force_login(User.objects.get(username="city"))
    submitted = Application.objects.filter(status__in=Status.SUBMITTED)

    statuses = {a.number: client.get(f"/applications/audit/applications/{a.pk}/").status_code for a in submitted}
    resubmitted = [a for a in submitted if a.revision > 1]
    changes = {a.number: client.get(f"/applications/audit/applications/{a.pk}/changes/") for a in resubmitted}

    assert set(statuses.values()) == {200}
    assert resubmitted
    assert {number: response.status_code for number, response in changes.items()} == dict.fromkeys(changes, 200)
    # The replaced file is named on both sides: the one removed and the one added.
    application = resubmitted[0]
    page = changes[application.number].content.decode()
    assert 'data-field="evidence" data-kind="added"' in page
    assert 'data-field="evidence" data-kind="removed"' in page
    live = application.evidence.filter(removed_at__isnull=True, achievement__isnull=False)
    assert any(item.original_name in page for item in live)
