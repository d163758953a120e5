"""统计分析 — the statistics page, its charts' JSON and the Excel download of each table.

All three read the same filters (``StatisticsFilterForm``) and build the same tables
(``dashboard.tables``) from the same figures, kept a short while in the cache
(``dashboard.selectors.statistics_figures_kept``), so a chart, its table and its download cannot
disagree. A district reader sees its own division; asking for another division answers 404, as any
object outside its scope does.
"""

import io
import math
import re

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.styles import Font
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Batch
from dashboard.forms import ALL_BATCHES, StatisticsFilterForm
from dashboard.selectors import Filters, own_division_id, statistics_figures_kept
from dashboard.tables import TABLE_KEYS, chart_data, statistics_tables
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.excel import write_row
from zaozhuang_titles.models import AuditEvent, Division


class StatisticsMixin(PermissionRequiredMixin):
    """Reads the filters and builds the tables for the reader."""

    permission_required = "dashboard.view_statistics"

    def load(self):
        user = self.request.user
        batches = list(Batch.objects.order_by("-year", "-opens_at", "-id"))
        divisions = list(Division.objects.order_by("ordering", "code"))
        form = StatisticsFilterForm(self.request.GET or None, batches=batches, divisions=divisions)
        batch, division = form.chosen(batches[0] if batches else None)
        own = own_division_id(user)
        if own is not None:
            if division is not None and division.pk != own:
                raise Http404(_("You see the statistics of your own division only."))
            divisions = [d for d in divisions if d.pk == own]
            division = divisions[0] if divisions else None
        elif division is not None:
            divisions = [division]
        filters = Filters(batch=batch, division_id=division.pk if division is not None else None)
        figures, as_of = statistics_figures_kept(user, filters, batches=[batch] if batch is not None else batches)
        self.form, self.batch, self.division, self.own, self.as_of = form, batch, division, own, as_of
        return statistics_tables(user, filters, figures, divisions=divisions)

    def query(self):
        """The filters as the page shows them, for the JSON and export links."""
        params = self.request.GET.copy()
        for key in list(params):
            if key not in ("batch", "division"):
                params.pop(key)
        if "batch" not in params:
            params["batch"] = str(self.batch.pk) if self.batch is not None else ALL_BATCHES
        return params.urlencode()


class StatisticsView(StatisticsMixin, TemplateView):
    """The page: each table beside its chart; the charts are drawn by static/js/statistics.js from
    ``StatisticsDataView``."""

    template_name = "dashboard/statistics.html"

    def get_context_data(self, **kwargs):
        tables = self.load()
        query = self.query()
        return super().get_context_data(
            tables=tables,
            form=self.form,
            batch=self.batch,
            division=self.division,
            district_only=self.own is not None,
            query=query,
            data_url=f"{reverse('dashboard:data')}?{query}",
            as_of=timezone.localtime(self.as_of),
            kept_minutes=math.ceil(settings.STATISTICS_CACHE_SECONDS / 60),
            **kwargs,
        )


class StatisticsDataView(StatisticsMixin, View):
    """The charts as JSON: for each table its rows' labels and the charted columns with their links."""

    def get(self, request):
        tables = self.load()
        if self.form.is_bound and self.form.errors:
            messages = [message for errors in self.form.errors.values() for message in errors]
            return JsonResponse({"errors": messages}, status=400, json_dumps_params={"ensure_ascii": False})
        return JsonResponse(
            {"as_of": timezone.localtime(self.as_of).isoformat(), "charts": [chart_data(table) for table in tables]},
            json_dumps_params={"ensure_ascii": False},
        )


class StatisticsExportView(StatisticsMixin, View):
    """One table as an Excel workbook: its header and rows as the page shows them (values, never a
    formula), recorded in the audit log with the filters and the number of rows."""

    def get(self, request, table):
        if table not in TABLE_KEYS:
            raise Http404(_("There is no such table."))
        tables = self.load()
        if self.form.is_bound and self.form.errors:
            # The page says what is wrong with the filters; nothing is exported for a filter refused.
            return redirect(f"{reverse('dashboard:statistics')}?{request.GET.urlencode()}")
        chosen = next(t for t in tables if t["key"] == table)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", chosen["title"])[:31]
        scope = [self.batch.name if self.batch is not None else _("All batches")]
        if self.division is not None:
            scope.append(self.division.name)
        write_row(sheet, [chosen["title"], " · ".join(scope)], font=Font(bold=True), where="statistics export")
        write_row(sheet, chosen["columns"], font=Font(bold=True), where="statistics export")
        for row in chosen["rows"]:
            write_row(
                sheet,
                [row["label"], *[cell["value"] if cell["value"] is not None else "" for cell in row["cells"]]],
                where=f"statistics export, {table}",
            )
        audit_record(
            kind=AuditEvent.Kind.EXPORTED,
            request=request,
            detail={"what": f"statistics:{table}", "rows": len(chosen["rows"]), "filters": self.query()},
        )
        response = HttpResponse(
            _workbook_bytes(workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="statistics-{table}-{timezone.localdate():%Y%m%d}.xlsx"'
        )
        return response


def _workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
