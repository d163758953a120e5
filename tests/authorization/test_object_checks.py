"""Every page about one object checks a permission on that object.

Each URL pattern of the project whose route takes arguments and whose view is ours must use
``ObjectPermissionMixin`` with its own ``load_object`` (the object loaded through the reader's scoped
selector, then ``permission_required`` checked on it), or be listed below as public or argument-only
with the reason. A new object page without an object check fails here, and a page listed as public
must answer every role alike in the authorization matrix.
"""

import pytest
import rules
from django.apps import apps
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authorization.matrix import same_for_all
from tests.authorization.test_matrix import ROWS, ROWS_BY_NAME
from zaozhuang_titles.permissions import ObjectPermissionMixin

OUR_PACKAGES = (
    "zaozhuang_titles",
    "enterprises",
    "applications",
    "reviews",
    "results",
    "library",
    "surveys",
    "consultations",
)

#: Routes with arguments that name no object a user may or may not see, each with its reason.
NOT_AN_OBJECT = {
    "password_reset_confirm": "the arguments are the reset link's token, checked by Django's reset view",
    "enterprises:public": "码上看: the public page an enterprise's QR code opens, for anyone with the token",
    "enterprises:qr_code": "the QR image of that public page, for anyone with the token",
    "applications:profile_section": "the argument names a kind of profile record; the list is the reader's own",
}

#: Pages about one object that the public reads without login, each with its reason.
PUBLIC = {
    "results:publicity_notice": "评审结果公示: a published notice is public, with its real-name objection form",
    "results:publicity_pdf": "the PDF of a published notice, public like the notice",
    "results:publicity_objection_received": (
        "the objector's acknowledgement, found by its unguessable reference; it shows nothing the objector wrote"
    ),
    "results:certificate_verify": "码上看: the public verification page a certificate's QR code opens, by its token",
    "library:document": (
        "a public document of the policy library; an internal one is loaded only within its readers' scope "
        "(library.selectors.documents_for_user), 404 for anyone else"
    ),
    "library:file": "the file of a version of such a document, in the same scope",
    "consultations:faq_entry": (
        "常见问题: a published FAQ entry is public and shows only its public wording (consultations.anonymity "
        "checks it names nobody); a withdrawn one is 404 for everyone"
    ),
}


#: Object pages whose object check is not the mixin's ``load_object`` and permission but one query of
#: their service, for speed, each with its reason. They keep the mixin's login and role gate, and the
#: matrix tries every role and an outsider on them like any object page.
CHECKED_IN_ONE_QUERY = {
    "reviews:score_autosave": (
        "the autosave (issue 13: at most 5 queries a save) reads the expert role, the scope OWN_ASSIGNMENT and "
        "the row lock in one query: reviews.selectors.scoring.scoring_target"
    ),
}


def object_patterns(patterns=None, namespace=""):
    """(name, view class) of every URL pattern with arguments whose view class is ours."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.extend(object_patterns(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            takes_arguments = bool(pattern.pattern.regex.groupindex or pattern.pattern.regex.groups)
            if view_class is not None and takes_arguments and view_class.__module__.startswith(OUR_PACKAGES):
                found.append((f"{namespace}{pattern.name}", view_class))
    return found


OBJECT_PATTERNS = object_patterns()
CHECKED = [
    (name, view_class) for name, view_class in OBJECT_PATTERNS if name not in NOT_AN_OBJECT and name not in PUBLIC
]


def test_object_patterns_are_found():
    names = {name for name, _view in OBJECT_PATTERNS}
    assert {"applications:detail", "enterprises:detail", "reviews:scoring", "reviews:vote_cast"} <= names
    assert set(NOT_AN_OBJECT) <= names, "a listed exception no longer exists"
    assert set(PUBLIC) <= names, "a listed public page no longer exists"
    assert set(CHECKED_IN_ONE_QUERY) <= names, "a listed page checked in one query no longer exists"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_object_page_answers_every_role_alike(name):
    assert ROWS_BY_NAME[name].get == same_for_all(200)


@pytest.mark.parametrize(("name", "view_class"), CHECKED, ids=[name for name, _view in CHECKED])
def test_object_page_checks_a_permission_on_its_object(name, view_class):
    assert issubclass(view_class, ObjectPermissionMixin), f"{name}: {view_class.__name__} has no object check"
    if name in CHECKED_IN_ONE_QUERY:
        assert view_class.role_required is not None, f"{name}: no role gate"
        assert name in ROWS_BY_NAME, f"{name}: not in the authorization matrix"
        return
    assert view_class.load_object is not ObjectPermissionMixin.load_object, f"{name}: no load_object"
    assert view_class.get_permission_object is ObjectPermissionMixin.get_permission_object, name
    assert view_class.permission_required, name
    assert view_class.role_required is not None, f"{name}: no role gate before the lookup"


ROWS_WITH_OBJECTS = [
    row
    for row in ROWS
    if row.kwargs is not None
    and any(row.name == name for name, _view in CHECKED)
    and row.name not in CHECKED_IN_ONE_QUERY
    and 200 in row.get.values()
]


@pytest.mark.parametrize("row", ROWS_WITH_OBJECTS, ids=[row.name for row in ROWS_WITH_OBJECTS])
def test_object_page_permission_object_is_the_loaded_object(row, role_users):
    """For a reader the matrix lets in, the permission is checked on an object, never on None."""
    ctx = {"users": role_users}
    if row.setup is not None:
        row.setup(ctx)
    role = next(role for role, expected in row.get.items() if expected == 200)
    view_class = dict(CHECKED)[row.name]
    request = RequestFactory().get("/")
    request.user = role_users[role]
    view = view_class()
    view.setup(request, **row.kwargs(ctx))

    permission_object = view.get_permission_object()

    assert permission_object is not None
    assert request.user.has_perm(view_class.permission_required, permission_object) is True


#: The models that declare their own permissions (``Meta.rules_permissions``, django-rules), with the
#: permission types the pages and Django admin ask of them.
DECLARED_ON_MODELS = {
    "enterprises.Enterprise": {"view", "add", "change", "open", "verify"},
    "applications.Application": {"view", "open", "audit", "manage_own", "forward"},
    "reviews.Meeting": {"view", "change"},
    "reviews.Assignment": {"score"},
    "results.Certificate": {"view", "open"},
    "library.Document": {"view", "add", "change", "read"},
    "library.Package": {"view", "add", "change", "acknowledge"},
}


@pytest.mark.parametrize(("label", "types"), sorted(DECLARED_ON_MODELS.items()))
def test_model_declares_its_permissions(label, types):
    model = apps.get_model(label)

    assert set(model._meta.rules_permissions) == types
    assert all(rules.perm_exists(f"{model._meta.app_label}.{t}_{model._meta.model_name}") for t in types)
