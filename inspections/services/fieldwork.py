"""Writes of the work at a drawn enterprise: findings per checklist item, their photos and files, the
conclusion (with a rectification due in working days when a problem was found), the enterprise's reply
with evidence, and the inspectors' review of it. Files are checked like evidence
(``applications.evidence``). Every step is logged (``PlanEvent``); the enterprise's contacts are told
through the notice outbox."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.evidence import inspect_upload, store_upload
from enterprises.models import EnterpriseContact
from inspections.models import Finding, Inspection, InspectionFile, PlanEvent, Rectification
from inspections.services.plans import event_log
from zaozhuang_titles.notices import notice_create
from zaozhuang_titles.workdays import add_working_days

#: At most this many files per inspection (findings and reply together).
MAX_FILES = 40


def _check(user, permission, inspection):
    if not user.has_perm(permission, inspection):
        raise PermissionDenied(_("You may not do this with this inspection."))


def _lock(inspection):
    return Inspection.objects.select_for_update().select_related("plan").get(pk=inspection.pk)


def _check_open(inspection):
    if inspection.concluded_at is not None:
        raise ValidationError(_("This inspection is concluded; its findings no longer change."), code="concluded")


@transaction.atomic
def findings_record(*, inspection, actor, results):
    """Record the result and note of checklist items: ``results`` maps an item's pk to (result, note).
    A problem needs a note saying what was found."""
    _check(actor, "inspections.record_inspection", inspection)
    inspection = _lock(inspection)
    _check_open(inspection)
    items = {item.pk: item for item in inspection.plan.items.all()}
    errors = []
    for item_pk, (result, note) in results.items():
        if item_pk not in items:
            errors.append(_("Item %(item)s is not on this plan's checklist.") % {"item": item_pk})
        elif result not in Finding.Result.values:
            errors.append(_("Choose a result for “%(item)s”.") % {"item": items[item_pk].text})
        elif result == Finding.Result.PROBLEM and not (note or "").strip():
            errors.append(_("Say what problem was found for “%(item)s”.") % {"item": items[item_pk].text})
    if errors:
        raise ValidationError(errors)
    existing = {finding.item_id: finding for finding in Finding.objects.filter(inspection=inspection)}
    now = timezone.now()
    for item_pk, (result, note) in results.items():
        finding = existing.get(item_pk) or Finding(inspection=inspection, item=items[item_pk])
        finding.result, finding.note = result, (note or "").strip()
        finding.recorded_by, finding.recorded_at = actor, now
        finding.full_clean()
        finding.save()
    event_log(plan=inspection.plan, inspection=inspection, action=PlanEvent.Action.FINDINGS, actor=actor)
    return inspection


def _store(*, inspection, uploaded_file, actor, finding=None, rectification=None):
    if InspectionFile.objects.filter(inspection=inspection).count() >= MAX_FILES:
        raise ValidationError(_("An inspection holds at most %(count)d files.") % {"count": MAX_FILES})
    inspected = inspect_upload(uploaded_file)
    stored = InspectionFile(
        inspection=inspection,
        finding=finding,
        rectification=rectification,
        storage_name="",
        original_name=inspected.original_name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
    )
    stored.storage_name = store_upload(uploaded_file, inspected)
    stored.save()
    return stored


@transaction.atomic
def finding_file_add(*, inspection, item, uploaded_file, actor):
    """Add a photo or file to the finding of ``item`` (recorded first). Checked like evidence."""
    _check(actor, "inspections.record_inspection", inspection)
    inspection = _lock(inspection)
    _check_open(inspection)
    finding = Finding.objects.filter(inspection=inspection, item=item).first()
    if finding is None:
        raise ValidationError(_("Record the result of “%(item)s” before adding its files.") % {"item": item.text})
    stored = _store(inspection=inspection, uploaded_file=uploaded_file, actor=actor, finding=finding)
    event_log(
        plan=inspection.plan,
        inspection=inspection,
        action=PlanEvent.Action.FILE_ADDED,
        actor=actor,
        reason=f"{item.text}: {stored.original_name} ({stored.sha256})",
    )
    return stored


def _tell_contacts(inspection, *, key, subject, body):
    url = reverse("inspections:inspection", args=[inspection.pk])
    for contact in EnterpriseContact.objects.filter(
        enterprise_id=inspection.enterprise_id, is_active=True, user__isnull=False
    ).select_related("user"):
        notice_create(recipient=contact.user, key=f"{key}:{contact.user_id}", subject=subject, body=body, url=url)


@transaction.atomic
def inspection_conclude(*, inspection, actor, summary="", requirement="", today=None):
    """Conclude the inspection once every checklist item has a result. A problem found orders a
    rectification due ``plan.rectification_days`` working days after today (which does not count)."""
    _check(actor, "inspections.record_inspection", inspection)
    inspection = _lock(inspection)
    _check_open(inspection)
    plan = inspection.plan
    findings = list(Finding.objects.filter(inspection=inspection))
    missing = plan.items.exclude(pk__in=[finding.item_id for finding in findings]).count()
    if missing:
        raise ValidationError(
            _("%(count)d checklist items have no result yet; record every item before concluding.")
            % {"count": missing},
            code="incomplete",
        )
    problems = any(finding.result == Finding.Result.PROBLEM for finding in findings)
    requirement = (requirement or "").strip()
    if problems and not requirement:
        raise ValidationError(
            {"requirement": _("Problems were found: say what the enterprise must rectify.")}, code="requirement"
        )
    now = timezone.now()
    inspection.summary = (summary or "").strip()
    inspection.concluded_at, inspection.concluded_by = now, actor
    inspection.outcome = Inspection.Outcome.RECTIFYING if problems else Inspection.Outcome.COMPLIANT
    inspection.save(update_fields=["summary", "concluded_at", "concluded_by", "outcome"])
    reason = inspection.get_outcome_display()
    if problems:
        counted = add_working_days(today or timezone.localdate(), plan.rectification_days)
        deadline = counted.end
        rectification = Rectification(
            inspection=inspection,
            requirement=requirement,
            ordered_at=now,
            deadline=deadline,
            deadline_provisional=counted.provisional,
        )
        rectification.full_clean()
        rectification.save()
        reason = _("Rectification due %(deadline)s (%(days)d working days).") % {
            "deadline": deadline.isoformat(),
            "days": plan.rectification_days,
        }
        _tell_contacts(
            inspection,
            key=f"inspection-rectify:{inspection.pk}",
            subject=_("Rectification ordered after the inspection “%(plan)s”") % {"plan": plan.name},
            body=_("Please rectify and reply with evidence by %(deadline)s: %(requirement)s")
            % {"deadline": deadline.isoformat(), "requirement": requirement},
        )
    event_log(plan=plan, inspection=inspection, action=PlanEvent.Action.CONCLUDED, actor=actor, reason=reason)
    return inspection


@transaction.atomic
def rectification_reply(*, rectification, actor, reply, uploaded_file):
    """The enterprise's contact says what was rectified, with evidence (a file checked like evidence)."""
    inspection = rectification.inspection
    _check(actor, "inspections.reply_inspection", inspection)
    inspection = _lock(inspection)
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.status != Rectification.Status.OPEN:
        raise ValidationError(_("This rectification is not awaiting a reply."), code="not_open")
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Say what was rectified and how.")})
    if uploaded_file is None:
        raise ValidationError({"evidence": _("Attach the evidence of the rectification (PDF, JPEG or PNG).")})
    stored = _store(inspection=inspection, uploaded_file=uploaded_file, actor=actor, rectification=rectification)
    rectification.reply = reply
    rectification.replied_at, rectification.replied_by = timezone.now(), actor
    rectification.status = Rectification.Status.REPLIED
    rectification.save(update_fields=["reply", "replied_at", "replied_by", "status"])
    event_log(
        plan=inspection.plan,
        inspection=inspection,
        action=PlanEvent.Action.REPLIED,
        actor=actor,
        reason=f"{stored.original_name} ({stored.sha256})",
    )
    return rectification


@transaction.atomic
def rectification_review(*, rectification, actor, accept, note=""):
    """The inspectors accept the reply (the outcome becomes 已整改到位) or return it with a note (the
    enterprise replies again, by the same deadline)."""
    inspection = rectification.inspection
    _check(actor, "inspections.review_inspection", inspection)
    inspection = _lock(inspection)
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.status != Rectification.Status.REPLIED:
        raise ValidationError(_("There is no reply to review."), code="no_reply")
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Say why the reply is returned and what is still missing.")})
    rectification.review_note = note
    rectification.reviewed_at, rectification.reviewed_by = timezone.now(), actor
    rectification.status = Rectification.Status.ACCEPTED if accept else Rectification.Status.OPEN
    rectification.save(update_fields=["review_note", "reviewed_at", "reviewed_by", "status"])
    if accept:
        inspection.outcome = Inspection.Outcome.RECTIFIED
        inspection.save(update_fields=["outcome"])
    action = PlanEvent.Action.ACCEPTED if accept else PlanEvent.Action.RETURNED
    event_log(plan=inspection.plan, inspection=inspection, action=action, actor=actor, reason=note)
    if not accept:
        _tell_contacts(
            inspection,
            key=f"inspection-returned:{rectification.pk}:{rectification.reviewed_at.timestamp()}",
            subject=_("Your rectification reply was returned"),
            body=note,
        )
    return rectification
