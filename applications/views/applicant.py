"""Pages of the applicant: profile, application, achievements, evidence, timeline."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.selectors import batches_accepting


class ApplicantHomeView(PermissionRequiredMixin, TemplateView):
    """我的申报 — the applicant's applications and the calls it can answer."""

    permission_required = "applications.view_applicant_home"
    template_name = "applications/applicant_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(batches=list(batches_accepting()), **kwargs)
