"""The results of a dispatch (问卷结果): counts per question, cross-tabulated by division and by
recognition kind, number statistics, and the free-text answers. Only submitted answers count; drafts
do not.

A fixed number of queries however many answers: the counts are grouped in the database (one query per
table, not per question). The cross-tabulation by recognition kind counts an enterprise under each kind
of recognition it holds valid today (an enterprise with two kinds counts in both rows), and under
"no valid recognition" when it holds none; the page says so.
"""

from django.db.models import Avg, Count, FilteredRelation, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import RecognitionKind
from surveys.models import SCALE_POINTS, Answer, QuestionKind, Response
from surveys.selectors import questions_of
from surveys.services import number_text
from zaozhuang_titles.models import Division

#: Free-text answers listed per question on the page (the Excel export holds them all).
TEXT_SHOWN = 100
#: The row of enterprises without a valid recognition in the cross-tabulation by kind.
NO_KIND = "none"


def submitted_answers(dispatch, *, enterprises=None):
    """The submitted answers of ``dispatch``; of ``enterprises`` only (a queryset) when given."""
    answers = Answer.objects.filter(response__recipient__dispatch=dispatch, response__status=Response.Status.SUBMITTED)
    if enterprises is not None:
        answers = answers.filter(response__recipient__enterprise__in=enterprises)
    return answers


def _categories(question):
    """(key, label) of what a counted question's answers are counted by: its options, or the scale's points."""
    if question.kind == QuestionKind.SCALE:
        return [(point, str(point)) for point in SCALE_POINTS]
    return [(option.pk, option.label) for option in question.options.all()]


def _key(question, row):
    return int(row["number"]) if question.kind == QuestionKind.SCALE else row["option_id"]


def _percent(count, total):
    return round(100 * count / total, 1) if total else 0.0


def _cross(question, categories, counts, respondents, groups):
    """One cross-table: a row per group (label, respondents, a count per category)."""
    rows = []
    for group, label in groups:
        answered = respondents.get((question.pk, group), 0)
        if not answered:
            continue
        rows.append(
            {
                "label": label,
                "respondents": answered,
                "counts": [counts.get((question.pk, group, key), 0) for key, _label in categories],
            }
        )
    return rows


def dispatch_results(dispatch, *, today=None, enterprises=None):
    """Everything the results page, its chart data and the export show, in a fixed number of queries:
    over every enterprise's answers, or over ``enterprises`` (a queryset: a district's or a
    commissioner's share, ``selectors.results_enterprises``) only."""
    today = today or timezone.localdate()
    questions = questions_of(dispatch.questionnaire)
    answers = submitted_answers(dispatch, enterprises=enterprises)
    counted = answers.filter(question__kind__in=QuestionKind.COUNTED)
    division_path = "response__recipient__enterprise__division_id"

    by_pk = {question.pk: question for question in questions}
    totals = {}
    for row in counted.values("question_id", "option_id", "number").annotate(n=Count("id")).order_by():
        totals[(row["question_id"], _key(by_pk[row["question_id"]], row))] = row["n"]
    respondents = {
        row["question_id"]: row["n"]
        for row in answers.values("question_id").annotate(n=Count("response_id", distinct=True)).order_by()
    }
    stats = {
        row["question_id"]: row
        for row in answers.filter(question__kind__in=(QuestionKind.NUMBER, QuestionKind.SCALE))
        .values("question_id")
        .annotate(mean=Avg("number"), low=Min("number"), high=Max("number"))
        .order_by()
    }
    by_division, division_respondents = {}, {}
    for row in counted.values("question_id", "option_id", "number", division_path).annotate(n=Count("id")).order_by():
        by_division[(row["question_id"], row[division_path], _key(by_pk[row["question_id"]], row))] = row["n"]
    for row in answers.values("question_id", division_path).annotate(n=Count("response_id", distinct=True)).order_by():
        division_respondents[(row["question_id"], row[division_path])] = row["n"]

    valid = FilteredRelation(
        "response__recipient__enterprise__recognitions",
        condition=Q(response__recipient__enterprise__recognitions__expires_on__isnull=True)
        | Q(response__recipient__enterprise__recognitions__expires_on__gte=today),
    )
    by_kind, kind_respondents = {}, {}
    kinds = answers.annotate(valid_recognition=valid)
    for row in (
        kinds.filter(question__kind__in=QuestionKind.COUNTED)
        .values("question_id", "option_id", "number", "valid_recognition__kind")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    ):
        kind = row["valid_recognition__kind"] or NO_KIND
        by_kind[(row["question_id"], kind, _key(by_pk[row["question_id"]], row))] = row["n"]
    for row in (
        kinds.values("question_id", "valid_recognition__kind")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    ):
        kind_respondents[(row["question_id"], row["valid_recognition__kind"] or NO_KIND)] = row["n"]

    texts = {}
    for row in (
        answers.filter(question__kind__in=QuestionKind.TEXT)
        .values("question_id", "text", "response_id", "response__recipient__enterprise__name")
        .order_by("question_id", "response__recipient__enterprise__name", "response_id")
    ):
        texts.setdefault(row["question_id"], []).append(row)

    division_ids = {division for _question, division in division_respondents}
    divisions = [
        (division.pk, division.name)
        for division in Division.objects.filter(pk__in=division_ids).order_by("ordering", "code")
    ]
    kind_groups = [(kind.value, kind.label) for kind in RecognitionKind] + [(NO_KIND, _("No valid recognition"))]

    results = []
    for number, question in enumerate(questions, start=1):
        answered = respondents.get(question.pk, 0)
        item = {"question": question, "number": number, "respondents": answered, "kind": question.kind}
        if question.kind in QuestionKind.COUNTED:
            categories = _categories(question)
            item["rows"] = []
            for key, label in categories:
                count = totals.get((question.pk, key), 0)
                item["rows"].append({"label": label, "count": count, "percent": _percent(count, answered)})
            item["categories"] = [label for _key_, label in categories]
            item["by_division"] = _cross(question, categories, by_division, division_respondents, divisions)
            item["by_kind"] = _cross(question, categories, by_kind, kind_respondents, kind_groups)
        if question.kind in (QuestionKind.NUMBER, QuestionKind.SCALE) and question.pk in stats:
            row = stats[question.pk]
            item["stats"] = {
                "mean": round(float(row["mean"]), 2),
                "low": number_text(row["low"]),
                "high": number_text(row["high"]),
            }
        if question.kind in QuestionKind.TEXT:
            listed = texts.get(question.pk, [])
            item["texts"] = listed[:TEXT_SHOWN]
            item["texts_more"] = max(0, len(listed) - TEXT_SHOWN)
        results.append(item)
    return results


def chart_data(results):
    """What the charts draw (the JSON endpoint): the counted questions' categories and counts."""
    return {
        "dataset_label": _("Enterprises"),
        "questions": [
            {
                "id": item["question"].pk,
                "title": f"{item['number']}. {item['question'].text}",
                "labels": [row["label"] for row in item["rows"]],
                "counts": [row["count"] for row in item["rows"]],
                "horizontal": item["kind"] != QuestionKind.SCALE,
            }
            for item in results
            if item["kind"] in QuestionKind.COUNTED
        ],
    }
