"""/healthz, the append-only audit log, masking, and the query-count helper on the home pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import BatchFactory, UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.masking import mask_id_number, mask_mobile
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


TOKEN = "a-monitor-token-of-the-bureau-0123456789"


def test_healthz_tells_anonymous_callers_only_ok(client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_healthz_gives_details_to_staff(client_for, settings):
    response = client_for(UserFactory(roles=[Role.CITY_STAFF])).get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["broker"] == "ok"
    else:
        assert body["checks"]["worker"] == "not configured (tasks run in process)"


def test_healthz_gives_details_to_a_monitor_with_the_token(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    response = client.get(reverse("healthz"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.parametrize(
    ("configured", "header"),
    [
        (TOKEN, f"Bearer {TOKEN[:-1]}x"),
        (TOKEN, f"Basic {TOKEN}"),
        (TOKEN, TOKEN),
        ("", "Bearer "),
    ],
)
def test_healthz_keeps_details_from_a_wrong_token(client, settings, configured, header):
    settings.HEALTHZ_TOKEN = configured
    response = client.get(reverse("healthz"), headers={"Authorization": header})
    assert response.json() == {"status": "ok"}


def test_healthz_details_are_not_for_other_roles(client_for):
    response = client_for(UserFactory(roles=[Role.APPLICANT])).get(reverse("healthz"))
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_broker_is_unreachable(client, client_for, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    anonymous = client.get(reverse("healthz"))
    assert (anonymous.status_code, anonymous.json()) == (503, {"status": "error"})
    response = client_for(UserFactory(roles=[Role.CITY_STAFF])).get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error:")
    assert response.json()["checks"]["database"] == "ok"
    assert "worker" not in response.json()["checks"]


def test_audit_events_cannot_be_changed_or_deleted(rf):
    request = rf.get("/somewhere", REMOTE_ADDR="10.1.2.3")
    request.user = UserFactory()
    event = audit_record(kind=AuditEvent.Kind.EXPORTED, request=request, obj=request.user, detail={"rows": 3})
    assert (event.ip, event.path, event.user, event.object_id) == (
        "10.1.2.3",
        "/somewhere",
        request.user,
        str(request.user.pk),
    )
    event.kind = AuditEvent.Kind.LOGIN
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert AuditEvent.objects.get().kind == AuditEvent.Kind.EXPORTED


def test_client_ip_ignores_forwarded_header_unless_behind_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9")
    request.user = UserFactory()
    assert audit_record(kind=AuditEvent.Kind.EXPORTED, request=request).ip == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert audit_record(kind=AuditEvent.Kind.EXPORTED, request=request).ip == "10.0.0.9"


def test_masking_keeps_only_the_ends():
    assert mask_id_number("37040219850618213X") == "3704**********213X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_number(None) == ""


def test_admin_user_list_shows_masked_numbers(client_for):
    city = UserFactory(roles=[Role.CITY_STAFF])
    person = UserFactory(id_number="370402198506182134", mobile="13812345678")
    page = client_for(city).get(reverse("admin:zaozhuang_titles_user_changelist")).content.decode()
    assert "3704**********2134" in page
    assert "138****5678" in page
    assert person.id_number not in page


def test_applicant_home_query_count_is_constant(client_for, django_assert_num_queries):
    applicant = UserFactory(roles=[Role.APPLICANT])
    client = client_for(applicant)
    assert_constant_queries(
        django_assert_num_queries,
        render=lambda: client.get(reverse("applications:applicant_home")),
        add_item=BatchFactory,
        expected=10,
    )


def test_city_queue_query_count_is_constant(client_for, django_assert_num_queries):
    city = UserFactory(roles=[Role.CITY_STAFF])
    client = client_for(city)
    assert_constant_queries(
        django_assert_num_queries,
        render=lambda: client.get(reverse("applications:city_queue")),
        add_item=BatchFactory,
        expected=12,
    )
