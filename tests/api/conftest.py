"""Fixtures of the API's tests: one client per kind of token (each scope alone, all of them, none, a
revoked one), an applicant's personal token, a filed batch with certificates, and a JSON caller."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from api import services
from api.models import Scope
from results.services.certificates import certificate_issue
from results.services.filing import filing_build_files, filing_create
from tests.enterprises.factories import RecognitionFactory
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.models import Role


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Rate limits count in the cache: each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_STAFF, is_staff=True)


@pytest.fixture
def make_client(city):
    def make(*scopes, name=None, rate=1000):
        client, token = services.client_create(
            name=name or ("客户端-" + "-".join(scopes) or "none"),
            scopes=list(scopes),
            actor=city,
            rate_limit_per_minute=rate,
        )
        return client, token

    return make


@pytest.fixture
def tokens(make_client, city):
    """{kind: token}: each scope alone, every scope, none, a revoked client and a personal token."""
    found = {}
    for scope in Scope:
        found[scope.value] = make_client(scope.value, name=f"仅{scope.value}")[1]
    found["all"] = make_client(*Scope.values, name="全部权限")[1]
    found["none"] = make_client(name="无权限")[1]
    revoked, found["revoked"] = make_client(*Scope.values, name="已撤销")
    services.client_revoke(client=revoked, actor=city, reason="停用")
    return found


class Api:
    """Calls the API as a token (or anonymously) and decodes the JSON answer."""

    def __init__(self, token=None, **headers):
        self.client = Client()
        self.headers = dict(headers)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method, path, body=None, **headers):
        kwargs = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs.update(data=json.dumps(body, ensure_ascii=False), content_type="application/json")
        response = getattr(self.client, method.lower())(path, **kwargs)
        is_json = "json" in response.get("Content-Type", "")
        response.body = json.loads(response.content) if response.content and is_json else None
        return response

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body, **headers):
        return self.call("POST", path, body, **headers)

    def patch(self, path, body, **headers):
        return self.call("PATCH", path, body, **headers)


@pytest.fixture
def api():
    return Api


@pytest.fixture
def filed_batch(db):
    """A batch with two filed applications (the filing numbered) and a certificate for the first."""
    world = FilingWorld(count=2)
    filing = filing_create(batch=world.batch, actor=world.city)
    filing_build_files(filing_id=filing.pk)
    number_filing(filing, world.city)
    first = world.applications[0]
    first.refresh_from_db()
    certificate = certificate_issue(application=first, actor=world.city)
    RecognitionFactory(enterprise=world.world.enterprise)
    return {"world": world, "batch": world.batch, "filing": filing, "certificate": certificate}
