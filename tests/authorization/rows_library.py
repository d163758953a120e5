"""Matrix rows of the library app: the public library, the staff's documents, the 一企一策 packages.

The world: a public guide and an internal scheme in the library; the matrix division's enterprise,
served by the matrix commissioner, with the matrix contact and chairman; version 1 of its package sent
(holding both documents), version 2 being prepared. What each reader finds of the internal document is
pinned in ``tests/library/test_views.py``.
"""

from library import services
from library.models import Visibility
from tests.authorization.matrix import PRIVATE, PUBLIC, REDIRECT, Row, hidden, outcome, same_for_all
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.library.factories import make_document
from zaozhuang_titles.models import Role

CITY = [Role.CITY_STAFF, Role.ADMINISTRATOR]
PACKAGE_READERS = [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMINISTRATOR, Role.COMMISSIONER, Role.ENTERPRISE_CONTACT]


def library_world(ctx):
    users = ctx["users"]
    staff = users[Role.CITY_STAFF.value]
    ctx["document"] = make_document(actor=staff, title="枣庄市职称评审申报指南(2022年版)")
    ctx["internal"] = make_document(actor=staff, title="服务专员工作机制实施方案", visibility=Visibility.INTERNAL)
    commissioner = CommissionerFactory(user=users[Role.COMMISSIONER.value])
    enterprise = EnterpriseFactory(
        division=users[Role.DISTRICT_STAFF.value].district,
        commissioner=commissioner,
        chairman=users[Role.CHAIRMAN.value],
    )
    ContactFactory(enterprise=enterprise, user=users[Role.ENTERPRISE_CONTACT.value])
    ctx["enterprise"] = enterprise
    package, _created = services.package_start(enterprise=enterprise, actor=commissioner.user)
    ctx["package"] = services.package_send(package=package, actor=commissioner.user)
    ctx["draft"], _created = services.package_start(enterprise=enterprise, actor=commissioner.user)


def document_pk(ctx):
    return {"pk": ctx["document"].pk}


def file_kwargs(ctx):
    return {"pk": ctx["document"].pk, "number": 1}


def enterprise_pk(ctx):
    return {"pk": ctx["enterprise"].pk}


def package_pk(ctx):
    return {"pk": ctx["package"].pk}


def draft_pk(ctx):
    return {"pk": ctx["draft"].pk}


ROWS = [
    Row("library:index", anonymous_cache=PUBLIC, get=same_for_all(200), post=same_for_all(405)),
    # A public document: anyone; internal ones are 404 outside their readers (tests/library/test_views.py).
    Row(
        "library:document",
        anonymous_cache=PUBLIC,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=library_world,
        kwargs=document_pk,
    ),
    Row(
        "library:file",
        anonymous_cache=PRIVATE,
        get=same_for_all(200),
        post=same_for_all(405),
        setup=library_world,
        kwargs=file_kwargs,
    ),
    Row("library:manage", get=outcome(allowed=CITY), post=outcome(allowed=CITY, ok=405)),
    # An empty POST re-renders the form with its errors.
    Row("library:document_create", get=outcome(allowed=CITY), post=outcome(allowed=CITY)),
    Row(
        "library:document_edit",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        setup=library_world,
        kwargs=document_pk,
    ),
    Row(
        "library:version_create",
        get=outcome(allowed=CITY),
        post=outcome(allowed=CITY),
        setup=library_world,
        kwargs=document_pk,
    ),
    Row(
        "library:packages",
        get=outcome(allowed=[Role.COMMISSIONER]),
        post=outcome(allowed=[Role.COMMISSIONER], ok=405),
    ),
    # The package being prepared exists: starting sends back to it.
    Row(
        "library:package_start",
        get=outcome(allowed=[Role.COMMISSIONER], ok=405),
        post=outcome(allowed=[Role.COMMISSIONER], ok=REDIRECT),
        setup=library_world,
        kwargs=enterprise_pk,
        outsiders=hidden(Role.COMMISSIONER, get=405),
    ),
    Row(
        "library:package",
        get=outcome(allowed=PACKAGE_READERS),
        post=outcome(allowed=PACKAGE_READERS, ok=405),
        setup=library_world,
        kwargs=package_pk,
        outsiders=hidden(Role.DISTRICT_STAFF, Role.COMMISSIONER, Role.ENTERPRISE_CONTACT, post=405),
    ),
    Row(
        "library:package_edit",
        get=outcome(allowed=[Role.COMMISSIONER]),
        post=outcome(allowed=[Role.COMMISSIONER], ok=REDIRECT),
        setup=library_world,
        kwargs=draft_pk,
        data={"note": "matrix", "action": "save"},
        outsiders=hidden(Role.COMMISSIONER),
    ),
    Row(
        "library:package_acknowledge",
        get=outcome(allowed=[Role.ENTERPRISE_CONTACT], ok=405),
        post=outcome(allowed=[Role.ENTERPRISE_CONTACT], ok=REDIRECT),
        setup=library_world,
        kwargs=package_pk,
        outsiders=hidden(Role.ENTERPRISE_CONTACT, get=405),
    ),
]
