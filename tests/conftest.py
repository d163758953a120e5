"""Fixtures shared by the whole suite."""

import pytest
from celery.result import _set_task_join_will_block
from django.test import Client

from tests.factories import PASSWORD, DivisionFactory, UserFactory
from zaozhuang_titles.models import Role

#: The roles of the authorization matrix; "anonymous" is nobody logged in.
MATRIX_ROLES = ["anonymous", *[role.value for role in Role]]


def pytest_report_header(config):
    """Say which database and broker the run uses, so CI shows it ran on PostgreSQL."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    vendor = db["ENGINE"].rsplit(".", 1)[-1]
    version = "?"
    if vendor == "sqlite3":
        import sqlite3

        version = sqlite3.sqlite_version
    else:
        import psycopg2

        try:
            with (
                psycopg2.connect(
                    dbname=db["NAME"],
                    user=db["USER"],
                    host=db["HOST"],
                    port=db["PORT"] or 5432,
                    password=db["PASSWORD"],
                ) as conn,
                conn.cursor() as cursor,
            ):
                cursor.execute("select version()")
                version = cursor.fetchone()[0]
        except psycopg2.Error as error:
            version = f"unreachable: {error}"
    broker = settings.REDIS_URL or "none (tasks in process)"
    return [f"database: {vendor} {version}", f"broker: {broker}"]


@pytest.fixture(scope="session", autouse=True)
def document_signer(tmp_path_factory):
    """A demo CA and signing certificate for the whole run, made in a temporary directory (as
    ``manage.py signing_demo_ca`` makes them for the demo); yields the CA certificate's path, the trust
    root of the signed documents. Exported to the environment too, for the worker processes tests start."""
    import os

    from django.test import override_settings

    from zaozhuang_titles.signing import demo_ca_write

    p12, ca = demo_ca_write(tmp_path_factory.mktemp("signing"))
    os.environ["DOCUMENT_SIGNING_P12"] = str(p12)
    os.environ["DOCUMENT_SIGNING_PASSWORD"] = ""
    with override_settings(DOCUMENT_SIGNING_P12=str(p12), DOCUMENT_SIGNING_PASSWORD=""):
        yield ca


@pytest.fixture(autouse=True)
def celery_joins_allowed():
    """Tests wait for eager tasks with ``task.delay().get()``. Celery refuses that while its process-wide
    "this thread is a worker's" flag is set, and a worker or live server run by an earlier test in this
    process can leave it set (seen once in CI: "Never call result.get() within a task!"). Each test
    starts with it cleared, as a test process that runs no worker has it."""
    _set_task_join_will_block(False)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def division(db):
    return DivisionFactory(code="370481", name="滕州市")


@pytest.fixture
def other_division(db):
    return DivisionFactory(code="370402", name="市中区")


@pytest.fixture
def make_user(db):
    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def role_users(db, division):
    """One user per role of the matrix (None for anonymous)."""
    users = {"anonymous": None}
    for role in Role:
        kwargs = {"roles__division": division} if role == Role.DISTRICT_STAFF else {}
        users[role.value] = UserFactory(username=f"matrix_{role.value}", roles=[role], **kwargs)
    return users


@pytest.fixture
def client_for(db):
    """A test client logged in as ``user`` (anonymous for None)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
        return client

    return make
