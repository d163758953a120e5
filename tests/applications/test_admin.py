"""Django admin of applications: filters, search and the count of each status above the list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Application, Status, Transition
from tests.applications.factories import World
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(division):
    return World(division=division)


@pytest.fixture
def city_client(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.city, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


URL = reverse("admin:applications_application_changelist")


def listed(response):
    return sorted(a.number for a in response.context["cl"].result_list)


def test_application_list_counts_each_status_of_the_selection(world, city_client):
    world.at_district()
    world.at_district()
    world.at_city()

    response = city_client.get(URL)

    summary = {row["status"]: row["count"] for row in response.context["status_summary"]}
    assert summary == {Status.DISTRICT_AUDIT: 2, Status.CITY_AUDIT: 1}
    assert response.context["status_total"] == 3
    assert 'data-testid="status-summary"' in response.content.decode()


def test_application_list_filters_signature_and_open_corrections(world, city_client):
    signed = world.at_district()
    returned = world.at_district()
    services.application_return(
        application=returned, actor=world.district, reason="补正", items=[("field:summary", "业绩综述", "补充")]
    )
    services.application_touch(application=returned, reason="改动")  # voids its signature

    assert listed(city_client.get(URL, {"signed": "yes"})) == [signed.number]
    assert listed(city_client.get(URL, {"signed": "no"})) == [returned.number]
    assert listed(city_client.get(URL, {"correction": "open"})) == [returned.number]
    assert listed(city_client.get(URL, {"correction": "overdue"})) == []


def test_application_list_searches_patent_and_whole_id_number(world, city_client):
    application = world.at_district()
    world.at_district()
    patent = application.achievements.get().patent_number

    assert listed(city_client.get(URL, {"q": patent})) == [application.number]
    assert listed(city_client.get(URL, {"q": application.applicant.id_number})) == [application.number]


def test_application_page_links_to_the_portal_page(world, city_client):
    application = world.at_district()

    page = city_client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()

    assert reverse("applications:detail", args=[application.pk]) in page


def test_application_list_query_count_is_constant(world, city_client, django_assert_num_queries):
    # 14 (was 16: no second count of the whole table, show_full_result_count, no date hierarchy, its
    # MIN/MAX and DISTINCT date_trunc; the whole table's count and counts by status are one query of the
    # status counters, on SQLite and PostgreSQL alike), and since issue 14 the enterprises' recognitions
    # of the page's rows (one prefetch) and the holiday calendar of the working days waited.
    assert_constant_queries(
        django_assert_num_queries, render=lambda: city_client.get(URL), add_item=world.at_district, expected=14
    )


def test_application_list_unfiltered_counts_from_the_status_counters(world, city_client):
    for _ in range(3):
        world.at_district()
    table = connection.ops.quote_name(Application._meta.db_table)

    with CaptureQueriesContext(connection) as unfiltered:
        page = city_client.get(URL)
    filtered = city_client.get(URL, {"status__exact": Status.DISTRICT_AUDIT})

    counts = [q["sql"] for q in unfiltered.captured_queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]
    assert counts == []  # no COUNT over the applications: the counters kept by the transitions
    total = Application.objects.count()
    assert page.context["cl"].result_count == total
    assert page.context["status_total"] == total
    assert page.context["status_summary"] == [
        {"status": Status.DISTRICT_AUDIT.value, "label": Status.DISTRICT_AUDIT.label, "count": total}
    ]
    assert filtered.context["cl"].paginator.by_status is None  # narrowed: counted by its filter
    assert filtered.context["cl"].result_count == total


def test_an_unfiltered_admin_list_counts_by_estimate_on_postgresql(world, city_client, settings):
    """The transitions' list (as every admin list but the applications', counted by their counters)."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_class.reltuples is PostgreSQL's; SQLite counts exactly")
    settings.ADMIN_ESTIMATED_COUNT_ABOVE = 0
    for _ in range(3):
        world.at_district()
    URL = reverse("admin:applications_transition_changelist")
    table = connection.ops.quote_name(Transition._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")

    with CaptureQueriesContext(connection) as unfiltered:
        page = city_client.get(URL)
    filtered = city_client.get(URL, {"action": "submit"})
    transitions = Transition.objects.count()

    counts = [q["sql"] for q in unfiltered.captured_queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]
    assert counts == []
    assert page.context["cl"].paginator.is_estimate is True
    assert page.context["cl"].result_count == transitions
    assert len(page.context["cl"].result_list) == transitions
    assert 'data-testid="estimated-count"' in page.content.decode()
    assert 'data-testid="estimated-count"' not in filtered.content.decode()
    assert filtered.context["cl"].paginator.is_estimate is False
    assert filtered.context["cl"].result_count == Transition.objects.filter(action="submit").count()


def test_correction_request_shows_its_items(world, city_client):
    application = world.at_district()
    correction = services.application_return(
        application=application, actor=world.district, reason="补正", items=[("field:summary", "业绩综述", "补充数据")]
    )

    page = city_client.get(reverse("admin:applications_correctionrequest_change", args=[correction.pk]))

    assert "补充数据" in page.content.decode()


def test_district_staff_reach_their_division_in_the_admin(world):
    own = world.at_district()
    client = Client()
    client.force_login(
        UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=world.division),
        backend="zaozhuang_titles.backends.UsernameOrMobileBackend",
    )

    assert listed(client.get(URL)) == [own.number]


def test_transition_log_names_moves_and_roles_by_their_labels(world):
    world.at_district()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.city, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")

    page = client.get(reverse("admin:applications_transition_changelist")).content.decode()
    filtered = client.get(reverse("admin:applications_transition_changelist"), {"action": "forward"})

    assert "报送区(市)" in page
    assert "董事长" in page
    for key in (">forward<", ">nominate<", ">chairman<", ">enterprise_contact<"):
        assert key not in page
    assert {t.action for t in filtered.context["cl"].result_list} == {"forward"}
    forward = filtered.context["cl"].result_list[0]
    detail = client.get(reverse("admin:applications_transition_change", args=[forward.pk])).content.decode()
    assert "报送区(市)" in detail
    assert ">forward<" not in detail


def test_application_list_filters_by_status_and_date_without_a_date_hierarchy(world, city_client):
    district = world.at_district()
    city = world.at_city()

    by_status = city_client.get(URL, {"status__exact": Status.CITY_AUDIT})
    by_date = city_client.get(URL, {"status_changed_at__gte": "2000-01-01", "status_changed_at__lt": "2999-01-01"})
    none_by_date = city_client.get(URL, {"status_changed_at__lt": "2000-01-01"})

    assert listed(by_status) == [city.number]
    assert listed(by_date) == sorted([district.number, city.number])
    assert listed(none_by_date) == []
    assert by_status.context["cl"].date_hierarchy is None


def test_every_admin_list_names_the_relations_it_shows():
    """Each changelist joins exactly what its columns read (``list_select_related`` explicit: Django's
    default ``select_related()`` follows every non-null key), and no growing table has a date hierarchy,
    whose DISTINCT date_trunc reads every row of the selection."""
    from django.contrib import admin
    from django.core.exceptions import FieldDoesNotExist

    from zaozhuang_titles.models import CalendarDay

    ours = (
        "zaozhuang_titles.",
        "enterprises.",
        "applications.",
        "reviews.",
        "results.",
        "surveys.",
        "library.",
        "training.",
        "inspections.",
    )
    for model, model_admin in admin.site._registry.items():
        if not type(model_admin).__module__.startswith(ours):
            continue
        assert model_admin.show_full_result_count is False, model
        assert model_admin.list_select_related is not False, model
        related = set(model_admin.list_select_related)
        for name in model_admin.list_display:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one and name != field.attname:
                assert any(path == name or path.startswith(f"{name}__") for path in related), (model, name)
        assert model_admin.date_hierarchy is None or model is CalendarDay, model


def test_admin_lists_stop_at_admin_max_pages_and_a_page_past_them_shows_the_last(world, city_client, settings):
    """Page 1,000 of a whole table is an OFFSET that reads 100,000 rows (issue 13): the pages listed stop
    at ADMIN_MAX_PAGES, the page says to filter, and a guessed page past them is the last one listed."""
    settings.ADMIN_MAX_PAGES = 2
    for _ in range(5):
        world.at_district()
    from applications.admin import ApplicationAdmin

    original, ApplicationAdmin.list_per_page = ApplicationAdmin.list_per_page, 2
    try:
        first = city_client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
        beyond = city_client.get(URL, {"p": 9}, HTTP_ACCEPT_LANGUAGE="en")
        narrowed = city_client.get(URL, {"status__exact": "draft"}, HTTP_ACCEPT_LANGUAGE="en")
        last = city_client.get(URL, {"p": 2})
    finally:
        ApplicationAdmin.list_per_page = original

    assert first.context["cl"].paginator.num_pages == 2
    assert "Only the first 2 pages are listed" in first.content.decode()
    assert beyond.status_code == 200 and beyond.context["cl"].page_num == 9
    assert [a.pk for a in beyond.context["cl"].result_list] == [a.pk for a in last.context["cl"].result_list]
    assert 'data-testid="capped"' not in narrowed.content.decode()
