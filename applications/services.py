"""Every write on applications: the profile, the application and its achievements and evidence, the
enterprise's internal notice, the chairman's signed nomination, and the audit's decisions.

Each function takes keyword-only arguments, checks who acts, calls ``full_clean()`` and leaves a trace.
State changes go through ``applications.workflow.application_transition`` and nowhere else.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import evidence as evidence_files
from applications.guards import batch_accepting_check
from applications.letters import nomination_letter_pdf
from applications.models import (
    Achievement,
    ApplicantProfile,
    Application,
    CorrectionItem,
    CorrectionRequest,
    EducationRecord,
    Evidence,
    InternalNotice,
    InternalObjection,
    Nomination,
    NominationEntry,
    SkillRecord,
    Status,
    TitleRecord,
    TrainingRecord,
    WorkRecord,
)
from applications.snapshots import application_sha256
from applications.workflow import application_transition
from enterprises.selectors import enterprise_for_contact
from zaozhuang_titles.formats import date_text
from zaozhuang_titles.models import Role
from zaozhuang_titles.otp import otp_issue, otp_verify
from zaozhuang_titles.workdays import add_working_days, period_end

#: The records of a profile an applicant keeps through ``profile_record_save``.
PROFILE_RECORDS = (EducationRecord, TitleRecord, SkillRecord, WorkRecord, TrainingRecord)


def _require_applicant(user):
    if not user.has_role(Role.APPLICANT):
        raise PermissionDenied(_("Only applicants keep a profile and apply."))


# --- Profile --------------------------------------------------------------------------------------


def profile_get_or_create(*, user):
    _require_applicant(user)
    profile, _created = ApplicantProfile.objects.get_or_create(user=user)
    return profile


def profile_lock_reason(*, user):
    """Why the profile cannot change now ("" when it can): an application of it is under audit."""
    locked = (
        Application.objects.filter(applicant=user, status__in=Status.PROFILE_LOCKING).select_related("batch").first()
    )
    if locked is None:
        return ""
    return _(
        "Your profile is part of application %(number)s, which is “%(status)s”; it can change again when "
        "the application is returned for correction or has ended."
    ) % {"number": locked.number, "status": locked.get_status_display()}


def _check_profile_editable(user):
    reason = profile_lock_reason(user=user)
    if reason:
        raise ValidationError(reason, code="profile_locked")


def _touch_open_applications(user, reason):
    for application in Application.objects.filter(applicant=user, status__in=Status.EDITABLE):
        application_touch(application=application, reason=reason)


@transaction.atomic
def profile_update(*, user, enterprise=None, department="", position="", specialty="", email=None, mobile=None):
    """The applicant updates its profile: employer, department, position, specialty, contact data.

    Name and ID number are fixed at registration (staff correct them in admin)."""
    profile = profile_get_or_create(user=user)
    _check_profile_editable(user)
    if enterprise is not None and enterprise.status != enterprise.Status.ACTIVE:
        raise ValidationError(
            {"enterprise": _("%(name)s is not an active registered enterprise yet.") % {"name": enterprise.name}}
        )
    profile.enterprise = enterprise
    profile.department, profile.position, profile.specialty = department, position, specialty
    profile.full_clean()
    profile.save()
    if email is not None or mobile is not None:
        if email is not None:
            user.email = email
        if mobile is not None:
            user.mobile = mobile or None
        user.full_clean(exclude=["password"])
        user.save(update_fields=["email", "mobile"])
    _touch_open_applications(user, _("The profile changed."))
    return profile


@transaction.atomic
def profile_record_save(*, user, model, data, instance=None):
    """Add or change one record of the profile (education, title, skill, work, training)."""
    if model not in PROFILE_RECORDS:
        raise ValueError(f"not a profile record: {model}")
    profile = profile_get_or_create(user=user)
    _check_profile_editable(user)
    if instance is None:
        instance = model(profile=profile)
    elif instance.profile_id != profile.pk:
        raise PermissionDenied
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError(_("This record duplicates one you already have.")) from None
    _touch_open_applications(user, _("The profile changed."))
    return instance


@transaction.atomic
def profile_record_remove(*, user, instance):
    profile = profile_get_or_create(user=user)
    _check_profile_editable(user)
    if instance.profile_id != profile.pk:
        raise PermissionDenied
    instance.delete()
    _touch_open_applications(user, _("The profile changed."))


# --- Application content ------------------------------------------------------------------------


def _check_editable(application, actor):
    if application.applicant_id != actor.pk:
        raise PermissionDenied(_("Only the applicant changes its application."))
    if not application.is_editable:
        raise ValidationError(
            _("The application is “%(status)s” and cannot be changed now.")
            % {"status": application.get_status_display()},
            code="not_editable",
        )


def application_touch(*, application, reason):
    """The application's content changed: record when, and void any signature given to it before."""
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(changed_at=now)
    application.changed_at = now
    NominationEntry.objects.filter(application=application, voided_at__isnull=True).update(
        voided_at=now, void_reason=reason[:200]
    )


@transaction.atomic
def application_create(*, applicant, batch, specialty, summary):
    """Start an application (a draft) in ``batch``: one per applicant per batch."""
    _require_applicant(applicant)
    batch_accepting_check(batch)
    profile = profile_get_or_create(user=applicant)
    if profile.enterprise_id is None or profile.enterprise.status != profile.enterprise.Status.ACTIVE:
        raise ValidationError(
            _("Choose your employer, an active enterprise registered on the portal, in your profile first."),
            code="no_employer",
        )
    if Application.objects.filter(batch=batch, applicant=applicant).exists():
        raise ValidationError(_("You already have an application in this batch."), code="duplicate")
    application = Application(
        batch=batch,
        applicant=applicant,
        enterprise=profile.enterprise,
        specialty=specialty,
        summary=summary,
        number=f"tmp-{hashlib.sha256(f'{batch.pk}-{applicant.pk}'.encode()).hexdigest()[:14]}",
    )
    application.full_clean(exclude=["number"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("You already have an application in this batch."), code="duplicate") from None
    application.number = f"{batch.year}{application.pk:07d}"
    Application.objects.filter(pk=application.pk).update(number=application.number)
    return application


@transaction.atomic
def application_update(*, application, actor, specialty, summary):
    _check_editable(application, actor)
    application.specialty, application.summary = specialty, summary
    application.full_clean()
    application.save(update_fields=["specialty", "summary"])
    application_touch(application=application, reason=_("The application's text changed."))
    return application


@transaction.atomic
def achievement_save(*, application, actor, data, achievement=None):
    """Add or change one structured achievement."""
    _check_editable(application, actor)
    if achievement is None:
        last = application.achievements.order_by("-position").values_list("position", flat=True).first()
        achievement = Achievement(application=application, position=(last or 0) + 1)
    elif achievement.application_id != application.pk:
        raise PermissionDenied
    for field, value in data.items():
        setattr(achievement, field, value)
    achievement.full_clean()
    try:
        with transaction.atomic():
            achievement.save()
    except IntegrityError:
        raise ValidationError(
            {"patent_number": _("This patent is already among the achievements of this application.")}
        ) from None
    application_touch(application=application, reason=_("An achievement changed."))
    return achievement


@transaction.atomic
def achievement_remove(*, application, actor, achievement):
    _check_editable(application, actor)
    if achievement.application_id != application.pk:
        raise PermissionDenied
    now = timezone.now()
    achievement.evidence.filter(removed_at__isnull=True).update(removed_at=now)
    achievement.delete()
    application_touch(application=application, reason=_("An achievement was removed."))


def evidence_total(application):
    return application.evidence.filter(removed_at__isnull=True).aggregate(total=Sum("size"))["total"] or 0


@transaction.atomic
def evidence_add(*, application, actor, uploaded_file, achievement=None):
    """Check an uploaded file by its content, store it under a random name, and record it."""

    _check_editable(application, actor)
    if achievement is not None and achievement.application_id != application.pk:
        raise PermissionDenied
    inspected = evidence_files.inspect_upload(uploaded_file)
    Application.objects.select_for_update().filter(pk=application.pk).first()  # serialise the total check
    evidence_files.check_total(evidence_total(application), inspected.size)
    storage_name = evidence_files.store_upload(uploaded_file, inspected)
    try:
        item = Evidence.objects.create(
            application=application,
            achievement=achievement,
            storage_name=storage_name,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=actor,
        )
    except Exception:
        default_storage.delete(storage_name)
        raise
    application_touch(application=application, reason=_("An evidence file was added."))
    return item


@transaction.atomic
def evidence_remove(*, application, actor, evidence):
    _check_editable(application, actor)
    if evidence.application_id != application.pk:
        raise PermissionDenied
    evidence.removed_at = timezone.now()
    evidence.save(update_fields=["removed_at"])
    application_touch(application=application, reason=_("An evidence file was removed."))


# --- Submission and the applicant's moves -------------------------------------------------------


def application_submit(*, application, actor, ip=None):
    """The applicant submits its draft to its enterprise (单位审核)."""
    return application_transition(application=application, action="submit", actor=actor, ip=ip)


@transaction.atomic
def application_resubmit(*, application, actor, ip=None):
    """The applicant answers a return for correction; the application goes back to the step that
    returned it (the resubmit moves' guards pick it)."""
    log = application_transition(application=application, action="resubmit", actor=actor, ip=ip)
    correction = application.corrections.filter(answered_at__isnull=True).order_by("-id").first()
    correction.answered_at = log.at
    correction.save(update_fields=["answered_at"])
    return log


def application_withdraw(*, application, actor, reason, ip=None):
    return application_transition(application=application, action="withdraw", actor=actor, reason=reason, ip=ip)


# --- Enterprise: internal notice, objections, forwarding -------------------------------------------


def _check_contact(actor, enterprise):

    own = enterprise_for_contact(actor) if actor.has_role(Role.ENTERPRISE_CONTACT) else None
    if own is None or own.pk != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise's own contact does this."))


@transaction.atomic
def internal_notice_start(*, enterprise, batch, applications, actor, starts_on, location):
    """Start the internal notice (单位内部公示) of ``applications`` for the batch's working days."""

    _check_contact(actor, enterprise)
    applications = list(applications)
    if not applications:
        raise ValidationError(_("Choose at least one application to make known."), code="empty")
    if starts_on < timezone.localdate():
        raise ValidationError({"starts_on": _("The notice cannot start in the past.")})
    for application in applications:
        if application.enterprise_id != enterprise.pk or application.batch_id != batch.pk:
            raise PermissionDenied
        if not application.is_under_enterprise:
            raise ValidationError(
                _("Application %(number)s is “%(status)s”; only applications under enterprise review are made known.")
                % {"number": application.number, "status": application.get_status_display()}
            )
        if application.internal_notice_id is not None:
            raise ValidationError(
                _("Application %(number)s is already in an internal notice.") % {"number": application.number}
            )
    result = period_end(starts_on, batch.notice_working_days)
    notice = InternalNotice(
        enterprise=enterprise,
        batch=batch,
        starts_on=result.first_day,
        ends_on=result.end,
        working_days=batch.notice_working_days,
        provisional=result.provisional,
        location=location,
        started_by=actor,
    )
    notice.full_clean()
    notice.save()
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(internal_notice=notice)
    return notice


@transaction.atomic
def internal_objection_record(*, notice, application, actor, raised_on, raised_by, content):
    _check_contact(actor, notice.enterprise)
    if application.internal_notice_id != notice.pk:
        raise PermissionDenied
    if raised_on < notice.starts_on or raised_on > notice.ends_on:
        raise ValidationError(
            {
                "raised_on": _("An objection to this notice is raised between %(start)s and %(end)s.")
                % {"start": date_text(notice.starts_on), "end": date_text(notice.ends_on)}
            }
        )
    objection = InternalObjection(
        notice=notice,
        application=application,
        raised_on=raised_on,
        raised_by=raised_by,
        content=content,
        recorded_by=actor,
    )
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def internal_objection_resolve(*, objection, actor, upheld, resolution):
    _check_contact(actor, objection.notice.enterprise)
    if objection.resolved_at is not None:
        raise ValidationError(_("This objection is already settled."), code="settled")
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the objection was settled.")})
    objection.upheld, objection.resolution, objection.resolved_at = upheld, resolution.strip(), timezone.now()
    objection.full_clean()
    objection.save()
    return objection


def application_forward(*, application, actor, reason="", ip=None):
    """The enterprise contact forwards the application to the district after the internal notice."""
    return application_transition(application=application, action="forward", actor=actor, reason=reason, ip=ip)


# --- Audit ---------------------------------------------------------------------------------------


def application_pass(*, application, actor, reason="", ip=None):
    """District staff pass it to the city (初审通过), city staff accept it (复审通过, 受理)."""
    return application_transition(application=application, action="pass", actor=actor, reason=reason, ip=ip)


def application_reject(*, application, actor, reason, ip=None):
    return application_transition(application=application, action="reject", actor=actor, reason=reason, ip=ip)


@transaction.atomic
def application_return(*, application, actor, reason, items, deadline=None, ip=None):
    """Return for correction (退回补正): ``items`` is a list of ``(target, label, reason)``; the deadline
    defaults to the batch's working days from today."""

    items = [(t, label, (r or "").strip()) for t, label, r in items]
    if not items:
        raise ValidationError(_("Mark at least one field or file to correct, with its reason."), code="no_items")
    missing = [label for _t, label, r in items if not r]
    if missing:
        raise ValidationError(
            _("Give the reason for each marked item: %(items)s.") % {"items": "、".join(str(m) for m in missing)},
            code="item_reason",
        )
    today = timezone.localdate()
    provisional = False
    if deadline is None:
        result = add_working_days(today, application.batch.correction_working_days)
        deadline, provisional = result.end, result.provisional
    elif deadline <= today:
        raise ValidationError({"deadline": _("The deadline must be after today.")})
    returned_from = application.status
    note = _("Please correct it by %(date)s.") % {"date": date_text(deadline)}
    log = application_transition(
        application=application, action="return", actor=actor, reason=reason, ip=ip, notice_note=note
    )
    correction = CorrectionRequest.objects.create(
        application=application,
        transition=log,
        returned_from=returned_from,
        deadline=deadline,
        deadline_provisional=provisional,
    )
    CorrectionItem.objects.bulk_create(
        [CorrectionItem(request=correction, target=t[:64], label=str(label)[:200], reason=r) for t, label, r in items]
    )
    return correction


# --- Nomination ----------------------------------------------------------------------------------

NOMINATION_PURPOSE = "sign_nomination"  # zaozhuang_titles.otp.Purpose.SIGN_NOMINATION: its own SMS wording


def nomination_otp_key(enterprise, batch):
    return f"nomination:{enterprise.pk}:{batch.pk}"


def nomination_candidates(*, enterprise, batch):
    """The applications the chairman ranks: the enterprise's submitted applications in the batch that
    are still before the city's decision."""
    return (
        Application.objects.filter(
            enterprise=enterprise,
            batch=batch,
            status__in=Status.NOMINATION_CANDIDATES,
        )
        .select_related("applicant", "enterprise", "batch")
        .order_by("id")
    )


def nomination_request_code(*, chairman, enterprise, batch, request=None):
    """Send the chairman a one-time code to sign the nomination of ``enterprise`` in ``batch``."""

    if enterprise.chairman_id != chairman.pk or not chairman.has_role(Role.CHAIRMAN):
        raise PermissionDenied(_("Only the enterprise's chairman signs its nomination."))
    return otp_issue(
        user=chairman, purpose=NOMINATION_PURPOSE, key=nomination_otp_key(enterprise, batch), request=request
    )


def _checked_ranking(*, chairman, enterprise, batch, ranking, lock):
    """The candidates by pk, once ``ranking`` is a complete strict order of them with recommendations."""
    if enterprise.chairman_id != chairman.pk or not chairman.has_role(Role.CHAIRMAN):
        raise PermissionDenied(_("Only the enterprise's chairman signs its nomination."))
    if not batch.is_dedicated:
        raise ValidationError(_("Only the dedicated channel asks for the chairman's nomination."), code="regular")
    queryset = nomination_candidates(enterprise=enterprise, batch=batch)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    candidates = {a.pk: a for a in queryset}
    ranked_ids = [application.pk for application, _text in ranking]
    if len(set(ranked_ids)) != len(ranked_ids):
        raise ValidationError(_("Each nominee appears once in the ranking."), code="duplicate_rank")
    foreign = [pk for pk in ranked_ids if pk not in candidates]
    if foreign:
        raise PermissionDenied(_("The ranking names an application that is not your enterprise's in this batch."))
    missing = [candidates[pk] for pk in candidates if pk not in ranked_ids]
    if missing:
        raise ValidationError(
            _("Rank every nominee; missing: %(names)s.") % {"names": "、".join(str(a.applicant) for a in missing)},
            code="incomplete_ranking",
        )
    empty = [application for application, text in ranking if not (text or "").strip()]
    if empty:
        raise ValidationError(
            _("Write a recommendation for %(names)s.") % {"names": "、".join(str(a.applicant) for a in empty)},
            code="no_recommendation",
        )
    return candidates


def nomination_sign(*, chairman, enterprise, batch, ranking, code, ip=None):
    """The chairman signs the ranked nomination (董事长署名举荐).

    ``ranking`` lists ``(application, recommendation)`` in order of contribution, first the greatest;
    it must hold every candidate exactly once. The one-time code sent to the chairman's mobile is the
    signature. Earlier signatures of these applications are superseded; applications under enterprise
    review move to "nominated"; the nomination letter (举荐信) PDF is generated and stored. The code is
    checked before the transaction, so that a wrong try counts even though the signing is refused."""

    _checked_ranking(chairman=chairman, enterprise=enterprise, batch=batch, ranking=ranking, lock=False)
    otp_verify(user=chairman, purpose=NOMINATION_PURPOSE, key=nomination_otp_key(enterprise, batch), code=code)
    with transaction.atomic():
        candidates = _checked_ranking(chairman=chairman, enterprise=enterprise, batch=batch, ranking=ranking, lock=True)
        ranked_ids = [application.pk for application, _text in ranking]
        now = timezone.now()
        NominationEntry.objects.filter(application_id__in=ranked_ids, voided_at__isnull=True).update(
            voided_at=now, void_reason=_("Superseded by a new signature.")
        )
        nomination = Nomination.objects.create(
            enterprise=enterprise, batch=batch, signed_by=chairman, signed_at=now, signed_ip=ip
        )
        entries = [
            NominationEntry(
                nomination=nomination,
                application=candidates[application.pk],
                rank=rank,
                recommendation=text.strip(),
                content_sha256=application_sha256(application.pk),
            )
            for rank, (application, text) in enumerate(ranking, start=1)
        ]
        NominationEntry.objects.bulk_create(entries)
        for entry in entries:
            if entry.application.status == Status.ENTERPRISE_REVIEW:
                application_transition(
                    application=entry.application,
                    action="nominate",
                    actor=chairman,
                    ip=ip,
                    now=now,
                    reason=_("Ranked %(rank)d of %(count)d.") % {"rank": entry.rank, "count": len(entries)},
                )
        pdf = nomination_letter_pdf(nomination=nomination, entries=entries)
        name = default_storage.save(
            f"nominations/{now:%Y}/{nomination.pk}-{hashlib.sha256(pdf).hexdigest()[:16]}.pdf", ContentFile(pdf)
        )
        nomination.letter, nomination.letter_sha256 = name, hashlib.sha256(pdf).hexdigest()
        nomination.save(update_fields=["letter", "letter_sha256"])
        return nomination
