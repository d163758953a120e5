"""Pages of applicants, chairmen and auditing staff."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.selectors import batches_accepting


class ApplicantHomeView(PermissionRequiredMixin, TemplateView):
    """我的申报 — the applicant's applications and the calls it can answer."""

    permission_required = "applications.view_applicant_home"
    template_name = "applications/applicant_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=list(batches_accepting()), **kwargs)


class ChairmanHomeView(PermissionRequiredMixin, TemplateView):
    """署名举荐 — the nominees waiting for the chairman's ranking and signature."""

    permission_required = "applications.view_chairman_home"
    template_name = "applications/chairman_home.html"


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
