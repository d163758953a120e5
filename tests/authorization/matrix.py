"""The authorization matrix: every URL of the project × every role × GET and POST, and for every object
URL the same-role outsiders.

Each app keeps its rows in ``rows_<app>.py`` as a list named ``ROWS``. A URL pattern of the project
that has no row fails the suite (``test_every_url_is_in_the_matrix``). Django admin's own patterns are
checked separately, per registered model, in ``test_admin_matrix.py``.

Caching (``zaozhuang_titles.caching``): every response to a logged-in user, the row's own and its
outsiders', must say ``Cache-Control: no-store, private``. A row that lets anonymous visitors in says
what they get in ``anonymous_cache``: ``PRIVATE`` for a page with personal data (or one that marks itself
uncacheable, as the login page), ``PUBLIC`` for a page that keeps its caching (no ``no-store``).

Expected outcomes: an HTTP status code, or ``LOGIN`` (a redirect to the login page), or ``REDIRECT`` (a
redirect somewhere else in the portal).

Outsiders: the matrix's users are "in" each row's object (the applicant owns it, the contact and the
chairman belong to its enterprise, the district staff serve its division, the expert sits on its panel,
the commissioner serves the enterprise). ``outsiders(ctx)`` makes one more user of each of those roles
who is not: an applicant, a contact and a chairman of another enterprise, district staff of another
division, an expert on no panel, a commissioner serving another enterprise. A row of an object URL says
in ``Row.outsiders`` what each of them gets (``test_every_object_row_names_its_outsiders``); the rule is
404, no hint that the object exists.
"""

from dataclasses import dataclass, field

from tests.applications.factories import ProfileFactory, give_regular_qualification
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.factories import DivisionFactory, UserFactory
from tests.reviews.factories import ExpertFactory
from zaozhuang_titles.models import Role

LOGIN = "login"
REDIRECT = "redirect"
ALL_ROLES = ["anonymous", *[role.value for role in Role]]
LOGGED_IN = [role.value for role in Role]
#: Roles whose users see only the objects they are in; city staff and administrators see every object.
SCOPED_ROLES = [
    Role.APPLICANT.value,
    Role.ENTERPRISE_CONTACT.value,
    Role.CHAIRMAN.value,
    Role.DISTRICT_STAFF.value,
    Role.EXPERT.value,
    Role.COMMISSIONER.value,
]
#: What an anonymous visitor's response says about caching (``Row.anonymous_cache``).
PRIVATE = "private"
PUBLIC = "public"
#: Outcomes that refuse the request: a refused POST must leave the database as it was. (401: the API
#: asks for a token; a browser's session is no credential there.)
REFUSED = (LOGIN, 401, 403, 404, 405)


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


@dataclass(frozen=True)
class Outsider:
    """What a user of one role, outside the row's object, gets on GET and POST. ``hole`` names a known
    hole of the application (the case is ``xfail(strict=True)`` with that reason until it is fixed)."""

    get: object = 404
    post: object = 404
    hole: str = ""


def hidden(*roles, get=404, post=404):
    """The object is out of these roles' outsiders' scope: 404 (405 stays 405 for a method the page
    does not answer)."""
    return {getattr(role, "value", role): Outsider(get=get, post=post) for role in roles}


def refused_by_role(*roles):
    """These roles never open the page, whatever the object: their outsiders get the role's refusal
    (403 on GET and POST), as the row's own users of those roles do. Every scoped role when none is
    named (the pages for city staff only)."""
    return hidden(*(roles or SCOPED_ROLES), get=403, post=403)


@dataclass
class Row:
    """One URL pattern's expectations. ``kwargs(ctx)`` builds the URL arguments from the fixtures
    ``ctx`` holds (the role users, and what ``setup(ctx)`` created); ``data`` is the POST body.
    ``outsiders`` maps a scoped role to what its outsider gets (see the module docstring); every row
    whose URL takes arguments names one for each scoped role it admits. A POST answered with a refusal
    (``REFUSED``, or ``REDIRECT`` where ``redirect_refuses``) must leave the database as it was."""

    name: str
    get: dict
    post: dict
    kwargs: object = None
    setup: object = None
    data: dict = field(default_factory=dict)
    outsiders: dict | None = None
    #: Every redirect answering this row's POST sends back with a refusal message (the service said
    #: no): those POSTs must write nothing either.
    redirect_refuses: bool = False
    #: For a row anonymous visitors get into: ``PRIVATE`` (personal data: ``no-store, private``) or
    #: ``PUBLIC`` (the page keeps its caching).
    anonymous_cache: str | None = None

    def admitted_scoped_roles(self):
        """The scoped roles this row lets in, by GET or POST: those need an outsider."""
        return sorted(role for role in SCOPED_ROLES if self.get[role] not in REFUSED or self.post[role] not in REFUSED)

    @property
    def is_public(self):
        """Anonymous visitors get in: the URL's token (or nothing) is the only key, there is no outsider."""
        return self.get["anonymous"] not in REFUSED


def outsiders(ctx):
    """One user per scoped role who is not in the matrix's objects (see the module docstring), in
    ``ctx["outsiders"]``. The other enterprise is in the matrix's division, so its contact, chairman and
    applicant are refused by the enterprise, not by the division."""
    users = ctx["users"]
    matrix_division = users[Role.DISTRICT_STAFF.value].district
    other_division = DivisionFactory(code="370403")
    assert other_division != matrix_division
    commissioner = CommissionerFactory(user=UserFactory(username="outsider_commissioner", roles=[Role.COMMISSIONER]))
    chairman = UserFactory(username="outsider_chairman", roles=[Role.CHAIRMAN])
    enterprise = EnterpriseFactory(division=matrix_division, chairman=chairman, commissioner=commissioner)
    contact = ContactFactory(
        enterprise=enterprise, user=UserFactory(username="outsider_contact", roles=[Role.ENTERPRISE_CONTACT])
    ).user
    profile = ProfileFactory(enterprise=enterprise, user__username="outsider_applicant")
    give_regular_qualification(profile)
    expert = ExpertFactory(user=UserFactory(username="outsider_expert", roles=[Role.EXPERT])).user
    district = UserFactory(
        username="outsider_district_staff", roles=[Role.DISTRICT_STAFF], roles__division=other_division
    )
    ctx["outsiders"] = {
        Role.APPLICANT.value: profile.user,
        Role.ENTERPRISE_CONTACT.value: contact,
        Role.CHAIRMAN.value: chairman,
        Role.DISTRICT_STAFF.value: district,
        Role.EXPERT.value: expert,
        Role.COMMISSIONER.value: commissioner.user,
    }
    ctx["other_enterprise"] = enterprise
    return ctx["outsiders"]
