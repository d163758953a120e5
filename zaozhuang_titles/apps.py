from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zaozhuang_titles"
    verbose_name = _("Accounts, divisions and audit")

    def ready(self):
        # deferred: modules that need the app registry ready (the usual place for receivers and checks)
        from zaozhuang_titles import (
            documents,  # noqa: F401  (registers the pango and CJK font check)
            signals,  # noqa: F401  (connects the audit receivers)
            signing,  # noqa: F401  (registers the signing certificate check)
            sms,  # noqa: F401  (registers the SMS backend check)
        )
