"""Who may do what in reviews: the experts' pages, the staff pages, and Django admin of the pool.

An expert's relations to what it judges are scopes (``zaozhuang_titles.scopes``), declared once here:
its own assignments, never one it declared a conflict on (回避); the cases it is assigned to without a
conflict; the meetings it holds a seat on. Each yields both the object predicate the pages check and
the ``Q`` the selectors filter with. City staff run every meeting.
"""

import rules
from django.db.models import Exists, OuterRef, Q

from zaozhuang_titles.rules import is_city_admin, is_expert
from zaozhuang_titles.scopes import Scope


def seated_meetings(**expert):
    """The ids of the meetings where the expert (``expert=`` or ``expert__user_id=``) holds a seat: a
    member of the panel, or a substitute who replaced one, not withdrawn and not replaced itself."""
    from reviews.models import PanelMember  # deferred: the models declare their permissions from here

    replaced = PanelMember.objects.filter(meeting=OuterRef("meeting"), replaced=OuterRef("pk"))
    seats = (
        PanelMember.objects.filter(withdrawn_reason="", **expert)
        .filter(Q(kind=PanelMember.Kind.MEMBER) | Q(replaced__isnull=False))
        .exclude(Exists(replaced))
    )
    return seats.values("meeting_id")


#: The expert's own assignment (评审任务), never one it declared a conflict on.
OWN_ASSIGNMENT = Scope(
    "is_own_assignment",
    role=is_expert,
    where=lambda user: Q(expert__user_id=user.pk, conflict_declared_at__isnull=True),
    # The selector loads the assignment with its expert: no query.
    holds=lambda user, assignment: assignment.conflict_declared_at is None and assignment.expert.user_id == user.pk,
)
#: A case the expert is assigned to on the panel, without a conflict (it votes on it).
PANEL_CASE = Scope(
    "is_panel_member_of_case",
    role=is_expert,
    where=lambda user: Q(
        meeting__in=seated_meetings(expert__user_id=user.pk),
        assignments__expert__user_id=user.pk,
        assignments__conflict_declared_at__isnull=True,
    ),
)


def _seated_meeting_q(user):
    from reviews.models import Meeting  # deferred: the models declare their permissions from here

    return Q(pk__in=seated_meetings(expert__user_id=user.pk)) & Q(status__in=Meeting.Status.SCORING_STARTED)


#: A meeting the expert holds a seat on, once its panel scores (not while it is planned or being drawn).
SEATED_MEETING = Scope("is_seated_on_meeting", role=is_expert, where=_seated_meeting_q)

is_own_assignment = OWN_ASSIGNMENT.predicate
is_panel_member_of_case = PANEL_CASE.predicate
is_seated_on_meeting = SEATED_MEETING.predicate

rules.add_perm("reviews.view_expert_home", is_expert)

# Staff pages: meetings, the draw, cases and substitutes; the Excel import and export of the pool.
rules.add_perm("reviews.manage_meetings", is_city_admin)
rules.add_perm("reviews.import_experts", is_city_admin)
rules.add_perm("reviews.export_experts", is_city_admin)

# Django admin: city staff keep the pool, the committee, the settings and the rubric; meetings are
# created and drawn on the staff pages (admin only corrects their name and deadline); the panel, the
# exclusions and the cases are records of the draw, read only. Nobody deletes (PortalModelAdmin).
rules.add_perm("reviews", is_city_admin)
for model in ("specialty", "expert", "expertrelation", "committee", "reviewsettings", "criterion"):
    rules.add_perm(f"reviews.view_{model}", is_city_admin)
    rules.add_perm(f"reviews.add_{model}", is_city_admin)
    rules.add_perm(f"reviews.change_{model}", is_city_admin)
#: The meeting's own permissions are declared on the model (``Meeting.Meta.rules_permissions``).
MEETING_PERMISSIONS = {"view": is_city_admin, "change": is_city_admin}
for model in ("panelmember", "drawexclusion", "case"):
    rules.add_perm(f"reviews.view_{model}", is_city_admin)

# Scoring (issue 5): experts score their own assignments (``Assignment.Meta.rules_permissions``,
# ``reviews.score_assignment``); city staff rank.
ASSIGNMENT_PERMISSIONS = {"score": is_own_assignment}
rules.add_perm("reviews.view_scoring_ranking", is_city_admin)

# Meeting and vote (issue 5): city staff run attendance and the vote; experts read the ballot page of a
# meeting they sit on and cast their ballots on the cases they are assigned to without a conflict.
rules.add_perm("reviews.run_meeting_vote", is_city_admin)
rules.add_perm("reviews.open_ballot", is_seated_on_meeting)
rules.add_perm("reviews.cast_ballot", is_panel_member_of_case)
