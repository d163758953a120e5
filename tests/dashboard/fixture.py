"""A hand-counted world for the statistics page: two batches, two divisions, ten applications with
their transition logs dated in March 2024 (no public holiday that month), a meeting, objections and
service logs. Every expected figure in the tests is counted by hand from the comments here.

Working days of March 2024: Fri 1, Mon 4 … Fri 8, Mon 11 … Fri 15. "Today" is Fri 2024-03-15.
"""

import datetime

from django.utils import timezone

from applications.counters import stay_counts_rebuild
from applications.models import Batch, Channel, Status, Transition
from enterprises.models import ServiceLog
from results.models import Objection, Publicity, PublicityEntry
from reviews.models import Assignment, Case
from tests.applications.factories import ApplicationFactory
from tests.enterprises.factories import CommissionerFactory, EnterpriseFactory, RecognitionFactory, ServiceLogFactory
from tests.factories import BatchFactory, UserFactory
from tests.reviews.factories import ExpertFactory, MeetingFactory
from zaozhuang_titles.models import Role

TODAY = datetime.date(2024, 3, 15)


def at(month, day):
    return timezone.make_aware(datetime.datetime(2024, month, day, 10, 0))


class HandCounted:
    def __init__(self, division, other_division):
        self.d1, self.d2 = division, other_division
        self.batch = BatchFactory(year=2024, channel=Channel.DEDICATED, name="2024年度专项评审")
        self.batch_b = BatchFactory(year=2024, channel=Channel.REGULAR, step_time_limit_days=2, name="2024年度常规评审")
        # Make the dedicated batch the latest (the page's default).
        Batch.objects.filter(pk=self.batch.pk).update(opens_at=self.batch_b.opens_at + datetime.timedelta(days=1))
        self.batch.refresh_from_db()
        # E1 (滕州市): specialized SME twice (two years) and little giant; E2 (市中区): none; E3 (市中区): innovative.
        self.e1, self.e2, self.e3 = (EnterpriseFactory(division=d) for d in (self.d1, self.d2, self.d2))
        RecognitionFactory(enterprise=self.e1, kind="specialized_sme", year_granted=2021)
        RecognitionFactory(enterprise=self.e1, kind="specialized_sme", year_granted=2023)
        RecognitionFactory(enterprise=self.e1, kind="little_giant", level="national")
        RecognitionFactory(enterprise=self.e3, kind="innovative_sme", level="municipal")
        S = Status
        self.apps = {}
        # name: (enterprise, batch, status, [(from, to, month, day), ...])
        plan = {
            # ER 1 (4→5), nominated 1 (5→6), district 2 (6→8), city 1 (Fri 8 → Mon 11).
            "app1": (
                self.e1,
                self.batch,
                S.ACCEPTED,
                [
                    (S.DRAFT, S.ENTERPRISE_REVIEW, 3, 4),
                    (S.ENTERPRISE_REVIEW, S.NOMINATED, 3, 5),
                    (S.NOMINATED, S.DISTRICT_AUDIT, 3, 6),
                    (S.DISTRICT_AUDIT, S.CITY_AUDIT, 3, 8),
                    (S.CITY_AUDIT, S.ACCEPTED, 3, 11),
                ],
            ),
            # ER 0, nominated 1, district 2 (5→7) returned, returned 1 (7→8), district 2 (Fri 8 → Tue 12),
            # city 1 refused.
            "app2": (
                self.e1,
                self.batch,
                S.REJECTED,
                [
                    (S.DRAFT, S.ENTERPRISE_REVIEW, 3, 4),
                    (S.ENTERPRISE_REVIEW, S.NOMINATED, 3, 4),
                    (S.NOMINATED, S.DISTRICT_AUDIT, 3, 5),
                    (S.DISTRICT_AUDIT, S.RETURNED, 3, 7),
                    (S.RETURNED, S.DISTRICT_AUDIT, 3, 8),
                    (S.DISTRICT_AUDIT, S.CITY_AUDIT, 3, 12),
                    (S.CITY_AUDIT, S.REJECTED, 3, 13),
                ],
            ),
            # ER 2 (4→6), district 1 (6→7); waits at the city audit since Thu 7: overdue on Fri 15 (6 > 5).
            "app3": (
                self.e2,
                self.batch,
                S.CITY_AUDIT,
                [
                    (S.DRAFT, S.ENTERPRISE_REVIEW, 3, 4),
                    (S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3, 6),
                    (S.DISTRICT_AUDIT, S.CITY_AUDIT, 3, 7),
                ],
            ),
            # ER 1 (4→5), district 4 (Tue 5 → Mon 11) refused.
            "app4": (
                self.e3,
                self.batch,
                S.REJECTED,
                [
                    (S.DRAFT, S.ENTERPRISE_REVIEW, 3, 4),
                    (S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3, 5),
                    (S.DISTRICT_AUDIT, S.REJECTED, 3, 11),
                ],
            ),
            # ER 1, withdrawn.
            "app5": (
                self.e3,
                self.batch,
                S.WITHDRAWN,
                [(S.DRAFT, S.ENTERPRISE_REVIEW, 3, 4), (S.ENTERPRISE_REVIEW, S.WITHDRAWN, 3, 5)],
            ),
            # ER 2 (Wed Feb 28 → Fri Mar 1); waits at the district audit since Mar 1: overdue.
            "app6": (
                self.e1,
                self.batch,
                S.DISTRICT_AUDIT,
                [(S.DRAFT, S.ENTERPRISE_REVIEW, 2, 28), (S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3, 1)],
            ),
            # A draft: outside every staff scope.
            "app7": (self.e1, self.batch, S.DRAFT, []),
            # The regular batch (limit 2 working days): waits at the district audit since Tue 12: overdue (3 > 2).
            "app8": (
                self.e2,
                self.batch_b,
                S.DISTRICT_AUDIT,
                [(S.DRAFT, S.ENTERPRISE_REVIEW, 3, 11), (S.ENTERPRISE_REVIEW, S.DISTRICT_AUDIT, 3, 12)],
            ),
            # Review 2 (11→13) passed, passed 1 (13→14), in publicity.
            "app9": (
                self.e1,
                self.batch,
                S.PUBLICITY,
                [(S.ACCEPTED, S.IN_REVIEW, 3, 11), (S.IN_REVIEW, S.PASSED, 3, 13), (S.PASSED, S.PUBLICITY, 3, 14)],
            ),
            # Review 1 (11→12) not passed.
            "app10": (
                self.e2,
                self.batch,
                S.NOT_PASSED,
                [(S.ACCEPTED, S.IN_REVIEW, 3, 11), (S.IN_REVIEW, S.NOT_PASSED, 3, 12)],
            ),
        }
        for name, (enterprise, batch, status, moves) in plan.items():
            changed = at(moves[-1][2], moves[-1][3]) if moves else at(3, 1)
            application = ApplicationFactory(
                enterprise=enterprise, batch=batch, status=status, status_changed_at=changed
            )
            for source, target, month, day in moves:
                Transition.objects.create(
                    application=application,
                    action="move",
                    from_status=source,
                    to_status=target,
                    actor_role="system",
                    at=at(month, day),
                )
            self.apps[name] = application
        # The moves were written past the transition function: count their stays once, as after a bulk load.
        stay_counts_rebuild()
        # A meeting with app9 (E1, 滕州市) and app10 (E2, 市中区), three experts each.
        self.meeting = MeetingFactory(batch=self.batch, name="机械专业评审会")
        case9 = Case.objects.create(meeting=self.meeting, application=self.apps["app9"], result=Case.Result.PASSED)
        case10 = Case.objects.create(meeting=self.meeting, application=self.apps["app10"], position=1)
        experts = [ExpertFactory() for _ in range(3)]
        now = timezone.now()
        Assignment.objects.create(case=case9, expert=experts[0], submitted_at=now)
        Assignment.objects.create(case=case9, expert=experts[1], submitted_at=now)
        Assignment.objects.create(case=case9, expert=experts[2], conflict_declared_at=now, conflict_reason="同事")
        Assignment.objects.create(case=case10, expert=experts[0], submitted_at=now)
        Assignment.objects.create(case=case10, expert=experts[1])
        Assignment.objects.create(case=case10, expert=experts[2])
        # Objections to app9: one open, one upheld (back to review), one dismissed.
        publicity = Publicity.objects.create(
            batch=self.batch,
            title="公示",
            starts_on=datetime.date(2024, 3, 14),
            ends_on=datetime.date(2024, 3, 20),
            working_days=5,
            how_to_object="实名书面反映",
            committee_name="评委会",
            published_by=UserFactory(roles=[Role.CITY_STAFF]),
        )
        entry = PublicityEntry.objects.create(
            publicity=publicity,
            application=self.apps["app9"],
            name="甲",
            enterprise_name="乙",
            specialty="丙",
            title_granted="高级工程师",
        )
        for n, (status, outcome) in enumerate(
            [(Objection.Status.OPEN, ""), (Objection.Status.UPHELD, "review_again"), (Objection.Status.DISMISSED, "")]
        ):
            Objection.objects.create(
                reference=f"YY2024{n:04d}",
                entry=entry,
                name="王五",
                mobile="13900000000",
                relation="同事",
                facts="业绩不实",
                deadline=datetime.date(2024, 3, 29),
                status=status,
                outcome=outcome,
                conclusion="" if status == Objection.Status.OPEN else "经核实",
            )
        # Service: E1 in March (a visit, a consultation of 5 people, a problem solved), E2 in April, one in 2023.
        commissioner = CommissionerFactory()
        log = {"commissioner": commissioner}
        ServiceLogFactory(enterprise=self.e1, kind=ServiceLog.Kind.VISIT, occurred_on=datetime.date(2024, 3, 2), **log)
        ServiceLogFactory(
            enterprise=self.e1,
            kind=ServiceLog.Kind.CONSULTATION,
            people_count=5,
            occurred_on=datetime.date(2024, 3, 10),
            **log,
        )
        ServiceLogFactory(
            enterprise=self.e1,
            kind=ServiceLog.Kind.PROBLEM,
            occurred_on=datetime.date(2024, 3, 5),
            solved_on=datetime.date(2024, 3, 11),
            solution="已协调",
            **log,
        )
        ServiceLogFactory(enterprise=self.e2, kind=ServiceLog.Kind.VISIT, occurred_on=datetime.date(2024, 4, 1), **log)
        ServiceLogFactory(enterprise=self.e2, kind=ServiceLog.Kind.VISIT, occurred_on=datetime.date(2023, 12, 1), **log)


def add_row(batch, division, meeting=None, n=[0]):  # noqa: B006 - a counter shared by the calls
    """One more application of ``batch`` in ``division`` with what each table counts: two moves, a case
    with two assignments, an objection and a service log entry (for the pinned query counts)."""
    n[0] += 1
    enterprise = EnterpriseFactory(division=division)
    RecognitionFactory(enterprise=enterprise)
    application = ApplicationFactory(enterprise=enterprise, batch=batch, status=Status.PUBLICITY)
    for source, target, day in [
        (Status.DRAFT, Status.ENTERPRISE_REVIEW, 4),
        (Status.ENTERPRISE_REVIEW, Status.DISTRICT_AUDIT, 6),
    ]:
        Transition.objects.create(
            application=application,
            action="move",
            from_status=source,
            to_status=target,
            actor_role="system",
            at=at(3, day),
        )
    stay_counts_rebuild()
    meeting = meeting or MeetingFactory(batch=batch)
    case = Case.objects.create(meeting=meeting, application=application)
    for _ in range(2):
        Assignment.objects.create(case=case, expert=ExpertFactory())
    publicity = Publicity.objects.create(
        batch=batch,
        title="公示",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=7),
        working_days=5,
        how_to_object="实名",
        committee_name="评委会",
        published_by=UserFactory(roles=[Role.CITY_STAFF]),
    )
    entry = PublicityEntry.objects.create(
        publicity=publicity,
        application=application,
        name="甲",
        enterprise_name="乙",
        specialty="丙",
        title_granted="高工",
    )
    Objection.objects.create(
        reference=f"ROW{n[0]:06d}",
        entry=entry,
        name="王五",
        mobile="13900000000",
        relation="同事",
        facts="不实",
        deadline=TODAY,
        status=Objection.Status.OPEN,
    )
    ServiceLogFactory(enterprise=enterprise, occurred_on=datetime.date(batch.year, 1 + n[0] % 12, 3))
    return application
