"""Reads of scoring: the expert's task list and scoring page (scoped to the expert's own, non-recused
assignments: anything else is a 404), and the staff's ranking of a meeting's cases.

An expert never reads another expert's scores here: every expert read filters on ``expert__user``.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from applications.models import Achievement, Evidence
from reviews import aggregation
from reviews.models import Assignment, Case, Criterion, Expert, Meeting, Score
from reviews.rules import OWN_ASSIGNMENT
from zaozhuang_titles.models import Role, RoleAssignment
from zaozhuang_titles.rules import is_expert
from zaozhuang_titles.scopes import visible


def _criteria_count():
    return Subquery(
        Criterion.objects.filter(batch_id=OuterRef("case__meeting__batch_id"))
        .order_by()
        .values("batch_id")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    )


def assignments_of_expert(user):
    """The assignments of ``user``'s expert profile that it may see: never a recused one."""
    return visible(Assignment.objects.all(), user, (OWN_ASSIGNMENT,))


def expert_tasks(user, *, now=None):
    """The expert's assignments grouped by meeting (newest meeting first), in one query.

    Returns a list of dicts: ``meeting``, ``rows`` (assignments with ``scored_count`` and
    ``criteria_count``), ``assigned``, ``submitted``, ``remaining``, ``percent``, ``overdue``."""
    now = now or timezone.now()
    assignments = (
        assignments_of_expert(user)
        .select_related("case__meeting__specialty", "case__application__applicant")
        # The columns the task list shows: a thousand rows of whole applications (their summaries) and
        # whole accounts would cost more than the page (issue 13).
        .only(
            "case_id",
            "expert_id",
            "submitted_at",
            "conflict_declared_at",
            "case__meeting_id",
            "case__application_id",
            "case__position",
            "case__meeting__name",
            "case__meeting__held_on",
            "case__meeting__status",
            "case__meeting__scoring_deadline",
            "case__meeting__specialty__name",
            "case__application__number",
            "case__application__specialty",
            "case__application__applicant_id",
            "case__application__applicant__real_name",
        )
        .annotate(
            scored_count=Count("scores", filter=Q(scores__points__isnull=False)),
            criteria_count=_criteria_count(),
        )
        .order_by("-case__meeting__held_on", "-case__meeting_id", "case__position", "case_id")
    )
    groups = {}
    for assignment in assignments:
        meeting = assignment.case.meeting
        group = groups.setdefault(meeting.pk, {"meeting": meeting, "rows": []})
        group["rows"].append(assignment)
    result = []
    for group in groups.values():
        meeting, rows = group["meeting"], group["rows"]
        submitted = sum(1 for row in rows if row.submitted_at is not None)
        group.update(
            assigned=len(rows),
            submitted=submitted,
            remaining=len(rows) - submitted,
            percent=round(100 * submitted / len(rows)) if rows else 0,
            overdue=meeting.status == Meeting.Status.SCORING
            and meeting.scoring_deadline < now
            and submitted < len(rows),
            open=meeting.status == Meeting.Status.SCORING,
        )
        result.append(group)
    return result


def assignment_for_expert(user, pk):
    """One of ``user``'s own non-recused assignments with what its page shows, or 404."""
    try:
        return (
            assignments_of_expert(user)
            .select_related(
                "expert",
                "case__meeting__batch",
                "case__meeting__specialty",
                "case__application__applicant",
                "case__application__enterprise",
                "case__application__batch",
            )
            .get(pk=pk)
        )
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def scoring_state(*, assignment_id, criterion_id, user=None, expert=None, lock=False):
    """ONE query: the assignment ``assignment_id`` — ``user``'s own and not recused (``OWN_ASSIGNMENT``)
    or ``expert``'s — with what decides whether its scores may change, or None. ``lock`` takes its
    row (``FOR UPDATE``, inside the caller's transaction), so that a submission waits for the save or
    the save sees the submission. Annotated with ``meeting_status``, ``meeting_batch_id``,
    ``criterion_name`` and ``criterion_max_points`` (None when ``criterion_id`` is not part of the
    meeting's rubric) and, with ``user``, ``holds_expert_role``: the autosave pays one query for the
    role, the scope, the lock and the criterion, where the page's mixin pays four."""
    rows = Assignment.objects.filter(pk=assignment_id)
    if user is not None:
        where = OWN_ASSIGNMENT.q_role_unchecked(user)
        if where is None:
            return None
        rows = rows.filter(where).annotate(
            holds_expert_role=Exists(RoleAssignment.objects.filter(user_id=user.pk, role=Role.EXPERT))
        )
    if expert is not None:
        rows = rows.filter(expert_id=expert.pk)
    if lock:
        rows = rows.select_for_update(of=("self",))
    criterion = Criterion.objects.filter(pk=criterion_id, batch_id=OuterRef("case__meeting__batch_id")).order_by()
    rows = rows.annotate(
        meeting_status=F("case__meeting__status"),
        meeting_batch_id=F("case__meeting__batch_id"),
        criterion_name=Subquery(criterion.values("name")[:1]),
        criterion_max_points=Subquery(criterion.values("max_points")[:1]),
    ).only("id", "case_id", "expert_id", "conflict_declared_at", "submitted_at")
    return next(iter(rows.order_by()[:1]), None)


def scoring_target(*, user, assignment_id, criterion_id, lock=False):
    """The assignment ``user`` may score (from ``scoring_state``) and the criterion of its rubric named
    ``criterion_id``, in one query. Raises ``PermissionDenied`` for a user without the expert role (as
    the role check of every expert page), ``Assignment.DoesNotExist`` for an assignment not its own or
    recused (the pages' 404) and ``Criterion.DoesNotExist`` for a criterion outside the rubric."""
    state = scoring_state(user=user, assignment_id=assignment_id, criterion_id=criterion_id, lock=lock)
    if state is None:
        if not is_expert(user):  # a refusal only: one more query to answer it as the other pages do
            raise PermissionDenied
        raise Assignment.DoesNotExist
    if not state.holds_expert_role:
        raise PermissionDenied
    if state.criterion_name is None:
        raise Criterion.DoesNotExist
    criterion = Criterion(
        pk=criterion_id,
        batch_id=state.meeting_batch_id,
        name=state.criterion_name,
        max_points=state.criterion_max_points,
    )
    return state, criterion


def evidence_for_assignment(assignment, evidence_pk):
    """A live evidence file of the assignment's application, or 404."""
    try:
        return Evidence.objects.get(
            pk=evidence_pk, application_id=assignment.case.application_id, removed_at__isnull=True
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def scoring_sheet(assignment):
    """The rubric of the assignment's batch, each criterion with the expert's ``score`` (or None), and
    the total so far. Two queries."""
    criteria = list(Criterion.objects.filter(batch_id=assignment.case.meeting.batch_id))
    scores = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    total = Decimal(0)
    for criterion in criteria:
        criterion.score = scores.get(criterion.pk)
        if criterion.score is not None and criterion.score.points is not None:
            total += criterion.score.points
    return criteria, total


def application_materials(application):
    """The achievements, each with its live ``files``, and the files of the application as a whole.
    Two queries."""
    files = defaultdict(list)
    for evidence in Evidence.objects.filter(application=application, removed_at__isnull=True).order_by("id"):
        files[evidence.achievement_id].append(evidence)
    achievements = list(Achievement.objects.filter(application=application).order_by("occurred_on", "id"))
    for achievement in achievements:
        achievement.files = files.get(achievement.pk, [])
    return achievements, files.get(None, [])


# --- Staff: the ranking ----------------------------------------------------------------------------


def meeting_for_staff(pk):
    try:
        return Meeting.objects.select_related("batch", "specialty").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def counted_totals(meeting):
    """{(expert_id, case_id): total points} of the submitted, non-recused assignments of ``meeting``,
    in one query."""
    rows = (
        Score.objects.filter(
            assignment__case__meeting=meeting,
            assignment__submitted_at__isnull=False,
            assignment__conflict_declared_at__isnull=True,
            points__isnull=False,
        )
        .values_list("assignment__expert_id", "assignment__case_id", "points")
        .order_by()
    )
    totals = defaultdict(Decimal)
    for expert_id, case_id, points in rows:
        totals[(expert_id, case_id)] += points
    return dict(totals)


def meeting_ranking(meeting):
    """The meeting's cases ranked by trimmed mean (cases without a submitted score last), and its
    experts with their statistics. Four queries whatever the number of cases and experts."""
    totals = counted_totals(meeting)
    per_case = defaultdict(list)
    for (_expert_id, case_id), total in totals.items():
        per_case[case_id].append(total)
    cases = list(
        Case.objects.filter(meeting=meeting)
        .select_related("application__applicant", "application__enterprise")
        # What the ranking shows, not whole applications and accounts, a thousand times (issue 13).
        .only(
            "meeting_id",
            "position",
            "application__number",
            "application__applicant__real_name",
            "application__enterprise__name",
        )
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__conflict_declared_at__isnull=True)),
            recused=Count("assignments", filter=Q(assignments__conflict_declared_at__isnull=False)),
        )
    )
    for case in cases:
        case.stats = aggregation.case_stats(per_case.get(case.pk, []))
    cases.sort(
        key=lambda c: (c.stats.trimmed_mean is None, -(c.stats.trimmed_mean or 0), c.position, c.pk),
    )
    for rank, case in enumerate(cases, start=1):
        case.rank = rank if case.stats.n else None
    stats = aggregation.expert_stats(totals)
    experts = list(
        Expert.objects.filter(assignments__case__meeting=meeting)
        .distinct()
        .select_related("user")
        .order_by("user__real_name", "id")
    )
    for expert in experts:
        expert.stats = stats.get(expert.pk)
    return cases, experts
