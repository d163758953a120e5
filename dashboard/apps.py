from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Statistics (统计分析)")

    def ready(self):
        from dashboard import rules  # noqa: F401 - registers the page's permission
