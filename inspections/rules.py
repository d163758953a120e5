"""Who may do what with inspection plans and inspections.

Plans are city staff's: they plan, publish the hash, draw and publish the results (other roles get 403
on their pages). An inspection of one enterprise is seen, as scopes (``zaozhuang_titles.scopes``), by
city staff, by the inspectors drawn for it, and by the inspected enterprise's contact (企业经办人), who
replies to its rectification; anyone else gets 404. The public pages (the draw, its re-run, the results)
need no permission.
"""

import rules
from django.db.models import Q

from enterprises.rules import CONTACT_OF
from zaozhuang_titles.rules import is_city_admin, is_enterprise_contact, is_expert, is_hr_staff
from zaozhuang_titles.scopes import Scope, any_of


def _team_inspection_ids(user):
    from inspections.models import InspectionInspector  # deferred: the models declare their permissions from here

    return InspectionInspector.objects.filter(member__user=user).values("inspection_id")


#: City staff and administrators: every inspection. (Not ``Q()``: an empty Q vanishes when OR-ed with
#: another scope's, and city staff hold ``ON_TEAM``'s role too.)
CITY_WIDE = Scope(
    "inspection_city_wide", role=is_city_admin, where=lambda user: Q(pk__isnull=False), holds=lambda user, obj: True
)
#: An inspector drawn for the inspection (staff or expert of the plan's pool).
ON_TEAM = Scope(
    "is_inspector_of",
    role=is_hr_staff | is_expert,
    where=lambda user: Q(pk__in=_team_inspection_ids(user)),
)
#: The inspected enterprise's contact.
CONTACT_OF_INSPECTED = CONTACT_OF.through("enterprise", name="is_contact_of_inspected")

#: Everyone who may open an inspection.
INSPECTION_SCOPES = (CITY_WIDE, ON_TEAM, CONTACT_OF_INSPECTED)
#: Those who inspect: they record findings and conclude, and review the enterprise's reply.
INSPECTOR_SCOPES = (CITY_WIDE, ON_TEAM)

#: The roles an inspection page is for at all (others get 403 before anything is looked up).
may_see_inspections = is_hr_staff | is_expert | is_enterprise_contact

PLAN_PERMISSIONS = {
    "view": is_city_admin,
    "add": is_city_admin,
    "change": is_city_admin,
    "open": is_city_admin,
    "announce": is_city_admin,
    "draw": is_city_admin,
    "publish": is_city_admin,
}
INSPECTION_PERMISSIONS = {
    "view": is_city_admin,
    "open": any_of(INSPECTION_SCOPES),
    "record": any_of(INSPECTOR_SCOPES),
    "review": any_of(INSPECTOR_SCOPES),
    "reply": CONTACT_OF_INSPECTED.predicate,
}

#: A file of an inspection (a finding's photo, the enterprise's evidence): whoever may open the inspection.
FILE_SCOPES = tuple(scope.through("inspection", name=f"{scope.name}_file") for scope in INSPECTION_SCOPES)
rules.add_perm("inspections.open_file", any_of(FILE_SCOPES))

rules.add_perm("inspections.list_plans", is_city_admin)
rules.add_perm("inspections.add_plan", is_city_admin)
rules.add_perm("inspections.view_my_inspections", may_see_inspections)

# Django admin: city staff keep the inspectors' declared relations; the rest is read on the pages.
rules.add_perm("inspections", is_city_admin)
rules.add_perm("inspections.view_inspectordeclaration", is_city_admin)
rules.add_perm("inspections.add_inspectordeclaration", is_city_admin)
rules.add_perm("inspections.change_inspectordeclaration", is_city_admin)
