from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zaozhuang_titles"
    verbose_name = _("Accounts, divisions and audit")

    def ready(self):
        from zaozhuang_titles import signals  # noqa: F401  (connects the audit receivers)
