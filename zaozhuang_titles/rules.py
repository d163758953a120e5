"""Permission predicates shared by every app: who holds which role.

Apps build their object-level predicates on these (pretalx style, django-rules).
"""

import rules
from django.db.models import Q

from zaozhuang_titles.models import Role
from zaozhuang_titles.scopes import Scope, any_of


def has_role(role):
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_administrator = has_role(Role.ADMINISTRATOR) | rules.is_superuser
is_city_staff = has_role(Role.CITY_STAFF)
is_district_staff = has_role(Role.DISTRICT_STAFF)
is_expert = has_role(Role.EXPERT)
is_commissioner = has_role(Role.COMMISSIONER)
is_chairman = has_role(Role.CHAIRMAN)
is_enterprise_contact = has_role(Role.ENTERPRISE_CONTACT)
is_applicant = has_role(Role.APPLICANT)

#: City staff and administrators run the campaign, mainly in Django admin.
is_city_admin = is_city_staff | is_administrator
is_hr_staff = is_city_admin | is_district_staff
#: The staff's daily digest (每日待办提醒) goes to city and district staff, who may turn it off.
receives_staff_digest = is_city_staff | is_district_staff

# Module access in Django admin (rules' backend answers has_module_perms with the app label).
rules.add_perm("zaozhuang_titles", is_city_admin)

# People and roles: city staff create staff, experts and commissioners; only administrators grant
# the administrator and city-staff roles (enforced in the service as well).
rules.add_perm("zaozhuang_titles.view_user", is_city_admin)
rules.add_perm("zaozhuang_titles.add_user", is_city_admin)
rules.add_perm("zaozhuang_titles.change_user", is_city_admin)
rules.add_perm("zaozhuang_titles.view_roleassignment", is_city_admin)
rules.add_perm("zaozhuang_titles.add_roleassignment", is_city_admin)
rules.add_perm("zaozhuang_titles.change_roleassignment", is_city_admin)
rules.add_perm("zaozhuang_titles.view_division", is_city_admin)
rules.add_perm("zaozhuang_titles.change_division", is_administrator)
rules.add_perm("zaozhuang_titles.add_division", is_administrator)
rules.add_perm("zaozhuang_titles.view_town", is_city_admin)
rules.add_perm("zaozhuang_titles.add_town", is_city_admin)
rules.add_perm("zaozhuang_titles.change_town", is_city_admin)
rules.add_perm("zaozhuang_titles.view_auditevent", is_city_admin)
# The holiday calendar (节假日安排): city staff keep it, since deadlines follow it.
rules.add_perm("zaozhuang_titles.view_calendarday", is_city_admin)
rules.add_perm("zaozhuang_titles.add_calendarday", is_city_admin)
rules.add_perm("zaozhuang_titles.change_calendarday", is_city_admin)
# Text messages kept by the development SMS backend: read only.
rules.add_perm("zaozhuang_titles.view_smsmessage", is_city_admin)
rules.add_perm("zaozhuang_titles.view_notice", is_city_admin)
# "Send the email again" on failed or stuck notices (admin action and notice_email_retry alike).
rules.add_perm("zaozhuang_titles.retry_notice_email", is_city_admin)
# Whole ID numbers are for the staff who audit applications.
rules.add_perm("zaozhuang_titles.view_full_id_number", is_hr_staff)
rules.add_perm("zaozhuang_titles.grant_admin_roles", is_administrator)

# django-axes records: city staff see failed logins and lockouts, and unlock an account by deleting
# its access attempts (the only deletion anywhere in the portal; the audit log keeps the events).
rules.add_perm("axes", is_city_admin)
rules.add_perm("axes.view_accessattempt", is_city_admin)
rules.add_perm("axes.delete_accessattempt", is_city_admin)
rules.add_perm("axes.view_accesslog", is_city_admin)
rules.add_perm("axes.view_accessfailurelog", is_city_admin)
rules.add_perm("axes.view_accessattemptexpiration", is_city_admin)
# Background tasks that failed for good: city staff see them and queue them again ("change").
rules.add_perm("zaozhuang_titles.view_failedtask", is_city_admin)
rules.add_perm("zaozhuang_titles.change_failedtask", is_city_admin)
# Identifiers found not canonical by the data migration: city staff read them and correct the records.
rules.add_perm("zaozhuang_titles.view_identifierissue", is_city_admin)

# Exports (导出): HR staff export the lists they see; a file is downloaded by the user who asked for it,
# and by administrators; anyone else gets 404.
OWN_EXPORT = Scope(
    "is_own_export",
    role=is_hr_staff,
    where=lambda user: Q(user_id=user.pk),
    holds=lambda user, export: export.user_id == user.pk,
)
# Not ``Q()``: OR-ed with the own scope's ``Q`` (an administrator holds both), an empty ``Q`` would vanish.
ANY_EXPORT = Scope(
    "is_export_administrator",
    role=is_administrator,
    where=lambda user: Q(pk__isnull=False),
    holds=lambda user, export: True,
)
EXPORT_SCOPES = (OWN_EXPORT, ANY_EXPORT)
rules.add_perm("zaozhuang_titles.list_exports", is_hr_staff)
rules.add_perm("zaozhuang_titles.download_export", any_of(EXPORT_SCOPES))
