"""Django admin of people: the user's role rows are written by role_grant / role_assignment_change, so
city staff cannot grant the administrator or city-staff role there, and every grant is logged."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import admin_form_data
from zaozhuang_titles.models import AuditEvent, Role, RoleAssignment

pytestmark = pytest.mark.django_db


def post_roles(client, user, *rows):
    """Save the user's change page with ``rows`` (role, division) added as new role rows."""
    url = reverse("admin:zaozhuang_titles_user_change", args=[user.pk])
    data = admin_form_data(client.get(url))
    initial = int(data["roles-INITIAL_FORMS"])
    for index, (role, division) in enumerate(rows, start=initial):
        data[f"roles-{index}-role"] = role
        data[f"roles-{index}-division"] = division.pk if division else ""
        data[f"roles-{index}-user"] = user.pk
    data["roles-TOTAL_FORMS"] = str(initial + len(rows))
    return client.post(url, data)


def test_user_admin_new_role_row_is_granted_by_the_service(client_for, division):
    city = UserFactory(roles=[Role.CITY_STAFF])
    person = UserFactory()

    response = post_roles(client_for(city), person, (Role.DISTRICT_STAFF, division))

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.role, assignment.division, assignment.granted_by) == (Role.DISTRICT_STAFF, division, city)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED, object_id=str(person.pk)).count() == 1


def test_user_admin_refuses_city_staff_granting_the_administrator_role(client_for):
    person = UserFactory()

    response = post_roles(client_for(UserFactory(roles=[Role.CITY_STAFF])), person, (Role.ADMINISTRATOR, None))

    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert person.is_staff is False


def test_user_admin_refuses_city_staff_turning_a_role_into_city_staff(client_for, division):
    person = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
    client = client_for(UserFactory(roles=[Role.CITY_STAFF]))
    url = reverse("admin:zaozhuang_titles_user_change", args=[person.pk])
    data = admin_form_data(client.get(url))
    data["roles-0-role"] = Role.CITY_STAFF

    response = client.post(url, data)

    assert response.status_code == 200
    assert list(RoleAssignment.objects.filter(user=person).values_list("role", flat=True)) == [Role.DISTRICT_STAFF]


def test_user_admin_administrator_grants_city_staff_with_admin_site_access(client_for):
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    person = UserFactory()

    response = post_roles(client_for(administrator), person, (Role.CITY_STAFF, None))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff is True
    assert RoleAssignment.objects.get(user=person).granted_by == administrator


def test_user_admin_changed_division_goes_through_the_service(client_for, division, other_division):
    person = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
    city = UserFactory(roles=[Role.CITY_STAFF])
    client = client_for(city)
    url = reverse("admin:zaozhuang_titles_user_change", args=[person.pk])
    data = admin_form_data(client.get(url))
    data["roles-0-division"] = other_division.pk

    response = client.post(url, data)

    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=person).division == other_division
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED, object_id=str(person.pk)).latest("id")
    assert event.detail == {"role": Role.DISTRICT_STAFF, "division": other_division.code}
