"""One-time codes (短信验证码) that confirm an act, such as a chairman signing a nomination.

``otp_issue`` makes a 6-digit code for (user, purpose, key) and texts it to the user's mobile;
``otp_verify`` checks a code typed back. ``key`` names the object the act is about (``nomination:42``),
so a code for one nomination cannot sign another. Only the latest code of a (user, purpose, key)
counts. A code:

- lives ``OTP_TTL_SECONDS`` (default 5 minutes) and serves once;
- is locked after ``OneTimeCode.MAX_ATTEMPTS`` (5) wrong tries;
- is stored only as an HMAC keyed by SECRET_KEY over a per-row salt, the user, purpose, key and code
  (a 6-digit code hashed without a secret would be found by trying all million values);
- cannot be re-issued within ``RESEND_SECONDS`` (60) for the same user, purpose and key.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zaozhuang_titles.audit import client_ip
from zaozhuang_titles.models import OneTimeCode, User
from zaozhuang_titles.sms import SmsError, send_sms

logger = logging.getLogger("zaozhuang_titles.otp")

#: Seconds before a code for the same user, purpose and key may be requested again.
RESEND_SECONDS = 60
CODE_DIGITS = 6


class Purpose:
    """Purposes with their own wording; any other purpose string gets the generic text."""

    SIGN_NOMINATION = "sign_nomination"


MESSAGES = {
    Purpose.SIGN_NOMINATION: _(
        "【枣庄职称】Your code to sign the nomination is %(code)s, valid for %(minutes)d minutes. Do not share it."
    ),
}
#: What a text message of each purpose is for, as staff read it in admin (``otp:<purpose>``).
PURPOSE_LABELS = {
    Purpose.SIGN_NOMINATION: _("Code to sign a nomination (署名举荐)"),
}
GENERIC_MESSAGE = _("【枣庄职称】Your verification code is %(code)s, valid for %(minutes)d minutes. Do not share it.")


def sms_purpose_label(value):
    """The label of an SMS ``purpose`` as ``otp_issue`` writes it (``otp:sign_nomination``)."""
    kind, _sep, purpose = value.partition(":")
    if kind == "otp":
        return PURPOSE_LABELS.get(purpose, _("Verification code"))
    return value


def ttl_seconds():
    return int(getattr(settings, "OTP_TTL_SECONDS", 5 * 60))


def _hash(*, salt, user_id, purpose, key, code):
    value = f"{salt}:{user_id}:{purpose}:{key}:{code}"
    return salted_hmac("zaozhuang_titles.otp", value, algorithm="sha256").hexdigest()


def _latest(*, user, purpose, key):
    return OneTimeCode.objects.filter(user=user, purpose=purpose, key=key).order_by("-created_at", "-id")


def otp_issue(*, user, purpose, key, request=None, now=None):
    """Make a new code for ``user`` to confirm ``purpose`` on ``key`` and text it to the user's mobile.

    Raises ValidationError when the user has no mobile number, when a code was sent less than a minute
    ago, or when the text message cannot be sent (no code is kept then).
    """
    now = now or timezone.now()
    if not user.mobile:
        raise ValidationError(
            _("Your account has no mobile number to send a code to. Add one to your account first."),
            code="no_mobile",
        )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = ttl_seconds()
    with transaction.atomic():
        # Lock the user so that two requests at once cannot both pass the resend limit.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        previous = _latest(user=user, purpose=purpose, key=key).only("created_at").first()
        if previous is not None:
            wait = RESEND_SECONDS - int((now - previous.created_at).total_seconds())
            if wait > 0:
                raise ValidationError(
                    ngettext(
                        "A code was sent a moment ago. Wait %(seconds)d second before requesting another.",
                        "A code was sent a moment ago. Wait %(seconds)d seconds before requesting another.",
                        wait,
                    )
                    % {"seconds": wait},
                    code="too_soon",
                )
        salt = secrets.token_hex(16)
        otp = OneTimeCode(
            user=user,
            purpose=purpose,
            key=key,
            salt=salt,
            code_hash=_hash(salt=salt, user_id=user.pk, purpose=purpose, key=key, code=code),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        otp.full_clean()
        otp.save()
        text = MESSAGES.get(purpose, GENERIC_MESSAGE) % {"code": code, "minutes": max(1, ttl // 60)}
        try:
            send_sms(mobile=user.mobile, text=text, purpose=f"otp:{purpose}")
        except SmsError:
            logger.exception("otp sms failed user=%s purpose=%s key=%s", user.pk, purpose, key)
            raise ValidationError(
                _("The text message could not be sent. Try again in a minute."), code="sms_failed"
            ) from None
    logger.info(
        "otp issued user=%s purpose=%s key=%s ip=%s",
        user.pk,
        purpose,
        key,
        client_ip(request) if request is not None else None,
    )
    return otp


def otp_verify(*, user, purpose, key, code, now=None):
    """Return True when ``code`` is the latest valid code of (user, purpose, key); it is used up then.

    Otherwise raise ValidationError saying why: no code requested, already used, expired, locked after
    too many wrong tries, or wrong (with the number of tries left). A wrong try is counted even though
    the error is raised. The row is locked while checked, so two verifications at once cannot both pass.
    """
    now = now or timezone.now()
    code = str(code or "").strip()
    with transaction.atomic():
        otp = _latest(user=user, purpose=purpose, key=key).select_for_update().first()
        error = _check(otp, code=code, user=user, purpose=purpose, key=key, now=now)
    # Raised outside the atomic block so that a counted wrong try is committed.
    if error is not None:
        raise error
    return True


def _check(otp, *, code, user, purpose, key, now):
    """Check ``code`` against the locked row ``otp``, saving the outcome; return the error or None."""
    if otp is None:
        return ValidationError(_("No code has been requested for this. Request a code first."), code="none")
    if otp.used_at is not None:
        return ValidationError(_("This code has already been used. Request a new one."), code="used")
    if otp.attempts >= OneTimeCode.MAX_ATTEMPTS:
        return ValidationError(_("Too many wrong codes: this code is locked. Request a new one."), code="locked")
    if now >= otp.expires_at:
        return ValidationError(_("This code has expired. Request a new one."), code="expired")
    expected = _hash(salt=otp.salt, user_id=user.pk, purpose=purpose, key=key, code=code)
    if not constant_time_compare(expected, otp.code_hash):
        otp.attempts += 1
        otp.save(update_fields=["attempts"])
        left = OneTimeCode.MAX_ATTEMPTS - otp.attempts
        logger.info("otp wrong user=%s purpose=%s key=%s attempts=%s", user.pk, purpose, key, otp.attempts)
        if left == 0:
            return ValidationError(
                _("Wrong code. Too many wrong codes: this code is locked. Request a new one."), code="locked"
            )
        return ValidationError(
            ngettext(
                "Wrong code. You have %(left)d more try.",
                "Wrong code. You have %(left)d more tries.",
                left,
            )
            % {"left": left},
            code="wrong",
        )
    otp.used_at = now
    otp.save(update_fields=["used_at"])
    return None
