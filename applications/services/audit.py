"""The HR staff's audit decisions: pass (初审/复审), reject (不予受理), return for correction (退回补正)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    CorrectionItem,
    CorrectionRequest,
)
from applications.workflow import application_transition
from zaozhuang_titles.formats import date_text
from zaozhuang_titles.workdays import add_working_days


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
