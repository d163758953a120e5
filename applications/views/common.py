"""Small pieces the applicant's, the enterprise's and the audit's pages share: a service's
``ValidationError`` put on a form or into messages, a date as the UI writes it, and a safe ``next``."""

from django.contrib import messages
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme


def add_errors(form, error):
    """Put a service's ValidationError on the form: on the field it names, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_messages(request, error):
    """Each message of a service's ValidationError as an error message of the page."""
    for message in error.messages:
        messages.error(request, message)


def date_text(value):
    return formats.date_format(value, "DATE_FORMAT")


def safe_next(request, default):
    """The ``next`` of the request when it points to this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
