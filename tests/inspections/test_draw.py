"""The 双随机 draw: population and sample, the hash before the seed, verification from the revealed seed,
exclusions with their reasons, and the no-redraw rule in the service and in the database."""

import datetime
import hashlib
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from enterprises.models import Enterprise, RecognitionKind
from inspections.models import (
    DrawExclusion,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    InspectorDeclaration,
    PopulationMember,
)
from inspections.selectors import population_queryset
from inspections.services.draw import compute_draw, draw_rerun, draw_verify, plan_draw, recorded_draw
from inspections.services.plans import plan_announce, sample_size_for
from reviews.models import ExpertRelation
from reviews.services import draw as reviews_draw
from tests.enterprises.factories import EnterpriseFactory, RecognitionFactory
from tests.factories import DivisionFactory
from tests.inspections.factories import InspectionWorld
from zaozhuang_titles import draws

pytestmark = pytest.mark.django_db


def test_the_reviews_draw_is_the_core_primitive():
    # Moved to the core, not copied: the panel draw and the inspections use one function.
    assert reviews_draw.draw_sample is draws.draw_sample
    assert reviews_draw.seed_sha256 is draws.seed_sha256


def test_core_draw_is_python_random_sample_of_the_sorted_numbers():
    seed = "ab" * 32
    assert draws.draw_sample([5, 1, 9, 3], seed, 2) == random.Random(seed).sample([1, 3, 5, 9], 2)
    assert draws.seed_sha256(seed) == hashlib.sha256(seed.encode()).hexdigest()
    assert draws.derived_seed(seed, "inspectors", 7) == f"{seed}:inspectors:7"


@pytest.mark.parametrize(
    ("population", "ratio", "count", "expected"),
    [(275, 10, None, 28), (10, 10, None, 1), (3, 1, None, 1), (100, 100, None, 100), (50, None, 7, 7)],
)
def test_sample_size_is_the_count_or_the_ratio_rounded_up(population, ratio, count, expected):
    assert sample_size_for(population=population, sample_ratio=ratio, sample_count=count) == expected


def test_population_follows_division_recognition_and_key_criteria():
    here, there = DivisionFactory(code="370481"), DivisionFactory(code="370402")
    key_giant = EnterpriseFactory(division=here, is_key=True)
    RecognitionFactory(enterprise=key_giant, kind=RecognitionKind.LITTLE_GIANT, level="national")
    not_key = EnterpriseFactory(division=here, is_key=False)
    RecognitionFactory(enterprise=not_key, kind=RecognitionKind.LITTLE_GIANT, level="national")
    expired = EnterpriseFactory(division=here)
    RecognitionFactory(
        enterprise=expired,
        kind=RecognitionKind.LITTLE_GIANT,
        level="national",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    elsewhere = EnterpriseFactory(division=there)
    RecognitionFactory(enterprise=elsewhere, kind=RecognitionKind.LITTLE_GIANT, level="national")
    pending = EnterpriseFactory(division=here, status=Enterprise.Status.PENDING)
    RecognitionFactory(enterprise=pending, kind=RecognitionKind.LITTLE_GIANT, level="national")

    def names(**criteria):
        defaults = {"divisions": [here], "recognition_kind": "", "recognition_level": "", "key_filter": "any"}
        return set(population_queryset(**{**defaults, **criteria}))

    assert names(recognition_kind=RecognitionKind.LITTLE_GIANT) == {key_giant, not_key}
    assert names(recognition_kind=RecognitionKind.LITTLE_GIANT, key_filter="key") == {key_giant}
    assert names(recognition_level="national", key_filter="not_key") == {not_key}
    assert names(divisions=[], recognition_kind=RecognitionKind.LITTLE_GIANT) == {key_giant, not_key, elsewhere}
    assert names(recognition_level="provincial") == set()


def test_a_draft_has_no_hash_and_publishing_it_freezes_the_population():
    w = InspectionWorld(enterprises=4, count=2)
    assert (w.plan.seed, w.plan.seed_sha256) == ("", "")

    plan = w.announce()
    late = EnterpriseFactory(division=w.division)
    RecognitionFactory(enterprise=late)

    assert plan.status == InspectionPlan.Status.ANNOUNCED
    assert plan.seed_sha256 == hashlib.sha256(plan.seed.encode()).hexdigest()
    assert plan.seed_revealed == ""
    assert plan.sample_size == 2
    assert set(PopulationMember.objects.filter(plan=plan).values_list("enterprise_id", flat=True)) == {
        e.pk for e in w.enterprises
    }


def test_publishing_asks_for_no_more_enterprises_than_match():
    w = InspectionWorld(enterprises=2, count=5)
    with pytest.raises(ValidationError, match="only 2"):
        plan_announce(plan=w.plan, actor=w.city)
    assert InspectionPlan.objects.get(pk=w.plan.pk).seed_sha256 == ""


def test_the_draw_records_enterprises_and_teams_and_reveals_the_seed():
    w = InspectionWorld(enterprises=6, staff=2, experts=3, count=3, team_size=2)
    plan = w.draw()

    inspections = list(Inspection.objects.filter(plan=plan).order_by("position"))
    assert plan.status == InspectionPlan.Status.DRAWN
    assert plan.seed_revealed == plan.seed
    assert [i.position for i in inspections] == [1, 2, 3]
    assert all(InspectionInspector.objects.filter(inspection=i).count() == 2 for i in inspections)
    population = sorted(e.pk for e in w.enterprises)
    expected = random.Random(f"{plan.seed}:enterprises").sample(population, 3)
    assert [i.enterprise_id for i in inspections] == expected


def test_re_running_from_the_revealed_seed_gives_the_same_draw_and_another_seed_does_not():
    w = InspectionWorld(enterprises=12, staff=3, experts=4, count=4, team_size=2)
    plan = w.draw()

    verification = draw_verify(plan)
    assert verification.matches is True
    assert draw_rerun(plan, plan.seed) == recorded_draw(plan)
    other = draw_verify(plan, seed="0" * 64)
    assert other.seed_matches_hash is False
    assert other.same_draw is False
    assert other.matches is False


def test_verification_fails_when_the_recorded_team_was_changed():
    w = InspectionWorld(enterprises=5, staff=2, experts=4, count=2, team_size=2)
    plan = w.draw()
    drawn = InspectionInspector.objects.filter(inspection__plan=plan).order_by("pk").first()
    unused = plan.pool.exclude(pk__in=drawn.inspection.team.values("member_id")).first()
    InspectionInspector.objects.filter(pk=drawn.pk).update(member=unused)

    assert draw_verify(plan).matches is False


def test_compute_draw_ignores_the_listing_order_and_leaves_out_the_excluded():
    seed = "cd" * 32
    first = compute_draw(seed=seed, population=[4, 2, 8, 6], sample_size=2, pool=[3, 1, 2], excluded={}, team_size=2)
    again = compute_draw(seed=seed, population=[8, 6, 4, 2], sample_size=2, pool=[2, 3, 1], excluded={}, team_size=2)
    assert first == again
    enterprise = first[0][0]
    excluded = compute_draw(
        seed=seed, population=[2, 4, 6, 8], sample_size=2, pool=[1, 2, 3], excluded={enterprise: {1, 2}}, team_size=2
    )
    assert excluded[0] == (enterprise, [3])  # fewer than the team size when fewer are left


def test_an_inspector_is_excluded_for_its_employer_and_declared_relations_with_the_reason():
    w = InspectionWorld(enterprises=3, staff=1, experts=3, count=3, team_size=1)
    target, coded, related = w.enterprises
    employee, by_code, relation_holder = w.experts
    employee.employer = target
    employee.save()
    by_code.employer_credit_code = coded.credit_code
    by_code.save()
    ExpertRelation.objects.create(expert=relation_holder, enterprise=related, reason="亲属在该企业任职")
    InspectorDeclaration.objects.create(user=w.staff[0], enterprise=target, reason="曾在该企业任职")

    plan = w.draw()

    members = {m.user_id: m for m in plan.pool.all()}
    recorded = {
        (x.enterprise_id, x.member.user_id, x.reason, x.detail)
        for x in DrawExclusion.objects.filter(plan=plan).select_related("member")
    }
    assert recorded == {
        (target.pk, employee.user_id, DrawExclusion.Reason.EMPLOYER, f"Works at {target.name}."),
        (coded.pk, by_code.user_id, DrawExclusion.Reason.EMPLOYER, f"Works at {coded.name}."),
        (related.pk, relation_holder.user_id, DrawExclusion.Reason.EXPERT_RELATION, "亲属在该企业任职"),
        (target.pk, w.staff[0].pk, DrawExclusion.Reason.DECLARED, "曾在该企业任职"),
    }
    for x in DrawExclusion.objects.filter(plan=plan):
        team = InspectionInspector.objects.filter(inspection__plan=plan, inspection__enterprise=x.enterprise)
        assert not team.filter(member=x.member).exists()
    assert members  # every pool member is a PoolMember of the plan
    assert draw_verify(plan).matches is True


def test_the_draw_is_made_once():
    w = InspectionWorld(count=2)
    plan = w.draw()
    teams = recorded_draw(plan)

    with pytest.raises(ValidationError, match="made once"):
        plan_draw(plan=plan, actor=w.city)
    with pytest.raises(ValidationError, match="already published"):
        plan_announce(plan=plan, actor=w.city)
    assert recorded_draw(plan) == teams
    assert InspectionPlan.objects.get(pk=plan.pk).seed == plan.seed


def test_the_draw_needs_the_hash_published_first():
    w = InspectionWorld(count=2)
    with pytest.raises(ValidationError, match="hash"):
        plan_draw(plan=w.plan, actor=w.city)
    assert not Inspection.objects.filter(plan=w.plan).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"seed": "1" * 64},
        {"seed_sha256": "2" * 64},
        {"seed": "1" * 64, "seed_sha256": hashlib.sha256(b"1" * 64).hexdigest()},
    ],
)
def test_the_database_refuses_a_new_seed_once_the_hash_is_published(change):
    w = InspectionWorld(count=2)
    plan = w.announce()
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=plan.pk).update(**change)
    assert InspectionPlan.objects.get(pk=plan.pk).seed_sha256 == plan.seed_sha256


def test_the_database_refuses_a_second_draw():
    w = InspectionWorld(enterprises=4, count=2)
    plan = w.draw()
    spare = next(e for e in w.enterprises if not Inspection.objects.filter(plan=plan, enterprise=e).exists())
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=plan.pk).update(drawn_at=timezone.now() + datetime.timedelta(hours=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.create(plan=plan, enterprise=spare, position=99)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=plan.pk).update(status=InspectionPlan.Status.ANNOUNCED, drawn_at=None)
    assert Inspection.objects.filter(plan=plan).count() == 2


def test_the_database_refuses_a_plan_announced_without_a_hash():
    w = InspectionWorld(count=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=w.plan.pk).update(status=InspectionPlan.Status.ANNOUNCED)


def test_the_database_refuses_both_a_ratio_and_a_count():
    w = InspectionWorld(count=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlan.objects.filter(pk=w.plan.pk).update(sample_ratio=10)


def test_each_drawn_inspector_is_told_with_the_link():
    from zaozhuang_titles.models import Notice

    w = InspectionWorld(enterprises=4, count=2, team_size=2)
    plan = w.draw()
    told = set(Notice.objects.filter(key__startswith="inspection-drawn:").values_list("recipient_id", "url"))
    expected = {
        (member.member.user_id, f"/inspections/inspections/{member.inspection_id}/")
        for member in InspectionInspector.objects.filter(inspection__plan=plan).select_related("member")
    }
    assert told == expected
    assert len(expected) == 4
