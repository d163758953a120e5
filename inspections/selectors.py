"""Reads of inspections, each scoped to its reader: the population a plan's criteria name, the inspector
candidates, the staff's plans, the inspections a user may open (``inspections_for_user``, built from the
scopes of ``inspections.rules``), and the public pages' plans and results (no personal data)."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from enterprises.models import Enterprise, Recognition
from inspections.models import (
    DrawExclusion,
    Finding,
    Inspection,
    InspectionFile,
    InspectionInspector,
    InspectionPlan,
    PoolMember,
    PopulationMember,
)
from inspections.rules import INSPECTION_SCOPES, INSPECTOR_SCOPES
from reviews.models import Expert
from zaozhuang_titles.models import Role, User
from zaozhuang_titles.scopes import visible


def population_queryset(*, divisions, recognition_kind, recognition_level, key_filter, today=None):
    """The active enterprises the criteria name: in one of ``divisions`` (any when empty), holding a
    recognition of that kind and level that has not expired (any when both are empty), key or not."""
    today = today or timezone.localdate()
    queryset = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
    division_ids = [getattr(division, "pk", division) for division in divisions]
    if division_ids:
        queryset = queryset.filter(division_id__in=division_ids)
    if key_filter == InspectionPlan.KeyFilter.KEY:
        queryset = queryset.filter(is_key=True)
    elif key_filter == InspectionPlan.KeyFilter.NOT_KEY:
        queryset = queryset.filter(is_key=False)
    recognition = Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    if recognition_kind:
        recognition &= Q(kind=recognition_kind)
    if recognition_level:
        recognition &= Q(level=recognition_level)
    if recognition_kind or recognition_level:
        queryset = queryset.filter(Exists(Recognition.objects.filter(recognition, enterprise=OuterRef("pk"))))
    return queryset


def plan_population_queryset(plan, today=None):
    """The population of a draft plan, as its criteria name it today."""
    return population_queryset(
        divisions=list(plan.divisions.all()),
        recognition_kind=plan.recognition_kind,
        recognition_level=plan.recognition_level,
        key_filter=plan.key_filter,
        today=today,
    )


def staff_candidates():
    """Active city and district HR staff, who may sit in an inspector pool."""
    return (
        User.objects.filter(is_active=True, roles__role__in=[Role.CITY_STAFF, Role.DISTRICT_STAFF])
        .distinct()
        .order_by("real_name", "id")
    )


def expert_candidates(today=None):
    """Active experts of the pool whose term covers today."""
    today = today or timezone.localdate()
    return (
        Expert.objects.filter(is_active=True, term_starts__lte=today, term_ends__gte=today)
        .select_related("user")
        .order_by("user__real_name", "id")
    )


def plans_for_staff():
    """Every plan with its counts, for city staff's list (a fixed number of queries)."""
    return InspectionPlan.objects.annotate(
        population_count=Count("population", distinct=True),
        inspection_count=Count("inspections", distinct=True),
    ).order_by("-created_at", "-id")


def plan_detail(pk):
    """One plan with what its staff page shows; raises DoesNotExist."""
    return (
        InspectionPlan.objects.select_related("created_by", "drawn_by")
        .prefetch_related("divisions", "items")
        .annotate(population_count=Count("population", distinct=True))
        .get(pk=pk)
    )


def plan_pool(plan):
    return list(PoolMember.objects.filter(plan=plan).select_related("user", "expert").order_by("id"))


def team_prefetch():
    return Prefetch("team", queryset=InspectionInspector.objects.select_related("member__user").order_by("position"))


#: The order of a plan's drawn enterprises (the staff's plan page and the public results, keyset pages):
#: the order drawn, unique in a plan and served by ``inspection_position_unique``.
INSPECTION_ORDER = ("position",)


def plan_inspections(plan):
    """The drawn enterprises of a plan in ``INSPECTION_ORDER``, with their teams and rectifications."""
    return (
        Inspection.objects.filter(plan=plan)
        .select_related("enterprise__division", "rectification")
        .prefetch_related(team_prefetch())
        .order_by(*INSPECTION_ORDER)
    )


def plan_exclusions(plan, *, drawn_only=True):
    """The recorded conflicts of a plan (those of the drawn enterprises by default), by enterprise."""
    queryset = DrawExclusion.objects.filter(plan=plan).select_related("enterprise", "member__user")
    if drawn_only:
        queryset = queryset.filter(enterprise_id__in=Inspection.objects.filter(plan=plan).values("enterprise_id"))
    return list(queryset.order_by("enterprise__name", "enterprise_id", "member_id", "id"))


def inspections_for_user(user):
    """Every inspection ``user`` may open (empty for anybody without a scope here)."""
    return visible(Inspection.objects.all(), user, INSPECTION_SCOPES)


def inspections_inspected_by(user):
    """The inspections ``user`` may record: city staff every one, an inspector those it was drawn for."""
    return visible(Inspection.objects.all(), user, INSPECTOR_SCOPES)


def my_inspections(user):
    """The inspections on the user's own page: those it was drawn for, and its enterprise's."""
    return list(
        inspections_for_user(user)
        .exclude(plan__status=InspectionPlan.Status.DRAFT)
        .filter(Q(team__member__user=user) | Q(enterprise__contacts__user=user, enterprise__contacts__is_active=True))
        .distinct()
        .select_related("plan", "enterprise__division", "rectification")
        .order_by("-plan__drawn_at", "position")
    )


def inspection_detail(user, pk):
    """One inspection ``user`` may open, with what its page shows; raises DoesNotExist otherwise."""
    return (
        inspections_for_user(user)
        .select_related("plan", "enterprise__division", "rectification", "concluded_by")
        .prefetch_related(
            team_prefetch(),
            "plan__items",
            Prefetch("findings", queryset=Finding.objects.select_related("item").order_by("item__position")),
            Prefetch("files", queryset=InspectionFile.objects.order_by("uploaded_at", "id")),
        )
        .get(pk=pk)
    )


def inspection_file_for_user(user, pk):
    """One file of an inspection ``user`` may open; raises DoesNotExist otherwise."""
    return (
        InspectionFile.objects.filter(inspection__in=inspections_for_user(user).values("pk"))
        .select_related("inspection")
        .get(pk=pk)
    )


def public_plans():
    """The plans whose hash is published, newest first (what the public index lists)."""
    return (
        InspectionPlan.objects.filter(status__in=InspectionPlan.Status.PUBLIC)
        .annotate(population_count=Count("population", distinct=True))
        .order_by("-announced_at", "-id")
    )


def public_plan(pk):
    """A plan the public may read (its hash is published), with the size of its population; raises
    DoesNotExist."""
    return (
        InspectionPlan.objects.filter(status__in=InspectionPlan.Status.PUBLIC)
        .prefetch_related("divisions", "items")
        .annotate(population_count=Count("population", distinct=True))
        .get(pk=pk)
    )


#: The order of a plan's frozen population on its public page (keyset pages): by enterprise number,
#: unique in a plan and served by ``inspection_population_unique``.
POPULATION_ORDER = ("enterprise_id",)


def public_population(plan):
    """The frozen population in ``POPULATION_ORDER``, with each enterprise's name and division (its
    number, name and division are shown; no person named)."""
    return PopulationMember.objects.filter(plan=plan).select_related("enterprise__division").order_by(*POPULATION_ORDER)


def enterprise_names(pks):
    """{enterprise number: name} of the enterprises ``pks`` (the drawn ones, a re-run's), one query."""
    return dict(Enterprise.objects.filter(pk__in=set(pks)).values_list("pk", "name"))


def public_results(plan):
    """The published results in ``INSPECTION_ORDER``: the enterprise (name, division) and outcome of each
    drawn enterprise. Nothing else is shown."""
    return Inspection.objects.filter(plan=plan).select_related("enterprise__division").order_by(*INSPECTION_ORDER)
