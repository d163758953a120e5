"""Writes on people and roles: registration, role grants, and a staff member's own preferences."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.identifiers import canonical_code
from zaozhuang_titles.models import (
    ADMIN_GRANTED_ROLES,
    ADMIN_SITE_ROLES,
    SELF_REGISTERED_ROLES,
    AuditEvent,
    Role,
    RoleAssignment,
    User,
)
from zaozhuang_titles.rules import receives_staff_digest
from zaozhuang_titles.validators import normalize_id_number


@transaction.atomic
def user_register(*, real_name, mobile, email, password, role, id_number=None, request=None):
    """An applicant or an enterprise contact registers online. Username is the mobile number."""
    if role not in SELF_REGISTERED_ROLES:
        raise ValidationError(_("Only applicants and enterprise contacts register online."))
    if role == Role.APPLICANT and not id_number:
        raise ValidationError({"id_number": _("Applicants must give their ID number.")})
    mobile = canonical_code(mobile)
    user = User(
        username=mobile,
        real_name=real_name.strip(),
        mobile=mobile,
        email=email,
        id_number=normalize_id_number(id_number) or None,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    assignment = RoleAssignment(user=user, role=role)
    assignment.full_clean()
    assignment.save()
    audit_record(kind=AuditEvent.Kind.REGISTERED, request=request, user=user, obj=user, detail={"role": role})
    return user


@transaction.atomic
def role_grant_allowed(*, role, granted_by):
    """Only administrators grant city-staff and administrator roles (the admin's role rows ask the same)."""
    return (
        role not in ADMIN_GRANTED_ROLES
        or granted_by is None
        or granted_by.has_perm("zaozhuang_titles.grant_admin_roles")
    )


def _after_role_written(*, user, role, division, granted_by, request):
    if role in ADMIN_SITE_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_assignments", None)
    user.__dict__.pop("role_set", None)
    audit_record(
        kind=AuditEvent.Kind.ROLE_GRANTED,
        request=request,
        user=granted_by,
        obj=user,
        detail={"role": role, "division": division.code if division else None},
    )


def role_grant(*, user, role, granted_by=None, division=None, request=None):
    """Give ``user`` a role. Only administrators grant city-staff and administrator roles."""
    if not role_grant_allowed(role=role, granted_by=granted_by):
        raise PermissionDenied(_("Only administrators can grant this role."))
    assignment = RoleAssignment(user=user, role=role, division=division, granted_by=granted_by)
    assignment.full_clean()
    assignment.save()
    _after_role_written(user=user, role=role, division=division, granted_by=granted_by, request=request)
    return assignment


@transaction.atomic
def role_assignment_change(*, assignment, role, division, actor, request=None):
    """Change a granted role or its division (the admin's role rows), under the same rule as a grant."""
    if not role_grant_allowed(role=role, granted_by=actor):
        raise PermissionDenied(_("Only administrators can grant this role."))
    assignment.role, assignment.division = role, division
    assignment.full_clean()
    assignment.save()
    _after_role_written(user=assignment.user, role=role, division=division, granted_by=actor, request=request)
    return assignment


@transaction.atomic
def user_staff_digest_set(*, user, enabled, request=None):
    """A city or district staff member turns its own daily digest (每日待办提醒) on or off. A change is
    written to the audit log; setting what is already set writes nothing. Returns True when it changed."""
    if not receives_staff_digest(user):
        raise PermissionDenied(_("Only city and district HR staff receive the daily digest."))
    changed = User.objects.filter(pk=user.pk).exclude(staff_digest=enabled).update(staff_digest=enabled)
    user.staff_digest = enabled
    if changed:
        audit_record(
            kind=AuditEvent.Kind.PREFERENCE_CHANGED,
            request=request,
            user=user,
            obj=user,
            detail={"staff_digest": enabled},
        )
    return bool(changed)
