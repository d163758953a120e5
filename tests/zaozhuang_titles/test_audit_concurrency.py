"""Refusals of one user on one URL pattern, logged at once from several processes, still make one event
a minute and lose no count: the first insert wins the unique roll-up key, the others count on its row.
PostgreSQL only (SQLite serialises whole transactions: there is no race to lose)."""

import pytest
from django.db import connection
from django.test import RequestFactory

from tests.factories import UserFactory
from tests.helpers import race
from zaozhuang_titles.audit import audit_denial
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


def test_concurrent_refusals_are_one_event_with_every_count():
    user = UserFactory(roles=[Role.APPLICANT])

    def refuse():
        request = RequestFactory().get("/applications/audit/city/")
        request.user = user
        audit_denial(request, status=403)

    race(*[refuse] * 8)

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED)
    assert events.count() in (1, 2)  # two only if the race straddles a minute
    assert sum(events.values_list("count", flat=True)) == 8
