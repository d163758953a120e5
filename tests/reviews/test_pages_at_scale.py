"""The unpaged pages at 1,000 rows (issue 13): the same queries as at 3, and every row shown.

These pages list everything on purpose (a ranking ranks the whole agenda, the staff's meeting page is
its agenda, the publicity notice is the publication, the expert's task list is its work); their time at
1,000 rows is measured by the benchmark, not here. The rows are bulk copies (``tests.scale``)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Status
from results.models import PublicityEntry
from reviews.models import Case
from tests.applications.factories import World
from tests.results.test_publicity import publish
from tests.reviews.factories import ReviewWorld
from tests.reviews.test_scoring_views import RANKING_QUERIES, TASK_LIST_QUERIES
from tests.scale import add_cases, clone_applications

pytestmark = pytest.mark.django_db


def login(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def queries(client, url):
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.fixture
def review():
    review = ReviewWorld(cases=1, panel_size=3)
    add_cases(review, 2)
    return review


def test_ranking_at_1000_cases_costs_the_queries_of_3(review):
    city = login(review.city)
    url = reverse("reviews:meeting_ranking", kwargs={"pk": review.meeting.pk})
    at_3, _page = queries(city, url)

    add_cases(review, 997)
    at_1000, page = queries(city, url)

    assert at_3 == at_1000 == RANKING_QUERIES
    assert page.count('data-testid="case"') == 1000


def test_staff_meeting_page_at_1000_cases_costs_the_queries_of_3(review):
    city = login(review.city)
    url = reverse("reviews:staff_meeting", args=[review.meeting.pk])
    at_3, _page = queries(city, url)

    add_cases(review, 997, scored=False)
    at_1000, page = queries(city, url)

    assert at_3 == at_1000
    assert page.count('data-testid="case"') == 1000


def test_expert_task_list_at_1000_assignments_costs_the_queries_of_3(review):
    expert = login(review.experts[0].user)
    url = reverse("reviews:expert_home")
    at_3, _page = queries(expert, url)

    add_cases(review, 997, scored=False)
    at_1000, page = queries(expert, url)

    assert at_3 == at_1000 == TASK_LIST_QUERIES
    assert page.count('data-testid="assignment"') == 1000


def test_meetings_list_counts_cases_and_members_without_multiplying_them(review):
    """Two counts of two relations in one list: each is its own, however many of the other."""
    city = login(review.city)
    add_cases(review, 7, scored=False)

    response = city.get(reverse("reviews:staff_meetings"))

    meeting = next(m for m in response.context["meetings"] if m.pk == review.meeting.pk)
    assert (meeting.case_count, meeting.member_count) == (10, 3)
    assert Case.objects.filter(meeting=review.meeting).count() == 10


def test_publicity_notice_at_1000_lines_costs_the_queries_of_3():
    publicity, applications = publish(World(), count=1)
    url = reverse("results:publicity_notice", args=[publicity.pk])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    def add_lines(n):
        clones = clone_applications(applications[0], n, status=Status.PUBLICITY)
        first = publicity.entries.count()
        PublicityEntry.objects.bulk_create(
            [
                PublicityEntry(
                    publicity=publicity,
                    application=application,
                    name=f"申报人{first + i}",
                    enterprise_name="枣庄市某机械有限公司",
                    specialty="机械设计",
                    title_granted="高级工程师",
                    position=first + i + 1,
                )
                for i, application in enumerate(clones)
            ]
        )

    add_lines(2)
    at_3, _page = queries(client, url)
    add_lines(997)
    at_1000, page = queries(client, url)
    deep, last = queries(client, f"{url}?page=10")
    searched_3, _found = queries(client, f"{url}?q=申报人99")

    # The notice is read a page at a time by position: the first and the last page cost the same.
    assert at_3 == at_1000 == deep == 2
    assert searched_3 == 3  # a search also counts its matches
    assert page.count('data-testid="entry"') == 100
    assert last.count('data-testid="entry"') == 100
    assert "申报人999" in last and "申报人999" not in page
    assert 'data-label="Title granted"' in page
