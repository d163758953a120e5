"""Refusals in the audit log: 403s and the 404s of scoped lookups are logged alike, and repeats of one
user on one URL pattern are rolled into one event a minute, so that a sweep cannot flood the log."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.http import Http404
from django.urls import resolve, reverse
from django.utils import timezone
from django.views import View

from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory
from zaozhuang_titles.audit import audit_denial
from zaozhuang_titles.models import AuditEvent, Role
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_applicant

pytestmark = pytest.mark.django_db

DENIED = AuditEvent.Kind.PERMISSION_DENIED


def test_out_of_scope_object_is_logged_like_a_denial(client_for):
    application = ApplicationFactory()
    outsider = UserFactory(roles=[Role.APPLICANT])
    url = reverse("applications:detail", args=[application.pk])
    response = client_for(outsider).get(url)
    assert response.status_code == 404
    event = AuditEvent.objects.get(kind=DENIED)
    assert (event.user, event.path, event.count) == (outsider, url, 1)
    assert event.detail["status"] == 404
    assert event.detail["route"] == "applications/audit/applications/<int:pk>/"


def test_unknown_url_is_not_a_denial(client_for):
    response = client_for(UserFactory(roles=[Role.APPLICANT])).get("/no-such-page/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind=DENIED).exists()


def test_repeated_refusals_on_one_pattern_are_one_event_with_a_count(client_for):
    outsider = UserFactory(roles=[Role.APPLICANT])
    client = client_for(outsider)
    for pk in (9001, 9002, 9003):
        client.get(reverse("applications:detail", args=[pk]))
    client.get(reverse("applications:city_queue"))  # a 403 on another pattern: an event of its own
    client.get(reverse("applications:city_queue"))
    events = {e.detail["route"]: (e.detail["status"], e.count) for e in AuditEvent.objects.filter(kind=DENIED)}
    assert events == {
        "applications/audit/applications/<int:pk>/": (404, 3),
        "applications/audit/city/": (403, 2),
    }


def test_refusals_of_two_users_are_two_events(client_for):
    for username in ("sweeper_a", "sweeper_b"):
        client_for(UserFactory(username=username, roles=[Role.APPLICANT])).get(reverse("applications:city_queue"))
    assert sorted(AuditEvent.objects.filter(kind=DENIED).values_list("username", "count")) == [
        ("sweeper_a", 1),
        ("sweeper_b", 1),
    ]


def test_refusals_in_the_next_minute_start_a_new_event(rf):
    request = rf.get("/applications/audit/city/")
    request.user = UserFactory(roles=[Role.APPLICANT])
    start = timezone.now().replace(second=30)
    for at in (start, start + timedelta(seconds=10), start + timedelta(minutes=1)):
        with mock.patch("django.utils.timezone.now", return_value=at):
            audit_denial(request, status=403)
    assert list(AuditEvent.objects.order_by("id").values_list("count", flat=True)) == [2, 1]


class SweptPage(ObjectPermissionMixin, View):
    """A page of one object with the portal's mixin, whose scoped lookup finds nothing: what every
    object page does for an ID outside the reader's scope, without the page's own queries."""

    role_required = is_applicant
    permission_required = "applications.open_application"

    def load_object(self):
        raise Http404

    def get(self, request, pk):  # pragma: no cover - never reached: nothing is in scope
        raise AssertionError


def test_a_sweep_of_ten_thousand_ids_writes_a_few_rows(rf):
    """An outsider tries 10,000 IDs of one object page. The request goes through the object mixin and
    the audit as on every object page (the test above shows a real page does log); the page itself
    is a light one so that the sweep runs in seconds."""
    outsider = UserFactory(roles=[Role.APPLICANT])
    view = SweptPage.as_view()
    match = resolve(reverse("applications:detail", args=[1]))
    started = time.monotonic()
    for pk in range(1, 10_001):
        request = rf.get(reverse("applications:detail", args=[pk]))
        request.user, request.resolver_match = outsider, match
        with pytest.raises(Http404):
            view(request, pk=pk)
    minutes = int((time.monotonic() - started) // 60) + 2
    events = AuditEvent.objects.filter(kind=DENIED)
    # One row per minute the sweep spans; every try is counted on them.
    assert events.count() <= minutes
    assert sum(events.values_list("count", flat=True)) == 10_000
    assert AuditEvent.objects.count() <= 300
