"""An autosave racing the submission on PostgreSQL: either the save lands before the lock (and is part
of what was submitted) or it is refused; a submitted score never changes afterwards. Needs real row
locks, so PostgreSQL only (SQLite serialises whole transactions)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reviews.models import Assignment, Score
from reviews.services.scoring import assignment_submit, score_autosave, score_save
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


def test_concurrent_autosaves_of_one_criterion_keep_the_last_value():
    """Two tabs of one expert save the same criterion at once, 15 times each, through the autosave's
    path (one locked read, one upsert): one row, holding the value of the save that ran last."""
    review = ReviewWorld(cases=1, panel_size=3)
    assignment = Assignment.objects.get(case=review.cases[0], expert=review.experts[0])
    criterion = review.criteria[0]
    user = assignment.expert.user

    def tab(values):
        return [
            score_autosave(
                user=user, assignment_id=assignment.pk, criterion_id=criterion.pk, points=value, comment=value
            )
            for value in values
        ]

    first, second = race(lambda: tab([f"{n}.5" for n in range(15)]), lambda: tab([str(n) for n in range(15, 30)]))

    assert isinstance(first, list) and isinstance(second, list), (first, second)
    # The row lock orders the saves: each takes its timestamp after the previous one committed.
    last = max(first + second, key=lambda score: score.updated_at)
    stored = Score.objects.get(assignment=assignment, criterion=criterion)
    assert (stored.points, stored.comment, stored.updated_at) == (Decimal(last.comment), last.comment, last.updated_at)
    assert len({score.updated_at for score in first + second}) == 30
