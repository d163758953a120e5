"""Recusal (回避): own employer by record and by credit code, declared relations, many pairs at once."""

import pytest

from reviews.models import ExpertRelation
from reviews.recusal import conflict_map, conflicts
from tests.applications.factories import World
from tests.enterprises.factories import EnterpriseFactory
from tests.reviews.factories import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def test_conflicts_none_for_an_unrelated_expert(world):
    application = world.accepted()
    assert conflicts(ExpertFactory(), application) == []


def test_conflicts_own_employer_by_record(world):
    application = world.accepted()
    expert = ExpertFactory(employer=world.enterprise, employer_name=world.enterprise.name)
    reasons = conflicts(expert, application)
    assert len(reasons) == 1
    assert world.enterprise.name in reasons[0]


def test_conflicts_own_employer_by_credit_code_only(world):
    """An expert entered with its employer's credit code but not linked to the record is still caught."""
    application = world.accepted()
    expert = ExpertFactory(employer=None, employer_credit_code=world.enterprise.credit_code)
    reasons = conflicts(expert, application)
    assert len(reasons) == 1
    assert world.enterprise.credit_code in reasons[0]


def test_conflicts_other_employer_is_no_conflict(world):
    application = world.accepted()
    other = EnterpriseFactory()
    expert = ExpertFactory(employer=other, employer_credit_code=other.credit_code)
    assert conflicts(expert, application) == []


def test_conflicts_declared_relation_to_the_applicant(world):
    application = world.accepted()
    expert = ExpertFactory()
    ExpertRelation.objects.create(expert=expert, applicant=application.applicant, reason="亲属")
    reasons = conflicts(expert, application)
    assert len(reasons) == 1
    assert "亲属" in reasons[0]


def test_conflicts_declared_relation_to_the_enterprise(world):
    application = world.accepted()
    expert = ExpertFactory()
    ExpertRelation.objects.create(expert=expert, enterprise=world.enterprise, reason="合作研发")
    reasons = conflicts(expert, application)
    assert len(reasons) == 1
    assert "合作研发" in reasons[0]
    assert world.enterprise.name in reasons[0]


def test_conflicts_several_reasons_are_all_given(world):
    application = world.accepted()
    expert = ExpertFactory(employer=world.enterprise)
    ExpertRelation.objects.create(expert=expert, applicant=application.applicant, reason="同事")
    assert len(conflicts(expert, application)) == 2


def test_conflict_map_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    applications = [world.accepted() for _ in range(3)]
    experts = [ExpertFactory() for _ in range(4)]
    ExpertRelation.objects.create(expert=experts[1], applicant=applications[2].applicant, reason="亲属")
    experts[3].employer = world.enterprise
    experts[3].save()
    with django_assert_num_queries(3):
        result = conflict_map(experts, applications)
    assert set(result) == {(experts[1].pk, applications[2].pk)} | {(experts[3].pk, a.pk) for a in applications}
    with django_assert_num_queries(3):
        conflict_map(experts[:1], applications[:1])


def test_conflict_map_with_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert conflict_map([], [1, 2]) == {}
