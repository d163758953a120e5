"""Writes on people and roles: registration and role grants."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.models import ADMIN_SITE_ROLES, SELF_REGISTERED_ROLES, AuditEvent, Role, RoleAssignment, User
from zaozhuang_titles.validators import normalize_id_number


@transaction.atomic
def user_register(*, real_name, mobile, email, password, role, id_number=None, request=None):
    """An applicant or an enterprise contact registers online. Username is the mobile number."""
    if role not in SELF_REGISTERED_ROLES:
        raise ValidationError(_("Only applicants and enterprise contacts register online."))
    if role == Role.APPLICANT and not id_number:
        raise ValidationError({"id_number": _("Applicants must give their ID number.")})
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
def role_grant(*, user, role, granted_by=None, division=None, request=None):
    """Give ``user`` a role. Only administrators grant city-staff and administrator roles."""
    if (
        role in ADMIN_SITE_ROLES
        and granted_by is not None
        and not granted_by.has_perm("zaozhuang_titles.grant_admin_roles")
    ):
        raise PermissionDenied(_("Only administrators can grant this role."))
    assignment = RoleAssignment(user=user, role=role, division=division, granted_by=granted_by)
    assignment.full_clean()
    assignment.save()
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
    return assignment
