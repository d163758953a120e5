"""Two identical writes at once with one Idempotency-Key: exactly one effect, the other replays it.
The key's unique row is taken before the work, inside the transaction; needs PostgreSQL's real locks."""

import json

import pytest
from django.db import connection
from django.test import Client

from api import services
from api.models import IdempotencyKey, Scope
from enterprises.models import Enterprise
from tests.enterprises.factories import make_credit_code
from tests.factories import DivisionFactory, UserFactory
from tests.helpers import race
from zaozhuang_titles.models import Role

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two writes at once need PostgreSQL"),
]


def test_two_identical_writes_at_once_have_one_effect():
    division = DivisionFactory(code="370481", name="滕州市")
    _client, token = services.client_create(
        name="市工信局", scopes=[Scope.ENTERPRISES_WRITE], actor=UserFactory(roles=[Role.CITY_STAFF])
    )
    body = json.dumps(
        {
            "credit_code": make_credit_code(division.code),
            "name": "并发科技有限公司",
            "legal_representative": "钱七",
            "division": division.code,
        }
    )
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "together"}

    def write():
        response = Client().post("/api/v1/enterprises/", data=body, content_type="application/json", headers=headers)
        return response.status_code, json.loads(response.content), response.get("Idempotent-Replayed")

    outcomes = race(write, write)
    assert [status for status, _body, _replayed in outcomes] == [201, 201], outcomes
    assert outcomes[0][1] == outcomes[1][1]
    assert sorted(str(replayed) for _s, _b, replayed in outcomes) == ["None", "true"]
    assert Enterprise.objects.filter(name="并发科技有限公司").count() == 1
    assert IdempotencyKey.objects.count() == 1
