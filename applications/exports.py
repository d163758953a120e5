"""What the portal exports of applications (``zaozhuang_titles.exports``): the applications kind's own
columns, and the staff queues (区县初审, 市级复审) as lists to export with their filters and tabs.

``reviews.exports`` adds the review's columns (scores, votes and result) to this kind.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.forms_audit import ALL, QueueFilterForm
from applications.models import Channel, Level, Status
from applications.selectors import QUEUE_STATUS, QUEUE_STATUSES, queue_rows
from zaozhuang_titles.exports import (
    Column,
    ExportRefused,
    Part,
    Source,
    datetime_of,
    describe,
    label_of,
    register_kind,
    register_source,
)
from zaozhuang_titles.rules import is_city_admin, is_district_staff

register_kind(
    "applications",
    label=gettext_lazy("Applications"),
    parts=[
        Part(
            fields=(
                "number",
                "applicant__real_name",
                "applicant__id_number",
                "applicant__mobile",
                "enterprise__name",
                "enterprise__credit_code",
                "enterprise__division__name",
                "batch__name",
                "batch__channel",
                "batch__level",
                "specialty",
                "status",
                "revision",
                "submitted_at",
                "status_changed_at",
            ),
            columns=(
                Column(gettext_lazy("Application number"), "number", width=14),
                Column(gettext_lazy("Name"), "applicant__real_name", width=10),
                Column(gettext_lazy("ID number"), "applicant__id_number", personal="id_number", width=20),
                Column(gettext_lazy("Mobile number"), "applicant__mobile", personal="mobile", width=13),
                Column(gettext_lazy("Employer"), "enterprise__name", width=32),
                Column(gettext_lazy("Unified social credit code"), "enterprise__credit_code", width=20),
                Column(gettext_lazy("Division"), "enterprise__division__name", width=10),
                Column(gettext_lazy("Batch"), "batch__name", width=24),
                Column(gettext_lazy("Channel"), label_of(Channel, "batch__channel"), width=20),
                Column(gettext_lazy("Level"), label_of(Level, "batch__level"), width=12),
                Column(gettext_lazy("Specialty"), "specialty", width=16),
                Column(gettext_lazy("Status"), label_of(Status, "status"), width=16),
                Column(gettext_lazy("Submissions"), "revision", width=8),
                Column(gettext_lazy("Submitted at"), datetime_of("submitted_at"), width=17),
                Column(gettext_lazy("Status changed at"), datetime_of("status_changed_at"), width=17),
            ),
        )
    ],
)


#: Who may export each queue: the queue's own readers (the task asks again with the account as it is then).
QUEUE_READERS = {"district": is_district_staff, "city": is_city_admin}


def queue_source(stage):
    """The audit queue of ``stage`` as a list to export: the tab (status) and filters of its page."""
    statuses = Status.in_order(QUEUE_STATUSES[stage])

    def select(user, params):
        if not QUEUE_READERS[stage](user):
            raise ExportRefused(_("You may not export this queue."))
        form = QueueFilterForm(params, statuses=statuses, with_division=stage == "city")
        filters = form.filters()
        tab = filters["status"] or QUEUE_STATUS[stage]
        rows = queue_rows(
            user,
            stage,
            status=None if tab == ALL else tab,
            batch=filters["batch"],
            division=filters["division"],
            query=filters["query"],
        )
        description = describe(
            [
                (_("Status"), _("All in my scope") if tab == ALL else Status(tab).label),
                (_("Batch"), filters["batch"]),
                (_("Division"), filters["division"]),
                (_("Search"), filters["query"]),
            ]
        )
        return rows, description

    def back_url(params):
        url = reverse(f"applications:{stage}_queue")
        return f"{url}?{params.urlencode()}" if params else url

    return Source(name=f"applications.{stage}_queue", kind="applications", select=select, back_url=back_url)


register_source(queue_source("district"))
register_source(queue_source("city"))
