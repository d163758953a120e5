"""Who may do what with batches and applications.

The relations between a user and an application are scopes (``zaozhuang_titles.scopes``), declared
once here; each yields both the django-rules object predicate and the ``Q`` that
``applications.selectors.applications_for_user`` filters with, so the list a user sees and the object
checks of the pages cannot disagree. The relations through the enterprise (its contact, its chairman,
district staff of its division) are the enterprise's own scopes (``enterprises.rules``) carried to the
application, not rules written again. ``applications.workflow.actor_role`` reads the same predicates.

Publicity, filing and certificates are ``results.rules``.
"""

import rules
from django.db.models import Q

from applications.statuses import Status
from enterprises.rules import CHAIRMAN_OF, CITY_WIDE, CONTACT_OF, IN_STAFF_DIVISION
from zaozhuang_titles.rules import (
    is_applicant,
    is_chairman,
    is_city_admin,
    is_district_staff,
    is_enterprise_contact,
    is_hr_staff,
)
from zaozhuang_titles.scopes import Scope, any_of


def _in_statuses(statuses, prefix=""):
    return {
        "where": Q(**{f"{prefix}status__in": statuses}),
        "holds": lambda application: application.status in statuses,
    }


# --- Relations: who the user is to the application (what ``actor_role`` reads) -------------------

#: The applicant (申报人) owns it.
OWN = Scope(
    "is_own_application",
    role=is_applicant,
    where=lambda user: Q(applicant_id=user.pk),
    holds=lambda user, application: application.applicant_id == user.pk,
)
OF_ENTERPRISE_CONTACT = CONTACT_OF.through("enterprise", name="is_contact_of_application")
OF_CHAIRMAN = CHAIRMAN_OF.through("enterprise", name="is_chairman_of_application")
OF_STAFF_DIVISION = IN_STAFF_DIVISION.through("enterprise", name="is_application_in_staff_division")
OF_CITY = CITY_WIDE.through("enterprise", name="is_city_wide_application")

is_own_application = OWN.predicate
is_contact_of_application = OF_ENTERPRISE_CONTACT.predicate
is_chairman_of_application = OF_CHAIRMAN.predicate
is_application_in_staff_division = OF_STAFF_DIVISION.predicate

# --- Visibility: which applications the user may read ---------------------------------------------

#: The enterprise's contact and chairman see its applications once submitted.
CONTACT_VISIBLE = OF_ENTERPRISE_CONTACT.narrowed(name="can_contact_see_application", **_in_statuses(Status.SUBMITTED))
CHAIRMAN_VISIBLE = OF_CHAIRMAN.narrowed(name="can_chairman_see_application", **_in_statuses(Status.SUBMITTED))
#: District staff see their division's applications once the enterprise forwarded them.
DISTRICT_SCOPE = OF_STAFF_DIVISION.narrowed(
    name="can_district_see_application", **_in_statuses(Status.DISTRICT_VISIBLE)
)
#: City staff see every submitted application.
CITY_SCOPE = OF_CITY.narrowed(name="can_city_see_application", **_in_statuses(Status.SUBMITTED))

APPLICATION_SCOPES = (OWN, CONTACT_VISIBLE, CHAIRMAN_VISIBLE, DISTRICT_SCOPE, CITY_SCOPE)
AUDIT_SCOPES = (DISTRICT_SCOPE, CITY_SCOPE)
#: Django admin: city staff read every application (drafts included, as the record of the work);
#: district staff what they see on their queue.
ADMIN_SCOPES = (OF_CITY, DISTRICT_SCOPE)

can_open_application = any_of(APPLICATION_SCOPES)
can_audit_application = any_of(AUDIT_SCOPES)


@rules.predicate
def no_object(user, obj=None):
    """Asked of the model as a whole (Django admin's list and module checks), not of one object."""
    return obj is None


#: District staff in Django admin: the model's list, and one application of their division's scope.
district_in_admin = is_district_staff & (no_object | DISTRICT_SCOPE.predicate)

# --- Nominations (董事长署名举荐) and internal notices: through their enterprise --------------------


def _nomination_narrowed(scope, statuses, name):
    return scope.narrowed(
        name=name,
        where=Q(entries__application__status__in=statuses),
        holds=lambda nomination: nomination.entries.filter(application__status__in=statuses).exists(),
    )


NOMINATION_SCOPES = (
    CHAIRMAN_OF.through("enterprise", name="is_chairman_of_nomination"),
    CONTACT_OF.through("enterprise", name="is_contact_of_nomination"),
    _nomination_narrowed(
        IN_STAFF_DIVISION.through("enterprise", name="is_nomination_in_staff_division"),
        Status.DISTRICT_VISIBLE,
        "can_district_see_nomination",
    ),
    _nomination_narrowed(
        CITY_WIDE.through("enterprise", name="is_city_wide_nomination"), Status.SUBMITTED, "can_city_see_nomination"
    ),
)
can_open_nomination = any_of(NOMINATION_SCOPES)
#: An internal notice (单位内部公示) and its objections: the enterprise's contact.
NOTICE_OF_CONTACT = CONTACT_OF.through("enterprise", name="is_contact_of_notice")
is_contact_of_notice = NOTICE_OF_CONTACT.predicate
OBJECTION_OF_CONTACT = CONTACT_OF.through("notice__enterprise", name="is_contact_of_objection")
is_contact_of_objection = OBJECTION_OF_CONTACT.predicate

#: A record of an applicant's profile belongs to the profile's user.
OWN_PROFILE_RECORD = Scope(
    "is_own_profile_record",
    role=is_applicant,
    where=lambda user: Q(profile__user_id=user.pk),
    holds=lambda user, record: record.profile.user_id == user.pk,
)
is_own_profile_record = OWN_PROFILE_RECORD.predicate

# --- Permissions ----------------------------------------------------------------------------------

#: Django admin's section of applications: city staff, and district staff for their division (issue 14).
rules.add_perm("applications", is_hr_staff)
rules.add_perm("applications.view_applicant_home", is_applicant)
rules.add_perm("applications.edit_profile", is_applicant)
rules.add_perm("applications.view_chairman_home", is_chairman)
rules.add_perm("applications.view_enterprise_applications", is_enterprise_contact)
rules.add_perm("applications.run_internal_notice", is_enterprise_contact)
rules.add_perm("applications.view_district_queue", is_district_staff)
rules.add_perm("applications.view_city_queue", is_city_admin)
#: Everyone who may take part in an application's life (the gate of its pages, before the object).
takes_part_in_applications = is_applicant | is_enterprise_contact | is_chairman | is_hr_staff
#: Who may open a nomination letter at all (the gate before the object).
reads_nomination_letters = is_chairman | is_enterprise_contact | is_hr_staff

# Object permissions: the views load the object through its scoped selector, then ask these.
#: The permissions of the application itself are declared on the model (``Application.Meta.rules_permissions``,
#: ``applications.<type>_application``).
APPLICATION_PERMISSIONS = {
    #: Django admin: city staff read the record of the work there; district staff their division's.
    "view": is_city_admin | district_in_admin,
    #: Reading one application: everyone who takes part in its life, within their scope.
    "open": can_open_application,
    #: Auditing one application (its changes between submissions): HR staff within their scope.
    "audit": can_audit_application,
    #: The applicant's own pages of one application (edit, achievements, files, moves).
    "manage_own": is_own_application,
    #: Forwarding one application after the internal notice: its enterprise's contact.
    "forward": is_contact_of_application,
}
#: One internal notice and its objections: the enterprise's contact.
rules.add_perm("applications.manage_internal_notice", is_contact_of_notice)
rules.add_perm("applications.settle_internal_objection", is_contact_of_objection)
#: Starting an internal notice, or previewing its dates, for an enterprise: its contact.
rules.add_perm("applications.start_internal_notice", CONTACT_OF.predicate)
#: Signing the nomination of an enterprise's nominees: its chairman.
rules.add_perm("applications.sign_nomination", CHAIRMAN_OF.predicate)
#: Starting an application in a call (a batch): applicants.
rules.add_perm("applications.add_application", is_applicant)
#: A record of the applicant's profile (学历, 职称...): its owner.
rules.add_perm("applications.change_profile_record", is_own_profile_record)
#: A nomination letter (举荐信): the enterprise's chairman and contact, HR staff within their scope.
rules.add_perm("applications.open_nomination", can_open_nomination)

# Django admin, for city staff: batches are kept there; the rest is read-only evidence of the work.
for model in (
    "achievement",
    "evidence",
    "internalnotice",
    "internalobjection",
    "nomination",
    "nominationentry",
    "transition",
    "submission",
    "correctionrequest",
    "applicantprofile",
):
    rules.add_perm(f"applications.view_{model}", is_city_admin)
rules.add_perm("applications.add_batch", is_city_admin)
rules.add_perm("applications.change_batch", is_city_admin)
#: Batches carry no division: district staff read them (dates, channel, time limits), never change them.
rules.add_perm("applications.view_batch", is_hr_staff)
#: The audit's moves from Django admin, one application or many at once (bulk actions): HR staff; the
#: transition function still checks each application's state and the actor's role on it.
rules.add_perm("applications.audit_in_admin", is_hr_staff)
#: A bulk action's record (its progress and result): the staff member who ran it, and city staff.
OWN_BULK_RUN = Scope("is_own_bulk_run", role=is_hr_staff, where=lambda user: Q(actor_id=user.pk))
# ``Q(pk__isnull=False)``, not ``Q()``: an empty Q vanishes when OR-ed with the own-runs scope.
ALL_BULK_RUNS = Scope("is_city_bulk_run", role=is_city_admin, where=lambda user: Q(pk__isnull=False))
BULK_RUN_SCOPES = (OWN_BULK_RUN, ALL_BULK_RUNS)
rules.add_perm("applications.view_bulkrun", is_city_admin | (is_district_staff & (no_object | OWN_BULK_RUN.predicate)))
