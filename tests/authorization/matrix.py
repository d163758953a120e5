"""The authorization matrix: every URL of the project × every role × GET and POST.

Each app keeps its rows in ``rows_<app>.py`` as a list named ``ROWS``. A URL pattern of the project
that has no row fails the suite (``test_every_url_is_in_the_matrix``). Django admin's own patterns are
checked separately, per registered model, in ``test_admin_matrix.py``.

Expected outcomes: an HTTP status code, or ``LOGIN`` (a redirect to the login page), or ``HOME`` (a
redirect to the user's home page or somewhere else in the portal).
"""

from dataclasses import dataclass, field

from zaozhuang_titles.models import Role

LOGIN = "login"
REDIRECT = "redirect"
ALL_ROLES = ["anonymous", *[role.value for role in Role]]
LOGGED_IN = [role.value for role in Role]


def outcome(*, allowed, ok=200, denied=403, anonymous=LOGIN):
    """The expectation for a page open to ``allowed`` roles: ``ok`` for them, ``denied`` for other
    logged-in users, ``anonymous`` for nobody logged in."""
    allowed = [getattr(role, "value", role) for role in allowed]
    expected = {"anonymous": anonymous}
    for role in LOGGED_IN:
        expected[role] = ok if role in allowed else denied
    return expected


def same_for_all(code):
    return dict.fromkeys(ALL_ROLES, code)


@dataclass
class Row:
    """One URL pattern's expectations. ``kwargs(ctx)`` builds the URL arguments from the fixtures
    ``ctx`` holds (the role users, and what ``setup(ctx)`` created); ``data`` is the POST body."""

    name: str
    get: dict
    post: dict
    kwargs: object = None
    setup: object = None
    data: dict = field(default_factory=dict)
