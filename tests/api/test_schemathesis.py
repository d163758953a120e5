"""Schemathesis against the live schema (``/api/v1/schema/``, loaded through WSGI in process, so the
calls run on pytest-django's database): every operation, each generated request sent with every kind
of token (each scope alone, all of them, none, revoked, an applicant's personal token, anonymous). No
answer may be a 5xx, and every answer must be documented: its status, its content type, its body.

``MAX_EXAMPLES`` requests per operation, each sent with the 11 kinds of token: 13 operations × at most
8 examples × 11 tokens ≈ 1,100 calls; about 70 s of CPU on SQLite (2.5 to 3 minutes of wall clock on
the shared 2-core machine it was measured on, the test database's creation included)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from api.models import Scope
from tests.factories import UserFactory
from zaozhuang_titles.models import Role

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


#: Loaded at collection, through WSGI: the schema view reads no table.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection():
    """As Django's test client does: a request through the WSGI application closes the database
    connection at its start and end when it looks unusable, and on PostgreSQL a connection inside the
    test's transaction (autocommit off) looks so; the test's transaction would be lost with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def every_token(tokens, db):
    _personal, personal = services.personal_token_create(user=UserFactory(roles=[Role.APPLICANT]))
    return [None, personal, *(tokens[kind] for kind in [*Scope.values, "all", "none", "revoked"])]


TOKEN_KINDS = ["anonymous", "personal", *Scope.values, "all", "none", "revoked"]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_with_every_token(case, every_token):
    for token in every_token:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
