"""Every write of the publicity of results (评审结果公示) and of its objections (异议).

- ``publicity_publish`` publishes a batch's passed applications: the notice, its lines (copied, so
  that what was published stays as it was), the move of each application to publicity and the PDF.
- ``objection_submit`` receives a real-name objection from the public (during the period, one per
  address within ``OBJECTION_MIN_INTERVAL_SECONDS``), with a reference number and a deadline.
- ``objection_investigate``, ``objection_dismiss`` and ``objection_uphold`` are city staff's handling;
  an upheld objection reopens (back to review) or revokes (rejected) that one application.
- ``publicity_close`` ends a notice (by the beat task at the period's end, or by staff by hand):
  lines without an open objection are cleared for filing, the others are held until their objection is
  settled. ``publicity_close_due`` is the beat task's idempotent entry point.

Moves of applications go through ``applications.workflow.application_transition`` only. The title
granted and the committee's name come from ``results.selectors.granted``, as in every other document.
"""

import datetime
import logging
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.evidence import inspect_upload, max_file_bytes, store_upload
from applications.models import Status
from applications.notices import publicity_end_notices, publicity_end_notices_many
from applications.workflow import application_transition
from results.documents.publicity_pdf import publicity_pdf
from results.models import Objection, Publicity, PublicityEntry
from results.selectors.granted import committee_name, granted_title
from results.selectors.publicity import accepts_objections, passed_applications
from zaozhuang_titles.formats import date_text
from zaozhuang_titles.models import mobile_validator
from zaozhuang_titles.rules import is_city_admin
from zaozhuang_titles.workdays import add_working_days, period_end

logger = logging.getLogger(__name__)

_REFERENCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
DEFAULT_MIN_INTERVAL_SECONDS = 60
DEFAULT_SETTLE_WORKING_DAYS = 10


def min_interval_seconds():
    return getattr(settings, "OBJECTION_MIN_INTERVAL_SECONDS", DEFAULT_MIN_INTERVAL_SECONDS)


def settle_working_days():
    return getattr(settings, "OBJECTION_SETTLE_WORKING_DAYS", DEFAULT_SETTLE_WORKING_DAYS)


def objection_max_file_bytes():
    return getattr(settings, "OBJECTION_MAX_FILE_BYTES", max_file_bytes())


def default_title(batch):
    """The default title, in Chinese (the language of published documents). A batch is mostly named
    after its review (“…专项评审”): its title then ends in 结果公示, never in 评审评审结果公示."""
    with translation.override("zh-hans"):
        if batch.name.rstrip().endswith("评审"):
            return _("Notice of the results of %(batch)s (结果公示)") % {"batch": batch.name.rstrip()}
        return _("Notice of the review results of %(batch)s (评审结果公示)") % {"batch": batch.name}


def default_how_to_object():
    """The default way to object, in Chinese (the language of published documents), with the bureau's
    address and telephone from ``PUBLICITY_OBJECTION_CONTACT`` when it is set."""
    with translation.override("zh-hans"):
        text = _(
            "Anyone who knows of facts that disqualify a person on this list may object during the publicity "
            "period, under their real name, with the form on this page or in writing to the Zaozhuang Human "
            "Resources and Social Security Bureau, stating the facts and how to reach them. Anonymous objections "
            "and objections without facts are not accepted. We keep the objector's identity confidential."
        )
        contact = getattr(settings, "PUBLICITY_OBJECTION_CONTACT", "")
        if contact:
            text += "\n" + _("Address and telephone for written objections: %(contact)s") % {"contact": contact}
        return text


def next_working_day(today=None):
    today = today or timezone.localdate()
    return period_end(today + datetime.timedelta(days=1), 1).first_day


def _require_city(actor):
    if actor is None or not is_city_admin(actor):
        raise PermissionDenied(_("Only city staff publish results and handle objections."))


# --- Publish --------------------------------------------------------------------------------------


#: How far ahead a notice may be published (a date beyond is a typing error, and the calendar ends).
MAX_DAYS_AHEAD = 366


def check_first_day(starts_on, today=None):
    """Refuse a first day in the past or more than a year ahead (``ValidationError`` on ``starts_on``)."""
    today = today or timezone.localdate()
    if starts_on < today:
        raise ValidationError({"starts_on": _("The first day cannot be in the past.")})
    if starts_on > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"starts_on": _("The first day must be within a year from today.")})


def publicity_period(*, batch, starts_on):
    """The period of a notice beginning on ``starts_on``: ``workdays.PeriodEnd`` (first day, last day,
    provisional and its notice)."""
    return period_end(starts_on, batch.publicity_working_days)


def publicity_publish(*, batch, actor, title, starts_on, how_to_object, committee=None, ip=None, now=None):
    """Publish the applications of ``batch`` that the review passed; return the ``Publicity``.

    The period is ``batch.publicity_working_days`` working days from the first working day on or after
    ``starts_on``. Each application moves PASSED → PUBLICITY (action ``publish``), which tells the
    applicant and its enterprise's contacts. Nothing is published when any of them moved meanwhile.
    """
    _require_city(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    check_first_day(starts_on, today)
    period = publicity_period(batch=batch, starts_on=starts_on)
    with transaction.atomic():
        applications = list(passed_applications(batch))
        if not applications:
            raise ValidationError(_("“%(batch)s” has no passed application to publish.") % {"batch": batch.name})
        publicity = Publicity(
            batch=batch,
            title=(title or "").strip() or default_title(batch),
            starts_on=period.first_day,
            ends_on=period.end,
            working_days=batch.publicity_working_days,
            provisional=period.provisional,
            how_to_object=(how_to_object or "").strip() or default_how_to_object(),
            committee_name=(committee or "").strip() or committee_name(batch),
            published_by=actor,
            published_at=now,
        )
        publicity.full_clean()
        publicity.save()
        granted = granted_title(batch)
        entries = []
        for position, application in enumerate(applications, start=1):
            entry = PublicityEntry(
                publicity=publicity,
                application=application,
                name=application.applicant.real_name or application.applicant.get_username(),
                enterprise_name=application.enterprise.name,
                specialty=application.specialty,
                title_granted=granted,
                position=position,
            )
            entry.full_clean()
            entries.append(entry)
        PublicityEntry.objects.bulk_create(entries)
        with translation.override("zh-hans"):  # notices are written in Chinese
            note = _("Publicity from %(start)s to %(end)s (%(days)s working days): “%(title)s”.") % {
                "start": date_text(publicity.starts_on),
                "end": date_text(publicity.ends_on),
                "days": publicity.working_days,
                "title": publicity.title,
            }
            if publicity.provisional:
                note += " " + period.notice
        for application in applications:
            application_transition(
                application=application, action="publish", actor=actor, ip=ip, now=now, notice_note=note
            )
        publicity_store_pdf(publicity=publicity)
    logger.info("publicity %s published: %s applications of %s", publicity.pk, len(applications), batch.pk)
    return publicity


def publicity_store_pdf(*, publicity):
    """Build the notice's PDF and keep it under a random name (the notice names it)."""
    data = publicity_pdf(publicity)
    name = default_storage.save(
        f"publicity/{publicity.starts_on:%Y}/{uuid.uuid4().hex}.pdf", ContentFile(data, name="publicity.pdf")
    )
    Publicity.objects.filter(pk=publicity.pk).update(pdf=name)
    publicity.pdf = name
    return name


# --- Objections from the public ---------------------------------------------------------------------


def new_reference(now=None):
    """An objection's reference number: YY, the date, six random base32 characters (YY20261009K7Q2XM)."""
    day = timezone.localdate(now or timezone.now())
    return "YY" + day.strftime("%Y%m%d") + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def objection_settle_deadline(received_on):
    """The day by which staff settle an objection received on ``received_on``: ``PeriodEnd``
    (``OBJECTION_SETTLE_WORKING_DAYS`` working days after the day of receipt, which does not count)."""
    return add_working_days(received_on, settle_working_days())


def _rate_error(last, now):
    wait = max(1, int((last + datetime.timedelta(seconds=min_interval_seconds()) - now).total_seconds() + 0.999))
    return ValidationError(
        _(
            "An objection was sent from your network address a moment ago. To keep the form usable for "
            "everyone, please wait %(seconds)s seconds before sending another."
        )
        % {"seconds": wait},
        code="rate_limited",
    )


def _last_from(ip, now, **filters):
    """When the latest objection from ``ip`` within the interval before ``now`` came, or None."""
    if not ip or min_interval_seconds() <= 0:
        return None
    since = now - datetime.timedelta(seconds=min_interval_seconds())
    return (
        Objection.objects.filter(ip=ip, received_at__gt=since, received_at__lte=now, **filters)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )


def objection_submit(*, entry, name, mobile, relation, facts, evidence=None, ip=None, now=None):
    """Receive a real-name objection to one published line; return the ``Objection``.

    Refused (``ValidationError``, nothing stored) outside the period, when another objection came from
    the same address within ``OBJECTION_MIN_INTERVAL_SECONDS``, or when the evidence file is refused by
    ``applications.evidence.inspect_upload``. The rate check reads the table, so it holds across
    processes; two requests racing through it at the same instant are caught by a second look after the
    insert (the later one is refused)."""
    now = now or timezone.now()
    publicity = entry.publicity
    if not accepts_objections(publicity, timezone.localdate(now)):
        raise ValidationError(
            _("Objections to this notice are received from %(start)s to %(end)s only.")
            % {"start": date_text(publicity.starts_on), "end": date_text(publicity.ends_on)},
            code="outside_period",
        )
    last = _last_from(ip, now)
    if last is not None:
        raise _rate_error(last, now)
    mobile = (mobile or "").strip()
    try:
        mobile_validator(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error.messages}) from None
    objection = Objection(
        entry=entry,
        name=(name or "").strip(),
        mobile=mobile,
        relation=(relation or "").strip(),
        facts=(facts or "").strip(),
        ip=ip,
        received_at=now,
        deadline=objection_settle_deadline(timezone.localdate(now)).end,
        reference=new_reference(now),
    )
    objection.full_clean()
    inspected = None
    if evidence is not None:
        try:
            inspected = inspect_upload(evidence, max_bytes=objection_max_file_bytes())
        except ValidationError as error:
            raise ValidationError({"evidence": error.messages}) from None
    with transaction.atomic():
        if inspected is not None:
            objection.evidence = store_upload(evidence, inspected)
            objection.evidence_name = inspected.original_name
            objection.evidence_sha256 = inspected.sha256
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    objection.save()
                break
            except IntegrityError:
                if Objection.objects.filter(reference=objection.reference).exists():
                    objection.reference = new_reference(now)
                    objection.pk = None
                    continue
                raise
        # Two requests that passed the check at the same instant: the later row gives way.
        earlier = _last_from(ip, now, pk__lt=objection.pk)
        if earlier is not None:
            if objection.evidence:
                default_storage.delete(objection.evidence)
            raise _rate_error(earlier, now)
    logger.info("objection %s received for publicity entry %s", objection.reference, entry.pk)
    return objection


# --- Staff's handling -------------------------------------------------------------------------------


def _decide(objection, *, status, actor, conclusion="", outcome="", now):
    """Move an open objection to ``status`` with a conditional update that must touch one row."""
    updates = {"status": status}
    if status in Objection.Status.SETTLED_STATES:
        conclusion = (conclusion or "").strip()
        if not conclusion:
            raise ValidationError({"conclusion": _("Write the conclusion: the objector and the file will show it.")})
        updates.update(conclusion=conclusion, outcome=outcome, decided_by=actor, decided_at=now)
        sources = Objection.Status.OPEN_STATES
    else:
        sources = (Objection.Status.OPEN,)
    changed = Objection.objects.filter(pk=objection.pk, status__in=sources).update(**updates)
    if changed != 1:
        current = Objection.objects.filter(pk=objection.pk).values_list("status", flat=True).first()
        raise ValidationError(
            _("Objection %(reference)s is already “%(status)s”; nothing was changed.")
            % {"reference": objection.reference, "status": Objection.Status(current).label},
            code="conflict",
        )
    for name, value in updates.items():
        setattr(objection, name, value)


def objection_investigate(*, objection, actor, now=None):
    """Mark a received objection as being investigated (调查核实中)."""
    _require_city(actor)
    with transaction.atomic():
        _decide(objection, status=Objection.Status.INVESTIGATING, actor=actor, now=now or timezone.now())
    return objection


def _clear_if_free(entry, now):
    """After its last open objection is settled, a line of a closed notice whose application is still
    in publicity is cleared for filing, and the applicant and its contacts are told."""
    publicity = entry.publicity
    if publicity.closed_at is None or entry.cleared_at is not None:
        return False
    if Objection.objects.filter(entry=entry, status__in=Objection.Status.OPEN_STATES).exists():
        return False
    if not PublicityEntry.objects.filter(
        pk=entry.pk, cleared_at__isnull=True, application__status=Status.PUBLICITY
    ).update(cleared_at=now):
        return False
    entry.cleared_at = now
    publicity_end_notices(entry=entry, cleared=True)
    return True


def objection_dismiss(*, objection, actor, conclusion, now=None):
    """Dismiss an objection (异议不成立) with a written conclusion. When the notice is already closed and
    no other objection holds the line, the line is cleared for filing."""
    _require_city(actor)
    now = now or timezone.now()
    with transaction.atomic():
        _decide(objection, status=Objection.Status.DISMISSED, actor=actor, conclusion=conclusion, now=now)
        _clear_if_free(objection.entry, now)
    return objection


UPHOLD_ACTIONS = {Objection.Outcome.REVIEW_AGAIN: "reopen", Objection.Outcome.REJECT: "revoke"}


def objection_uphold(*, objection, actor, conclusion, outcome, ip=None, now=None):
    """Uphold an objection (异议成立) with a written conclusion and an outcome for that one application:
    back to review (PUBLICITY → IN_REVIEW, ``reopen``) or rejected (PUBLICITY → REJECTED, ``revoke``).
    The other applications of the notice go on."""
    _require_city(actor)
    if outcome not in UPHOLD_ACTIONS:
        raise ValidationError({"outcome": _("Choose what happens to the application: back to review or rejected.")})
    now = now or timezone.now()
    with transaction.atomic():
        _decide(objection, status=Objection.Status.UPHELD, actor=actor, conclusion=conclusion, outcome=outcome, now=now)
        application = objection.entry.application
        application.refresh_from_db(fields=["status"])
        if application.status == Status.PUBLICITY:
            application_transition(
                application=application,
                action=UPHOLD_ACTIONS[outcome],
                actor=actor,
                reason=objection.conclusion,
                ip=ip,
                now=now,
            )
    return objection


# --- Close ----------------------------------------------------------------------------------------


@dataclass
class CloseResult:
    publicity: Publicity
    cleared: list = field(default_factory=list)
    held: list = field(default_factory=list)


def early_close_reason_error(publicity, today):
    """Why closing ``publicity`` on ``today`` needs a written reason (a ``ValidationError`` on
    ``reason``), or None when its period is over. The period of at least 5 working days is the rule
    (评审结果公示不少于5个工作日); ending it sooner, and above all before it began, is recorded with why."""
    if today > publicity.ends_on:
        return None
    if today < publicity.starts_on:
        message = _(
            "This notice has not started yet: its period runs from %(start)s to %(end)s. Closing it before "
            "it begins means nobody could object; write the reason (for example a notice published by "
            "mistake). It is kept in the log and shown on the notice."
        )
    else:
        message = _(
            "The publicity period runs until %(end)s. Closing it earlier needs a written reason; it is "
            "kept in the log and shown on the notice."
        )
    return ValidationError(
        {"reason": message % {"start": date_text(publicity.starts_on), "end": date_text(publicity.ends_on)}},
        code="reason_required",
    )


def publicity_close(*, publicity, actor=None, reason="", now=None):
    """Close a notice: the beat task after its last day (``actor=None``), or city staff by hand, before
    the end of the period only with a written ``reason`` (stored with the notice and shown on it).
    Lines whose application is still in publicity and has no open objection are cleared for
    filing; lines with an open objection are held (cleared when it is dismissed). The applicant and its
    enterprise's contacts are told. Closing twice is refused and changes nothing."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if actor is not None:
        _require_city(actor)
        if not reason:
            error = early_close_reason_error(publicity, timezone.localdate(now))
            if error is not None:
                raise error
    elif timezone.localdate(now) <= publicity.ends_on:
        raise ValidationError(
            _("The publicity period runs until %(end)s; it closes by itself after that day.")
            % {"end": date_text(publicity.ends_on)},
            code="not_due",
        )
    with transaction.atomic():
        early = timezone.localdate(now) <= publicity.ends_on
        close_reason = reason[:2000] if early else ""
        changed = Publicity.objects.filter(pk=publicity.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=actor, close_reason=close_reason
        )
        if changed != 1:
            closed_at = Publicity.objects.filter(pk=publicity.pk).values_list("closed_at", flat=True).first()
            raise ValidationError(
                _("“%(title)s” was already closed on %(date)s; nothing was changed.")
                % {"title": publicity.title, "date": date_text(timezone.localdate(closed_at)) if closed_at else "—"},
                code="already_closed",
            )
        publicity.closed_at, publicity.closed_by, publicity.close_reason = now, actor, close_reason
        result = CloseResult(publicity=publicity)
        entries = list(
            PublicityEntry.objects.filter(publicity=publicity)
            .select_related("application__applicant", "application__batch", "publicity")
            .order_by("position", "id")
        )
        held_ids = set(
            Objection.objects.filter(entry__publicity=publicity, status__in=Objection.Status.OPEN_STATES).values_list(
                "entry_id", flat=True
            )
        )
        for entry in entries:
            if entry.application.status != Status.PUBLICITY or entry.cleared_at is not None:
                continue
            if entry.pk in held_ids:
                result.held.append(entry)
            else:
                result.cleared.append(entry)
        PublicityEntry.objects.filter(pk__in=[entry.pk for entry in result.cleared]).update(cleared_at=now)
        for entry in result.cleared:
            entry.cleared_at = now
        publicity_end_notices_many(entries=result.cleared, cleared=True)
        publicity_end_notices_many(entries=result.held, cleared=False)
    logger.info(
        "publicity %s closed by %s%s: %s cleared, %s held",
        publicity.pk,
        actor.pk if actor else "the period's end",
        " before the end of its period, with a written reason" if close_reason else "",
        len(result.cleared),
        len(result.held),
    )
    return result


def publicity_refresh_period(*, publicity):
    """Compute the end of a provisional notice again, now that city staff may have entered that year's
    holiday schedule (节假日安排); store the new last day and whether it is still provisional. Returns
    True when it changed. A closed notice is left as it was."""
    if not publicity.provisional or publicity.closed_at is not None:
        return False
    period = period_end(publicity.starts_on, publicity.working_days)
    if period.provisional and period.end == publicity.ends_on:
        return False
    changed = Publicity.objects.filter(pk=publicity.pk, closed_at__isnull=True, provisional=True).update(
        ends_on=period.end, provisional=period.provisional
    )
    if changed:
        logger.info(
            "publicity %s: last day %s -> %s (provisional: %s)",
            publicity.pk,
            publicity.ends_on,
            period.end,
            period.provisional,
        )
        publicity.ends_on, publicity.provisional = period.end, period.provisional
    return bool(changed)


def publicity_close_due(*, publicity_id, now=None):
    """Close one notice whose period is over (the beat task's entry point, by id). A provisional end is
    computed again first. Idempotent: a notice gone, already closed or not yet due is left alone and
    None is returned."""
    now = now or timezone.now()
    publicity = Publicity.objects.filter(pk=publicity_id, closed_at__isnull=True).first()
    if publicity is None:
        return None
    publicity_refresh_period(publicity=publicity)
    if timezone.localdate(now) <= publicity.ends_on:
        return None
    try:
        return publicity_close(publicity=publicity, actor=None, now=now)
    except ValidationError as error:
        if error.code in ("already_closed", "not_due"):
            return None
        raise
