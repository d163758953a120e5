"""Django admin of the registry: an enterprise's status and commissioner, and the commissioners themselves,
change through the services the staff pages use."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, ServiceCommissioner
from enterprises.services import commissioner_assign, commissioner_create, commissioner_update
from tests.enterprises.factories import CommissionerFactory, EnterpriseFactory
from tests.factories import TownFactory, UserFactory
from tests.helpers import admin_form_data, refusal_of
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(division):
    return EnterpriseFactory(division=division, town=TownFactory(division=division), address="枣庄市滕州市善国路1号")


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture
def city_client(client_for, city_user):
    return client_for(city_user)


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


def test_enterprise_admin_commissioner_change_goes_through_the_assign_service(city_client, city_user, enterprise):
    earlier = CommissionerFactory(division=enterprise.division)
    enterprise.commissioner = earlier
    enterprise.save()
    commissioner = CommissionerFactory()  # the whole city

    response = change(city_client, enterprise, commissioner=commissioner.pk, address="新地址")

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.commissioner, enterprise.address) == (commissioner, "新地址")
    latest = enterprise.history.latest()
    assert (latest.commissioner_id, latest.history_user) == (commissioner.pk, city_user)
    assert enterprise.history.filter(commissioner_id=earlier.pk).exists()


def test_enterprise_admin_refuses_an_inactive_commissioner_with_the_service_message(city_client, city_user, enterprise):
    inactive = CommissionerFactory(is_active=False)
    records = enterprise.history.count()
    refused = refusal_of(commissioner_assign, enterprise=enterprise, commissioner=inactive, actor=city_user)

    response = change(city_client, enterprise, commissioner=inactive.pk, address="新地址")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["commissioner"] == refused["commissioner"]
    assert refused["commissioner"][0] in response.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.commissioner, enterprise.address) == (None, "枣庄市滕州市善国路1号")
    assert enterprise.history.count() == records


def commissioner_data(*, user, division=None, **fields):
    return {
        "user": user.pk,
        "division": division.pk if division else "",
        "work_phone": "0632-5511234",
        "is_active": "on",
        **fields,
    }


def test_commissioner_admin_add_makes_a_commissioner_of_a_user_with_the_role(city_client, city_user, division):
    person = UserFactory(roles=[Role.COMMISSIONER])

    response = city_client.post(
        reverse("admin:enterprises_servicecommissioner_add"), commissioner_data(user=person, division=division)
    )

    assert response.status_code == 302
    commissioner = ServiceCommissioner.objects.get(user=person)
    assert (commissioner.division, commissioner.work_phone, commissioner.is_active) == (
        division,
        "0632-5511234",
        True,
    )
    assert commissioner.history.get().history_user == city_user


def test_commissioner_admin_refuses_a_user_without_the_role_and_writes_nothing(city_client, city_user):
    person = UserFactory(roles=[Role.APPLICANT])
    refused = refusal_of(commissioner_create, actor=city_user, user=person, work_phone="0632-5511234")

    response = city_client.post(reverse("admin:enterprises_servicecommissioner_add"), commissioner_data(user=person))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == refused["user"]
    assert refused["user"][0] in response.content.decode()
    assert not ServiceCommissioner.objects.exists()
    assert not ServiceCommissioner.history.exists()


def test_commissioner_admin_change_keeps_the_account_and_records_the_change(city_client, city_user, division):
    commissioner = CommissionerFactory()
    account = commissioner.user
    url = reverse("admin:enterprises_servicecommissioner_change", args=[commissioner.pk])

    response = city_client.post(url, commissioner_data(user=UserFactory(), division=division, work_phone="0632-1"))

    assert response.status_code == 302
    commissioner.refresh_from_db()
    assert (commissioner.user, commissioner.division, commissioner.work_phone) == (account, division, "0632-1")
    assert commissioner.history.latest().history_user == city_user


def test_commissioner_admin_refuses_an_area_leaving_out_an_enterprise_it_serves(
    city_client, city_user, enterprise, other_division
):
    commissioner = CommissionerFactory()
    enterprise.commissioner = commissioner
    enterprise.save()
    refused = refusal_of(
        commissioner_update, commissioner=commissioner, actor=city_user, division=other_division, work_phone="1"
    )
    url = reverse("admin:enterprises_servicecommissioner_change", args=[commissioner.pk])

    response = city_client.post(url, commissioner_data(user=commissioner.user, division=other_division))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["division"] == refused["division"]
    assert enterprise.name in refused["division"][0]
    commissioner.refresh_from_db()
    assert (commissioner.division, commissioner.history.count()) == (None, 1)
