"""reviews.voting: the two-thirds rule and the quorum at every boundary, in integers, and their words."""

import pytest
from django.utils import translation

from reviews.voting import (
    outcome_text,
    quorum_needed,
    quorum_reached,
    quorum_text,
    rule_text,
    vote_passes,
    votes_needed,
)

PANELS = range(3, 31)


def smallest_passing(present):
    # ⌈2n/3⌉ written out independently of the module: the least y with 3y >= 2n.
    return next(y for y in range(present + 1) if 3 * y >= 2 * present)


@pytest.mark.parametrize("present", PANELS)
def test_vote_passes_at_the_smallest_passing_yes(present):
    needed = smallest_passing(present)
    assert vote_passes(needed, present) is True
    assert vote_passes(needed - 1, present) is False
    assert votes_needed(present) == needed


@pytest.mark.parametrize("present", PANELS)
def test_vote_passes_for_every_count_of_yes(present):
    needed = smallest_passing(present)
    assert [vote_passes(yes, present) for yes in range(present + 1)] == [yes >= needed for yes in range(present + 1)]


@pytest.mark.parametrize(
    ("yes", "present", "expected"),
    [(2, 3, True), (1, 3, False), (6, 9, True), (5, 9, False), (5, 7, True), (4, 7, False), (20, 30, True)],
)
def test_vote_passes_known_values(yes, present, expected):
    assert vote_passes(yes, present) is expected


def test_vote_passes_nobody_present_does_not_pass():
    assert vote_passes(0, 0) is False
    assert votes_needed(0) == 1


@pytest.mark.parametrize(("yes", "present"), [(-1, 3), (0, -1), (4, 3), (31, 30)])
def test_vote_passes_refuses_impossible_counts(yes, present):
    with pytest.raises(ValueError):
        vote_passes(yes, present)


@pytest.mark.parametrize(("yes", "present"), [(2.0, 3), (2, 3.0), (True, 3), ("2", 3), (None, 3), (2, None)])
def test_vote_passes_takes_integers_only(yes, present):
    with pytest.raises(TypeError):
        vote_passes(yes, present)


@pytest.mark.parametrize("panel", PANELS)
def test_quorum_two_thirds_boundary(panel):
    needed = next(a for a in range(panel + 1) if 3 * a >= 2 * panel)
    assert quorum_needed(panel, 2, 3) == needed
    assert quorum_reached(needed, panel, 2, 3) is True
    assert quorum_reached(needed - 1, panel, 2, 3) is False
    assert quorum_reached(panel, panel, 2, 3) is True


@pytest.mark.parametrize(
    ("panel", "numerator", "denominator", "needed"),
    [(7, 1, 2, 4), (8, 1, 2, 4), (9, 3, 4, 7), (5, 1, 1, 5), (11, 2, 3, 8), (3, 2, 3, 2)],
)
def test_quorum_other_fractions(panel, numerator, denominator, needed):
    assert quorum_needed(panel, numerator, denominator) == needed
    assert quorum_reached(needed, panel, numerator, denominator) is True
    assert quorum_reached(needed - 1, panel, numerator, denominator) is False


@pytest.mark.parametrize(
    "args",
    [(-1, 5, 2, 3), (6, 5, 2, 3), (3, 0, 2, 3), (3, 5, 0, 3), (3, 5, 4, 3), (3, 5, 2, 0), (3, 5, -2, 3)],
)
def test_quorum_refuses_impossible_arguments(args):
    with pytest.raises(ValueError):
        quorum_reached(*args)


@pytest.mark.parametrize("args", [(3.0, 5, 2, 3), (3, 5, 0.66, 1), (3, 5, 2, 3.0), (True, 5, 2, 3)])
def test_quorum_takes_integers_only(args):
    with pytest.raises(TypeError):
        quorum_reached(*args)


def test_rule_text_says_what_two_thirds_are_taken_of():
    with translation.override("en"):
        text = str(rule_text())
    assert "two thirds" in text
    assert "present and not recused" in text
    assert "abstentions" in text


def test_outcome_text_gives_the_counts_and_the_result():
    with translation.override("en"):
        assert outcome_text(5, 7) == "5 yes / 7 present and not recused, at least 5 needed: passed (通过)"
        assert outcome_text(5, 8) == "5 yes / 8 present and not recused, at least 6 needed: not passed (未通过)"


def test_quorum_text_gives_the_counts():
    with translation.override("en"):
        assert quorum_text(5, 7, 2, 3) == "Present 5 / expected 7, quorum 5 (2/3 of the panel)"
