"""Pages of enterprise contacts and service commissioners."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class ContactHomeView(PermissionRequiredMixin, TemplateView):
    """本单位 — the enterprise contact's enterprise and its employees' applications."""

    permission_required = "enterprises.view_contact_home"
    template_name = "enterprises/contact_home.html"


class CommissionerHomeView(PermissionRequiredMixin, TemplateView):
    """一企一员 — the enterprises a service commissioner serves."""

    permission_required = "enterprises.view_commissioner_home"
    template_name = "enterprises/commissioner_home.html"
