"""Who may see and handle consultations, problems and the FAQ.

A question (咨询) is seen by the person who asked it and by those who answer it: city staff every
question, district staff those of enterprises of their own division, the service commissioner those of
the enterprises it serves (一企一员). These are the scopes of ``enterprises.rules`` carried to the
question through its enterprise, so "which questions may this user see" (``selectors``) and "may this
user see this question" cannot disagree. A question whose asker has no registered employer has no
enterprise: city staff answer it.

A problem (难题) is seen by the same handlers, through its enterprise, and by its owner (负责人), who may
be a staff member or a commissioner. The owner and city staff work on it (progress notes, solving); city
staff and the division's district staff hand it to another owner.

The FAQ (常见问题) is public. City staff publish an answered question to it, edit its public wording and
withdraw it.
"""

import rules
from django.db.models import Q

from enterprises.rules import COMMISSIONER_OF
from enterprises.rules import IN_STAFF_DIVISION as ENTERPRISE_IN_STAFF_DIVISION
from zaozhuang_titles.rules import (
    is_applicant,
    is_city_admin,
    is_commissioner,
    is_enterprise_contact,
    is_hr_staff,
)
from zaozhuang_titles.scopes import Scope, any_of

#: Who asks questions online: an enterprise's contacts and applicants.
may_ask = is_enterprise_contact | is_applicant
#: Who answers them and follows problems: HR staff and service commissioners.
may_handle = is_hr_staff | is_commissioner

#: The person who asked the question.
ASKER = Scope(
    "is_asker_of_consultation",
    role=may_ask,
    where=lambda user: Q(asker=user),
    holds=lambda user, consultation: consultation.asker_id == user.pk,
)
#: City staff and administrators: every question and problem. (Not ``Q()``: an empty Q vanishes when
#: OR-ed with another scope's, and city staff may hold another role too.)
CITY_WIDE = Scope(
    "consultation_city_wide", role=is_city_admin, where=lambda user: Q(pk__isnull=False), holds=lambda u, o: True
)
#: District staff: the questions and problems of enterprises of their division.
IN_STAFF_DIVISION = ENTERPRISE_IN_STAFF_DIVISION.through("enterprise", name="consultation_in_staff_division")
#: The service commissioner of the question's or problem's enterprise.
COMMISSIONER_OF_ENTERPRISE = COMMISSIONER_OF.through("enterprise", name="consultation_commissioner_of")
#: The owner of a problem (负责人).
OWNER = Scope(
    "is_owner_of_problem",
    role=may_handle,
    where=lambda user: Q(owner=user),
    holds=lambda user, problem: problem.owner_id == user.pk,
)

#: Those who answer a question and turn it into a problem.
HANDLER_SCOPES = (CITY_WIDE, IN_STAFF_DIVISION, COMMISSIONER_OF_ENTERPRISE)
#: Everyone who may open a question.
CONSULTATION_SCOPES = (ASKER, *HANDLER_SCOPES)
#: Everyone who may open a problem.
PROBLEM_SCOPES = (*HANDLER_SCOPES, OWNER)
#: Staff who hand a problem to another owner.
ASSIGNER_SCOPES = (CITY_WIDE, IN_STAFF_DIVISION)

is_asker = ASKER.predicate
is_handler = any_of(HANDLER_SCOPES)
is_city_wide = CITY_WIDE.predicate
is_owner = OWNER.predicate

#: Object permissions of a question (``Consultation.Meta.rules_permissions``).
CONSULTATION_PERMISSIONS = {
    "view": is_city_admin,
    "open": any_of(CONSULTATION_SCOPES),
    "answer": is_handler,
    "make_problem": is_handler,
    "publish": is_city_wide,
}
#: Object permissions of a problem (``Problem.Meta.rules_permissions``).
PROBLEM_PERMISSIONS = {
    "view": is_city_admin,
    "open": any_of(PROBLEM_SCOPES),
    "work": is_owner | is_city_wide,
    "assign": any_of(ASSIGNER_SCOPES),
}
#: Object permissions of an FAQ entry (``FaqEntry.Meta.rules_permissions``): the public reads published
#: entries without any permission; city staff keep them.
FAQ_PERMISSIONS = {
    "view": is_city_admin,
    "change": is_city_admin,
}

rules.add_perm("consultations.ask", may_ask)
rules.add_perm("consultations.list_own", may_ask)
rules.add_perm("consultations.list_queue", may_handle)
rules.add_perm("consultations.list_problems", may_handle)
rules.add_perm("consultations.manage_faq", is_city_admin)
#: Turning a questionnaire's answer into a question or a problem: city staff, who read the answers.
rules.add_perm("consultations.follow_up_survey", is_city_admin)

# Django admin: city staff read the records (questions, problems and FAQ entries by their models'
# ``view``); everything is written on the portal's pages.
rules.add_perm("consultations", is_city_admin)
rules.add_perm("consultations.view_problemnote", is_city_admin)
rules.add_perm("consultations.view_consultationevent", is_city_admin)
