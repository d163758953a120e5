"""Text messages (短信) through a pluggable backend.

``send_sms(mobile=..., text=..., purpose=...)`` builds an unsaved ``SmsMessage`` and hands it to the
backend named by the ``SMS_BACKEND`` setting (a dotted path, from the environment variable of the same
name). A backend is a class, instantiated without arguments, with one method ``send(message)`` that
delivers ``message.mobile`` / ``message.text`` and raises ``SmsError`` when it cannot. See README.md,
"Text messages".

The default, ``ConsoleAndDatabaseBackend``, is for development and demos: it sends nothing, logs the
message and keeps it in the ``SmsMessage`` table, where city staff read it in Django admin. With DEBUG
off it leaves the text (which may hold a code) out of the log. A system check
(``zaozhuang_titles.E002``) refuses an SMS_BACKEND that cannot be imported.
"""

import logging

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from zaozhuang_titles.masking import mask_mobile
from zaozhuang_titles.models import SmsMessage

logger = logging.getLogger("zaozhuang_titles.sms")

DEVELOPMENT_BACKEND = "zaozhuang_titles.sms.ConsoleAndDatabaseBackend"


class SmsError(Exception):
    """A backend could not deliver a message."""


class ConsoleAndDatabaseBackend:
    """Development backend: logs the message (the text only with DEBUG on) and stores it in ``SmsMessage``."""

    def send(self, message):
        if settings.DEBUG:
            logger.info("SMS to %s (%s): %s", message.mobile, message.purpose, message.text)
        else:
            logger.info("SMS to %s (%s) kept in the database, not sent", mask_mobile(message.mobile), message.purpose)
        message.status = SmsMessage.Status.SENT
        message.save()


def get_backend(path=None):
    """An instance of the backend at ``path`` (default: the SMS_BACKEND setting)."""
    return import_string(path or getattr(settings, "SMS_BACKEND", DEVELOPMENT_BACKEND))()


def send_sms(*, mobile, text, purpose):
    """Send ``text`` to ``mobile`` through the configured backend; returns the (maybe unsaved) message.

    ``purpose`` says why (for example ``otp:sign_nomination``); it is kept with the message. Raises
    ``SmsError`` when the backend cannot deliver.
    """
    backend_path = getattr(settings, "SMS_BACKEND", DEVELOPMENT_BACKEND)
    message = SmsMessage(mobile=mobile, text=str(text), purpose=purpose, backend=backend_path)
    message.full_clean(exclude=["status"])
    get_backend(backend_path).send(message)
    return message


@checks.register()
def check_sms_backend(app_configs=None, **kwargs):
    """zaozhuang_titles.E002: SMS_BACKEND must name an importable class with a send(message) method."""
    path = getattr(settings, "SMS_BACKEND", DEVELOPMENT_BACKEND)
    try:
        backend = import_string(path)
    except ImportError as error:
        return [checks.Error(f"SMS_BACKEND={path!r} cannot be imported: {error}", id="zaozhuang_titles.E002")]
    if not callable(getattr(backend, "send", None)):
        return [checks.Error(f"SMS_BACKEND={path!r} has no send(message) method.", id="zaozhuang_titles.E002")]
    return []
