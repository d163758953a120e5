"""Webhooks in admin: city staff subscribe a client and see the secret once, rotate it, read the
delivery log (constant queries) and replay a delivery from its page or in bulk; nobody else can."""

import pytest
from django.contrib.admin import helpers
from django.db import connection
from django.urls import reverse
from django.utils import translation

from api import webhooks
from api.models import Scope
from api.models_webhooks import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.services import client_create
from tests.api.webhook_receiver import Receiver
from tests.helpers import assert_constant_queries, database_snapshot
from zaozhuang_titles.celery import app
from zaozhuang_titles.models import AuditEvent, Role


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    app.conf.task_eager_propagates = False
    yield settings
    app.conf.task_eager_propagates = True


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_STAFF, is_staff=True)


@pytest.fixture
def browser(city, client_for):
    return client_for(city)


@pytest.fixture
def api_client(city):
    client, _token = client_create(name="省专业技术人员管理服务平台", scopes=[Scope.WEBHOOKS], actor=city)
    return client


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def delivered(subscription, *, status=DeliveryStatus.DELIVERED):
    return WebhookDelivery.objects.create(
        event_type=WebhookEvent.CERTIFICATE_ISSUED,
        occurred_at=subscription.created_at,
        subscription=subscription,
        payload={"id": "e", "type": "certificate.issued", "data": {"certificate": {"number": "ZZ2026FG00001"}}},
        status=status,
        attempts=1,
        last_status_code=200 if status == DeliveryStatus.DELIVERED else 500,
        last_response_excerpt="已收到",
    )


def test_city_staff_subscribe_a_client_and_see_the_secret_once(browser, api_client, receiver):
    reader, _token = client_create(name="只读系统", scopes=[Scope.BATCHES_READ], actor=None)
    form = browser.get(reverse("admin:api_webhooksubscription_add")).content.decode()
    assert api_client.name in form and reader.name not in form  # only clients with the scope

    response = browser.post(
        reverse("admin:api_webhooksubscription_add"),
        {"client": api_client.pk, "target_url": receiver.url, "events": ["batch.filed", "certificate.issued"]},
    )

    subscription = WebhookSubscription.objects.get()
    secret = response.context["secret"]
    assert secret == subscription.secret
    assert secret in response.content.decode()
    assert subscription.events == ["batch.filed", "certificate.issued"]
    page = browser.get(reverse("admin:api_webhooksubscription_change", args=[subscription.pk])).content.decode()
    assert secret not in page
    assert reverse("admin:api_webhooksubscription_rotate", args=[subscription.pk]) in page

    rotated = browser.post(reverse("admin:api_webhooksubscription_rotate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert rotated.context["secret"] == subscription.secret != secret


def test_a_private_target_is_refused_with_a_message_and_nothing_saved(browser, api_client, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []

    response = browser.post(
        reverse("admin:api_webhooksubscription_add"),
        {"client": api_client.pk, "target_url": "http://10.1.2.3/hooks", "events": ["batch.filed"]},
    )

    assert response.status_code == 200
    assert "WEBHOOK_ALLOWED_HOSTS" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_staff_deactivate_a_subscription_and_the_change_is_logged(browser, api_client, city):
    subscription, _secret = webhooks.subscription_create(
        client=api_client, target_url="https://8.8.8.8/hooks", events=["batch.filed"], actor=city
    )

    browser.post(
        reverse("admin:api_webhooksubscription_change", args=[subscription.pk]),
        {"target_url": "https://8.8.4.4/hooks", "events": ["certificate.revoked"], "description": "停用测试"},
    )

    subscription.refresh_from_db()
    assert (subscription.target_url, subscription.events, subscription.is_active) == (
        "https://8.8.4.4/hooks",
        ["certificate.revoked"],
        False,
    )
    assert AuditEvent.objects.filter(detail__action="webhook_changed", user=city).count() == 1


def test_delivery_log_runs_constant_queries(browser, api_client, city, django_assert_num_queries):
    subscription, _secret = webhooks.subscription_create(
        client=api_client, target_url="https://8.8.8.8/hooks", events=["certificate.issued"], actor=city
    )
    url = reverse("admin:api_webhookdelivery_changelist")

    # Session, user and roles, the client filter's choices, the count and the page (rows with their
    # subscription, client and replayer in one join); PostgreSQL asks pg_class for the table's estimated
    # size first (EstimatedCountPaginator).
    assert_constant_queries(
        django_assert_num_queries,
        render=lambda: browser.get(url),
        add_item=lambda: delivered(subscription),
        expected=11 + (connection.vendor == "postgresql"),
    )


def test_subscription_list_runs_constant_queries(browser, api_client, city, django_assert_num_queries):
    url = reverse("admin:api_webhooksubscription_changelist")

    def add():
        webhooks.subscription_create(
            client=api_client, target_url="https://8.8.8.8/hooks", events=["batch.filed"], actor=city
        )

    assert_constant_queries(
        django_assert_num_queries,
        render=lambda: browser.get(url),
        add_item=add,
        expected=11 + (connection.vendor == "postgresql"),
    )


def test_delivery_page_shows_the_payload_and_the_answer_and_replays(
    browser, api_client, city, receiver, django_capture_on_commit_callbacks
):
    subscription, _secret = webhooks.subscription_create(
        client=api_client, target_url=receiver.url, events=["certificate.issued"], actor=city
    )
    original = delivered(subscription)
    change_url = reverse("admin:api_webhookdelivery_change", args=[original.pk])
    replay_url = reverse("admin:api_webhookdelivery_replay", args=[original.pk])

    page = browser.get(change_url).content.decode()
    assert "ZZ2026FG00001" in page and "已收到" in page
    assert replay_url in page
    confirmation = browser.get(replay_url)
    assert confirmation.status_code == 200 and confirmation.context["refusal"] is None
    assert not WebhookDelivery.objects.filter(replay_of=original).exists()  # GET writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(replay_url)

    replay = WebhookDelivery.objects.get(replay_of=original)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:api_webhookdelivery_change", args=[replay.pk])
    assert (replay.status, replay.replayed_by) == (DeliveryStatus.DELIVERED, city)
    assert receiver.payloads() == [original.payload]


def test_replay_of_a_delivery_under_way_is_refused_with_the_reason(browser, api_client, city):
    subscription, _secret = webhooks.subscription_create(
        client=api_client, target_url="https://8.8.8.8/hooks", events=["certificate.issued"], actor=city
    )
    pending = delivered(subscription, status=DeliveryStatus.FAILED)
    replay_url = reverse("admin:api_webhookdelivery_replay", args=[pending.pk])

    with translation.override("zh-hans"):
        reason = webhooks.replay_refusal(pending)

    assert reason in browser.get(replay_url).content.decode()
    response = browser.post(replay_url, follow=True)

    assert WebhookDelivery.objects.count() == 1
    assert [str(message) for message in response.context["messages"]] == [reason]


def test_bulk_replay_replays_the_finished_and_names_the_others(
    browser, api_client, city, receiver, django_capture_on_commit_callbacks
):
    subscription, _secret = webhooks.subscription_create(
        client=api_client, target_url=receiver.url, events=["certificate.issued"], actor=city
    )
    done = delivered(subscription)
    given_up = delivered(subscription, status=DeliveryStatus.GIVEN_UP)
    under_way = delivered(subscription, status=DeliveryStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("admin:api_webhookdelivery_changelist"),
            {"action": "replay", helpers.ACTION_CHECKBOX_NAME: [done.pk, given_up.pk, under_way.pk]},
            follow=True,
        )

    assert set(WebhookDelivery.objects.filter(replay_of__isnull=False).values_list("replay_of", flat=True)) == {
        done.pk,
        given_up.pk,
    }
    messages = [str(message) for message in response.context["messages"]]
    assert any(f"#{under_way.pk}" in message for message in messages)
    assert len(receiver.requests) == 2


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.APPLICANT, Role.EXPERT])
def test_no_one_but_city_staff_reaches_webhooks(role, make_user, city, api_client, client_for, division):
    subscription, secret = webhooks.subscription_create(
        client=api_client, target_url="https://8.8.8.8/hooks", events=["certificate.issued"], actor=city
    )
    delivery = delivered(subscription, status=DeliveryStatus.GIVEN_UP)
    kwargs = {"roles__division": division} if role == Role.DISTRICT_STAFF else {}
    other = client_for(make_user(role, is_staff=True, **kwargs))
    urls = [
        reverse("admin:api_webhooksubscription_rotate", args=[subscription.pk]),
        reverse("admin:api_webhookdelivery_replay", args=[delivery.pk]),
    ]
    before = database_snapshot()

    for url in urls:
        assert other.get(url).status_code in {302, 403}
        assert other.post(url).status_code in {302, 403}
    response = other.post(
        reverse("admin:api_webhookdelivery_changelist"),
        {"action": "replay", helpers.ACTION_CHECKBOX_NAME: [delivery.pk]},
    )

    assert response.status_code in {302, 403}
    assert database_snapshot() == before
    assert WebhookSubscription.objects.get().secret == secret
    assert WebhookDelivery.objects.count() == 1
