"""The rubric's admin follows ``rubric_locked``, the one rule the scoring service states: once scoring
has started in a batch (or any score exists) its criteria cannot be changed, added or deleted."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import Criterion, Meeting
from reviews.services.scoring import rubric_locked, score_save
from tests.factories import UserFactory
from tests.reviews.factories import MeetingFactory, ReviewWorld, rubric_for
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(
        UserFactory(roles=[Role.CITY_STAFF]), backend="zaozhuang_titles.backends.UsernameOrMobileBackend"
    )
    return client


def _criterion_data(batch, **overrides):
    return {"batch": batch.pk, "name": "技术创新", "description": "", "max_points": 30, "position": 9, **overrides}


def test_rubric_is_locked_by_a_score_even_before_the_meeting_scores():
    review = ReviewWorld(cases=1, panel_size=3)
    assignment = review.cases[0].assignments.first()
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=10)
    Meeting.objects.filter(pk=review.meeting.pk).update(status=Meeting.Status.DRAWN)  # a score outlives it

    assert rubric_locked(review.batch) is True


def test_admin_changes_a_criterion_of_an_open_rubric(city):
    meeting = MeetingFactory(status=Meeting.Status.DRAWN)
    criterion = rubric_for(meeting.batch)[0]

    city.post(
        reverse("admin:reviews_criterion_change", args=[criterion.pk]),
        _criterion_data(meeting.batch, name="改名的标准"),
    )

    assert Criterion.objects.get(pk=criterion.pk).name == "改名的标准"


def test_admin_refuses_to_change_a_criterion_of_a_locked_rubric(city):
    meeting = MeetingFactory(status=Meeting.Status.SCORING)
    criterion = rubric_for(meeting.batch)[0]
    before = Criterion.objects.get(pk=criterion.pk).name

    response = city.post(
        reverse("admin:reviews_criterion_change", args=[criterion.pk]),
        _criterion_data(meeting.batch, name="改名的标准"),
    )

    assert response.status_code == 403
    assert Criterion.objects.get(pk=criterion.pk).name == before


def test_admin_refuses_to_add_a_criterion_to_a_locked_rubric(city):
    meeting = MeetingFactory(status=Meeting.Status.VOTING)
    rubric_for(meeting.batch)
    count = Criterion.objects.filter(batch=meeting.batch).count()

    response = city.post(reverse("admin:reviews_criterion_add"), _criterion_data(meeting.batch, name="新增标准"))

    assert Criterion.objects.filter(batch=meeting.batch).count() == count
    assert "The rubric is fixed: scoring has started in this batch." in response.content.decode()


def test_admin_refuses_to_delete_a_criterion_of_a_locked_rubric(city):
    meeting = MeetingFactory(status=Meeting.Status.CLOSED)
    criterion = rubric_for(meeting.batch)[0]

    city.post(reverse("admin:reviews_criterion_delete", args=[criterion.pk]), {"post": "yes"})
    city.post(
        reverse("admin:reviews_criterion_changelist"),
        {"action": "delete_selected", "_selected_action": [criterion.pk], "post": "yes"},
    )

    assert Criterion.objects.filter(pk=criterion.pk).exists()
