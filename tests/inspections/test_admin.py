"""Django admin of inspections: plans and inspections read only for city staff (the pages and services
own the draw and the findings), flat in cost."""

import pytest
from django.urls import reverse

from inspections.models import InspectionPlan
from tests.helpers import assert_constant_queries, estimated_count_queries
from tests.inspections.factories import InspectionWorld
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def test_plan_admin_is_read_only_and_keeps_the_seed_secret(role_users, client_for):
    world = InspectionWorld(enterprises=3, staff=1, experts=2, count=2, team_size=1)
    world.announce()
    city = client_for(role_users[Role.CITY_STAFF.value])
    url = reverse("admin:inspections_inspectionplan_change", args=[world.plan.pk])

    page = city.get(url).content.decode()
    refused = city.post(url, {"name": "改名", "seed": "0" * 64})

    assert world.plan.seed_sha256 in page and world.plan.seed not in page
    assert refused.status_code == 403
    assert InspectionPlan.objects.get(pk=world.plan.pk).seed == world.plan.seed


def test_plan_and_inspection_admin_lists_cost_the_same_at_1_and_3_rows(
    role_users, client_for, django_assert_num_queries
):
    city = client_for(role_users[Role.CITY_STAFF.value])
    worlds = []

    def drawn_plan():
        world = InspectionWorld(
            enterprises=2, staff=1, experts=1, count=1, team_size=1, division=role_users["district_staff"].district
        )
        worlds.append(world.draw())

    plans = reverse("admin:inspections_inspectionplan_changelist")
    assert_constant_queries(
        django_assert_num_queries, lambda: city.get(plans), drawn_plan, expected=10 + estimated_count_queries()
    )
    inspections = reverse("admin:inspections_inspection_changelist")
    assert_constant_queries(
        django_assert_num_queries, lambda: city.get(inspections), drawn_plan, expected=12 + estimated_count_queries()
    )
