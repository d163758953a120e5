"""django-axes (登录失败锁定) as the portal installs it: its admin section named in Chinese.

django-axes ships no zh_Hans catalogue and names its app "Axes"; its models, fields and filters use
English msgids of the ``django`` domain. The app is installed through ``LoginSecurityConfig`` (a name
for its admin section), and its msgids are listed here so that ``make messages`` keeps them in our
catalogues, which LOCALE_PATHS puts before the library's.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class LoginSecurityConfig(AxesAppConfig):
    verbose_name = _("Login security")


#: The msgids django-axes (models and admin) and Django's admin pages use without a zh_Hans string.
THIRD_PARTY_MESSAGES = [
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # Django's admin index: the hidden headings of each app's table (read by screen readers).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # Django's admin page that adds a user.
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
