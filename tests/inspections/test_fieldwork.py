"""Findings, files checked like evidence, the conclusion, the rectification deadline in working days,
the enterprise's reply with evidence and its review; publishing the results."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Finding, Inspection, InspectionFile, InspectionPlan, PlanEvent, Rectification
from inspections.services.fieldwork import (
    finding_file_add,
    findings_record,
    inspection_conclude,
    rectification_reply,
    rectification_review,
)
from inspections.services.plans import plan_publish
from tests.applications.hostile_files import image, pdf
from tests.factories import UserFactory
from tests.inspections.factories import InspectionWorld
from zaozhuang_titles.models import Notice, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = InspectionWorld(enterprises=3, count=1, team_size=2)
    w.draw()
    w.inspection = Inspection.objects.get(plan=w.plan)
    w.contact = w.contact_of(w.inspection.enterprise)
    w.items = list(w.plan.items.all())
    return w


def record_all(w, *, problem_at=None, actor=None):
    results = {
        item.pk: (Finding.Result.PROBLEM, "缺少台账") if item == problem_at else (Finding.Result.COMPLIANT, "")
        for item in w.items
    }
    findings_record(inspection=w.inspection, actor=actor or w.city, results=results)


def test_a_drawn_inspector_records_findings_and_an_outsider_may_not(world):
    inspector = world.inspection.team.first().member.user
    record_all(world, actor=inspector)
    assert Finding.objects.filter(inspection=world.inspection, recorded_by=inspector).count() == 3

    stranger = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=world.division)
    with pytest.raises(PermissionDenied):
        findings_record(inspection=world.inspection, actor=stranger, results={})
    with pytest.raises(PermissionDenied):
        findings_record(inspection=world.inspection, actor=world.contact, results={})


def test_a_problem_needs_a_note(world):
    with pytest.raises(ValidationError, match="what problem"):
        findings_record(inspection=world.inspection, actor=world.city, results={world.items[0].pk: ("problem", " ")})
    assert not Finding.objects.exists()


def test_files_are_checked_like_evidence(world):
    record_all(world)
    stored = finding_file_add(
        inspection=world.inspection,
        item=world.items[0],
        uploaded_file=SimpleUploadedFile("现场照片.png", image()),
        actor=world.city,
    )
    assert (stored.content_type, stored.original_name) == ("image/png", "现场照片.png")
    with pytest.raises(ValidationError, match="HTML"):
        finding_file_add(
            inspection=world.inspection,
            item=world.items[0],
            uploaded_file=SimpleUploadedFile("照片.png", b"<html><script>alert(1)</script></html>"),
            actor=world.city,
        )
    assert InspectionFile.objects.count() == 1


def test_a_file_needs_the_finding_first(world):
    with pytest.raises(ValidationError, match="before adding its files"):
        finding_file_add(
            inspection=world.inspection,
            item=world.items[0],
            uploaded_file=SimpleUploadedFile("a.png", image()),
            actor=world.city,
        )


def test_concluding_needs_every_item(world):
    findings_record(
        inspection=world.inspection, actor=world.city, results={world.items[0].pk: (Finding.Result.COMPLIANT, "")}
    )
    with pytest.raises(ValidationError, match="2 checklist items"):
        inspection_conclude(inspection=world.inspection, actor=world.city)
    assert Inspection.objects.get(pk=world.inspection.pk).outcome == Inspection.Outcome.PENDING


def test_no_problem_concludes_compliant_without_rectification(world):
    record_all(world)
    inspection = inspection_conclude(inspection=world.inspection, actor=world.city, summary="符合")
    assert inspection.outcome == Inspection.Outcome.COMPLIANT
    assert not Rectification.objects.exists()
    with pytest.raises(ValidationError, match="concluded"):
        record_all(world)


@pytest.mark.parametrize(
    ("ordered_on", "days", "deadline"),
    [
        # National Day 2025: 1-8 October off, Saturday 11 October a make-up working day (调休).
        (datetime.date(2025, 9, 30), 5, datetime.date(2025, 10, 14)),
        # An ordinary week: the day of the order does not count.
        (datetime.date(2025, 11, 14), 5, datetime.date(2025, 11, 21)),
    ],
)
def test_a_problem_orders_a_rectification_due_in_working_days(world, ordered_on, days, deadline):
    InspectionPlan.objects.filter(pk=world.plan.pk).update(rectification_days=days)
    record_all(world, problem_at=world.items[1])
    with pytest.raises(ValidationError, match="rectify"):
        inspection_conclude(inspection=world.inspection, actor=world.city)

    inspection = inspection_conclude(
        inspection=world.inspection, actor=world.city, requirement="补齐台账", today=ordered_on
    )

    rectification = inspection.rectification
    assert inspection.outcome == Inspection.Outcome.RECTIFYING
    assert rectification.deadline == deadline
    assert rectification.is_overdue(today=deadline) is False
    assert rectification.is_overdue(today=deadline + datetime.timedelta(days=1)) is True
    assert Notice.objects.filter(recipient=world.contact, key__startswith="inspection-rectify:").count() == 1


def test_the_enterprise_replies_with_evidence_and_the_inspectors_review(world):
    record_all(world, problem_at=world.items[0])
    inspection_conclude(inspection=world.inspection, actor=world.city, requirement="补齐台账")
    rectification = Rectification.objects.get()

    with pytest.raises(ValidationError):
        rectification_reply(rectification=rectification, actor=world.contact, reply="已整改", uploaded_file=None)
    with pytest.raises(PermissionDenied):
        rectification_reply(
            rectification=rectification,
            actor=world.city,
            reply="已整改",
            uploaded_file=SimpleUploadedFile("a.pdf", pdf()),
        )
    rectification_reply(
        rectification=rectification,
        actor=world.contact,
        reply="已补齐台账",
        uploaded_file=SimpleUploadedFile("台账.pdf", pdf()),
    )
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.REPLIED
    assert rectification.files.get().content_type == "application/pdf"

    inspector = world.inspection.team.first().member.user
    with pytest.raises(ValidationError, match="why"):
        rectification_review(rectification=rectification, actor=inspector, accept=False)
    rectification_review(rectification=rectification, actor=inspector, accept=False, note="证明不全")
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN
    rectification_reply(
        rectification=rectification,
        actor=world.contact,
        reply="补充证明",
        uploaded_file=SimpleUploadedFile("证明.png", image()),
    )
    rectification_review(rectification=rectification, actor=inspector, accept=True)

    assert Inspection.objects.get(pk=world.inspection.pk).outcome == Inspection.Outcome.RECTIFIED
    assert list(PlanEvent.objects.filter(inspection=world.inspection).values_list("action", "actor")) == [
        ("findings", world.city.pk),
        ("concluded", world.city.pk),
        ("replied", world.contact.pk),
        ("returned", inspector.pk),
        ("replied", world.contact.pk),
        ("accepted", inspector.pk),
    ]


def test_results_are_published_once_every_inspection_is_concluded(world):
    with pytest.raises(ValidationError, match="not concluded"):
        plan_publish(plan=world.plan, actor=world.city)
    record_all(world)
    inspection_conclude(inspection=world.inspection, actor=world.city)
    plan = plan_publish(plan=world.plan, actor=world.city)
    assert plan.status == InspectionPlan.Status.PUBLISHED
    with pytest.raises(ValidationError):
        plan_publish(plan=plan, actor=world.city)
