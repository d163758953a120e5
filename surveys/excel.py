"""The results of a dispatch as an Excel workbook: a summary per question, every submitted answer (one
row per enterprise), and the cross-tabulations by division and by recognition kind. Every cell goes
through ``zaozhuang_titles.excel.write_row``: an enterprise's text that looks like a formula stays text."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from enterprises.models import Recognition
from surveys.models import Answer, QuestionKind, Response
from surveys.results import dispatch_results
from zaozhuang_titles.excel import write_row


def _submitted(dispatch, enterprises):
    responses = Response.objects.filter(recipient__dispatch=dispatch, status=Response.Status.SUBMITTED)
    return responses if enterprises is None else responses.filter(recipient__enterprise__in=enterprises)


def _answers_by_response(dispatch, enterprises):
    """{response id: {question id: text of the answer}} of the submitted answers (one query)."""
    values = {}
    rows = (
        Answer.objects.filter(response__in=_submitted(dispatch, enterprises))
        .values("response_id", "question_id", "question__kind", "option__label", "number", "text")
        .order_by("response_id", "question_id", "option__position", "option_id")
    )
    for row in rows:
        kind = row["question__kind"]
        if kind in QuestionKind.CHOICES:
            text = row["option__label"]
        elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            value = row["number"]
            text = int(value) if value == value.to_integral_value() else float(value)
        else:
            text = row["text"]
        cell = values.setdefault(row["response_id"], {})
        if kind == QuestionKind.MULTIPLE and row["question_id"] in cell:
            cell[row["question_id"]] += "；" + text
        else:
            cell[row["question_id"]] = text
    return values


def _kinds_by_enterprise(dispatch, today, enterprises):
    """{enterprise id: labels of its recognitions valid today} of the enterprises that submitted (one query)."""
    kinds = {}
    submitted = _submitted(dispatch, enterprises)
    rows = (
        Recognition.objects.filter(enterprise_id__in=submitted.values("recipient__enterprise_id"))
        .exclude(expires_on__lt=today)
        .order_by("enterprise_id", "kind")
    )
    for recognition in rows:
        labels = kinds.setdefault(recognition.enterprise_id, [])
        if recognition.get_kind_display() not in labels:
            labels.append(recognition.get_kind_display())
    return kinds


def _cross_sheet(workbook, title, results, key):
    sheet = workbook.create_sheet(title)
    for item in results:
        if item["kind"] not in QuestionKind.COUNTED:
            continue
        write_row(sheet, [f"{item['number']}. {item['question'].text}"])
        write_row(sheet, ["", _("Enterprises answering"), *item["categories"]])
        for row in item[key]:
            write_row(sheet, [str(row["label"]), row["respondents"], *row["counts"]])
        write_row(sheet, [])


def results_workbook(dispatch, *, enterprises=None):
    """The workbook's bytes: of every enterprise's answers, or of ``enterprises`` (a queryset) only."""
    today = timezone.localdate()
    results = dispatch_results(dispatch, today=today, enterprises=enterprises)
    workbook = Workbook(write_only=True)

    summary = workbook.create_sheet(_("Summary"))
    write_row(
        summary, [dispatch.questionnaire.title, _("Version %(version)s") % {"version": dispatch.questionnaire.version}]
    )
    write_row(summary, [_("Answer deadline"), dispatch.deadline.isoformat()])
    write_row(summary, [])
    write_row(summary, [_("No."), _("Question"), _("Question kind"), _("Answer"), _("Enterprises"), _("Share (%)")])
    for item in results:
        question = item["question"]
        head = [item["number"], question.text, question.get_kind_display()]
        if item["kind"] in QuestionKind.COUNTED:
            for row in item["rows"]:
                write_row(summary, [*head, row["label"], row["count"], row["percent"]])
        if "stats" in item:
            stats = item["stats"]
            write_row(summary, [*head, _("Average"), stats["mean"], ""])
            write_row(summary, [*head, _("Smallest"), float(stats["low"]), ""])
            write_row(summary, [*head, _("Largest"), float(stats["high"]), ""])
        if item["kind"] in QuestionKind.TEXT or item["kind"] == QuestionKind.NUMBER:
            write_row(summary, [*head, _("Answered"), item["respondents"], ""])

    questions = [item["question"] for item in results]
    sheet = workbook.create_sheet(_("Answers"))
    write_row(
        sheet,
        [
            _("Enterprise"),
            _("Unified social credit code"),
            _("Division"),
            _("Recognitions valid today"),
            _("Answered by"),
            _("First submitted"),
            _("Last saved"),
            *[f"{number}. {question.text}" for number, question in enumerate(questions, start=1)],
        ],
    )
    responses = list(
        _submitted(dispatch, enterprises)
        .select_related("recipient__enterprise__division", "contact")
        .order_by("recipient__enterprise__name", "id")
    )
    answers = _answers_by_response(dispatch, enterprises)
    kinds = _kinds_by_enterprise(dispatch, today, enterprises)
    for response in responses:
        enterprise = response.recipient.enterprise
        given = answers.get(response.pk, {})
        write_row(
            sheet,
            [
                enterprise.name,
                enterprise.credit_code,
                enterprise.division.name,
                "；".join(kinds.get(enterprise.pk, [])),
                response.contact.name,
                timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(response.updated_at).strftime("%Y-%m-%d %H:%M"),
                *[given.get(question.pk, "") for question in questions],
            ],
            where=f"{_('Answers')} {enterprise.name}",
        )

    _cross_sheet(workbook, _("By division"), results, "by_division")
    _cross_sheet(workbook, _("By recognition kind"), results, "by_kind")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
