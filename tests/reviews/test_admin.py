"""Django admin of the expert pool: adds and changes go through the pool's services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Expert, ExpertRelation
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from tests.helpers import admin_form_data
from tests.reviews.factories import ExpertFactory, SpecialtyFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_client(client_for):
    return client_for(UserFactory(roles=[Role.CITY_STAFF]))


def add_data(*, user, specialty, **fields):
    today = timezone.localdate()
    return {
        "user": user.pk,
        "title_series": "engineering",
        "title_level": "senior",
        "title_name": "正高级工程师",
        "specialties": [specialty.pk],
        "employer_name": "枣庄某机械有限公司",
        "employer_credit_code": "",
        "term_starts": today.isoformat(),
        "term_ends": (today + datetime.timedelta(days=700)).isoformat(),
        "is_active": "on",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
        **fields,
    }


def test_expert_admin_add_links_the_employer_on_the_registry(city_client, division):
    enterprise = EnterpriseFactory(division=division)
    person = UserFactory()

    response = city_client.post(
        reverse("admin:reviews_expert_add"),
        add_data(user=person, specialty=SpecialtyFactory(), employer_credit_code=enterprise.credit_code.lower()),
    )

    assert response.status_code == 302
    expert = Expert.objects.get(user=person)
    assert (expert.employer, expert.employer_credit_code) == (enterprise, enterprise.credit_code)
    assert person.roles.filter(role=Role.EXPERT).count() == 1


def test_expert_admin_add_saves_the_declared_relations(city_client, division):
    enterprise = EnterpriseFactory(division=division)
    person = UserFactory()
    data = add_data(user=person, specialty=SpecialtyFactory())
    data.update(
        {
            "relations-TOTAL_FORMS": "1",
            "relations-0-enterprise": enterprise.pk,
            "relations-0-reason": "曾任职",
        }
    )

    response = city_client.post(reverse("admin:reviews_expert_add"), data)

    assert response.status_code == 302
    expert = Expert.objects.get(user=person)
    assert list(ExpertRelation.objects.values_list("expert", "enterprise", "reason")) == [
        (expert.pk, enterprise.pk, "曾任职")
    ]
    assert response["Location"] == reverse("admin:reviews_expert_changelist")


def test_expert_admin_change_saves_through_the_service_and_keeps_the_account(city_client):
    expert = ExpertFactory()
    account = expert.user
    url = reverse("admin:reviews_expert_change", args=[expert.pk])
    data = admin_form_data(city_client.get(url))
    data.update({"title_name": "研究员", "user": UserFactory().pk})

    response = city_client.post(url, data)

    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.title_name, expert.user) == ("研究员", account)
    assert expert.history.latest().title_name == "研究员"
