"""Reads of the expert pool, the committee and the meetings for city staff (the staff pages and the
draw). Each selector owns its ``select_related``/``prefetch_related``."""

from django.db.models import Count, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from applications.models import Application, Status
from reviews.models import MAX_TERM_YEARS, Case, Committee, DrawExclusion, Expert, Meeting, PanelMember, term_limit
from zaozhuang_titles.db import subquery_count
from zaozhuang_titles.rules import is_city_admin

#: Minimum members of a senior committee (人社部令第40号《职称评审管理暂行规定》): by series 25, by specialty 11.
MIN_MEMBERS = {Committee.Kind.SERIES: 25, Committee.Kind.SPECIALTY: 11}
SOURCE = "人社部令第40号"


def _term_years_ok(expert):
    return expert.term_ends <= term_limit(expert.term_starts)


def size_problems(kind, count):
    """The size rules a committee of ``kind`` with ``count`` members breaks, each naming its source."""
    problems = []
    if count % 2 == 0:
        problems.append(
            _("The committee has %(count)d members, an even number; it must have an odd number (%(source)s).")
            % {"count": count, "source": SOURCE}
        )
    minimum = MIN_MEMBERS[kind]
    if count < minimum:
        problems.append(
            _(
                "The committee has %(count)d members; a senior committee formed %(kind)s needs at least "
                "%(minimum)d (%(source)s)."
            )
            % {"count": count, "kind": Committee.Kind(kind).label, "minimum": minimum, "source": SOURCE}
        )
    return problems


def committee_problems(committee):
    """Every rule of 人社部令第40号 the committee breaks, as messages naming the rule and its source:
    an odd number of members, at least 25 (by series) or 11 (by specialty), terms of at most 3 years.
    Uses ``committee.members.all()`` (prefetch it for lists)."""
    members = list(committee.members.all())
    problems = size_problems(committee.kind, len(members))
    too_long = [expert for expert in members if not _term_years_ok(expert)]
    if too_long:
        problems.append(
            _("%(count)d members serve a term longer than %(years)d years (%(source)s): %(names)s.")
            % {
                "count": len(too_long),
                "years": MAX_TERM_YEARS,
                "source": SOURCE,
                "names": "、".join(str(expert) for expert in too_long[:10]),
            }
        )
    return problems


def committee_for_batch(batch):
    return (
        Committee.objects.filter(batch=batch)
        .prefetch_related(Prefetch("members", queryset=Expert.objects.select_related("user")))
        .first()
    )


#: The staff's list of meetings: newest first (the keyset order of its pages; the last field is unique).
MEETING_ORDER = ("-held_on", "-id")


def meetings_for_staff(user):
    """Meetings city staff run (all of them), newest first, with their counts."""
    if not is_city_admin(user):
        return Meeting.objects.none()
    return (
        Meeting.objects.select_related("batch", "specialty")
        .annotate(
            # Subqueries, not Count(..., distinct=True) over two joins: those multiply cases by panel
            # members (285k sorted rows at province scale) before grouping (issue 13).
            case_count=subquery_count(Case.objects.filter(meeting=OuterRef("pk")), key="meeting"),
            member_count=subquery_count(
                PanelMember.objects.filter(meeting=OuterRef("pk"), kind=PanelMember.Kind.MEMBER), key="meeting"
            ),
        )
        .order_by(*MEETING_ORDER)
    )


def meeting_for_staff(user, pk):
    """One meeting with its panel, exclusions and cases (with the counts of their assignments)."""
    return (
        meetings_for_staff(user)
        .select_related("drawn_by")
        .prefetch_related(
            Prefetch("panel", queryset=PanelMember.objects.select_related("expert__user", "replaced__expert__user")),
            Prefetch("exclusions", queryset=DrawExclusion.objects.select_related("expert__user")),
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("application__applicant", "application__enterprise")
                # The columns the page shows: a meeting may have a thousand cases (issue 13).
                .only(
                    "meeting_id",
                    "position",
                    "application__number",
                    "application__specialty",
                    "application__applicant__real_name",
                    "application__applicant__username",
                    "application__enterprise__name",
                )
                .annotate(
                    assignment_count=Count("assignments", filter=Q(assignments__conflict_declared_at__isnull=True)),
                    submitted_count=Count(
                        "assignments",
                        filter=Q(
                            assignments__conflict_declared_at__isnull=True, assignments__submitted_at__isnull=False
                        ),
                    ),
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def applications_offered(meeting):
    """Accepted applications of the meeting's batch not yet on its agenda; those of the meeting's
    specialty first (staff choose: an applicant's declared specialty is free text)."""
    return (
        Application.objects.filter(batch=meeting.batch, status=Status.ACCEPTED)
        .exclude(review_cases__meeting=meeting)
        .select_related("applicant", "enterprise")
        .order_by("specialty", "number")
    )


def experts_for_export():
    return Expert.objects.select_related("user", "employer").prefetch_related("specialties").order_by("id")
