"""API clients: the token is shown once and stored hashed; rotation and revocation stop the old token;
city staff alone manage clients in admin, and every change is in the audit log."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from api import services
from api.models import ApiClient, Scope
from zaozhuang_titles.models import AuditEvent, Role


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_STAFF, is_staff=True)


def test_the_token_is_stored_only_as_its_hash(city):
    client, token = services.client_create(name="省平台", scopes=[Scope.BATCHES_READ], actor=city)
    stored = ApiClient.objects.get(pk=client.pk)
    assert token.startswith("zzt_" + stored.token_prefix + "_")
    assert token not in {stored.token_hash, stored.token_prefix}
    assert stored.token_hash == services.token_digest(token)
    assert services.client_for_token(token) == stored


@pytest.mark.parametrize(
    "token",
    ["", None, 42, "Bearer x", "zzt_", "zzt_00000000_nope", "zzt_" + "a" * 200],
)
def test_a_wrong_token_finds_no_client(city, token):
    services.client_create(name="省平台", scopes=[Scope.BATCHES_READ], actor=city)
    assert services.client_for_token(token) is None


def test_a_token_with_the_right_prefix_and_a_wrong_secret_is_refused(city):
    _client, token = services.client_create(name="省平台", scopes=[], actor=city)
    assert services.client_for_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None


def test_rotation_replaces_the_token_at_once(city):
    client, old = services.client_create(name="培训平台", scopes=[Scope.HOURS_WRITE], actor=city)
    new = services.client_rotate(client=client, actor=city)
    assert new != old
    assert services.client_for_token(old) is None
    assert services.client_for_token(new) == client
    assert client.rotated_at is not None


def test_revocation_is_for_good_and_needs_a_reason(city):
    client, token = services.client_create(name="工信局", scopes=[Scope.ENTERPRISES_WRITE], actor=city)
    with pytest.raises(ValidationError):
        services.client_revoke(client=client, actor=city, reason="  ")
    services.client_revoke(client=client, actor=city, reason="系统停用")
    assert services.client_for_token(token) is None
    with pytest.raises(ValidationError):
        services.client_rotate(client=client, actor=city)
    with pytest.raises(ValidationError):
        services.client_revoke(client=client, actor=city, reason="again")


def test_unknown_scopes_are_refused_with_the_known_ones_named(city):
    with pytest.raises(ValidationError) as refusal:
        services.client_create(name="x", scopes=["everything"], actor=city)
    assert "batches:read" in str(refusal.value)
    assert not ApiClient.objects.exists()


def test_every_change_of_a_client_is_in_the_audit_log(city):
    client, _token = services.client_create(name="省平台", scopes=[Scope.RESULTS_READ], actor=city)
    services.client_rotate(client=client, actor=city)
    services.client_revoke(client=client, actor=city, reason="换系统")
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.API_CLIENT, object_id=str(client.pk)).order_by("pk")
    assert [event.detail["action"] for event in events] == ["created", "rotated", "revoked"]
    assert {event.user_id for event in events} == {city.pk}
    assert events.last().detail["reason"] == "换系统"


def test_city_staff_create_a_client_in_admin_and_see_its_token_once(city, client_for):
    browser = client_for(city)
    response = browser.post(
        reverse("admin:api_apiclient_add"),
        {
            "name": "省专业技术人员管理服务平台",
            "organisation": "山东省人社厅",
            "scopes": ["results:read"],
            "rate_limit_per_minute": 60,
        },
    )
    assert response.status_code == 200
    client = ApiClient.objects.get()
    token = response.context["token"]
    assert services.client_for_token(token) == client
    page = browser.get(reverse("admin:api_apiclient_change", args=[client.pk])).content.decode()
    assert token not in page
    rotated = browser.post(reverse("admin:api_apiclient_rotate", args=[client.pk]))
    assert services.client_for_token(rotated.context["token"]) == client
    assert services.client_for_token(token) is None
    browser.post(reverse("admin:api_apiclient_revoke", args=[client.pk]), {"reason": "停用"})
    client.refresh_from_db()
    assert client.revoked_at is not None


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.APPLICANT, Role.COMMISSIONER])
def test_no_one_but_city_staff_sees_api_clients(role, make_user, city, client_for, division):
    client, _token = services.client_create(name="省平台", scopes=[], actor=city)
    kwargs = {"roles__division": division} if role == Role.DISTRICT_STAFF else {}
    other = client_for(make_user(role, is_staff=True, **kwargs))
    for url in (
        reverse("admin:api_apiclient_changelist"),
        reverse("admin:api_apiclient_change", args=[client.pk]),
        reverse("admin:api_apiclient_rotate", args=[client.pk]),
    ):
        assert other.get(url).status_code in {302, 403, 404}
    assert other.post(reverse("admin:api_apiclient_rotate", args=[client.pk])).status_code in {302, 403, 404}
    assert services.client_for_token(_token) == client
