"""Every URL × every role × GET/POST gives the expected outcome, and no URL is left out."""

from importlib import import_module
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authorization.matrix import ALL_ROLES, LOGIN, REDIRECT

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


def _check(response, expected, label):
    if expected == LOGIN:
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("login")), label
    elif expected == REDIRECT:
        assert response.status_code == 302, label
        assert not response["Location"].startswith(reverse("login")), label
    else:
        assert response.status_code == expected, label


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_authorization_matrix(row, role_users, client_for):
    ctx = {"users": role_users}
    if row.setup is not None:
        row.setup(ctx)
    url = reverse(row.name, kwargs=row.kwargs(ctx) if row.kwargs else None)
    for role in ALL_ROLES:
        client = client_for(role_users[role])
        _check(client.get(url), row.get[role], f"GET {url} as {role}")
        client = client_for(role_users[role])
        _check(client.post(url, row.data), row.post[role], f"POST {url} as {role}")
