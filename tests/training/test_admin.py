"""Django admin of continuing-education hours: read only, scoped to the reader's people, flat in cost."""

import pytest
from django.urls import reverse

from tests.applications.factories import ProfileFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.helpers import assert_constant_queries, estimated_count_queries
from tests.training.factories import EntryFactory, TrainingImportFactory
from training.models import EntryStatus, TrainingEntry
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

ENTRIES = reverse("admin:training_trainingentry_changelist")


def entry_in(division):
    """An entry of a person whose employer lies in ``division``."""
    profile = ProfileFactory(enterprise=EnterpriseFactory(division=division))
    return EntryFactory(person=profile.user)


def test_entry_admin_lists_district_staff_only_their_divisions_people(role_users, client_for, division, other_division):
    own, other = entry_in(division), entry_in(other_division)
    district = client_for(role_users[Role.DISTRICT_STAFF.value])
    city = client_for(role_users[Role.CITY_STAFF.value])

    listed = list(district.get(ENTRIES).context["cl"].result_list)

    assert listed == [own]
    assert set(city.get(ENTRIES).context["cl"].result_list) == {own, other}
    # Another division's entry: 404, as on the portal, not a hint that it exists.
    assert district.get(reverse("admin:training_trainingentry_change", args=[other.pk])).status_code == 404
    page = district.get(reverse("admin:training_trainingentry_change", args=[own.pk])).content.decode()
    assert reverse("training:entry_detail", args=[own.pk]) in page


def test_entry_admin_is_read_only_the_decision_is_the_portals(role_users, client_for, division):
    entry = entry_in(division)
    city = client_for(role_users[Role.CITY_STAFF.value])

    response = city.post(
        reverse("admin:training_trainingentry_change", args=[entry.pk]), {"status": EntryStatus.RECOGNISED}
    )

    assert response.status_code == 403
    assert TrainingEntry.objects.get(pk=entry.pk).status == EntryStatus.PENDING
    assert city.get(reverse("admin:training_trainingentry_add")).status_code == 403


def test_entry_admin_list_costs_the_same_at_1_and_3_rows(role_users, client_for, division, django_assert_num_queries):
    district = client_for(role_users[Role.DISTRICT_STAFF.value])

    assert_constant_queries(
        django_assert_num_queries, lambda: district.get(ENTRIES), lambda: entry_in(division), expected=11
    )


def test_import_admin_is_city_staffs_and_flat(role_users, client_for, django_assert_num_queries):
    url = reverse("admin:training_trainingimport_changelist")
    city = client_for(role_users[Role.CITY_STAFF.value])

    assert client_for(role_users[Role.DISTRICT_STAFF.value]).get(url).status_code == 403
    assert_constant_queries(
        django_assert_num_queries, lambda: city.get(url), TrainingImportFactory, expected=10 + estimated_count_queries()
    )
