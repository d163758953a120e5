"""Every write on enterprises: registration, verification, recognitions, contacts, commissioners and
the service log. Each function takes keyword-only arguments, checks who acts, calls ``full_clean()``
and leaves the change in the archive (django-simple-history records the acting user)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from enterprises.excel import validate_rows
from enterprises.models import Enterprise, EnterpriseContact, Recognition, ServiceCommissioner, ServiceLog
from enterprises.validators import credit_code_warnings, normalize_credit_code
from zaozhuang_titles.models import Role
from zaozhuang_titles.rules import is_city_admin


class DuplicateEnterprise(ValidationError):
    """The credit code is already registered: the caller leads the user to ``enterprise``."""

    def __init__(self, enterprise):
        self.enterprise = enterprise
        super().__init__(
            _("An enterprise with the credit code %(code)s is already registered: %(name)s.")
            % {"code": enterprise.credit_code, "name": enterprise.name},
            code="duplicate_credit_code",
        )


def _set_history_user(instance, user):
    # simple-history takes the user from the request middleware; services called outside a request
    # (import, seed, tasks) say it themselves.
    instance._history_user = user


@transaction.atomic
def enterprise_register(*, contact_user, enterprise_data, recognition_data=None):
    """An enterprise contact registers its enterprise (pending until district staff verify it).

    ``enterprise_data`` holds the model's fields (division and town as objects); ``recognition_data``
    one recognition. A code already registered raises ``DuplicateEnterprise``; a contact keeps the
    record of one enterprise only."""
    if not contact_user.has_role(Role.ENTERPRISE_CONTACT):
        raise PermissionDenied(_("Only enterprise contacts register an enterprise."))
    code = normalize_credit_code(enterprise_data.get("credit_code"))
    existing = Enterprise.objects.filter(credit_code=code).first()
    if existing is not None:
        raise DuplicateEnterprise(existing)
    if EnterpriseContact.objects.filter(user=contact_user, is_active=True).exists():
        raise ValidationError(
            _("Your account already keeps the record of an enterprise; one account serves one enterprise.")
        )
    data = {key: value for key, value in enterprise_data.items() if key != "credit_code_override_reason"}
    enterprise = Enterprise(
        **{**data, "credit_code": code},
        status=Enterprise.Status.PENDING,
        registered_by=contact_user,
        outside_region_accepted=False,
    )
    _set_history_user(enterprise, contact_user)
    enterprise.full_clean()
    enterprise.save()
    contact = EnterpriseContact(
        enterprise=enterprise,
        user=contact_user,
        name=contact_user.real_name,
        mobile=contact_user.mobile or "",
        email=contact_user.email or "",
    )
    _set_history_user(contact, contact_user)
    contact.full_clean()
    contact.save()
    if recognition_data:
        recognition_add(enterprise=enterprise, actor=contact_user, **recognition_data)
    return enterprise


def can_verify(user, enterprise):
    """HR staff in charge of the enterprise (its division's district staff, or the city) verify it."""
    return user.has_perm("enterprises.verify_enterprise", enterprise)


@transaction.atomic
def enterprise_verify(*, enterprise, actor, accept_outside_region=False):
    """District staff of the enterprise's division (or city staff) verify a pending registration."""
    if not can_verify(actor, enterprise):
        raise PermissionDenied(_("Only HR staff of the enterprise's own division verify it."))
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status != Enterprise.Status.PENDING:
        raise ValidationError(
            _("This enterprise is %(status)s, not pending verification; nothing was changed.")
            % {"status": enterprise.get_status_display()}
        )
    if credit_code_warnings(enterprise.credit_code) and not accept_outside_region:
        raise ValidationError(
            _(
                "The credit code's region is outside Zaozhuang (3704xx). Confirm that the enterprise belongs "
                "here by ticking the box, or ask the contact to correct the code."
            ),
            code="outside_region",
        )
    enterprise.status = Enterprise.Status.ACTIVE
    enterprise.verified_by = actor
    enterprise.verified_at = timezone.now()
    enterprise.outside_region_accepted = bool(credit_code_warnings(enterprise.credit_code))
    _set_history_user(enterprise, actor)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def enterprise_status_reason_validate(*, reason):
    """A change of an enterprise's status states its reason; checked by the service and the admin's form."""
    if not (reason or "").strip():
        raise ValidationError({"status_reason": _("Give the reason for the change of status.")})


@transaction.atomic
def enterprise_set_status(*, enterprise, actor, status, reason):
    """City staff suspend, close or reactivate an enterprise. Closing only marks it: the archive stays.

    The Django admin's change of status comes here too (``EnterpriseAdmin.save_model``)."""
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff change an enterprise's status."))
    enterprise_status_reason_validate(reason=reason)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    enterprise.status = status
    enterprise.status_reason = reason.strip()
    if status == Enterprise.Status.ACTIVE and enterprise.verified_at is None:
        enterprise.verified_at = timezone.now()
        enterprise.verified_by = actor
    _set_history_user(enterprise, actor)
    enterprise.full_clean()
    enterprise.save()
    update_change_reason(enterprise, reason.strip())
    return enterprise


#: The fields of an enterprise another system keeps (the industry department's list, the API): not its
#: status, verification, chairman's account, commissioner or the override of a failing check character,
#: which stay with HR staff.
SYNCED_FIELDS = (
    "name",
    "legal_representative",
    "chairman_name",
    "address",
    "division",
    "town",
    "industry",
    "professional_staff_count",
    "is_key",
    "service_tier",
)
RECOGNITION_FIELDS = ("kind", "level", "year_granted", "certificate_number", "expires_on", "policy_version")


def _say_why(instance, reason):
    # simple-history writes ``_change_reason`` into the history record it creates on save.
    if reason:
        instance._change_reason = reason[:100]


@transaction.atomic
def enterprise_create(*, actor, data, recognitions=(), reason=""):
    """Another system (the industry department, through the API) adds an enterprise of its list:
    active at once, as an imported row is (``enterprises_import``), with its recognitions.

    The caller has checked that ``actor`` may (the API: a client holding ``enterprises:write``).
    ``data`` holds ``SYNCED_FIELDS`` and ``credit_code``; a code already registered raises
    ``DuplicateEnterprise``; ``reason`` goes into the archive with the change."""
    code = normalize_credit_code(data.get("credit_code"))
    existing = Enterprise.objects.filter(credit_code=code).first()
    if existing is not None:
        raise DuplicateEnterprise(existing)
    enterprise = Enterprise(
        **{key: value for key, value in data.items() if key in SYNCED_FIELDS},
        credit_code=code,
        status=Enterprise.Status.ACTIVE,
        verified_by=actor,
        verified_at=timezone.now(),
        registered_by=actor,
    )
    _set_history_user(enterprise, actor)
    _say_why(enterprise, reason)
    enterprise.full_clean()
    enterprise.save()
    for recognition in recognitions:
        recognition_add(enterprise=enterprise, actor=actor, reason=reason, **recognition)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise, actor, changes, reason=""):
    """Change the ``SYNCED_FIELDS`` of an enterprise (another field in ``changes`` is refused). The
    caller has checked that ``actor`` may; the archive records the change, its actor and ``reason``."""
    unknown = sorted(set(changes) - set(SYNCED_FIELDS))
    if unknown:
        raise ValidationError({key: _("This field is kept by HR staff and cannot be changed here.") for key in unknown})
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for key, value in changes.items():
        setattr(enterprise, key, value)
    _set_history_user(enterprise, actor)
    _say_why(enterprise, reason)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def recognition_update(*, recognition, actor, changes, reason=""):
    """Change a recognition's ``RECOGNITION_FIELDS`` (a renewal, a corrected number or expiry)."""
    unknown = sorted(set(changes) - set(RECOGNITION_FIELDS))
    if unknown:
        raise ValidationError({key: _("This field cannot be changed.") for key in unknown})
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    for key, value in changes.items():
        setattr(recognition, key, "" if value is None and key in ("certificate_number", "policy_version") else value)
    _set_history_user(recognition, actor)
    _say_why(recognition, reason)
    recognition.full_clean()
    recognition.save()
    return recognition


def recognition_add(
    *,
    enterprise,
    actor,
    kind,
    level,
    year_granted,
    certificate_number="",
    expires_on=None,
    policy_version="",
    reason="",
):
    recognition = Recognition(
        enterprise=enterprise,
        kind=kind,
        level=level,
        year_granted=year_granted,
        certificate_number=certificate_number or "",
        expires_on=expires_on,
        policy_version=policy_version or "",
    )
    _set_history_user(recognition, actor)
    _say_why(recognition, reason)
    recognition.full_clean()
    recognition.save()
    return recognition


def _check_commissioner_actor(actor):
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff manage service commissioners."))


@transaction.atomic
def commissioner_create(*, actor, user, work_phone, division=None, is_active=True):
    """Make ``user``, who holds the service commissioner role, a commissioner of ``division`` (``None``:
    the whole city). The role is granted on the user's page first, where granting roles is checked."""
    _check_commissioner_actor(actor)
    if not user.has_role(Role.COMMISSIONER):
        raise ValidationError(
            {"user": _("%(name)s does not hold the service commissioner role; grant it first.") % {"name": user}}
        )
    commissioner = ServiceCommissioner(user=user, division=division, work_phone=work_phone, is_active=is_active)
    _set_history_user(commissioner, actor)
    commissioner.full_clean()
    commissioner.save()
    return commissioner


@transaction.atomic
def commissioner_update(*, commissioner, actor, work_phone, division=None, is_active=True):
    """Change a commissioner's area, work phone or activity. Its account stays. A commissioner keeps
    serving its enterprises, so a new area must still cover each of them (reassign them first)."""
    _check_commissioner_actor(actor)
    commissioner = ServiceCommissioner.objects.select_for_update().select_related("user").get(pk=commissioner.pk)
    commissioner.division, commissioner.work_phone, commissioner.is_active = division, work_phone, is_active
    outside = [
        enterprise
        for enterprise in commissioner.enterprises.select_related("division").order_by("name")
        if not commissioner.serves_division(enterprise.division_id)
    ]
    if outside:
        raise ValidationError(
            {
                "division": _(
                    "%(commissioner)s still serves enterprises outside %(area)s: %(names)s. Assign them another "
                    "commissioner first."
                )
                % {
                    "commissioner": commissioner,
                    "area": commissioner.area_label,
                    "names": "、".join(enterprise.name for enterprise in outside[:10]),
                }
            }
        )
    _set_history_user(commissioner, actor)
    commissioner.full_clean()
    commissioner.save()
    return commissioner


@transaction.atomic
def commissioner_assign(*, enterprise, commissioner, actor, reason=""):
    """City staff assign (or reassign, or with ``None`` withdraw) the enterprise's commissioner.

    The commissioner must serve the enterprise's division or the whole city. The archive keeps every
    earlier assignment."""
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff assign service commissioners."))
    enterprise = Enterprise.objects.select_for_update().select_related("division").get(pk=enterprise.pk)
    if commissioner is not None and not commissioner.is_active:
        raise ValidationError(
            {"commissioner": _("%(name)s is no longer an active commissioner.") % {"name": commissioner}}
        )
    enterprise.commissioner = commissioner
    _set_history_user(enterprise, actor)
    enterprise.full_clean()
    enterprise.save()
    if reason:
        update_change_reason(enterprise, reason)
    return enterprise


def _check_commissioner_serves(commissioner, enterprise):
    if commissioner is None or enterprise.commissioner_id != commissioner.pk:
        raise PermissionDenied(_("Only the enterprise's own service commissioner keeps its service log."))


@transaction.atomic
def service_log_record(
    *, enterprise, commissioner, kind, occurred_on, summary, people_count=1, solution="", solved_on=None
):
    """The enterprise's commissioner records a visit, consultation, policy explanation or problem."""
    _check_commissioner_serves(commissioner, enterprise)
    entry = ServiceLog(
        enterprise=enterprise,
        commissioner=commissioner,
        kind=kind,
        occurred_on=occurred_on,
        people_count=people_count or 1,
        summary=summary,
        solution=solution or "",
        solved_on=solved_on,
    )
    _set_history_user(entry, commissioner.user)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def service_log_solve(*, entry, commissioner, solution, solved_on):
    """Record how and when a problem raised was solved."""
    entry = ServiceLog.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
    _check_commissioner_serves(commissioner, entry.enterprise)
    if entry.kind != ServiceLog.Kind.PROBLEM:
        raise ValidationError(_("Only a problem raised can be marked solved."))
    entry.solution = solution
    entry.solved_on = solved_on
    _set_history_user(entry, commissioner.user)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def enterprises_import(*, raw_rows, actor):
    """Import validated rows of an Excel list in one transaction: all rows or none.

    The rows are validated again here (another import may have registered a code since the preview);
    any problem raises ValidationError with every ``(row, message)`` and nothing is written. Imported
    enterprises are active at once: the list comes from the industry department through city staff."""
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff import enterprises."))
    rows, problems, _warnings = validate_rows(raw_rows)
    if problems:
        raise ValidationError(
            [_("Row %(row)d: %(message)s") % {"row": row, "message": message} for row, message in problems]
        )
    now = timezone.now()
    created = []
    for row in rows:
        enterprise = Enterprise(
            **row["enterprise"], status=Enterprise.Status.ACTIVE, verified_by=actor, verified_at=now
        )
        _set_history_user(enterprise, actor)
        enterprise.full_clean()
        enterprise.save()
        if row["recognition"]:
            recognition_add(enterprise=enterprise, actor=actor, **row["recognition"])
        if row["contact"]:
            contact = EnterpriseContact(enterprise=enterprise, **row["contact"])
            _set_history_user(contact, actor)
            contact.full_clean()
            contact.save()
        created.append(enterprise)
    return created
