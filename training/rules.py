"""Who may see and decide continuing-education hours.

Where the person works decides who recognises its hours: district staff (区(市)人社局) those of the
people whose employer, on their applicant profile, lies in their division (``enterprises.rules``
says once that district staff serve their own division; it is carried here through the person's
profile), city staff and administrators everyone's. The person sees its own entries. A person without
a profile or an employer is for city staff only.
"""

import rules
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from enterprises.rules import IN_STAFF_DIVISION as ENTERPRISE_IN_STAFF_DIVISION
from enterprises.rules import no_object
from zaozhuang_titles.rules import is_applicant, is_city_admin, is_district_staff, is_hr_staff
from zaozhuang_titles.scopes import Scope, any_of

#: From an entry to the enterprise the person works at (the relation, not an import: ``applications``
#: sits above this app and owns the profile).
WORKPLACE = "person__applicant_profile__enterprise"

_WORKPLACE_SCOPE = ENTERPRISE_IN_STAFF_DIVISION.through(WORKPLACE, name="training_workplace_in_staff_division")


def workplace(entry):
    """The enterprise ``entry``'s person works at, or None (no profile, no employer)."""
    try:
        profile = entry.person.applicant_profile
    except ObjectDoesNotExist:
        return None
    return profile.enterprise if profile.enterprise_id else None


#: The person's own entries.
OWN = Scope(
    "is_own_training_entry",
    role=is_applicant,
    where=lambda user: Q(person=user),
    holds=lambda user, entry: entry.person_id == user.pk,
)
#: District staff: the people working in their division.
IN_STAFF_DIVISION = Scope(
    "is_training_in_staff_division",
    role=is_district_staff,
    where=_WORKPLACE_SCOPE.q,
    holds=lambda user, entry: (
        (enterprise := workplace(entry)) is not None and ENTERPRISE_IN_STAFF_DIVISION.holds(user, enterprise)
    ),
)
#: City staff and administrators: everyone.
CITY_WIDE = Scope("is_training_city_wide", role=is_city_admin, where=lambda user: Q(), holds=lambda u, e: True)

STAFF_SCOPES = (CITY_WIDE, IN_STAFF_DIVISION)
ENTRY_SCOPES = (OWN, *STAFF_SCOPES)


is_own_entry = OWN.predicate
is_staff_of_entry = any_of(STAFF_SCOPES)

#: Object permissions of an entry (``TrainingEntry.Meta.rules_permissions``): ``open`` its page and its
#: certificate, ``decide`` (recognise or refuse), ``withdraw`` one the person entered itself.
ENTRY_PERMISSIONS = {
    #: Django admin: city staff every entry, district staff their division's (the list scoped by
    #: ``STAFF_SCOPES``); decisions are taken on the portal's pages, through the services.
    "view": is_city_admin | (is_district_staff & (no_object | is_staff_of_entry)),
    "open": is_own_entry | is_staff_of_entry,
    "decide": is_staff_of_entry,
    "withdraw": is_own_entry,
}

rules.add_perm("training.view_own_hours", is_applicant)
rules.add_perm("training.add_own_entry", is_applicant)
rules.add_perm("training.list_entries", is_hr_staff)
rules.add_perm("training.import_entries", is_city_admin)

# Django admin: HR staff read the entries of their scope there, city staff the imports too.
rules.add_perm("training", is_hr_staff)
rules.add_perm("training.view_trainingimport", is_city_admin)
