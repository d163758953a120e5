"""One-time codes: issued by text message, verified once, limited in tries, time and resends."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from zaozhuang_titles import otp
from zaozhuang_titles.models import OneTimeCode, SmsMessage
from zaozhuang_titles.sms import SmsError

pytestmark = pytest.mark.django_db

KEY = "nomination:42"


class BrokenGateway:
    def send(self, message):
        raise SmsError("gateway down")


@pytest.fixture(autouse=True)
def english():
    """Read the messages in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def chairman(make_user):
    return make_user(mobile="13906320005")


def issue(user, now=None, key=KEY):
    otp.otp_issue(user=user, purpose=otp.Purpose.SIGN_NOMINATION, key=key, now=now)
    message = SmsMessage.objects.filter(mobile=user.mobile).first()
    return re.search(r"\b(\d{6})\b", message.text).group(1)


def verify(user, code, now=None, key=KEY):
    return otp.otp_verify(user=user, purpose=otp.Purpose.SIGN_NOMINATION, key=key, code=code, now=now)


def test_issue_texts_the_code_and_stores_only_its_hash(chairman):
    code = issue(chairman)

    message = SmsMessage.objects.get()
    assert message.mobile == "13906320005"
    assert message.purpose == "otp:sign_nomination"
    assert message.text.startswith("【枣庄职称】Your code to sign the nomination is ")
    assert "valid for 5 minutes. Do not share it." in message.text
    assert code in message.text
    row = OneTimeCode.objects.get()
    assert (row.user, row.purpose, row.key, row.attempts, row.used_at) == (chairman, "sign_nomination", KEY, 0, None)
    assert code not in row.code_hash
    assert row.expires_at - row.created_at == timedelta(minutes=5)


def test_a_right_code_passes_once(chairman):
    code = issue(chairman)

    assert verify(chairman, code) is True
    assert OneTimeCode.objects.get().used_at is not None
    with pytest.raises(ValidationError, match="already been used"):
        verify(chairman, code)


def test_wrong_codes_are_counted_and_the_fifth_locks(chairman):
    code = issue(chairman)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"{left} more tr"):
            verify(chairman, wrong)
    assert OneTimeCode.objects.get().attempts == 4
    with pytest.raises(ValidationError, match="locked"):
        verify(chairman, wrong)
    assert OneTimeCode.objects.get().attempts == 5
    # Even the right code no longer helps.
    with pytest.raises(ValidationError, match="locked"):
        verify(chairman, code)
    assert OneTimeCode.objects.get().used_at is None


def test_an_expired_code_asks_for_a_new_one(chairman):
    start = timezone.now()
    code = issue(chairman, now=start)

    with pytest.raises(ValidationError, match=r"expired\. Request a new one"):
        verify(chairman, code, now=start + timedelta(minutes=5))
    assert verify(chairman, code, now=start + timedelta(minutes=4, seconds=59)) is True


def test_ttl_comes_from_settings(chairman, settings):
    settings.OTP_TTL_SECONDS = 120
    issue(chairman)

    row = OneTimeCode.objects.get()
    assert row.expires_at - row.created_at == timedelta(seconds=120)
    assert "valid for 2 minutes" in SmsMessage.objects.get().text


def test_resend_waits_a_minute_and_only_the_latest_code_counts(chairman):
    start = timezone.now()
    first = issue(chairman, now=start)

    with pytest.raises(ValidationError, match="Wait 20 seconds"):
        otp.otp_issue(user=chairman, purpose=otp.Purpose.SIGN_NOMINATION, key=KEY, now=start + timedelta(seconds=40))
    assert OneTimeCode.objects.count() == 1

    second = issue(chairman, now=start + timedelta(seconds=60))
    assert OneTimeCode.objects.count() == 2
    if first != second:
        with pytest.raises(ValidationError, match="Wrong code"):
            verify(chairman, first, now=start + timedelta(seconds=61))
    assert verify(chairman, second, now=start + timedelta(seconds=62)) is True


def test_codes_are_bound_to_their_object_and_user(chairman, make_user):
    code = issue(chairman)
    other = make_user(mobile="13906320099")

    # A code for nomination 42 signs neither nomination 43 nor anything for another user.
    with pytest.raises(ValidationError, match="No code has been requested"):
        verify(chairman, code, key="nomination:43")
    with pytest.raises(ValidationError, match="No code has been requested"):
        verify(other, code)
    # Another object's limit is separate: a code for nomination 43 may be sent at once.
    issue(chairman, key="nomination:43")
    assert verify(chairman, code) is True


def test_a_user_without_mobile_gets_no_code(make_user):
    user = make_user(mobile=None)

    with pytest.raises(ValidationError, match="no mobile number"):
        otp.otp_issue(user=user, purpose=otp.Purpose.SIGN_NOMINATION, key=KEY)
    assert not OneTimeCode.objects.exists()
    assert not SmsMessage.objects.exists()


def test_a_failed_text_message_keeps_no_code(chairman, settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenGateway"

    with pytest.raises(ValidationError, match="could not be sent"):
        otp.otp_issue(user=chairman, purpose=otp.Purpose.SIGN_NOMINATION, key=KEY)
    assert not OneTimeCode.objects.exists()


def test_other_purposes_get_the_generic_text(chairman):
    otp.otp_issue(user=chairman, purpose="confirm_mobile", key="user:1")

    row = OneTimeCode.objects.get()
    message = SmsMessage.objects.get()
    assert message.purpose == "otp:confirm_mobile"
    code = re.search(r"\b(\d{6})\b", message.text).group(1)
    assert otp.otp_verify(user=chairman, purpose="confirm_mobile", key="user:1", code=code)
    row.refresh_from_db()
    assert row.used_at is not None


def test_blank_or_malformed_input_is_a_wrong_try(chairman):
    issue(chairman)

    for code in ("", None, "12 34", "abcdef"):
        with pytest.raises(ValidationError, match="Wrong code"):
            verify(chairman, code)
    assert OneTimeCode.objects.get().attempts == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_verification_waits_for_a_concurrent_one_and_then_finds_the_code_used(chairman):
    code = issue(chairman)
    outcome = {}

    def second_verifier():
        try:
            with translation.override("en"):
                outcome["result"] = verify(chairman, code)
        except ValidationError as error:
            outcome["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        # The first verifier holds the row...
        row = OneTimeCode.objects.select_for_update().get()
        thread = threading.Thread(target=second_verifier)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second verification must wait for the row lock"
        # ...and uses the code before it lets go.
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
    thread.join(timeout=10)

    assert "result" not in outcome
    assert "already been used" in str(outcome["error"])
