"""The yearly requirement (人社部令第25号): 90 hours, specialty at least 2/3, in whole numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.requirement import HOURS_PER_YEAR, SPECIALTY_SHARE, specialty_needed, specialty_share_met, year_met


def test_requirement_numbers_are_the_national_rule():
    assert (HOURS_PER_YEAR, SPECIALTY_SHARE) == (90, (2, 3))


@pytest.mark.parametrize(
    ("total", "specialty", "met"),
    [
        (90, 60, True),  # exactly 90, exactly 2/3
        (90, 59, False),  # one specialty hour short of 2/3
        (89, 89, False),  # all specialty, one hour short of 90
        (91, 61, True),  # 2/3 of 91 is 60.67: 61 is enough
        (91, 60, False),  # and 60 is not
        (120, 80, True),
        (120, 79, False),
        (300, 300, True),
        (0, 0, False),
    ],
)
def test_year_met_edges(total, specialty, met):
    assert year_met(total, specialty) is met


@pytest.mark.parametrize(("total", "needed"), [(90, 60), (91, 61), (92, 62), (93, 62), (120, 80), (0, 0)])
def test_specialty_needed_rounds_up(total, needed):
    assert specialty_needed(total) == needed


@given(total=st.integers(0, 1000), specialty=st.integers(0, 1000))
def test_share_is_exact_fraction_arithmetic(total, specialty):
    from fractions import Fraction

    assert specialty_share_met(total, specialty) is (Fraction(specialty) >= Fraction(2, 3) * total)
    assert specialty_share_met(total, specialty_needed(total)) is True
    if total:
        assert specialty_share_met(total, specialty_needed(total) - 1) is False
