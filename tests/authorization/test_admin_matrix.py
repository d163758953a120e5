"""Django admin: who reaches the index and each registered model's list, change and add pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.authorization.matrix import ALL_ROLES
from zaozhuang_titles.models import Role

ADMIN_ROLES = {Role.CITY_STAFF.value, Role.ADMINISTRATOR.value}

#: Models city staff may not even list (administrators may). Empty: city staff see every admin page.
ADMINISTRATOR_ONLY_MODELS = set()
#: Models only administrators add (the city's divisions are fixed reference data).
ADMINISTRATOR_ONLY_ADD = {"zaozhuang_titles.division"}
#: Models nobody adds by hand in admin.
NO_ADD_MODELS = {
    "zaozhuang_titles.auditevent",
    "zaozhuang_titles.smsmessage",
    "zaozhuang_titles.notice",
    "zaozhuang_titles.failedtask",
    "axes.accessattempt",
    # Records of the applications' work: made by the portal's pages and the transition function only.
    "applications.application",
    "applications.transition",
    "applications.submission",
    "applications.nomination",
    "applications.internalnotice",
    "applications.correctionrequest",
    "results.publicity",
    "results.objection",
    "results.filing",
    "results.certificate",
    "axes.accesslog",
    "axes.accessfailurelog",
    # Reviews: meetings are planned on the staff pages (so the draw's seed is prepared); the panel, the
    # experts left out of the draw and the cases are the draw's own records.
    "reviews.meeting",
    "reviews.panelmember",
    "reviews.drawexclusion",
    "reviews.case",
}

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def expected_for(role, model_label):
    if role == "anonymous" or role not in ADMIN_ROLES:
        return "login"
    if role == Role.CITY_STAFF.value and model_label in ADMINISTRATOR_ONLY_MODELS:
        return 403
    return 200


def _assert(response, expected, label):
    if expected == "login":
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("admin:login")), label
    else:
        assert response.status_code == expected, label


def test_admin_index_by_role(role_users, client_for):
    for role in ALL_ROLES:
        response = client_for(role_users[role]).get(reverse("admin:index"))
        _assert(response, 200 if role in ADMIN_ROLES else "login", f"admin index as {role}")


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label_lower for m in MODELS])
def test_admin_changelist_by_role(model, role_users, client_for):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    for role in ALL_ROLES:
        response = client_for(role_users[role]).get(url)
        _assert(response, expected_for(role, opts.label_lower), f"GET {url} as {role}")


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label_lower for m in MODELS])
def test_admin_add_page_by_role(model, role_users, client_for):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    for role in ALL_ROLES:
        expected = expected_for(role, opts.label_lower)
        if expected == 200 and opts.label_lower in NO_ADD_MODELS:
            expected = 403
        if role == Role.CITY_STAFF.value and opts.label_lower in ADMINISTRATOR_ONLY_ADD:
            expected = 403
        response = client_for(role_users[role]).get(url)
        _assert(response, expected, f"GET {url} as {role}")


def test_admin_never_deletes(role_users, client_for):
    """Nothing is ever deleted: even the administrator has no delete page."""
    client = client_for(role_users[Role.ADMINISTRATOR.value])
    user = role_users[Role.APPLICANT.value]
    response = client.get(reverse("admin:zaozhuang_titles_user_delete", args=[user.pk]))
    assert response.status_code == 403
    assert type(user).objects.filter(pk=user.pk).exists()
