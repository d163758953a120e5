"""Reads of the meeting and its vote: who holds a seat, who attends, who may vote on which case, the
sealed counts (only once the vote is closed) and the pages' lists, each scoped to its reader.

Who may vote on a case: an expert holding a seat on the panel (a member not replaced, or a substitute
who replaced one), recorded present, with an assignment on the case and no conflict declared on it. An
expert without an assignment on a case was kept off it by the draw's recusal; it counts as recused.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from reviews.models import (
    Assignment,
    Attendance,
    Ballot,
    Case,
    Expert,
    Meeting,
    PanelMember,
    ReviewSettings,
    VoteCast,
)
from reviews.rules import seated_meetings
from reviews.voting import quorum_needed, quorum_reached, vote_passes, votes_needed
from zaozhuang_titles.models import Role, User
from zaozhuang_titles.rules import is_city_admin

DEFAULT_QUORUM = (2, 3)


def quorum_fraction(meeting):
    """The batch's quorum as ``(numerator, denominator)``; 2/3 when the batch has no settings yet."""
    settings = ReviewSettings.objects.filter(batch_id=meeting.batch_id).only("quorum_numerator", "quorum_denominator")
    settings = settings.first()
    if settings is None:
        return DEFAULT_QUORUM
    return settings.quorum_numerator, settings.quorum_denominator


def seat_holders(meeting):
    """The experts who hold a seat: members not replaced or withdrawn, and substitutes who replaced one."""
    panel = list(
        PanelMember.objects.filter(meeting=meeting)
        .select_related("expert__user", "replaced__expert__user")
        .order_by("order")
    )
    replaced = {member.replaced_id for member in panel if member.replaced_id}
    return [
        member
        for member in panel
        if not member.withdrawn_reason
        and member.pk not in replaced
        and (member.kind == PanelMember.Kind.MEMBER or member.replaced_id)
    ]


@dataclass
class Seat:
    member: PanelMember
    present: bool

    @property
    def expert(self):
        return self.member.expert


@dataclass
class AttendanceState:
    """The panel's attendance and the quorum, as the staff page and the services need them."""

    seats: list
    panel_size: int
    numerator: int
    denominator: int
    recorded: bool

    @property
    def attending(self):
        return sum(1 for seat in self.seats if seat.present)

    @property
    def present_ids(self):
        return {seat.expert.pk for seat in self.seats if seat.present}

    @property
    def needed(self):
        return quorum_needed(self.panel_size, self.numerator, self.denominator)

    @property
    def reached(self):
        return quorum_reached(min(self.attending, self.panel_size), self.panel_size, self.numerator, self.denominator)


def attendance_state(meeting):
    seats = seat_holders(meeting)
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("expert_id", "present"))
    numerator, denominator = quorum_fraction(meeting)
    return AttendanceState(
        seats=[Seat(member=member, present=bool(rows.get(member.expert_id))) for member in seats],
        panel_size=meeting.panel_size,
        numerator=numerator,
        denominator=denominator,
        recorded=bool(rows),
    )


def recorder_candidates(meeting, attendance):
    """Who may keep the meeting's record (记录人): active city HR staff, and the experts of the panel
    recorded present (as users), by name."""
    present = [seat.expert.user_id for seat in attendance.seats if seat.present]
    staff = Q(is_active=True, roles__role=Role.CITY_STAFF)
    return User.objects.filter(Q(pk__in=present) | staff).distinct().order_by("real_name", "username")


@dataclass
class CaseTally:
    """One case's voters and, once the vote is closed (or when ``sealed`` is False), its counts."""

    case: Case
    present: int = 0
    cast: int = 0
    recused: list = field(default_factory=list)  # (expert, reason) of attending experts who may not vote
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def not_voted(self):
        return self.present - self.cast

    @property
    def needed(self):
        return votes_needed(self.present)

    @property
    def passed(self):
        return vote_passes(self.yes, self.present)


def case_tallies(meeting, *, attendance=None, unseal=False):
    """Per case (in agenda order): experts present and not recused, ballots cast, the attending experts
    recused with the reason, and — only with ``unseal`` — the yes/no/abstain counts of the ballots."""
    attendance = attendance or attendance_state(meeting)
    present_ids = attendance.present_ids
    experts = {seat.expert.pk: seat.expert for seat in attendance.seats}
    cases = list(
        Case.objects.filter(meeting=meeting)
        .select_related("application__applicant", "application__enterprise")
        .annotate(cast_count=Count("votes_cast", distinct=True))
        .order_by("position", "id")
    )
    clean = defaultdict(set)
    conflicts = defaultdict(dict)
    for case_id, expert_id, declared, reason in Assignment.objects.filter(case__meeting=meeting).values_list(
        "case_id", "expert_id", "conflict_declared_at", "conflict_reason"
    ):
        if declared is None:
            clean[case_id].add(expert_id)
        else:
            conflicts[case_id][expert_id] = reason
    counts = defaultdict(Counter)
    if unseal:
        for case_id, choice, number in (
            Ballot.objects.filter(case__meeting=meeting).values_list("case_id", "choice").annotate(n=Count("id"))
        ):
            counts[case_id][choice] = number
    tallies = []
    for case in cases:
        tally = CaseTally(case=case, present=len(present_ids & clean[case.pk]), cast=case.cast_count)
        for expert_id in sorted(present_ids - clean[case.pk], key=lambda pk: str(experts[pk])):
            # The declared conflict's reason, or None when the draw never assigned the case to the expert.
            tally.recused.append((experts[expert_id], conflicts[case.pk].get(expert_id)))
        if unseal:
            tally.yes = counts[case.pk][Ballot.Choice.YES]
            tally.no = counts[case.pk][Ballot.Choice.NO]
            tally.abstain = counts[case.pk][Ballot.Choice.ABSTAIN]
        tallies.append(tally)
    return tallies


# --- Staff ---------------------------------------------------------------------------------------


def meetings_for_staff(user):
    """Every meeting for city staff and administrators; nothing for anyone else."""
    if not is_city_admin(user):
        return Meeting.objects.none()
    return Meeting.objects.select_related("batch", "specialty").annotate(case_count=Count("cases", distinct=True))


def meeting_for_staff(user, pk):
    meeting = meetings_for_staff(user).select_related("closed_by", "chair__user", "recorder").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


# --- Experts -------------------------------------------------------------------------------------


def _seated(expert):
    """Meetings where ``expert`` holds a seat (see ``seat_holders``)."""
    return seated_meetings(expert=expert)


def meetings_for_expert(expert):
    """The meetings the expert sits on, from the moment the panel scores."""
    if expert is None:
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(pk__in=_seated(expert))
        .filter(status__in=Meeting.Status.SCORING_STARTED)
        .select_related("batch", "specialty")
    )


def meeting_for_expert(expert, pk):
    meeting = meetings_for_expert(expert).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def ballot_cases_for_expert(expert, meeting):
    """The cases of ``meeting`` the expert may vote on (assigned, no conflict), each annotated with
    ``has_voted``. A conflicted case is left out entirely: the expert sees nothing of it."""
    return (
        Case.objects.filter(
            meeting=meeting,
            assignments__expert=expert,
            assignments__conflict_declared_at__isnull=True,
        )
        .select_related("application__applicant")
        .annotate(has_voted=Exists(VoteCast.objects.filter(case=OuterRef("pk"), expert=expert)))
        .order_by("position", "id")
    )


def case_for_ballot(expert, pk):
    """A case the expert may see for voting (on a meeting it sits on, assigned, no conflict), or 404."""
    if expert is None:
        raise Http404
    case = (
        Case.objects.filter(
            pk=pk,
            meeting__in=meetings_for_expert(expert),
            assignments__expert=expert,
            assignments__conflict_declared_at__isnull=True,
        )
        .select_related("meeting", "application")
        .first()
    )
    if case is None:
        raise Http404
    return case


def is_present(expert, meeting):
    return Attendance.objects.filter(meeting=meeting, expert=expert, present=True).exists()


def expert_of(user):
    """The user's expert profile, or None."""
    return Expert.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
