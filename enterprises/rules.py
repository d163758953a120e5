"""Who may do what with enterprises.

The relations between a user and an enterprise are declared once here, as scopes
(``zaozhuang_titles.scopes``): each yields both the django-rules object predicate and the ``Q`` the
selectors filter with, so "which enterprises may this user see" (``selectors.enterprises_for_user``)
and "may this user see this enterprise" cannot disagree. ``IN_STAFF_DIVISION`` is the one place that
says district staff serve the enterprises of their own division; the applications app carries it to
applications (``applications.rules``).
"""

import rules
from django.db.models import Q

from zaozhuang_titles.rules import (
    is_chairman,
    is_city_admin,
    is_commissioner,
    is_district_staff,
    is_enterprise_contact,
    is_hr_staff,
)
from zaozhuang_titles.scopes import Scope, any_of


def _cached(user, key, load):
    # Kept on the user object for the request: a page asks the same question for many rows.
    cache = user.__dict__.setdefault("_enterprise_scope_cache", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def contact_enterprise_id(user):
    """The enterprise whose record ``user`` keeps as its active contact (one account, one enterprise)."""
    from enterprises.models import EnterpriseContact  # deferred: the models declare their permissions from here

    return _cached(
        user,
        "contact",
        lambda: (
            EnterpriseContact.objects.filter(user=user, is_active=True).values_list("enterprise_id", flat=True).first()
        ),
    )


def _commissioner_id(user):
    from enterprises.models import ServiceCommissioner  # deferred: the models declare their permissions from here

    return _cached(
        user, "commissioner", lambda: ServiceCommissioner.objects.filter(user=user).values_list("pk", flat=True).first()
    )


def _division_id(user):
    district = user.district
    return district.pk if district is not None else None


#: District staff (区(市)人社局) serve the enterprises of their own division, and only those.
IN_STAFF_DIVISION = Scope(
    "is_in_staff_division",
    role=is_district_staff,
    where=lambda user: Q(division_id=_division_id(user)) if _division_id(user) is not None else None,
    holds=lambda user, enterprise: _division_id(user) is not None and enterprise.division_id == _division_id(user),
)
#: City staff and administrators: every enterprise.
CITY_WIDE = Scope("is_city_wide", role=is_city_admin, where=lambda user: Q(), holds=lambda user, enterprise: True)
#: The enterprise's contact (企业经办人) keeps its record.
CONTACT_OF = Scope(
    "is_enterprise_contact_of",
    role=is_enterprise_contact,
    where=lambda user: Q(pk=contact_enterprise_id(user)) if contact_enterprise_id(user) else None,
    holds=lambda user, enterprise: enterprise.pk == contact_enterprise_id(user),
)
#: The enterprise's chairman (董事长).
CHAIRMAN_OF = Scope(
    "is_chairman_of",
    role=is_chairman,
    where=lambda user: Q(chairman=user),
    holds=lambda user, enterprise: enterprise.chairman_id == user.pk,
)
#: The service commissioner (服务专员) assigned to the enterprise (一企一员).
COMMISSIONER_OF = Scope(
    "is_commissioner_of",
    role=is_commissioner,
    where=lambda user: Q(commissioner_id=_commissioner_id(user)) if _commissioner_id(user) else None,
    holds=lambda user, enterprise: (
        enterprise.commissioner_id is not None and enterprise.commissioner_id == _commissioner_id(user)
    ),
)

#: What HR staff see in the registry.
STAFF_SCOPES = (CITY_WIDE, IN_STAFF_DIVISION)
#: Every enterprise a user may see.
ENTERPRISE_SCOPES = (CITY_WIDE, IN_STAFF_DIVISION, COMMISSIONER_OF, CONTACT_OF, CHAIRMAN_OF)

is_in_staff_division = IN_STAFF_DIVISION.predicate
is_enterprise_contact_of = CONTACT_OF.predicate
is_chairman_of = CHAIRMAN_OF.predicate
is_commissioner_of = COMMISSIONER_OF.predicate
#: HR staff in charge of the enterprise: its division's district staff, and the city.
is_staff_of_enterprise = any_of(STAFF_SCOPES)


@rules.predicate
def no_object(user, obj=None):
    """Asked of the model as a whole (Django admin's list and module checks), not of one object."""
    return obj is None


#: District staff read their division's enterprises in Django admin (the list is scoped by
#: ``selectors.enterprises_for_staff``; one enterprise by ``IN_STAFF_DIVISION``). They verify a
#: registration on the portal's page; changes in admin stay with city staff.
district_reads_in_admin = is_district_staff & (no_object | is_in_staff_division)

rules.add_perm("enterprises.view_contact_home", is_enterprise_contact)
rules.add_perm("enterprises.view_commissioner_home", is_commissioner)
rules.add_perm("enterprises.register_enterprise", is_enterprise_contact)

# The registry pages: HR staff (district staff see their own division only, by the selector).
rules.add_perm("enterprises.list_enterprises", is_hr_staff)
rules.add_perm("enterprises.export_enterprises", is_hr_staff)
rules.add_perm("enterprises.view_service_statistics", is_hr_staff)
rules.add_perm("enterprises.import_enterprises", is_city_admin)
rules.add_perm("enterprises.view_qr", is_hr_staff | is_commissioner | is_enterprise_contact)

# Pages of one enterprise (object permissions; the views load it through its scoped selector first).
#: The permissions of the enterprise itself are declared on the model (``Enterprise.Meta.rules_permissions``
#: with ``ENTERPRISE_PERMISSIONS``): view/add/change for Django admin, ``open`` (its detail and archive,
#: 一企一档) and ``verify`` (its registration).
ENTERPRISE_PERMISSIONS = {
    "view": is_city_admin | district_reads_in_admin,
    "add": is_city_admin,
    "change": is_city_admin,
    #: HR staff in charge of it and the commissioner serving it.
    "open": is_staff_of_enterprise | is_commissioner_of,
    #: HR staff in charge of it.
    "verify": is_staff_of_enterprise,
}
#: Assigning its commissioner: city staff (the role alone also decides whether the button shows).
rules.add_perm("enterprises.assign_commissioner", is_city_admin)
#: Logging a service to it: the commissioner serving it.
rules.add_perm("enterprises.log_service", is_commissioner_of)
#: Recording the solution of a problem in its log: the commissioner serving the enterprise.
rules.add_perm(
    "enterprises.solve_problem", COMMISSIONER_OF.through("enterprise", name="is_commissioner_of_log").predicate
)

# Django admin: city staff keep the registry; district staff read their division's enterprises, their
# recognitions, contacts and service log (each list scoped through the enterprise), not the commissioners.
rules.add_perm("enterprises", is_hr_staff)
for model in ("recognition", "enterprisecontact", "servicecommissioner", "servicelog"):
    reader = is_city_admin if model == "servicecommissioner" else is_city_admin | is_district_staff
    rules.add_perm(f"enterprises.view_{model}", reader)
    rules.add_perm(f"enterprises.add_{model}", is_city_admin)
    rules.add_perm(f"enterprises.change_{model}", is_city_admin)
