"""Demo data of inspections: one 双随机 plan drawn.

The plan samples 10% of 滕州市's key enterprises with a valid recognition; its pool holds the demo staff
(``city``, ``district``) and eight experts — the demo ``expert`` and experts employed by enterprises of
the population, so the draw leaves some out for their own employer — and the ``district`` account has
declared a relation to the demo enterprise. Everything goes through the services: the hash is published
and the draw made with a secret seed; only, the demo tries again (rolling back the attempt) until the
demo enterprise is among those drawn, so the ``contact`` account finds its rectification to answer. Its
findings hold one problem, so a rectification runs 15 working days; two other enterprises are concluded
without a problem. Idempotent: nothing is added when the plan exists.
"""

from django.db import transaction

from enterprises.demo import DEMO_ENTERPRISE_NAME
from enterprises.models import Enterprise
from inspections.models import Finding, Inspection, InspectionPlan, InspectorDeclaration
from inspections.services.draw import plan_draw
from inspections.services.fieldwork import findings_record, inspection_conclude
from inspections.services.plans import plan_announce, plan_create
from reviews.models import Expert
from zaozhuang_titles.models import Division, User

PLAN_NAME = "2022年度专精特新企业专业技术人才管理“双随机”抽查"
CHECKLIST = [
    "专业技术人员花名册及职称档案建立情况",
    "职称申报材料真实性审核与单位内部公示执行情况",
    "董事长署名举荐程序履行情况",
    "专业技术人员继续教育学时落实情况",
    "专业技术岗位聘用与待遇落实情况",
]
MAX_ATTEMPTS = 300


def _pool_experts(population_ids):
    """The demo expert and experts employed in the population (up to 4), then others, 8 in all."""
    experts = list(Expert.objects.filter(is_active=True).select_related("user").order_by("id"))
    chosen = [e for e in experts if e.user.username == "expert"]
    chosen += [e for e in experts if e.employer_id in population_ids and e not in chosen][:4]
    chosen += [e for e in experts if e not in chosen and e.term_ends >= e.term_starts][: 8 - len(chosen)]
    return chosen


def _findings(inspection, actor, problem_at=None):
    results = {}
    for item in inspection.plan.items.all():
        if item.position == problem_at:
            results[item.pk] = (Finding.Result.PROBLEM, "3名专业技术人员继续教育学时未达到每年90学时，台账不完整。")
        else:
            results[item.pk] = (Finding.Result.COMPLIANT, "")
    findings_record(inspection=inspection, actor=actor, results=results)


def seed(*, stdout=None):
    if InspectionPlan.objects.filter(name=PLAN_NAME).exists():
        return
    city = User.objects.filter(username="city").first()
    district = User.objects.filter(username="district").first()
    division = Division.objects.filter(code="370481").first()
    demo_enterprise = Enterprise.objects.filter(name=DEMO_ENTERPRISE_NAME).first()
    if None in (city, district, division, demo_enterprise):
        if stdout is not None:
            stdout.write("Inspections: the demo staff or enterprise is missing; nothing added.")
        return
    with transaction.atomic():
        InspectorDeclaration.objects.get_or_create(
            user=district, enterprise=demo_enterprise, defaults={"reason": "亲属在该企业担任技术负责人"}
        )
        population_ids = set(
            Enterprise.objects.filter(division=division, is_key=True, status=Enterprise.Status.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        plan = plan_create(
            actor=city,
            name=PLAN_NAME,
            subject="专精特新企业专业技术人才管理、职称申报推荐与继续教育落实情况",
            divisions=[division],
            key_filter=InspectionPlan.KeyFilter.KEY,
            sample_ratio=10,
            team_size=2,
            rectification_days=15,
            staff=[city, district],
            experts=_pool_experts(population_ids),
            items=CHECKLIST,
        )
        for _attempt in range(MAX_ATTEMPTS):
            try:
                with transaction.atomic():
                    plan_announce(plan=plan, actor=city)
                    plan_draw(plan=plan, actor=city)
                    if not Inspection.objects.filter(plan=plan, enterprise=demo_enterprise).exists():
                        raise _Again
                break
            except _Again:
                plan.refresh_from_db()
        plan.refresh_from_db()
        if plan.status != InspectionPlan.Status.DRAWN:  # pragma: no cover - 300 tries at about one in nine
            plan_announce(plan=plan, actor=city)
            plan_draw(plan=plan, actor=city)
        inspections = list(Inspection.objects.filter(plan=plan).order_by("position"))
        for inspection in inspections:
            if inspection.enterprise_id == demo_enterprise.pk:
                _findings(inspection, city, problem_at=4)
                inspection_conclude(
                    inspection=inspection,
                    actor=city,
                    summary="现场查阅花名册、申报材料和继续教育台账，发现一项问题。",
                    requirement="补齐3名专业技术人员本年度继续教育学时（每年不少于90学时，专业科目不少于2/3），"
                    "完善继续教育台账，并提交学时证明。",
                )
        for inspection in [i for i in inspections if i.enterprise_id != demo_enterprise.pk][:2]:
            _findings(inspection, city)
            inspection_conclude(inspection=inspection, actor=city, summary="各项检查内容符合要求。")
    if stdout is not None:
        stdout.write(f"Inspections: plan “{PLAN_NAME}” drawn ({len(inspections)} enterprises).")


class _Again(Exception):
    """This attempt's draw missed the demo enterprise: roll it back and publish a new hash."""
