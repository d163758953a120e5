"""The chairman's signed nomination (董事长署名举荐): candidates, the one-time code, the signature."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.letters import nomination_letter_pdf
from applications.models import (
    Application,
    Nomination,
    NominationEntry,
    Status,
)
from applications.snapshots import application_sha256
from applications.workflow import application_transition
from zaozhuang_titles.models import Role
from zaozhuang_titles.otp import otp_issue, otp_verify
from zaozhuang_titles.signing import sign_pdf

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
        pdf = sign_pdf(nomination_letter_pdf(nomination=nomination, entries=entries), reason="董事长署名举荐信")
        name = default_storage.save(
            f"nominations/{now:%Y}/{nomination.pk}-{hashlib.sha256(pdf).hexdigest()[:16]}.pdf", ContentFile(pdf)
        )
        nomination.letter, nomination.letter_sha256 = name, hashlib.sha256(pdf).hexdigest()
        nomination.save(update_fields=["letter", "letter_sha256"])
        return nomination
