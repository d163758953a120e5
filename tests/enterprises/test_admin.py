"""Django admin of the registry: a change of an enterprise's status goes through enterprise_set_status."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import TownFactory
from tests.helpers import admin_form_data
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(division):
    return EnterpriseFactory(division=division, town=TownFactory(division=division), address="枣庄市滕州市善国路1号")


@pytest.fixture
def city_client(client_for, make_user):
    return client_for(make_user(Role.CITY_STAFF))


def change(city_client, enterprise, **fields):
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = admin_form_data(city_client.get(url))
    data.update(fields)
    return city_client.post(url, data)


def test_enterprise_admin_status_change_records_its_reason_in_the_archive(city_client, enterprise):
    response = change(city_client, enterprise, status=Enterprise.Status.SUSPENDED, status_reason="停产整顿")

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.status_reason) == (Enterprise.Status.SUSPENDED, "停产整顿")
    latest = enterprise.history.latest()
    assert (latest.status, latest.history_change_reason) == (Enterprise.Status.SUSPENDED, "停产整顿")


def test_enterprise_admin_status_change_without_reason_is_refused_and_changes_nothing(city_client, enterprise):
    records = enterprise.history.count()

    response = change(city_client, enterprise, status=Enterprise.Status.CLOSED, status_reason=" ", address="别处")

    assert response.status_code == 200
    assert "status_reason" in response.context["adminform"].form.errors
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.address) == (Enterprise.Status.ACTIVE, "枣庄市滕州市善国路1号")
    assert enterprise.history.count() == records


def test_enterprise_admin_reactivation_verifies_a_pending_registration(city_client, make_user, division):
    pending = EnterpriseFactory(division=division, status=Enterprise.Status.PENDING)

    change(city_client, pending, status=Enterprise.Status.ACTIVE, status_reason="核实无误")

    pending.refresh_from_db()
    assert pending.status == Enterprise.Status.ACTIVE
    assert pending.verified_at is not None
    assert pending.verified_by.has_role(Role.CITY_STAFF)


def test_enterprise_admin_saves_other_fields_and_the_status_together(city_client, enterprise):
    change(city_client, enterprise, status=Enterprise.Status.CLOSED, status_reason="企业注销", address="新地址")

    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.address) == (Enterprise.Status.CLOSED, "新地址")


def test_enterprise_admin_change_without_status_saves_as_before(city_client, enterprise):
    records = enterprise.history.count()

    change(city_client, enterprise, address="新地址")

    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.address) == (Enterprise.Status.ACTIVE, "新地址")
    assert enterprise.history.count() == records + 1
