"""The yearly requirement of continuing education (《专业技术人员继续教育规定》, 人社部令第25号): at least
90 hours (学时) a year, of which specialty subjects (专业科目) at least 2/3.

The national numbers live here, with the one comparison of a year's hours against them, so that the
eligibility engine (``applications.eligibility``, whose batches may set other numbers) and the person's
own page cannot disagree on what "met" means. Whole numbers only: 2/3 is compared as
``specialty × 3 ≥ total × 2``, never as a float.
"""

#: At least this many hours a year.
HOURS_PER_YEAR = 90
#: The least share of specialty hours, as (numerator, denominator).
SPECIALTY_SHARE = (2, 3)


def specialty_share_met(total, specialty, share=SPECIALTY_SHARE):
    """Whether ``specialty`` hours are at least ``share`` of ``total`` (exact, in whole numbers)."""
    numerator, denominator = share
    return specialty * denominator >= total * numerator


def year_met(total, specialty, *, hours=HOURS_PER_YEAR, share=SPECIALTY_SHARE):
    """Whether one year's recognised hours meet the requirement: enough hours, enough of them specialty."""
    return total >= hours and specialty_share_met(total, specialty, share)


def specialty_needed(total, share=SPECIALTY_SHARE):
    """The fewest specialty hours that make ``share`` of ``total`` (60 of 90, 61 of 91)."""
    numerator, denominator = share
    return -(-total * numerator // denominator)
