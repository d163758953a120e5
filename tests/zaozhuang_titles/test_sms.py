"""Text messages go through the backend named in SMS_BACKEND; the default keeps them in the database."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zaozhuang_titles import sms
from zaozhuang_titles.models import Role, SmsMessage

pytestmark = pytest.mark.django_db


class RecordingBackend:
    """Stands in for a real gateway: keeps what it was asked to send, stores nothing."""

    sent = []

    def send(self, message):
        self.sent.append((message.mobile, message.text, message.purpose))


class BrokenGateway:
    def send(self, message):
        raise sms.SmsError("gateway answered 500")


def test_the_default_backend_logs_and_stores_the_message(settings, caplog):
    settings.DEBUG = True
    with caplog.at_level(logging.INFO, logger="zaozhuang_titles.sms"):
        message = sms.send_sms(mobile="13900000001", text="【枣庄职称】测试", purpose="test")

    stored = SmsMessage.objects.get()
    assert stored == message
    assert (stored.mobile, stored.text, stored.purpose) == ("13900000001", "【枣庄职称】测试", "test")
    assert stored.status == SmsMessage.Status.SENT
    assert stored.backend == "zaozhuang_titles.sms.ConsoleAndDatabaseBackend"
    assert "13900000001" in caplog.text
    assert "【枣庄职称】测试" in caplog.text


def test_another_backend_is_chosen_by_dotted_path(settings):
    settings.SMS_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.sent.clear()

    sms.send_sms(mobile="13900000002", text="hello", purpose="test")

    assert RecordingBackend.sent == [("13900000002", "hello", "test")]
    assert not SmsMessage.objects.exists()


def test_a_failing_backend_raises_sms_error(settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenGateway"

    with pytest.raises(sms.SmsError):
        sms.send_sms(mobile="13900000003", text="hello", purpose="test")


def test_an_empty_message_is_refused():
    with pytest.raises(ValidationError):
        sms.send_sms(mobile="13900000004", text="", purpose="test")
    assert not SmsMessage.objects.exists()


def test_without_debug_the_text_stays_out_of_the_log(settings, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="zaozhuang_titles.sms"):
        sms.send_sms(mobile="13900000006", text="【枣庄职称】验证码 654321", purpose="otp:test")

    assert "654321" not in caplog.text
    assert "13900000006" not in caplog.text
    assert "139****0006" in caplog.text
    assert SmsMessage.objects.get().text == "【枣庄职称】验证码 654321"


def test_the_check_refuses_a_backend_that_cannot_send(settings):
    assert sms.check_sms_backend() == []
    settings.SMS_BACKEND = f"{__name__}.RecordingBackend"
    assert sms.check_sms_backend() == []

    settings.SMS_BACKEND = "nowhere.Backend"
    assert [error.id for error in sms.check_sms_backend()] == ["zaozhuang_titles.E002"]
    settings.SMS_BACKEND = "zaozhuang_titles.sms.SmsError"
    assert [error.id for error in sms.check_sms_backend()] == ["zaozhuang_titles.E002"]


def test_city_staff_read_messages_in_admin_but_cannot_add_or_change(make_user, client):
    message = sms.send_sms(mobile="13900000005", text="【枣庄职称】验证码 123456", purpose="otp:test")
    staff = make_user(Role.CITY_STAFF)
    client.force_login(staff)

    listing = client.get(reverse("admin:zaozhuang_titles_smsmessage_changelist"))
    assert listing.status_code == 200
    assert "验证码 123456" in listing.content.decode()

    detail = client.get(reverse("admin:zaozhuang_titles_smsmessage_change", args=[message.pk]))
    assert detail.status_code == 200
    response = client.post(
        reverse("admin:zaozhuang_titles_smsmessage_change", args=[message.pk]),
        {"mobile": "13900000009", "text": "changed", "purpose": "x", "backend": "x", "status": "sent"},
    )
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.mobile == "13900000005"
    assert client.get(reverse("admin:zaozhuang_titles_smsmessage_add")).status_code == 403


def test_sms_admin_list_names_the_purpose_and_hides_the_backend_path(make_user, client):
    sms.send_sms(mobile="13900000006", text="【枣庄职称】验证码 246810", purpose="otp:sign_nomination")
    sms.send_sms(mobile="13900000007", text="【枣庄职称】验证码 135790", purpose="otp:other")
    client.force_login(make_user(Role.CITY_STAFF))

    page = client.get(reverse("admin:zaozhuang_titles_smsmessage_changelist")).content.decode()

    assert "署名举荐验证码" in page
    assert "验证码" in page
    assert "otp:sign_nomination" not in page
    assert sms.DEVELOPMENT_BACKEND not in page
