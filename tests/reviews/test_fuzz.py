"""No input reaches a 500 in the reviews forms: each is posted with arbitrary values (hypothesis) by
the user it belongs to, through the harness of the applications' fuzz tests."""

import pytest
from django.urls import reverse

from reviews.models import Score
from tests.applications.test_fuzz import fuzz, login
from tests.reviews.factories import ReviewWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(division):
    return ReviewWorld(division=division, cases=1, panel_size=3)


def test_fuzz_scoring_autosave(review):
    assignment = review.cases[0].assignments.first()
    client = login(assignment.expert.user)
    page = reverse("reviews:scoring", args=[assignment.pk])
    criterion = review.criteria[0]
    fuzz(client, page, reverse("reviews:score_autosave", args=[assignment.pk, criterion.pk]))
    # Whatever was typed, nothing above the criterion's maximum or below zero was kept.
    for score in Score.objects.filter(assignment=assignment):
        assert score.points is None or 0 <= score.points <= criterion.max_points


def test_fuzz_staff_meeting_forms(review):
    client = login(review.city)
    fuzz(client, reverse("reviews:staff_meeting_create"))
    fuzz(client, reverse("reviews:vote_meeting", args=[review.meeting.pk]))
