"""Aggregation of the experts' scores: pure functions on numbers, no database.

The inputs are the totals (sum of the criteria's points) of the submitted, non-recused assignments;
the selector in ``reviews.selectors.scoring`` collects them. Every result is a ``Decimal``; means are
computed exactly and converted once at the end: sums of the totals (``Decimal``s) are exact ``Decimal``
sums (a context with the largest precision, where ``Inexact`` is a trap), made a ``Fraction`` once per
mean, so a ranking of 1,000 cases does a few thousand additions rather than a few hundred thousand
``Fraction`` normalisations; other values (``Fraction``s) are summed as ``Fraction``s.

- ``mean`` — the arithmetic mean.
- ``trimmed_mean`` — the mean once the single highest and the single lowest score are dropped, only
  when there are at least ``TRIM_FROM`` (5) scores; with fewer it is the plain mean.
- ``std_dev`` — the POPULATION standard deviation (divided by n, not n − 1): the panel's scores of a
  case are all the scores there are, not a sample of a larger set of experts.
- ``z_scores`` — per expert, each of its totals against its own scoring in the meeting:
  (total − the expert's mean) / the expert's population standard deviation; 0 when that deviation is 0.
- ``FAR_Z`` — an expert is flagged as far when |z| ≥ 2 on any case.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, Rounded, localcontext
from fractions import Fraction

#: The highest and the lowest score are dropped from the trimmed mean from this many scores on.
TRIM_FROM = 5
#: An expert is flagged when the absolute z-score of any of its totals reaches this.
FAR_Z = Decimal(2)


def _decimal(value):
    """A Fraction (or int, Decimal) as a Decimal with 28 significant digits."""
    value = Fraction(value)
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


#: Exact arithmetic on Decimals: any rounding would raise.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])


def _decimals(values):
    """``values`` as a list of Decimals when each is an int or a Decimal, else None."""
    if all(type(v) is Decimal or type(v) is int for v in values):
        return [Decimal(v) for v in values]
    return None


def _exact_sum(decimals):
    with localcontext(_EXACT):
        return sum(decimals, Decimal(0))


def _sum_fraction(values):
    """The exact sum of ``values`` as a Fraction."""
    decimals = _decimals(values)
    if decimals is not None:
        return Fraction(_exact_sum(decimals))
    return sum((Fraction(v) for v in values), Fraction(0))


def _mean_fraction(values):
    values = list(values)
    if not values:
        return None
    return _sum_fraction(values) / len(values)


def mean(values):
    """The arithmetic mean of ``values``, or None when there are none."""
    result = _mean_fraction(values)
    return None if result is None else _decimal(result)


def trimmed_mean(values):
    """The mean without the single highest and single lowest value when there are at least 5 values;
    the plain mean otherwise (None when there are none)."""
    values = list(values)
    decimals = _decimals(values)
    values = sorted(decimals) if decimals is not None else sorted(Fraction(v) for v in values)
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
    return mean(values)


def std_dev(values):
    """The population standard deviation of ``values`` (None when there are none, 0 for one)."""
    values = list(values)
    if not values:
        return None
    n = len(values)
    decimals = _decimals(values)
    if decimals is not None:
        # Σ(v − Σv/n)² / n = (nΣv² − (Σv)²) / n², the same rational, with exact Decimal sums.
        with localcontext(_EXACT):
            total = sum(decimals, Decimal(0))
            squares = sum((v * v for v in decimals), Decimal(0))
            variance = Fraction(squares * n - total * total) / (n * n)
    else:
        values = [Fraction(v) for v in values]
        centre = sum(values, Fraction(0)) / n
        variance = sum(((v - centre) ** 2 for v in values), Fraction(0)) / n
    with localcontext() as ctx:
        ctx.prec = 28
        return _decimal(variance).sqrt()


@dataclass(frozen=True)
class CaseStats:
    """The aggregate of one case: how many scores, their mean, trimmed mean and standard deviation."""

    n: int
    mean: Decimal | None
    trimmed_mean: Decimal | None
    std_dev: Decimal | None
    trimmed: bool


def case_stats(values):
    values = list(values)
    return CaseStats(
        n=len(values),
        mean=mean(values),
        trimmed_mean=trimmed_mean(values),
        std_dev=std_dev(values),
        trimmed=len(values) >= TRIM_FROM,
    )


def z_scores(totals):
    """``totals`` maps (expert, case) to that expert's total on that case. Returns the same keys
    mapped to the z-score of the total against the expert's own totals (0 when they do not vary)."""
    by_expert = defaultdict(list)
    for (expert, _case), total in totals.items():
        by_expert[expert].append(total)
    spread = {expert: std_dev(values) for expert, values in by_expert.items()}
    # total − Σ/n is (n·total − Σ)/n: exact as Decimals, then rounded once like ``_decimal``.
    exact = {expert: _decimals(values) for expert, values in by_expert.items()}
    sums = {expert: _exact_sum(values) for expert, values in exact.items() if values is not None}
    centre = {expert: _mean_fraction(values) for expert, values in by_expert.items() if exact[expert] is None}
    result = {}
    for (expert, case), total in totals.items():
        sd = spread[expert]
        if not sd:
            result[(expert, case)] = Decimal(0)
            continue
        if expert in sums:
            n = len(by_expert[expert])
            with localcontext(_EXACT):
                numerator = Decimal(total) * n - sums[expert]
            with localcontext() as ctx:
                ctx.prec = 28
                result[(expert, case)] = numerator / n / sd
            continue
        with localcontext() as ctx:
            ctx.prec = 28
            result[(expert, case)] = _decimal(Fraction(total) - centre[expert]) / sd
    return result


@dataclass(frozen=True)
class ExpertStats:
    """One expert's scoring in a meeting: how many cases, its mean total, the mean and the largest
    absolute z-score, the mean difference from the panel's mean of the same cases, and the flag."""

    n: int
    mean: Decimal | None
    mean_abs_z: Decimal | None
    max_abs_z: Decimal | None
    mean_offset: Decimal | None
    far: bool


def expert_stats(totals):
    """``totals`` maps (expert, case) to a total. Returns {expert: ExpertStats}."""
    z = z_scores(totals)
    per_case = defaultdict(list)
    for (_expert, case), total in totals.items():
        per_case[case].append(total)
    # Each case's mean as (exact sum, count): Σ(total − sum_c / n_c) is Σ totals − Σ over counts k of
    # (Σ sums of the cases with k scores) / k, a handful of Fractions however many cases.
    case_sum = {case: _sum_fraction(values) for case, values in per_case.items()}
    case_n = {case: len(values) for case, values in per_case.items()}
    experts = defaultdict(list)
    for (expert, case), total in totals.items():
        experts[expert].append((case, total))
    result = {}
    for expert, rows in experts.items():
        absolute = [abs(z[(expert, case)]) for case, _total in rows]
        by_count = defaultdict(list)
        for case, _total in rows:
            by_count[case_n[case]].append(case_sum[case])
        panel = sum((sum(sums, Fraction(0)) / k for k, sums in by_count.items()), Fraction(0))
        result[expert] = ExpertStats(
            n=len(rows),
            mean=mean([total for _case, total in rows]),
            mean_abs_z=mean(absolute),
            max_abs_z=max(absolute),
            mean_offset=_decimal((_sum_fraction([total for _case, total in rows]) - panel) / len(rows)),
            far=any(value >= FAR_Z for value in absolute),
        )
    return result
