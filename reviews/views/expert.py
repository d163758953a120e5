"""Pages of experts."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class ExpertHomeView(PermissionRequiredMixin, TemplateView):
    """评审任务 — the applications assigned to the expert."""

    permission_required = "reviews.view_expert_home"
    template_name = "reviews/expert_home.html"
