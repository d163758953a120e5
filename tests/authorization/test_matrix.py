"""Every URL × every role × GET/POST gives the expected outcome, and no URL is left out; every object
URL refuses the same-role outsiders; a refused POST writes nothing; no response to a logged-in user may
be stored by a cache, and each public page says whether anonymous visitors' responses may."""

from importlib import import_module
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authorization.matrix import (
    ALL_ROLES,
    LOGIN,
    PRIVATE,
    PUBLIC,
    REDIRECT,
    REFUSED,
    SCOPED_ROLES,
    outsiders,
)
from tests.helpers import database_snapshot

ROW_MODULES = sorted(p.stem for p in Path(__file__).parent.glob("rows_*.py"))
ROWS = [row for module in ROW_MODULES for row in import_module(f"tests.authorization.{module}").ROWS]
ROWS_BY_NAME = {row.name: row for row in ROWS}


def project_url_names(patterns=None, namespace=""):
    """Names of every URL pattern of the project, namespaced, except Django admin's own."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(project_url_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>")
    return names


def test_every_url_is_in_the_matrix():
    names = project_url_names()
    assert not [n for n in names if n.startswith("<unnamed")], "every URL pattern needs a name"
    missing = sorted(set(names) - set(ROWS_BY_NAME))
    stale = sorted(set(ROWS_BY_NAME) - set(names))
    assert missing == [], f"URLs without a row in the authorization matrix: {missing}"
    assert stale == [], f"matrix rows for URLs that no longer exist: {stale}"


def test_every_row_names_every_role():
    for row in ROWS:
        assert sorted(row.get) == sorted(ALL_ROLES), row.name
        assert sorted(row.post) == sorted(ALL_ROLES), row.name


def test_every_object_row_names_its_outsiders():
    """A row whose URL takes arguments names what the outsider of each scoped role it lets in gets, so
    that a new object view cannot join the matrix without being tried by a same-role outsider. (A row
    may name more: the outsiders of roles refused anyway.)"""
    unnamed = {}
    for row in ROWS:
        if row.kwargs is None or row.is_public:
            continue
        named = sorted(row.outsiders or {})
        assert set(named) <= set(SCOPED_ROLES), row.name
        if missing := sorted(set(row.admitted_scoped_roles()) - set(named)):
            unnamed[row.name] = missing
    assert unnamed == {}, f"object rows without an outsider for the scoped roles they let in: {unnamed}"


def test_every_public_row_says_how_anonymous_responses_are_cached():
    undecided = [row.name for row in ROWS if row.is_public and row.anonymous_cache not in (PRIVATE, PUBLIC)]
    assert undecided == [], f"public rows without anonymous_cache: {undecided}"
    assert [row.name for row in ROWS if not row.is_public and row.anonymous_cache] == []


def _check_cache(response, row, anonymous, label):
    """A logged-in user's response is never stored; an anonymous visitor's is as the row declares."""
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d.strip()}
    if not anonymous or row.anonymous_cache == PRIVATE:
        assert {"no-store", "private"} <= directives, f"{label}: Cache-Control {response.get('Cache-Control')!r}"
    elif row.anonymous_cache == PUBLIC:
        assert "no-store" not in directives, f"{label} is a public page: Cache-Control {directives}"


def _check(response, expected, label, *, row, anonymous=False):
    if not anonymous or expected not in REFUSED:
        _check_cache(response, row, anonymous, label)
    if expected == LOGIN:
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("login")), label
    elif expected == REDIRECT:
        assert response.status_code == 302, label
        assert not response["Location"].startswith(reverse("login")), label
    else:
        assert response.status_code == expected, label


def _post(client, url, row, expected, label, *, anonymous=False):
    """POST and check the outcome; a refused POST leaves every table of our apps as it was. (The login
    page is a refusal for anonymous visitors only: logging out sends a user there too, and records it.)"""
    refused = expected in REFUSED or (expected == REDIRECT and row.redirect_refuses)
    if not refused or (expected == LOGIN and not anonymous):
        _check(client.post(url, row.data), expected, label, row=row, anonymous=anonymous)
        return
    before = database_snapshot()
    _check(client.post(url, row.data), expected, label, row=row, anonymous=anonymous)
    assert database_snapshot() == before, f"{label} was refused but wrote to the database"


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_authorization_matrix(row, role_users, client_for):
    ctx = {"users": role_users}
    if row.setup is not None:
        row.setup(ctx)
    url = reverse(row.name, kwargs=row.kwargs(ctx) if row.kwargs else None)
    for role in ALL_ROLES:
        client = client_for(role_users[role])
        anonymous = role == "anonymous"
        _check(client.get(url), row.get[role], f"GET {url} as {role}", row=row, anonymous=anonymous)
        client = client_for(role_users[role])
        _post(client, url, row, row.post[role], f"POST {url} as {role}", anonymous=anonymous)


def _outsider_cases():
    """One case per row for its outsiders as expected, and one per known hole (xfail, strict)."""
    cases = []
    for row in ROWS:
        if not row.outsiders:
            continue
        roles = sorted(role for role, expected in row.outsiders.items() if not expected.hole)
        if roles:
            cases.append(pytest.param(row, roles, id=row.name))
        for role, expected in sorted(row.outsiders.items()):
            if expected.hole:
                mark = pytest.mark.xfail(strict=True, reason=expected.hole)
                cases.append(pytest.param(row, [role], id=f"{row.name}-hole-{role}", marks=mark))
    return cases


@pytest.mark.parametrize(("row", "roles"), _outsider_cases())
def test_outsiders_get_what_the_row_says(row, roles, role_users, client_for):
    ctx = {"users": role_users}
    if row.setup is not None:
        row.setup(ctx)
    users = outsiders(ctx)
    url = reverse(row.name, kwargs=row.kwargs(ctx))
    for role in roles:
        expected = row.outsiders[role]
        _check(client_for(users[role]).get(url), expected.get, f"GET {url} as an outsider {role}", row=row)
        _post(client_for(users[role]), url, row, expected.post, f"POST {url} as an outsider {role}")
