"""Pages of the enterprise: the contact's internal notice and forwarding, the chairman's nomination."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class ChairmanHomeView(PermissionRequiredMixin, TemplateView):
    """署名举荐 — the nominees waiting for the chairman's ranking and signature."""

    permission_required = "applications.view_chairman_home"
    template_name = "applications/chairman_home.html"
