"""Django admin of the library: documents for city staff, packages scoped to the reader's enterprises,
read only (the pages and services own them), flat in cost."""

import pytest
from django.urls import reverse

from library.models import DocumentKind, Package, PackageItem
from tests.enterprises.factories import CommissionerFactory, EnterpriseFactory
from tests.helpers import assert_constant_queries, estimated_count_queries
from tests.library.factories import make_document
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

PACKAGES = reverse("admin:library_package_changelist")
DOCUMENTS = reverse("admin:library_document_changelist")


def video(title="视频培训"):
    return make_document(kind=DocumentKind.VIDEO, title=title, link="http://intranet.example/video")


def package_in(division, document=None):
    package = Package.objects.create(
        enterprise=EnterpriseFactory(division=division), version=1, commissioner=CommissionerFactory()
    )
    document = document or video()
    PackageItem.objects.create(package=package, document=document, document_version=document.current_version)
    return package


def test_package_admin_lists_district_staff_only_their_divisions_packages(
    role_users, client_for, division, other_division
):
    own, other = package_in(division), package_in(other_division)
    district = client_for(role_users[Role.DISTRICT_STAFF.value])
    city = client_for(role_users[Role.CITY_STAFF.value])

    assert list(district.get(PACKAGES).context["cl"].result_list) == [own]
    assert set(city.get(PACKAGES).context["cl"].result_list) == {own, other}
    assert district.get(reverse("admin:library_package_change", args=[other.pk])).status_code == 404
    page = district.get(reverse("admin:library_package_change", args=[own.pk])).content.decode()
    assert reverse("library:package", args=[own.pk]) in page and "视频培训" in page
    # Documents are city staff's.
    assert district.get(DOCUMENTS).status_code == 403


def test_package_admin_is_read_only(role_users, client_for, division):
    package = package_in(division)
    city = client_for(role_users[Role.CITY_STAFF.value])

    response = city.post(reverse("admin:library_package_change", args=[package.pk]), {"note": "改过"})

    assert response.status_code == 403
    assert Package.objects.get(pk=package.pk).note == ""


def test_package_and_document_admin_lists_cost_the_same_at_1_and_3_rows(
    role_users, client_for, division, django_assert_num_queries
):
    city = client_for(role_users[Role.CITY_STAFF.value])
    document = video()

    assert_constant_queries(
        django_assert_num_queries,
        lambda: city.get(PACKAGES),
        lambda: package_in(division, document),
        expected=11 + estimated_count_queries(),
    )
    titles = iter(f"明白纸{n}" for n in range(10))
    assert_constant_queries(
        django_assert_num_queries,
        lambda: city.get(DOCUMENTS),
        lambda: video(next(titles)),
        expected=10 + estimated_count_queries(),
    )
