"""The statistics page's tables, built from the figures of ``dashboard.selectors``: one structure that the
page renders as tables (the accessible truth), the JSON endpoint turns into charts, and the Excel export
writes. Each number carries the URL of the filtered list behind it: the admin's list of applications,
of transitions (the moves a decision counts), of objections or of service log entries, or the meeting's
ranking.

A table is ``{"key", "title", "note", "columns": [label, ...], "rows": [row, ...], "chart": {...}}``, a row
``{"label", "url", "cells": [cell, ...]}``, a cell ``{"value", "display", "url"}`` (``value`` a number or None).
"""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.models import Channel, Status
from dashboard.selectors import (
    DECISION_STEPS,
    LIMITED_STEPS,
    REFUSED,
    RETURNED,
    TIMED_STEPS,
    WITHDRAWN,
    division_of,
    visible_statuses,
)
from enterprises.models import RecognitionKind, ServiceLog
from results.models import Objection
from reviews.models import Meeting
from zaozhuang_titles.rules import is_city_admin

#: The tables in the order of the page; the export and the JSON endpoint accept these keys only.
TABLE_KEYS = (
    "status",
    "division",
    "kind",
    "channel",
    "decisions",
    "durations",
    "overdue",
    "meetings",
    "objections",
    "service",
)


def _url(name, params):
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


class Links:
    """The URLs of the lists behind the numbers, for one reader and its filters."""

    def __init__(self, user, filters):
        self.batch_id = filters.batch.pk if filters.batch is not None else None
        self.division_id = division_of(user, filters)
        self.statuses = visible_statuses(user)
        self.city = is_city_admin(user)

    def applications(self, **params):
        """The admin's application list: the reader's statuses unless one is named."""
        base = {"batch__id__exact": self.batch_id, "enterprise__division__id__exact": self.division_id}
        if "status__exact" not in params:
            base["status__in"] = ",".join(self.statuses)
        return _url("admin:applications_application_changelist", {**base, **params})

    def transitions(self, step, targets=None):
        """The admin's transition log: the moves out of ``step`` (to ``targets``)."""
        params = {
            "application__batch__id__exact": self.batch_id,
            "application__enterprise__division__id__exact": self.division_id,
            "from_status__exact": step,
        }
        if targets:
            params["to_status__in"] = ",".join(sorted(targets))
        return _url("admin:applications_transition_changelist", params)

    def objections(self, status, outcome):
        params = {
            "entry__application__batch__id__exact": self.batch_id,
            "entry__application__enterprise__division__id__exact": self.division_id,
            "status__exact": status,
            "outcome__exact": outcome,
        }
        return _url("admin:results_objection_changelist", params)

    def service(self, month, **params):
        following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        base = {
            "occurred_on__gte": month.isoformat(),
            "occurred_on__lt": following.isoformat(),
            "enterprise__division__id__exact": self.division_id,
        }
        return _url("admin:enterprises_servicelog_changelist", {**base, **params})

    def ranking(self, meeting_id):
        """The meeting's ranking (scores per case), for city staff; district staff have no meeting pages."""
        return reverse("reviews:meeting_ranking", kwargs={"pk": meeting_id}) if self.city else None


def _cell(value, url=None, *, display=None):
    if display is None:
        display = "—" if value is None else number_format(value, use_l10n=True)
    return {"value": value, "display": display, "url": url if value is not None else None}


def _percent(fraction):
    return None if fraction is None else round(fraction * 100, 1)


def _percent_cell(fraction, url=None):
    value = _percent(fraction)
    return _cell(value, url, display="—" if value is None else f"{number_format(value, 1)}%")


def _days_cell(days, url=None):
    value = None if days is None else round(days, 1)
    return _cell(value, url, display="—" if value is None else number_format(value, 0 if value == int(value) else 1))


def _table(key, title, columns, rows, *, note="", chart=None):
    return {"key": key, "title": title, "note": note, "columns": columns, "rows": rows, "chart": chart or {}}


def _chart(series, *, kind="bar", horizontal=False, stacked=False, unit=""):
    """Which columns (indexes into ``cells``) the chart draws, and how."""
    return {"type": kind, "series": series, "horizontal": horizontal, "stacked": stacked, "unit": unit}


def status_table(figures, links, user):
    counts = figures["counts"]["status"]
    rows = [
        {
            "label": str(Status(status).label),
            "url": None,
            "cells": [_cell(counts.get(status, 0), links.applications(status__exact=status))],
        }
        for status in visible_statuses(user)
    ]
    return _table(
        "status",
        _("Applications by status"),
        [_("Status"), pgettext("statistics", "Applications")],
        rows,
        note=_("From the counts kept with every move of an application."),
        chart=_chart([0], horizontal=True),
    )


def division_table(figures, links, divisions):
    counts = figures["counts"]["division"]
    rows = [
        {
            "label": division.name,
            "url": None,
            "cells": [
                _cell(counts.get(division.pk, 0), links.applications(enterprise__division__id__exact=division.pk))
            ],
        }
        for division in divisions
    ]
    return _table(
        "division",
        _("Applications by division"),
        [_("Division"), pgettext("statistics", "Applications")],
        rows,
        chart=_chart([0]),
    )


def kind_table(figures, links):
    kinds = figures["kinds"]
    rows = [
        {
            "label": str(RecognitionKind(kind).label),
            "url": None,
            "cells": [_cell(kinds[kind], links.applications(kind=kind))],
        }
        for kind in RecognitionKind.values
    ]
    rows.append(
        {
            "label": _("No recognition recorded"),
            "url": None,
            "cells": [_cell(kinds[""], links.applications(kind="none"))],
        }
    )
    return _table(
        "kind",
        _("Applications by the enterprise's recognition"),
        [_("Recognition"), pgettext("statistics", "Applications")],
        rows,
        note=_("An enterprise holding recognitions of several kinds counts under each of them."),
        chart=_chart([0], horizontal=True),
    )


def channel_table(figures, links):
    counts = figures["counts"]["channel"]
    rows = [
        {
            "label": str(Channel(channel).label),
            "url": None,
            "cells": [_cell(counts.get(channel, 0), links.applications(batch__channel__exact=channel))],
        }
        for channel in Channel.values
    ]
    return _table(
        "channel",
        _("Applications by channel"),
        [_("Channel"), pgettext("statistics", "Applications")],
        rows,
        chart=_chart([0]),
    )


def _step_label(step):
    if step == Status.IN_REVIEW:
        return _("Review and vote (评审表决)")
    return str(Status(step).label)


def decisions_table(figures, links):
    rows = []
    for step in DECISION_STEPS:
        row = figures["steps"][step]
        passed = DECISION_STEPS[step]
        refused = {Status.NOT_PASSED} if step == Status.IN_REVIEW else {Status.REJECTED}
        rows.append(
            {
                "label": _step_label(step),
                "url": links.applications(status__exact=step),
                "cells": [
                    _cell(row["passed"], links.transitions(step, passed)),
                    _cell(row[RETURNED], links.transitions(step, {Status.RETURNED})),
                    _cell(row[REFUSED], links.transitions(step, refused)),
                    _cell(row[WITHDRAWN], links.transitions(step, {Status.WITHDRAWN})),
                    _percent_cell(row["pass_rate"], links.transitions(step, passed | refused)),
                ],
            }
        )
    return _table(
        "decisions",
        _("Pass rate at each step"),
        [
            _("Step"),
            _("Passed"),
            _("Returned for correction"),
            _("Rejected or not passed"),
            _("Withdrawn"),
            _("Pass rate (%)"),
        ],
        rows,
        note=_(
            "Counted from the transition log. Pass rate = passed ÷ (passed + rejected or not passed) at that "
            "step; a return for correction is not a decision, since the application comes back."
        ),
        chart=_chart([4], unit="%"),
    )


def durations_table(figures, links):
    rows = []
    for step in TIMED_STEPS:
        row = figures["steps"][step]
        url = links.transitions(step)
        rows.append(
            {
                "label": _step_label(step),
                "url": links.applications(status__exact=step),
                "cells": [_cell(row["stays"], url), _days_cell(row["median"], url), _days_cell(row["p90"], url)],
            }
        )
    return _table(
        "durations",
        _("Working days spent at each step"),
        [_("Step"), _("Completed stays"), _("Median (working days)"), _("90th percentile (working days)")],
        rows,
        note=_(
            "From the day an application arrived at a step to the day it left it, in working days of the "
            "holiday calendar (节假日安排); applications still at a step are not counted here."
        ),
        chart=_chart([1, 2], horizontal=True),
    )


def overdue_table(figures, links, divisions, batch):
    waiting = figures["waiting"]
    rows = []
    for division in divisions:
        cells = []
        for step in LIMITED_STEPS:
            counted = waiting.get((division.pk, step), {"waiting": 0, "overdue": 0})
            params = {"status__exact": step, "enterprise__division__id__exact": division.pk}
            cells.append(_cell(counted["waiting"], links.applications(**params)))
            cells.append(_cell(counted["overdue"], links.applications(overdue="1", **params)))
        rows.append({"label": division.name, "url": None, "cells": cells})
    district, city = (str(Status(step).label) for step in LIMITED_STEPS)
    if batch is not None:
        note = _(
            "Overdue: waiting longer than the batch's %(days)s working days allowed at an audit step "
            "(批次设置), counted from the day the application arrived."
        ) % {"days": batch.step_time_limit_days}
    else:
        note = _("Overdue: waiting longer than its batch's working days allowed at an audit step (批次设置).")
    return _table(
        "overdue",
        _("Waiting and overdue at the audit steps, by division"),
        [
            _("Division"),
            _("%(step)s: waiting") % {"step": district},
            _("%(step)s: overdue") % {"step": district},
            _("%(step)s: waiting") % {"step": city},
            _("%(step)s: overdue") % {"step": city},
        ],
        rows,
        note=note,
        chart=_chart([1, 3], stacked=False),
    )


def meetings_table(figures, links):
    rows = []
    for meeting in figures["meetings"]:
        url = links.ranking(meeting["meeting_id"])
        status = Meeting.Status(meeting["status"]).label
        rows.append(
            {
                "label": f"{meeting['name']} ({meeting['held_on']:%Y-%m-%d}, {status})",
                "url": url,
                "cells": [
                    _cell(meeting["cases"], url),
                    _cell(meeting["assignments"], url),
                    _cell(meeting["submitted"], url),
                    _cell(meeting["recused"], url),
                    _percent_cell(meeting["progress"], url),
                    _cell(meeting["decided"], url),
                ],
            }
        )
    return _table(
        "meetings",
        _("Expert scoring progress per meeting"),
        [
            _("Meeting"),
            _("Cases"),
            _("Scoring assignments"),
            _("Scores submitted"),
            _("Recused (回避)"),
            _("Progress (%)"),
            _("Cases voted"),
        ],
        rows,
        note=_("Progress = scores submitted ÷ scoring assignments, recused experts not counted."),
        chart=_chart([4], horizontal=True, unit="%"),
    )


def objections_table(figures, links):
    counts = figures["objections"]
    outcomes = [
        (Objection.Status.OPEN, "", _("Received, not yet investigated")),
        (Objection.Status.INVESTIGATING, "", _("Being investigated")),
        (Objection.Status.UPHELD, Objection.Outcome.REVIEW_AGAIN, _("Upheld: back to review")),
        (Objection.Status.UPHELD, Objection.Outcome.REJECT, _("Upheld: rejected")),
        (Objection.Status.DISMISSED, "", _("Dismissed")),
    ]
    rows = [
        {
            "label": label,
            "url": None,
            "cells": [_cell(counts.get((status, outcome), 0), links.objections(status, outcome or None))],
        }
        for status, outcome, label in outcomes
    ]
    return _table(
        "objections",
        _("Publicity objections and their outcomes"),
        [_("Outcome"), _("Objections")],
        rows,
        chart=_chart([0]),
    )


def service_table(figures, links):
    rows = []
    for month in figures["service"]:
        day = month["month"]
        if isinstance(day, datetime.datetime):
            day = day.date()
        rows.append(
            {
                "label": f"{day:%Y-%m}",
                "url": None,
                "cells": [
                    _cell(month["enterprises_served"], links.service(day)),
                    _cell(month["visits"], links.service(day, kind__exact=ServiceLog.Kind.VISIT)),
                    _cell(month["consultations"], links.service(day, kind__exact=ServiceLog.Kind.CONSULTATION)),
                    _cell(
                        month["problems_solved"],
                        links.service(day, kind__exact=ServiceLog.Kind.PROBLEM, solved_on__isnull="0"),
                    ),
                ],
            }
        )
    return _table(
        "service",
        _("Service commissioners by month (一企一员)"),
        [
            pgettext("statistics", "Month"),
            _("Enterprises served"),
            _("Visits"),
            _("Consultations (人次)"),
            _("Problems solved"),
        ],
        rows,
        note=_("In the batch's year; problems solved are counted in the month they were raised."),
        chart=_chart([0, 1, 2, 3]),
    )


def statistics_tables(user, filters, figures, *, divisions):
    """Every table of the page, in ``TABLE_KEYS`` order; ``divisions`` are the rows of the division tables."""
    links = Links(user, filters)
    return [
        status_table(figures, links, user),
        division_table(figures, links, divisions),
        kind_table(figures, links),
        channel_table(figures, links),
        decisions_table(figures, links),
        durations_table(figures, links),
        overdue_table(figures, links, divisions, filters.batch),
        meetings_table(figures, links),
        objections_table(figures, links),
        service_table(figures, links),
    ]


def chart_data(table):
    """The JSON of one table's chart: its rows' labels and one dataset per charted column, each value
    with the URL a click on its bar opens."""
    chart = table["chart"]
    datasets = [
        {
            "label": table["columns"][index + 1],
            "data": [row["cells"][index]["value"] for row in table["rows"]],
            "urls": [row["cells"][index]["url"] for row in table["rows"]],
        }
        for index in chart["series"]
    ]
    return {
        "key": table["key"],
        "title": table["title"],
        "type": chart["type"],
        "horizontal": chart["horizontal"],
        "stacked": chart["stacked"],
        "unit": chart["unit"],
        "labels": [row["label"] for row in table["rows"]],
        "datasets": datasets,
    }
