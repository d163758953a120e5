"""The 双随机 draw: random enterprises, then random inspectors for each, verifiable by anyone.

The method is the expert panel's (``zaozhuang_titles.draws``): the seed's SHA-256 is published first
(``plans.plan_announce``, which also freezes the population and the pool), the draw is made with the
secret seed and the seed is revealed with it. From the revealed seed anyone re-runs it:

1. enterprises: ``random.Random(seed + ":enterprises").sample(sorted(population numbers), sample_size)``;
2. for each drawn enterprise, in the order drawn: the pool's numbers less the inspectors excluded for that
   enterprise (own employer, declared relation — each recorded with its reason), and
   ``random.Random(seed + ":inspectors:" + enterprise number).sample(sorted(those), team_size)`` (fewer
   when fewer are left; the page says so).

``compute_draw`` is that function of recorded inputs alone; ``plan_draw`` runs it once, ``draw_rerun``
runs it for any seed (the public page), ``draw_verify`` compares the revealed seed's result with the
record. The draw is made once: the service refuses a second one, and the database refuses a change of
the seed, of its hash or of the draw's time once published, and any drawn enterprise added after the draw
(migration 0002's triggers).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from inspections.models import (
    DrawExclusion,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    InspectorDeclaration,
    PoolMember,
    PopulationMember,
)
from inspections.services.plans import check_city_staff, event_log
from reviews.models import ExpertRelation
from zaozhuang_titles.draws import derived_seed, draw_sample, seed_sha256
from zaozhuang_titles.notices import notice_build, notices_create_many


def enterprises_seed(seed):
    return derived_seed(seed, "enterprises")


def inspectors_seed(seed, enterprise_pk):
    return derived_seed(seed, "inspectors", enterprise_pk)


def compute_draw(*, seed, population, sample_size, pool, excluded, team_size):
    """``[(enterprise number, [inspector numbers])]`` in the order drawn, from the inputs alone:
    ``population`` and ``pool`` (numbers), ``excluded`` ({enterprise number: {inspector numbers}})."""
    result = []
    for enterprise_pk in draw_sample(population, enterprises_seed(seed), min(sample_size, len(population))):
        eligible = [pk for pk in pool if pk not in excluded.get(enterprise_pk, ())]
        team = draw_sample(eligible, inspectors_seed(seed, enterprise_pk), min(team_size, len(eligible)))
        result.append((enterprise_pk, team))
    return result


def conflicts(*, enterprises, members):
    """``[(enterprise, member, reason, detail)]`` for every inspector of ``members`` (PoolMember) who
    may not inspect one of ``enterprises`` (pks): an expert's own employer (by the registry or the
    credit code), a relation to the enterprise declared in the expert pool, a relation declared for
    inspections. Three queries, whatever the numbers."""
    enterprise_pks = set(enterprises)
    rows = list(Enterprise.objects.filter(pk__in=enterprise_pks).values_list("pk", "credit_code", "name"))
    by_code = {code: pk for pk, code, _name in rows}
    names = {pk: name for pk, _code, name in rows}
    found = []
    by_expert = defaultdict(list)
    by_user = defaultdict(list)
    for member in members:
        if member.expert_id:
            by_expert[member.expert_id].append(member)
        by_user[member.user_id].append(member)
    for member in members:
        expert = member.expert
        if expert is None:
            continue
        employer = expert.employer_id if expert.employer_id in enterprise_pks else None
        if employer is None and expert.employer_credit_code:
            employer = by_code.get(expert.employer_credit_code)
        if employer is not None:
            found.append(
                (
                    employer,
                    member,
                    DrawExclusion.Reason.EMPLOYER,
                    _("Works at %(enterprise)s.") % {"enterprise": names.get(employer, "")},
                )
            )
    relations = ExpertRelation.objects.filter(expert_id__in=by_expert, enterprise_id__in=enterprise_pks)
    for expert_id, enterprise_id, reason in relations.values_list("expert_id", "enterprise_id", "reason"):
        for member in by_expert[expert_id]:
            found.append((enterprise_id, member, DrawExclusion.Reason.EXPERT_RELATION, reason[:300]))
    declarations = InspectorDeclaration.objects.filter(user_id__in=by_user, enterprise_id__in=enterprise_pks)
    for user_id, enterprise_id, reason in declarations.values_list("user_id", "enterprise_id", "reason"):
        for member in by_user[user_id]:
            found.append((enterprise_id, member, DrawExclusion.Reason.DECLARED, reason[:300]))
    # One row per (enterprise, inspector, reason): a relation declared twice is one exclusion.
    unique = {}
    for enterprise_id, member, reason, detail in found:
        unique.setdefault((enterprise_id, member.pk, reason), (enterprise_id, member, reason, detail))
    return list(unique.values())


def recorded_inputs(plan):
    """The draw's inputs as recorded: population, pool and exclusions (three queries)."""
    population = list(PopulationMember.objects.filter(plan=plan).values_list("enterprise_id", flat=True))
    pool = list(PoolMember.objects.filter(plan=plan).values_list("pk", flat=True))
    excluded = defaultdict(set)
    for enterprise_id, member_id in DrawExclusion.objects.filter(plan=plan).values_list("enterprise_id", "member_id"):
        excluded[enterprise_id].add(member_id)
    return population, pool, excluded


@transaction.atomic
def plan_draw(*, plan, actor):
    """Draw the plan's enterprises and each one's inspectors, record the exclusions and reveal the seed.
    Only once, and only after the hash was published."""
    check_city_staff(actor)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != InspectionPlan.Status.ANNOUNCED:
        if plan.drawn_at is not None:
            raise ValidationError(
                _("This plan was drawn on %(at)s; a draw is made once and never again.")
                % {"at": timezone.localtime(plan.drawn_at).strftime("%Y-%m-%d %H:%M")},
                code="drawn",
            )
        raise ValidationError(
            _("Publish the hash of the seed first: the draw is made only after its hash is public."),
            code="not_announced",
        )
    population, pool, _recorded = recorded_inputs(plan)
    members = list(PoolMember.objects.filter(plan=plan).select_related("expert"))
    found = conflicts(enterprises=population, members=members)
    excluded = defaultdict(set)
    for enterprise_id, member, _reason, _detail in found:
        excluded[enterprise_id].add(member.pk)
    drawn = compute_draw(
        seed=plan.seed,
        population=population,
        sample_size=plan.sample_size,
        pool=pool,
        excluded=excluded,
        team_size=plan.team_size,
    )
    DrawExclusion.objects.bulk_create(
        [
            DrawExclusion(plan=plan, enterprise_id=enterprise_id, member=member, reason=reason, detail=detail)
            for enterprise_id, member, reason, detail in found
        ]
    )
    inspections = Inspection.objects.bulk_create(
        [
            Inspection(plan=plan, enterprise_id=enterprise_id, position=position)
            for position, (enterprise_id, _team) in enumerate(drawn, start=1)
        ]
    )
    by_enterprise = {inspection.enterprise_id: inspection for inspection in inspections}
    if any(inspection.pk is None for inspection in inspections):  # pragma: no cover - backends without RETURNING
        by_enterprise = {i.enterprise_id: i for i in Inspection.objects.filter(plan=plan)}
    InspectionInspector.objects.bulk_create(
        [
            InspectionInspector(inspection=by_enterprise[enterprise_id], member_id=member_id, position=position)
            for enterprise_id, team in drawn
            for position, member_id in enumerate(team, start=1)
        ]
    )
    now = timezone.now()
    updated = InspectionPlan.objects.filter(pk=plan.pk, status=InspectionPlan.Status.ANNOUNCED).update(
        status=InspectionPlan.Status.DRAWN, drawn_at=now, drawn_by=actor
    )
    if updated != 1:  # pragma: no cover - the row is locked above
        raise ValidationError(_("The plan changed meanwhile; reload the page."))
    plan.refresh_from_db()
    _tell_inspectors(plan, drawn, by_enterprise)
    short = sum(1 for _enterprise, team in drawn if len(team) < plan.team_size)
    event_log(
        plan=plan,
        action="drawn",
        actor=actor,
        reason=_(
            "%(enterprises)d enterprises drawn from %(population)d; %(short)d with fewer inspectors than %(size)d."
        )
        % {"enterprises": len(drawn), "population": len(population), "short": short, "size": plan.team_size},
    )
    return plan


def _tell_inspectors(plan, drawn, by_enterprise):
    """One notice per drawn inspector and enterprise, with the link to the inspection (the outbox)."""
    members = {member.pk: member for member in PoolMember.objects.filter(plan=plan).select_related("user")}
    names = dict(Enterprise.objects.filter(pk__in=[pk for pk, _team in drawn]).values_list("pk", "name"))
    notices = []
    for enterprise_id, team in drawn:
        inspection = by_enterprise[enterprise_id]
        for member_id in team:
            notices.append(
                notice_build(
                    recipient=members[member_id].user,
                    key=f"inspection-drawn:{inspection.pk}:{members[member_id].user_id}",
                    subject=_("You are drawn to inspect %(enterprise)s") % {"enterprise": names[enterprise_id]},
                    body=_("Random inspection “%(plan)s”: record the findings of each checklist item on its page.")
                    % {"plan": plan.name},
                    url=reverse("inspections:inspection", args=[inspection.pk]),
                )
            )
    notices_create_many(notices=notices)


def draw_rerun(plan, seed):
    """The draw ``seed`` gives on the plan's recorded inputs (the public re-run), or None before the
    population is frozen."""
    if plan.status == InspectionPlan.Status.DRAFT:
        return None
    population, pool, excluded = recorded_inputs(plan)
    return compute_draw(
        seed=seed,
        population=population,
        sample_size=plan.sample_size,
        pool=pool,
        excluded=excluded,
        team_size=plan.team_size,
    )


def recorded_draw(plan):
    """The draw as recorded: ``[(enterprise number, [inspector numbers])]`` in the order drawn."""
    teams = defaultdict(list)
    for inspection_id, member_id in (
        InspectionInspector.objects.filter(inspection__plan=plan)
        .order_by("inspection_id", "position")
        .values_list("inspection_id", "member_id")
    ):
        teams[inspection_id].append(member_id)
    return [
        (enterprise_id, teams[pk])
        for pk, enterprise_id in Inspection.objects.filter(plan=plan)
        .order_by("position")
        .values_list("pk", "enterprise_id")
    ]


@dataclass
class Verification:
    matches: bool
    seed_matches_hash: bool
    same_draw: bool
    expected: list
    recorded: list


def draw_verify(plan, seed=None):
    """Re-run the draw from ``seed`` (the revealed seed by default) and compare: with the published hash
    and with the recorded draw. None before the draw."""
    if not plan.is_drawn:
        return None
    seed = plan.seed if seed is None else seed
    expected = draw_rerun(plan, seed)
    recorded = recorded_draw(plan)
    hash_ok = seed_sha256(seed) == plan.seed_sha256
    return Verification(
        matches=hash_ok and expected == recorded,
        seed_matches_hash=hash_ok,
        same_draw=expected == recorded,
        expected=expected,
        recorded=recorded,
    )
