"""Webhooks: the signature (a known vector), where a webhook may point, the events the results send
(filing, issue one and a batch, revoke) becoming deliveries, and delivery to a real HTTP receiver on
127.0.0.1 with its retries, backoff, giving up and replay."""

import json
import socket
from datetime import timedelta

import pytest
from celery.signals import task_retry
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from api import webhooks
from api.models import Scope
from api.models_webhooks import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription, target_refusal
from api.services import client_create, client_revoke
from api.tasks import deliver_due_webhooks, deliver_webhook
from results.models import RevokeCategory
from results.services.certificates import certificate_issue, certificate_revoke, certificates_issue_for_batch
from results.services.filing import filing_create
from tests.api.webhook_receiver import Receiver, verify
from tests.results.filing_factories import FilingWorld, number_filing
from zaozhuang_titles.celery import app
from zaozhuang_titles.models import AuditEvent, Role

ALL_EVENTS = list(WebhookEvent.values)


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    """Production's rule (no private target) but for the receiver of these tests on 127.0.0.1."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_MAX_ATTEMPTS = 8
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_RETRY_MAX_SECONDS = 3600
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture(autouse=True)
def tasks_run_like_a_worker():
    """Tasks run in process as a worker runs them: a retry is made (inline, without waiting) instead of
    raised to the caller, as the test settings' ``task_eager_propagates`` would."""
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_STAFF, is_staff=True)


@pytest.fixture
def api_client(city):
    client, _token = client_create(name="省专业技术人员管理服务平台", scopes=[Scope.WEBHOOKS], actor=city)
    return client


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def subscribe(api_client, city, url, events=ALL_EVENTS):
    return webhooks.subscription_create(client=api_client, target_url=url, events=events, actor=city)


@pytest.fixture
def retries():
    """The countdowns Celery was asked to wait before each retry (its ``task_retry`` signal)."""
    seen = []

    def record(sender=None, reason=None, **kwargs):
        if sender is not None and sender.name == "api.deliver_webhook":
            seen.append(reason.when)

    task_retry.connect(record, weak=False)
    yield seen
    task_retry.disconnect(record)


# --- Signature ------------------------------------------------------------------------------------


def test_signature_matches_a_known_vector():
    """Computed independently: printf '1767225600.<body>' | openssl dgst -sha256 -hmac whsec_test-secret"""
    body = b'{"id":"0b6b0f9e-7a0e-4d7c-9a57-0d4cba1f2e11","type":"batch.filed"}'

    assert (
        webhooks.signature(secret="whsec_test-secret", timestamp=1767225600, body=body)
        == "65dac9aea4a63cc796162f0fecd8422a7cd5437e19587d5b0c5327a8c571df02"
    )


def test_signed_headers_carry_event_delivery_timestamp_and_signature():
    delivery = WebhookDelivery(pk=42, event_type=WebhookEvent.CERTIFICATE_ISSUED)
    body = webhooks.payload_body({"id": "x", "名": "张三"})

    headers = webhooks.signed_headers(delivery=delivery, secret="whsec_s", body=body, timestamp=1767225600)

    assert headers["X-Zaozhuang-Event"] == "certificate.issued"
    assert headers["X-Zaozhuang-Delivery"] == "42"
    assert headers["X-Zaozhuang-Timestamp"] == "1767225600"
    assert headers["X-Zaozhuang-Signature"] == "sha256=" + webhooks.signature(
        secret="whsec_s", timestamp=1767225600, body=body
    )
    assert body == '{"id":"x","名":"张三"}'.encode()
    assert verify(headers, body, "whsec_s", now=1767225600 + 299)
    assert not verify(headers, body, "whsec_s", now=1767225600 + 301)  # too old: a replayed capture
    assert not verify(headers, body + b" ", "whsec_s", now=1767225600)
    assert not verify(headers, body, "whsec_other", now=1767225600)


# --- Backoff --------------------------------------------------------------------------------------


def test_retry_schedule_doubles_from_the_base_up_to_the_ceiling():
    assert webhooks.retry_schedule() == [60, 120, 240, 480, 960, 1920, 3600]
    assert webhooks.retry_delay(1) == 60
    assert webhooks.retry_delay(30) == 3600


def test_retry_schedule_follows_the_settings(webhook_settings):
    webhook_settings.WEBHOOK_MAX_ATTEMPTS = 4
    webhook_settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    webhook_settings.WEBHOOK_RETRY_MAX_SECONDS = 30

    assert webhooks.retry_schedule() == [10, 20, 30]


# --- Where a webhook may point ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hr.example.cn/hooks",
        "file:///etc/passwd",
        "hooks.example.cn/path",
        "https://user:password@hr.example.cn/hooks",
        "http://127.0.0.2/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.1.10:8080/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://localhost:8000/hooks",
        "http://[fe80::1]/hooks",
        "http://0.0.0.0/hooks",
    ],
)
def test_target_refused_outside_http_or_on_a_private_address(url, webhook_settings):
    webhook_settings.WEBHOOK_ALLOWED_HOSTS = []  # production's default

    assert target_refusal(url)


@pytest.mark.parametrize("url", ["https://8.8.8.8/hooks", "http://127.0.0.1:9000/hooks"])
def test_target_allowed_on_a_public_address_or_an_allowed_host(url):
    assert target_refusal(url) is None


def test_target_allowed_in_a_network_the_setting_names(webhook_settings):
    webhook_settings.WEBHOOK_ALLOWED_HOSTS = ["10.20.0.0/16", "hr-gw.zz.gov"]

    assert target_refusal("http://10.20.3.4/hooks") is None
    assert target_refusal("http://HR-GW.zz.gov./hooks") is None
    assert target_refusal("http://10.21.0.1/hooks")


def test_a_host_name_resolving_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [(socket.AF_INET, 1, 6, "", ("10.9.8.7", 0))])

    refusal = target_refusal("https://hr.intranet.example/hooks")

    assert "10.9.8.7" in refusal
    assert "WEBHOOK_ALLOWED_HOSTS" in refusal


# --- Subscriptions --------------------------------------------------------------------------------


def test_subscription_keeps_its_secret_and_logs_its_creation(api_client, city):
    subscription, secret = subscribe(api_client, city, "https://8.8.8.8/hooks", [WebhookEvent.BATCH_FILED])

    assert secret.startswith("whsec_")
    assert WebhookSubscription.objects.get().secret == secret
    event = AuditEvent.objects.get(object_type="api.webhooksubscription", object_id=str(subscription.pk))
    assert event.detail["action"] == "webhook_created"
    assert secret not in json.dumps(event.detail)


def test_subscription_needs_the_webhooks_scope_and_a_usable_client(city):
    reader, _token = client_create(name="只读客户端", scopes=[Scope.BATCHES_READ], actor=city)
    with pytest.raises(ValidationError) as refusal:
        webhooks.subscription_create(client=reader, target_url="https://8.8.8.8/h", events=ALL_EVENTS, actor=city)
    assert "client" in refusal.value.message_dict

    revoked, _token = client_create(name="已撤销", scopes=[Scope.WEBHOOKS], actor=city)
    client_revoke(client=revoked, actor=city, reason="停用")
    with pytest.raises(ValidationError):
        webhooks.subscription_create(client=revoked, target_url="https://8.8.8.8/h", events=ALL_EVENTS, actor=city)
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("events", [[], ["batch.deleted"]])
def test_subscription_refuses_no_or_unknown_events(api_client, city, events):
    with pytest.raises(ValidationError) as refusal:
        subscribe(api_client, city, "https://8.8.8.8/hooks", events)
    assert "events" in refusal.value.message_dict


def test_subscription_refuses_a_private_target(api_client, city):
    with pytest.raises(ValidationError) as refusal:
        subscribe(api_client, city, "http://10.0.0.5/hooks")
    assert "target_url" in refusal.value.message_dict
    assert not WebhookSubscription.objects.exists()


def test_rotating_the_secret_signs_from_then_on_with_the_new_one(api_client, city):
    subscription, old = subscribe(api_client, city, "https://8.8.8.8/hooks")

    new = webhooks.subscription_rotate_secret(subscription=subscription, actor=city)

    assert new != old
    assert WebhookSubscription.objects.get().secret == new
    events = AuditEvent.objects.filter(object_type="api.webhooksubscription", object_id=str(subscription.pk))
    assert [event.detail["action"] for event in events.order_by("pk")] == ["webhook_created", "webhook_secret_rotated"]


# --- Events from the results ------------------------------------------------------------------------


def test_filing_a_batch_sends_batch_filed_once_committed(
    api_client, city, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(api_client, city, receiver.url)
    results = FilingWorld(count=2)

    with django_capture_on_commit_callbacks(execute=False):
        filing = filing_create(batch=results.batch, actor=results.city)
    assert not WebhookDelivery.objects.exists()  # nothing before the commit

    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_create(batch=FilingWorld(count=1, world=results.world).batch, actor=results.city)

    delivery = WebhookDelivery.objects.get()
    assert delivery.subscription == subscription
    assert delivery.event_type == WebhookEvent.BATCH_FILED
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.payload["data"]["batch"] == {
        "id": results.batch.pk,
        "name": results.batch.name,
        "year": results.batch.year,
        "series": results.batch.series,
        "series_name": delivery.payload["data"]["batch"]["series_name"],
        "level": results.batch.level,
        "level_name": delivery.payload["data"]["batch"]["level_name"],
    }
    assert delivery.payload["data"]["filing"]["id"] == filing.pk
    assert delivery.payload["data"]["filing"]["applications"] == 1
    assert delivery.payload["type"] == "batch.filed"
    assert delivery.payload["id"] == str(delivery.event_id)
    headers, body = receiver.requests[0]
    assert verify(headers, body, secret)
    assert headers["X-Zaozhuang-Event"] == "batch.filed"
    assert headers["X-Zaozhuang-Delivery"] == str(delivery.pk)
    assert json.loads(body) == delivery.payload


def test_issuing_and_revoking_a_certificate_send_their_events_with_the_id_number_masked(
    api_client, city, receiver, django_capture_on_commit_callbacks
):
    subscribe(api_client, city, receiver.url, [WebhookEvent.CERTIFICATE_ISSUED, WebhookEvent.CERTIFICATE_REVOKED])
    results = FilingWorld(count=1)
    with django_capture_on_commit_callbacks(execute=True):
        number_filing(filing_create(batch=results.batch, actor=results.city), results.city)
        certificate = certificate_issue(application=results.applications[0], actor=results.city)
        certificate_issue(application=results.applications[0], actor=results.city)  # again: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate, actor=results.city, reason="材料造假", category=RevokeCategory.FRAUD
        )

    issued, revoked = WebhookDelivery.objects.order_by("pk")
    assert [issued.event_type, revoked.event_type] == ["certificate.issued", "certificate.revoked"]
    assert issued.event_id != revoked.event_id
    data = issued.payload["data"]["certificate"]
    id_number = results.applications[0].applicant.id_number
    assert data["number"] == certificate.number
    assert data["verification_url"] == f"http://testserver/applications/verify/{certificate.token}/"
    assert data["holder"] == {
        "name": certificate.holder_name,
        "id_number_masked": id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:],
    }
    assert data["valid"] is True and data["revoked_on"] is None
    revoked_data = revoked.payload["data"]["certificate"]
    assert revoked_data["valid"] is False
    assert revoked_data["revoke_category"] == "fraud"
    assert revoked_data["revoked_on"] is not None
    assert "材料造假" not in json.dumps(revoked.payload, ensure_ascii=False)  # the reason stays with staff
    for _headers, body in receiver.requests:
        assert id_number.encode() not in body
    assert [payload["type"] for payload in receiver.payloads()] == ["certificate.issued", "certificate.revoked"]


def test_issuing_a_batch_sends_one_event_per_certificate(
    api_client, city, receiver, django_capture_on_commit_callbacks
):
    subscribe(api_client, city, receiver.url, [WebhookEvent.CERTIFICATE_ISSUED])
    results = FilingWorld(count=3)
    with django_capture_on_commit_callbacks(execute=True):
        number_filing(filing_create(batch=results.batch, actor=results.city), results.city)
        issued = certificates_issue_for_batch(batch_id=results.batch.pk)

    assert issued == 3
    deliveries = WebhookDelivery.objects.all()
    assert len({delivery.event_id for delivery in deliveries}) == 3
    assert {delivery.status for delivery in deliveries} == {DeliveryStatus.DELIVERED}
    assert len(receiver.requests) == 3


def test_only_subscribed_active_usable_clients_get_deliveries(
    api_client, city, receiver, django_capture_on_commit_callbacks
):
    wanted, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    subscribe(api_client, city, receiver.url, [WebhookEvent.CERTIFICATE_ISSUED])  # another event
    paused, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    paused.is_active = False
    webhooks.subscription_change(subscription=paused, actor=city)
    gone, _token = client_create(name="已撤销的系统", scopes=[Scope.WEBHOOKS], actor=city)
    subscribe(gone, city, receiver.url, [WebhookEvent.BATCH_FILED])
    client_revoke(client=gone, actor=city, reason="系统下线")
    results = FilingWorld(count=1)

    with django_capture_on_commit_callbacks(execute=True):
        filing_create(batch=results.batch, actor=results.city)

    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [wanted.pk]
    assert len(receiver.requests) == 1


def test_a_failing_receiver_of_the_event_does_not_fail_the_filing(
    api_client, city, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(webhooks, "subscriptions_for", lambda event_type: broken())
    subscribe(api_client, city, "https://8.8.8.8/hooks")
    results = FilingWorld(count=1)

    with django_capture_on_commit_callbacks(execute=True):
        filing = filing_create(batch=results.batch, actor=results.city)

    assert filing.pk is not None
    assert "receiver" in caplog.text and "failed" in caplog.text


# --- Delivery, retries, giving up ------------------------------------------------------------------


def make_delivery(subscription, event_type=WebhookEvent.BATCH_FILED):
    (delivery,) = webhooks.event_publish(
        event_type=event_type, occurred_at=subscription.created_at, data={"batch": {"id": 1, "name": "测试批次"}}
    )
    return delivery


def test_a_500_then_a_200_is_delivered_on_the_second_attempt_after_the_first_backoff(
    api_client, city, retries, django_capture_on_commit_callbacks
):
    with Receiver([500, 200]) as receiver:
        subscription, secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
        with django_capture_on_commit_callbacks(execute=True):
            delivery = make_delivery(subscription)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2
    assert delivery.last_status_code == 200
    assert delivery.finished_at is not None and delivery.next_attempt_at is None
    assert retries == [60]
    assert len(receiver.requests) == 2
    (first_headers, first_body), (second_headers, second_body) = receiver.requests
    assert first_body == second_body
    assert verify(first_headers, first_body, secret) and verify(second_headers, second_body, secret)
    assert first_headers["X-Zaozhuang-Delivery"] == second_headers["X-Zaozhuang-Delivery"] == str(delivery.pk)


def test_a_receiver_that_keeps_failing_is_given_up_after_the_last_attempt(
    api_client, city, retries, webhook_settings, django_capture_on_commit_callbacks
):
    webhook_settings.WEBHOOK_MAX_ATTEMPTS = 4
    with Receiver([503]) as receiver:
        subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
        with django_capture_on_commit_callbacks(execute=True):
            delivery = make_delivery(subscription)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.attempts == 4
    assert len(receiver.requests) == 4
    assert retries == [60, 120, 240]
    assert delivery.last_status_code == 503
    assert delivery.last_response_excerpt == "接收方出错\ufffd了"  # NUL from the receiver is not stored
    assert delivery.finished_at is not None


def test_a_refused_connection_is_recorded_and_retried(api_client, city, webhook_settings, retries):
    webhook_settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscription, _secret = subscribe(api_client, city, f"http://127.0.0.1:{port}/hooks", [WebhookEvent.BATCH_FILED])
    delivery = WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED, occurred_at=subscription.created_at, subscription=subscription, payload={}
    )

    deliver_webhook.delay(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.attempts == 2
    assert delivery.last_status_code is None
    assert "ConnectionRefusedError" in delivery.last_error
    assert retries == [60]


def test_a_redirect_is_not_followed(api_client, city, webhook_settings):
    webhook_settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver([302]) as receiver:
        subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
        delivery = WebhookDelivery.objects.create(
            event_type=WebhookEvent.BATCH_FILED,
            occurred_at=subscription.created_at,
            subscription=subscription,
            payload={},
        )
        deliver_webhook.delay(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.last_status_code == 302
    assert len(receiver.requests) == 1


def test_delivery_to_a_target_the_setting_no_longer_allows_makes_no_request(
    api_client, city, receiver, webhook_settings
):
    webhook_settings.WEBHOOK_MAX_ATTEMPTS = 1
    subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    webhook_settings.WEBHOOK_ALLOWED_HOSTS = []
    delivery = WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED, occurred_at=subscription.created_at, subscription=subscription, payload={}
    )

    deliver_webhook.delay(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert "127.0.0.1" in delivery.last_error
    assert receiver.requests == []


def test_a_delivery_of_a_subscription_made_inactive_meanwhile_is_given_up_unsent(api_client, city, receiver):
    subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    delivery = WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED, occurred_at=subscription.created_at, subscription=subscription, payload={}
    )
    client_revoke(client=api_client, actor=city, reason="系统下线")

    deliver_webhook.delay(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.attempts == 0
    assert delivery.last_error
    assert receiver.requests == []


def test_the_task_twice_sends_once(api_client, city, receiver):
    subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    delivery = WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED, occurred_at=subscription.created_at, subscription=subscription, payload={}
    )

    deliver_webhook.delay(delivery_id=delivery.pk)
    deliver_webhook.delay(delivery_id=delivery.pk)
    deliver_webhook.delay(delivery_id=delivery.pk + 1000)  # gone: nothing

    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert len(receiver.requests) == 1


def test_no_request_while_another_worker_holds_the_attempt(api_client, city, receiver):
    subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    delivery = WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED,
        occurred_at=subscription.created_at,
        subscription=subscription,
        payload={},
        leased_until=timezone.now() + timedelta(seconds=30),
    )

    deliver_webhook.delay(delivery_id=delivery.pk)
    assert receiver.requests == []

    WebhookDelivery.objects.filter(pk=delivery.pk).update(leased_until=timezone.now() - timedelta(seconds=1))
    deliver_webhook.delay(delivery_id=delivery.pk)  # the lease ran out: the worker died mid-attempt
    delivery.refresh_from_db()
    assert (delivery.status, delivery.leased_until, len(receiver.requests)) == (DeliveryStatus.DELIVERED, None, 1)


# --- Replay ---------------------------------------------------------------------------------------


def test_replay_sends_the_same_payload_again_as_a_new_logged_delivery(
    api_client, city, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    with django_capture_on_commit_callbacks(execute=True):
        original = make_delivery(subscription)
    secret = webhooks.subscription_rotate_secret(subscription=subscription, actor=city)
    original.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        replay = webhooks.delivery_replay(delivery=original, actor=city)

    replay.refresh_from_db()
    assert replay.status == DeliveryStatus.DELIVERED
    assert (replay.replay_of, replay.replayed_by) == (original, city)
    assert replay.event_id == original.event_id and replay.payload == original.payload
    (first_headers, first_body), (headers, body) = receiver.requests
    assert body == first_body
    assert headers["X-Zaozhuang-Delivery"] == str(replay.pk) != first_headers["X-Zaozhuang-Delivery"]
    assert verify(headers, body, secret)  # signed with the secret of now
    event = AuditEvent.objects.get(detail__action="webhook_replayed")
    assert (event.user, event.object_id, event.detail["replay"]) == (city, str(original.pk), replay.pk)


def test_replay_refused_while_the_delivery_is_under_way_or_the_subscription_inactive(api_client, city):
    subscription, _secret = subscribe(api_client, city, "https://8.8.8.8/hooks", [WebhookEvent.BATCH_FILED])
    pending = WebhookDelivery.objects.create(
        event_type=WebhookEvent.BATCH_FILED, occurred_at=subscription.created_at, subscription=subscription, payload={}
    )
    with pytest.raises(ValidationError) as refusal, translation.override("zh-hans"):
        webhooks.delivery_replay(delivery=pending, actor=city)
    assert refusal.value.messages == [f"推送记录 #{pending.pk} 仍在尝试中（已尝试 0 次，最多 8 次），请等待结果。"]

    WebhookDelivery.objects.filter(pk=pending.pk).update(status=DeliveryStatus.GIVEN_UP)
    pending.refresh_from_db()
    subscription.is_active = False
    webhooks.subscription_change(subscription=subscription, actor=city)
    pending.subscription.refresh_from_db()
    with pytest.raises(ValidationError) as refusal, translation.override("zh-hans"):
        webhooks.delivery_replay(delivery=pending, actor=city)
    assert refusal.value.messages == [f"推送记录 #{pending.pk} 不能重发：该订阅已停用。"]
    assert WebhookDelivery.objects.count() == 1


def test_the_sweep_queues_deliveries_whose_task_was_lost(api_client, city, receiver):
    subscription, _secret = subscribe(api_client, city, receiver.url, [WebhookEvent.BATCH_FILED])
    now = timezone.now()

    def delivery(**fields):
        return WebhookDelivery.objects.create(
            event_type=WebhookEvent.BATCH_FILED, occurred_at=now, subscription=subscription, payload={}, **fields
        )

    lost = delivery(created_at=now - timedelta(minutes=6))
    overdue = delivery(status=DeliveryStatus.FAILED, attempts=1, next_attempt_at=now - timedelta(minutes=6))
    delivery(created_at=now - timedelta(minutes=1))  # its task may still come
    delivery(status=DeliveryStatus.FAILED, attempts=1, next_attempt_at=now + timedelta(minutes=1))
    delivery(status=DeliveryStatus.GIVEN_UP, created_at=now - timedelta(hours=1))

    assert sorted(webhooks.deliveries_due(now)) == [lost.pk, overdue.pk]
    assert deliver_due_webhooks.delay().get() == 2
    assert set(WebhookDelivery.objects.filter(pk__in=[lost.pk, overdue.pk]).values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }
    assert len(receiver.requests) == 2
