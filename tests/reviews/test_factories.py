import pytest

from applications.models import Status
from reviews.models import Assignment
from tests.reviews.factories import ReviewWorld

pytestmark = pytest.mark.django_db


def test_review_world_is_ready_to_score(division):
    review = ReviewWorld(division=division, cases=2, panel_size=3)
    assert Assignment.objects.filter(case__meeting=review.meeting).count() == 6
    assert {a.status for a in review.applications} == {Status.IN_REVIEW}
    assert [c.max_points for c in review.criteria] == [30, 20, 30, 20]
