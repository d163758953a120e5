"""Who may do what with batches and applications.

Page-level permissions by role live here; which application a user may see is decided by
``applications.selectors.applications_for_user`` (404 outside it), and which move a user may make on
one application by ``applications.workflow.actor_role`` and the table of moves. (Publicity, filing and
certificates are ``results.rules``.)"""

import rules

from zaozhuang_titles.rules import (
    is_applicant,
    is_chairman,
    is_city_admin,
    is_district_staff,
    is_enterprise_contact,
    is_hr_staff,
)

rules.add_perm("applications", is_city_admin)
rules.add_perm("applications.view_applicant_home", is_applicant)
rules.add_perm("applications.edit_profile", is_applicant)
rules.add_perm("applications.add_application", is_applicant)
rules.add_perm("applications.view_chairman_home", is_chairman)
rules.add_perm("applications.sign_nomination", is_chairman)
rules.add_perm("applications.view_enterprise_applications", is_enterprise_contact)
rules.add_perm("applications.run_internal_notice", is_enterprise_contact)
rules.add_perm("applications.view_district_queue", is_district_staff)
rules.add_perm("applications.view_city_queue", is_city_admin)
rules.add_perm("applications.audit_application", is_hr_staff)
#: Reading one application (scoped by the selector): everyone who takes part in its life.
rules.add_perm(
    "applications.open_application",
    is_applicant | is_enterprise_contact | is_chairman | is_hr_staff,
)

# Django admin, for city staff: batches are kept there; the rest is read-only evidence of the work.
for model in (
    "batch",
    "application",
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
