"""Small pieces the applicant's, the enterprise's and the audit's pages share: a service's
``ValidationError`` put on a form or into messages, a date as the UI writes it, a safe ``next``, and the
rows of an eligibility table (the applicant's, the staff's and the expert's pages show the same)."""

from django.contrib import messages
from django.utils.http import url_has_allowed_host_and_scheme

from applications.eligibility import Outcome
from zaozhuang_titles.formats import date_text  # noqa: F401 - the views import it from here
from zaozhuang_titles.forms import add_errors  # noqa: F401 - the views import it from here


def error_messages(request, error):
    """Each message of a service's ValidationError as an error message of the page."""
    for message in error.messages:
        messages.error(request, message)


#: The badge of each outcome: a pending step is neutral (it waits for someone), never red.
OUTCOME_BADGES = {
    Outcome.PASS: "text-bg-success",
    Outcome.FAIL: "text-bg-danger",
    Outcome.WAIVED: "text-bg-secondary",
    Outcome.PENDING: "text-bg-light border",
}


def eligibility_rows(evaluation):
    """One row per rule of an ``Evaluation``: the result, its badge's class and its label."""
    return [
        {"result": result, "badge": OUTCOME_BADGES[result.outcome], "label": result.outcome_label}
        for result in evaluation.results
    ]


def safe_next(request, default):
    """The ``next`` of the request when it points to this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
