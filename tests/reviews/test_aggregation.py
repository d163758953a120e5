"""reviews.aggregation with hand-computed examples."""

from decimal import Decimal

from reviews import aggregation


def close(value, expected, places=6):
    return abs(Decimal(value) - Decimal(expected)) < Decimal(10) ** -places


def test_mean_is_exact():
    assert aggregation.mean([80, 85, 90]) == Decimal(85)
    assert close(aggregation.mean([1, 2]), "1.5")
    assert close(aggregation.mean([Decimal("70.5"), Decimal("80.5"), 90]), "80.333333")
    assert aggregation.mean([]) is None


def test_trimmed_mean_drops_highest_and_lowest_with_five_scores():
    # 70 80 85 90 95: drop 70 and 95, mean of 80 85 90 = 85 (the plain mean is 420 / 5 = 84).
    scores = [80, 95, 70, 90, 85]
    assert aggregation.trimmed_mean(scores) == Decimal(85)
    assert aggregation.mean(scores) == Decimal(84)


def test_trimmed_mean_drops_only_one_of_each_extreme():
    # 60 60 80 100 100: drop one 60 and one 100, mean of 60 80 100 = 80.
    assert aggregation.trimmed_mean([60, 100, 80, 60, 100]) == Decimal(80)


def test_trimmed_mean_with_four_scores_is_the_plain_mean():
    # 70 80 90 100 (only four): nothing dropped, (70 + 80 + 90 + 100) / 4 = 85; dropping would give 85
    # too, so take a skewed set: 50 80 90 100 → 80, while dropping would give 85.
    assert aggregation.trimmed_mean([70, 80, 90, 100]) == Decimal(85)
    assert aggregation.trimmed_mean([50, 80, 90, 100]) == Decimal(80)


def test_std_dev_is_the_population_one():
    # 70 80 85 90 95: mean 84, deviations −14 −4 1 6 11, squares 196 16 1 36 121 = 370, / 5 = 74.
    assert close(aggregation.std_dev([80, 95, 70, 90, 85]), "8.602325267")
    # 70 80 90 100: mean 85, squares 225 25 25 225 = 500, / 4 = 125, √125 = 11.180339887.
    assert close(aggregation.std_dev([70, 80, 90, 100]), "11.180339887")
    assert aggregation.std_dev([88]) == Decimal(0)
    assert aggregation.std_dev([]) is None


def test_case_stats():
    stats = aggregation.case_stats([80, 95, 70, 90, 85])
    assert (stats.n, stats.mean, stats.trimmed_mean, stats.trimmed) == (5, Decimal(84), Decimal(85), True)
    assert aggregation.case_stats([70, 80]).trimmed is False


def test_z_scores_against_the_experts_own_scoring():
    # Expert A: 60 70 80 (mean 70, population sd √(200/3) = 8.164965809): z = −1.2247, 0, +1.2247.
    # Expert B gives 85 everywhere: sd 0, every z is 0.
    totals = {("A", 1): 60, ("A", 2): 70, ("A", 3): 80, ("B", 1): 85, ("B", 2): 85, ("B", 3): 85}
    z = aggregation.z_scores(totals)
    assert close(z[("A", 1)], "-1.224744871")
    assert z[("A", 2)] == Decimal(0)
    assert close(z[("A", 3)], "1.224744871")
    assert {z[("B", c)] for c in (1, 2, 3)} == {Decimal(0)}


def test_expert_flagged_far_when_some_abs_z_reaches_two():
    # Expert C: 50 on case 1 and 90 on cases 2..5: mean 82, deviations −32 8 8 8 8, squares 1024 + 4×64
    # = 1280, / 5 = 256, sd 16; z = −2 on case 1 (flagged), 0.5 elsewhere; mean |z| = (2 + 4×0.5) / 5 = 0.8.
    totals = {("C", 1): 50, **{("C", c): 90 for c in range(2, 6)}}
    totals.update({("D", c): 80 + c for c in range(1, 6)})
    stats = aggregation.expert_stats(totals)
    assert stats["C"].far is True
    assert stats["C"].max_abs_z == Decimal(2)
    assert stats["C"].mean_abs_z == Decimal("0.8")
    assert stats["C"].mean == Decimal(82)
    # D: 81..85, mean 83, sd √2: largest |z| = 2/√2 = 1.414 < 2, not flagged.
    assert stats["D"].far is False
    assert close(stats["D"].max_abs_z, "1.414213562")
    # Difference from the panel: case means 65.5, 86, 86.5, 87, 87.5; C − mean: −15.5 4 3.5 3 2.5 → −0.5.
    assert stats["C"].mean_offset == Decimal("-0.5")
    assert stats["D"].mean_offset == Decimal("0.5")
