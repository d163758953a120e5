"""Writes on the expert pool (专家库): experts with their user account, specialties and term, the
relations they declare, and the Excel import (all rows or none)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.validators import normalize_credit_code
from reviews.excel import validate_rows
from reviews.models import Expert, Specialty
from zaozhuang_titles.models import Role, RoleAssignment, User
from zaozhuang_titles.rules import is_city_admin
from zaozhuang_titles.services import role_grant

EXPERT_FIELDS = (
    "title_series",
    "title_level",
    "title_name",
    "employer_name",
    "employer",
    "employer_credit_code",
    "term_starts",
    "term_ends",
    "is_active",
)


def _check_actor(actor):
    if actor is not None and not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff manage the expert pool."))


def specialties_get_or_create(*, names):
    """The specialties named, created when new (an import may bring a specialty the pool lacks)."""
    result = []
    for name in names:
        name = name.strip()
        if name:
            specialty, _created = Specialty.objects.get_or_create(name=name)
            if specialty not in result:
                result.append(specialty)
    return result


def _employer_on_registry(credit_code):
    code = normalize_credit_code(credit_code)
    return Enterprise.objects.filter(credit_code=code).first() if code else None


def _expert_user(*, user, real_name, mobile, actor):
    """The expert's account: ``user`` when given, else the account with this mobile number, else a new
    one (username = mobile, no usable password until staff set one or the expert resets it)."""
    if user is None and mobile:
        user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = User(username=mobile, real_name=real_name.strip(), mobile=mobile)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    if not RoleAssignment.objects.filter(user=user, role=Role.EXPERT).exists():
        role_grant(user=user, role=Role.EXPERT, granted_by=actor)
    return user


@transaction.atomic
def expert_create(
    *,
    actor,
    specialties,
    real_name="",
    mobile="",
    user=None,
    title_name,
    employer_name,
    term_starts,
    term_ends,
    employer=None,
    employer_credit_code="",
    title_series=None,
    title_level=None,
    is_active=True,
):
    """Add an expert to the pool, creating or linking its user (given, or found by mobile number) and
    granting it the expert role. The employer is linked to the registry when its credit code is there."""
    _check_actor(actor)
    if not specialties:
        raise ValidationError({"specialties": _("An expert covers at least one specialty.")})
    user = _expert_user(user=user, real_name=real_name, mobile=mobile, actor=actor)
    if Expert.objects.filter(user=user).exists():
        raise ValidationError(_("%(name)s is already in the expert pool.") % {"name": user})
    employer_credit_code = normalize_credit_code(employer_credit_code)
    if employer is None:
        employer = _employer_on_registry(employer_credit_code)
    expert = Expert(
        user=user,
        title_name=title_name,
        employer_name=employer_name,
        employer=employer,
        employer_credit_code=employer_credit_code,
        term_starts=term_starts,
        term_ends=term_ends,
        is_active=is_active,
    )
    if title_series:
        expert.title_series = title_series
    if title_level:
        expert.title_level = title_level
    expert._history_user = actor
    expert.full_clean()
    expert.save()
    expert.specialties.set(specialties)
    return expert


@transaction.atomic
def expert_update(*, expert, actor, specialties=None, **fields):
    """Change an expert's title, employer, term or activity (and its specialties when given)."""
    _check_actor(actor)
    unknown = set(fields) - set(EXPERT_FIELDS)
    if unknown:
        raise TypeError(f"expert_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(expert, name, value)
    if "employer_credit_code" in fields:
        expert.employer_credit_code = normalize_credit_code(expert.employer_credit_code)
        if "employer" not in fields:
            expert.employer = _employer_on_registry(expert.employer_credit_code)
    expert._history_user = actor
    expert.full_clean()
    expert.save()
    if specialties is not None:
        if not specialties:
            raise ValidationError({"specialties": _("An expert covers at least one specialty.")})
        expert.specialties.set(specialties)
    return expert


@transaction.atomic
def experts_import(*, raw_rows, actor):
    """Import the rows of an Excel list of experts in one transaction: all rows or none.

    Rows are validated again here (the pool may have changed since the preview); any problem raises
    ValidationError listing every ``Row n: message`` and nothing is written. A row whose mobile number
    belongs to an expert of the pool updates that expert (a new term, other specialties); a row whose
    number belongs to another account links it. Unknown specialties are created."""
    if actor is None or not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff import experts."))
    rows, problems = validate_rows(raw_rows)
    if problems:
        raise ValidationError(
            [_("Row %(row)d: %(message)s") % {"row": row, "message": message} for row, message in problems]
        )
    created, updated = [], []
    for row in rows:
        specialties = specialties_get_or_create(names=row["specialties"])
        fields = row["expert"]
        existing = Expert.objects.filter(user__mobile=row["mobile"]).first()
        if existing is not None:
            expert_update(expert=existing, actor=actor, specialties=specialties, **fields)
            updated.append(existing)
        else:
            created.append(
                expert_create(
                    actor=actor, real_name=row["real_name"], mobile=row["mobile"], specialties=specialties, **fields
                )
            )
    return created, updated
