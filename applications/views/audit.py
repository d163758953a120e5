"""Pages of auditing staff: queues, the application's page, and the actions of every role."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.selectors import batches_accepting


class DistrictQueueView(PermissionRequiredMixin, TemplateView):
    """区县初审 — applications from the staff member's own division waiting for first audit."""

    permission_required = "applications.view_district_queue"
    template_name = "applications/district_queue.html"


class CityQueueView(PermissionRequiredMixin, TemplateView):
    """市级复审 — applications waiting for the city's second audit, and the campaign's tools."""

    permission_required = "applications.view_city_queue"
    template_name = "applications/city_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=list(batches_accepting()), **kwargs)
