"""What the portal exports of the review (``zaozhuang_titles.exports``): the review's columns of an
application (its meeting, the experts' scores, the vote and its result), added to the applications kind
for city staff; and the expert pool in the import's columns (``reviews.excel``).

Scores as the ranking counts them (``reviews.selectors.scoring.counted_totals``): the totals of the
submitted assignments of experts who did not recuse, their mean (平均分) and the trimmed mean (最终得分:
the highest and the lowest dropped from five scores on, ``reviews.aggregation``). The vote's counts
exist once the vote is closed (the ballot is secret until then). An application reviewed at more than
one meeting (a case reopened) shows its latest.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy

from reviews import aggregation
from reviews.excel import COLUMNS, LEVEL_EXPORT
from reviews.models import Case, Expert, Score
from zaozhuang_titles.exports import Column, Part, date_of, extend_kind, label_of, register_kind
from zaozhuang_titles.rules import is_city_admin

CENT = Decimal("0.01")


def _rounded(value):
    return value.quantize(CENT) if value is not None else None


def _reviews(rows):
    """The latest case of each application of the chunk, with its score statistics: two queries."""
    cases = {}
    for case in (
        Case.objects.filter(application_id__in=[row["pk"] for row in rows])
        .order_by("application_id", "id")
        .values("id", "application_id", "meeting__name", "present", "yes", "no", "abstain", "result")
    ):
        cases[case["application_id"]] = case  # ordered by id: the latest wins
    totals = defaultdict(list)
    scores = (
        Score.objects.filter(
            assignment__case_id__in=[case["id"] for case in cases.values()],
            assignment__submitted_at__isnull=False,
            assignment__conflict_declared_at__isnull=True,
            points__isnull=False,
        )
        .order_by()
        .values("assignment_id", "assignment__case_id")
        .annotate(total=Sum("points"))
        .values_list("assignment__case_id", "total")
    )
    for case_id, total in scores:
        totals[case_id].append(total)
    for row in rows:
        case = cases.get(row["pk"])
        stats = aggregation.case_stats(totals[case["id"]]) if case is not None else None
        row["review"] = case or {}
        row["scored_by"] = stats.n if stats is not None and stats.n else None
        row["mean"] = _rounded(stats.mean) if stats is not None else None
        row["final"] = _rounded(stats.trimmed_mean) if stats is not None else None


_result = label_of(Case.Result, "result")


def _vote(key):
    return lambda row: row["review"].get(key)


extend_kind(
    "applications",
    Part(
        lookup=_reviews,
        # The committee's figures are the city's (the ranking and the votes are city pages).
        shown_to=is_city_admin,
        columns=(
            Column(gettext_lazy("Review meeting"), lambda row: row["review"].get("meeting__name", ""), width=24),
            Column(gettext_lazy("Experts who scored"), "scored_by", width=8),
            Column(gettext_lazy("Average score"), "mean", width=9),
            Column(gettext_lazy("Final score (trimmed mean)"), "final", width=9),
            Column(gettext_lazy("Experts present for the vote"), _vote("present"), width=8),
            *(Column(Case._meta.get_field(key).verbose_name, _vote(key), width=6) for key in ("yes", "no", "abstain")),
            Column(gettext_lazy("Result"), lambda row: _result(row["review"]) if row["review"] else "", width=12),
        ),
    ),
)


def _specialties(rows):
    """The specialties of each expert of the chunk, joined as the import reads them: one query."""
    names = defaultdict(list)
    through = Expert.specialties.through.objects.filter(expert_id__in=[row["pk"] for row in rows])
    for expert_id, name in through.order_by("specialty__name").values_list("expert_id", "specialty__name"):
        names[expert_id].append(name)
    for row in rows:
        row["specialties"] = "、".join(names[row["pk"]])


HEADERS = dict(COLUMNS)

register_kind(
    "experts",
    label=gettext_lazy("Experts"),
    parts=[
        Part(
            fields=(
                "user__real_name",
                "user__mobile",
                "title_name",
                "title_level",
                "employer_name",
                "employer_credit_code",
                "term_starts",
                "term_ends",
                "is_active",
            ),
            lookup=_specialties,
            columns=(
                Column(HEADERS["real_name"], "user__real_name", width=12),
                Column(HEADERS["mobile"], lambda row: row["user__mobile"] or "", personal="mobile", width=14),
                Column(HEADERS["title_name"], "title_name", width=16),
                Column(HEADERS["title_level"], lambda row: LEVEL_EXPORT.get(row["title_level"], ""), width=10),
                Column(HEADERS["specialties"], "specialties", width=28),
                Column(HEADERS["employer_name"], "employer_name", width=32),
                Column(HEADERS["employer_credit_code"], "employer_credit_code", width=22),
                Column(HEADERS["term_starts"], date_of("term_starts"), width=12),
                Column(HEADERS["term_ends"], date_of("term_ends"), width=12),
                Column(HEADERS["is_active"], lambda row: "是" if row["is_active"] else "否", width=6),
            ),
        )
    ],
)
