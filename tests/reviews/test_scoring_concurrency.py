"""An autosave racing the submission on PostgreSQL: either the save lands before the lock (and is part
of what was submitted) or it is refused; a submitted score never changes afterwards. Needs real row
locks, so PostgreSQL only (SQLite serialises whole transactions)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reviews.models import Assignment, Score
from reviews.services.scoring import assignment_submit, score_save
from tests.helpers import race
from tests.reviews.factories import ReviewWorld

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(5))
def test_autosave_racing_submit_never_changes_a_submitted_score(attempt):
    review = ReviewWorld(cases=1, panel_size=3)
    assignment = Assignment.objects.get(case=review.cases[0], expert=review.experts[0])
    for criterion in review.criteria:
        score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points=10)
    first = review.criteria[0]

    save, submit = race(
        lambda: score_save(assignment=assignment, expert=assignment.expert, criterion=first, points="12.5"),
        lambda: assignment_submit(assignment=assignment, expert=assignment.expert),
    )

    assert isinstance(submit, Assignment), submit
    score = Score.objects.get(assignment=assignment, criterion=first)
    if isinstance(save, Score):
        assert score.points == Decimal("12.5")
        assert score.updated_at <= submit.submitted_at
    else:
        assert isinstance(save, ValidationError) and save.error_list[0].code == "submitted", save
        assert score.points == Decimal(10)
