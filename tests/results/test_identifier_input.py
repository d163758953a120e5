"""Codes typed on the results pages, drawn from the whole of Unicode (``tests/strategies.py``): the
objector's mobile, the filing number staff enter, the certificate verification lookup (码上看). Never a
500, nothing stored that is not canonical."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from results.models import Objection
from results.services.certificates import certificate_issue
from results.services.filing import filing_create
from tests.applications.factories import World
from tests.results.filing_factories import FilingWorld, number_filing
from tests.results.test_publicity import publish
from tests.strategies import code_input, hostile_code, is_canonical

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def test_objection_mobile_from_the_whole_of_unicode(settings):
    settings.OBJECTION_MIN_INTERVAL_SECONDS = 0
    world = World()
    publicity, (_application,) = publish(world)
    entry = publicity.entries.get()
    url = reverse("results:publicity_notice", args=[publicity.pk])
    seen = []

    @FUZZ
    @given(mobile=code_input("13912345678", max_size=15))
    def run(mobile):
        client = Client(raise_request_exception=False, REMOTE_ADDR=f"10.0.{len(seen) // 250}.{len(seen) % 250}")
        seen.append(mobile)
        data = {"entry": entry.pk, "name": "王五", "mobile": mobile, "relation": "同事", "facts": "专利非本人完成。"}
        response = client.post(url, data)
        assert response.status_code < 500, mobile
        for stored in Objection.objects.values_list("mobile", flat=True):
            assert stored == "13912345678", stored

    run()


def test_filing_number_from_the_whole_of_unicode(client_for, django_capture_on_commit_callbacks):
    world = FilingWorld(count=1)
    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_create(batch=world.batch, actor=world.city)
    client = client_for(world.city)
    client.raise_request_exception = False
    url = reverse("results:filing_detail", args=[filing.pk])
    today = timezone.localdate(filing.created_at).isoformat()

    @FUZZ
    @given(number=code_input("鲁人社职备(2026)3号", max_size=40))
    def run(number):
        response = client.post(url, {"number": number, "filed_on": today})
        assert response.status_code < 500, number
        filing.refresh_from_db()
        assert is_canonical(filing.number), filing.number

    run()


def test_certificate_verification_lookup_with_anything_typed_is_a_plain_not_found(
    client, django_capture_on_commit_callbacks
):
    world = FilingWorld(count=1)
    with django_capture_on_commit_callbacks(execute=True):
        number_filing(filing_create(batch=world.batch, actor=world.city), world.city)
    certificate = certificate_issue(application=world.applications[0], actor=world.city)
    prefix = reverse("results:certificate_verify", args=["x" * 16]).removesuffix("x" * 16 + "/")

    @FUZZ
    @given(token=hostile_code(40))
    def run(token):
        response = client.get(prefix + quote(token, safe="") + "/")
        assert response.status_code in (404, 200), token
        if response.status_code == 200:
            assert token == certificate.token

    run()
    assert client.get(prefix + certificate.token + "/").status_code == 200
