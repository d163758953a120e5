"""Writes of inspection plans: planning one, publishing the hash of its seed (which freezes the population
and the pool), and publishing its results. Every action is logged (``PlanEvent``)."""

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import ChecklistItem, InspectionPlan, PlanEvent, PoolMember, PopulationMember
from inspections.selectors import plan_population_queryset
from zaozhuang_titles.draws import new_seed, seed_sha256
from zaozhuang_titles.rules import is_city_admin


def check_city_staff(actor):
    if not is_city_admin(actor):
        raise PermissionDenied(_("Only city HR staff plan and draw inspections."))


def event_log(*, plan, action, actor, inspection=None, reason=""):
    """One line of the plan's log (who, when, what, why)."""
    return PlanEvent.objects.create(plan=plan, inspection=inspection, action=action, actor=actor, reason=reason)


def sample_size_for(*, population, sample_ratio, sample_count):
    """How many enterprises a plan draws from ``population`` of them: its count, or its ratio rounded up
    (at least one)."""
    if sample_count is not None:
        return sample_count
    return max(1, math.ceil(population * sample_ratio / 100))


@transaction.atomic
def plan_create(
    *,
    actor,
    name,
    subject="",
    divisions=(),
    recognition_kind="",
    recognition_level="",
    key_filter=InspectionPlan.KeyFilter.ANY,
    sample_ratio=None,
    sample_count=None,
    team_size=2,
    rectification_days=15,
    staff=(),
    experts=(),
    items=(),
):
    """Plan an inspection (a draft): criteria, size, inspector pool (staff users and experts) and checklist."""
    check_city_staff(actor)
    errors = {}
    if (sample_ratio is None) == (sample_count is None):
        errors["sample_count"] = _("Give either a sampling ratio or a number of enterprises, not both.")
    items = [text.strip() for text in items if text and text.strip()]
    if not items:
        errors["items"] = _("Write at least one checklist item, one a line.")
    staff, experts = list(staff), list(experts)
    pool_size = len({user.pk for user in staff} | {expert.user_id for expert in experts})
    if pool_size < team_size:
        errors["staff"] = _(
            "The pool has %(pool)d inspectors, fewer than the %(size)d drawn for each enterprise; add staff or experts."
        ) % {"pool": pool_size, "size": team_size}
    if errors:
        raise ValidationError(errors)
    plan = InspectionPlan(
        name=name,
        subject=subject,
        recognition_kind=recognition_kind,
        recognition_level=recognition_level,
        key_filter=key_filter,
        sample_ratio=sample_ratio,
        sample_count=sample_count,
        team_size=team_size,
        rectification_days=rectification_days,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    plan.divisions.set(divisions)
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(plan=plan, position=position, text=text[:300]) for position, text in enumerate(items, 1)]
    )
    members = {}
    for expert in experts:
        members[expert.user_id] = PoolMember(
            plan=plan, user_id=expert.user_id, kind=PoolMember.Kind.EXPERT, expert=expert
        )
    for user in staff:
        members.setdefault(user.pk, PoolMember(plan=plan, user=user, kind=PoolMember.Kind.STAFF))
    PoolMember.objects.bulk_create(members.values())
    event_log(plan=plan, action=PlanEvent.Action.CREATED, actor=actor)
    return plan


@transaction.atomic
def plan_announce(*, plan, actor):
    """Publish the SHA-256 of the draw's secret seed, and freeze what the draw chooses from: the
    population the criteria name today and the pool. From here on nothing of the plan changes."""
    check_city_staff(actor)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != InspectionPlan.Status.DRAFT:
        raise ValidationError(
            _("The hash of this plan's seed is already published; it never changes."), code="announced"
        )
    population = list(plan_population_queryset(plan).order_by("pk").values_list("pk", flat=True))
    if not population:
        raise ValidationError(
            _("No active enterprise matches the plan's criteria; widen them before publishing."), code="empty"
        )
    size = sample_size_for(population=len(population), sample_ratio=plan.sample_ratio, sample_count=plan.sample_count)
    if size > len(population):
        raise ValidationError(
            _("The plan asks for %(size)d enterprises but only %(population)d match its criteria.")
            % {"size": size, "population": len(population)},
            code="too_few",
        )
    PopulationMember.objects.bulk_create([PopulationMember(plan=plan, enterprise_id=pk) for pk in population])
    seed = new_seed()
    updated = InspectionPlan.objects.filter(pk=plan.pk, status=InspectionPlan.Status.DRAFT, seed_sha256="").update(
        status=InspectionPlan.Status.ANNOUNCED,
        seed=seed,
        seed_sha256=seed_sha256(seed),
        sample_size=size,
        announced_at=timezone.now(),
    )
    if updated != 1:  # pragma: no cover - the row is locked above
        raise ValidationError(_("The plan changed meanwhile; reload the page."))
    plan.refresh_from_db()
    event_log(
        plan=plan,
        action=PlanEvent.Action.ANNOUNCED,
        actor=actor,
        reason=_("Population %(population)d enterprises, %(size)d to draw; SHA-256 %(sha)s.")
        % {"population": len(population), "size": size, "sha": plan.seed_sha256},
    )
    return plan


@transaction.atomic
def plan_publish(*, plan, actor):
    """Publish the results: the list of enterprises inspected and their outcome class, once every
    inspection is concluded."""
    check_city_staff(actor)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != InspectionPlan.Status.DRAWN:
        raise ValidationError(
            _("Only a drawn plan whose results are not yet public can be published."), code="not_drawn"
        )
    pending = plan.inspections.filter(concluded_at__isnull=True).count()
    if pending:
        raise ValidationError(
            _("%(count)d inspections are not concluded yet; conclude every one before publishing the results.")
            % {"count": pending},
            code="pending",
        )
    plan.status = InspectionPlan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at"])
    event_log(plan=plan, action=PlanEvent.Action.PUBLISHED, actor=actor)
    return plan
