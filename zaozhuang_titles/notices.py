"""In-site notices (站内消息) and their email copies, written as an outbox.

``notice_create`` is called inside the transaction of the change it tells about; it queues the email
on commit; ``notices_create_many`` writes many at once (closing a notice of thousands of lines) in a fixed
number of queries. ``notice_deliver`` sends one email at most once (the row is locked and marked); the beat
task ``deliver_pending_notices`` sends what was left pending (a broker that was down, a worker killed).
``notice_email_retry`` is city staff's "send again" of emails that failed or are stuck pending.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zaozhuang_titles.links import absolute_url
from zaozhuang_titles.models import Notice

logger = logging.getLogger(__name__)

#: How often the email of a notice is tried before it is left as failed (the admin shows it).
MAX_EMAIL_ATTEMPTS = 5
#: The email states that "send again" picks up: failed, or pending (its queuing was lost).
RETRYABLE_EMAILS = (Notice.Email.FAILED, Notice.Email.PENDING)


def notice_build(*, recipient, key, subject, body, url="", email=True):
    """An unsaved notice, cut to its columns' lengths, its email pending when it has somewhere to go:
    what ``notice_create`` writes, and what ``notices_create_many`` takes."""
    wants_email = email and bool(recipient.email)
    return Notice(
        recipient=recipient,
        key=key[:100],
        subject=str(subject)[:200],
        body=str(body),
        url=url[:300],
        email=Notice.Email.PENDING if wants_email else Notice.Email.NONE,
    )


def notice_create(*, recipient, key, subject, body, url="", email=True):
    """Write one notice (idempotent by ``key``) and queue its email on commit. Returns the notice, or
    the existing one when ``key`` was used before."""
    existing = Notice.objects.filter(key=key).first()
    if existing is not None:
        return existing
    notice = notice_build(recipient=recipient, key=key, subject=subject, body=body, url=url, email=email)
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        return Notice.objects.get(key=key)
    if notice.email == Notice.Email.PENDING:
        transaction.on_commit(lambda: _queue_delivery(notice.pk))
    return notice


#: Keys looked up per query (SQLite allows 999 parameters), notices written per INSERT, emails per task.
_KEYS_PER_QUERY = 900
_NOTICES_PER_INSERT = 500
_EMAILS_PER_TASK = 100


def notices_create_many(*, notices):
    """Write the unsaved ``notices`` (from ``notice_build``) whose key was not used before, in a fixed
    number of queries per thousand notices however many they are (the keys used before, the inserts,
    the ids of those with an email), and queue their emails on commit, a hundred per task. Returns how
    many were new. For the sends that tell many people at once: the daily digest and reminders, and
    closing a publicity notice of 10,000 lines (30,000 people with the enterprises' contacts).

    Idempotent like ``notice_create``: a key written before, or twice in ``notices`` (the first wins), or
    by another worker meanwhile (the unique key; its insert is skipped), is not written again. An email
    queued twice is sent once (``notice_deliver`` locks the row and checks that it is still pending)."""
    wanted = {}
    for notice in notices:
        wanted.setdefault(notice.key, notice)
    if not wanted:
        return 0
    keys = list(wanted)
    told_before = set()
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        told_before.update(
            Notice.objects.filter(key__in=keys[start : start + _KEYS_PER_QUERY]).values_list("key", flat=True)
        )
    new = [notice for key, notice in wanted.items() if key not in told_before]
    if not new:
        return 0
    with transaction.atomic():
        Notice.objects.bulk_create(new, batch_size=_NOTICES_PER_INSERT, ignore_conflicts=True)
        mailed = [notice.key for notice in new if notice.email == Notice.Email.PENDING]
        pending = []
        for start in range(0, len(mailed), _KEYS_PER_QUERY):
            pending += Notice.objects.filter(
                key__in=mailed[start : start + _KEYS_PER_QUERY], email=Notice.Email.PENDING
            ).values_list("pk", flat=True)
        if pending:
            transaction.on_commit(lambda: _queue_deliveries(sorted(pending)))
    return len(new)


def _queue_deliveries(notice_ids):
    from zaozhuang_titles.tasks import deliver_notices  # deferred: import cycle, the tasks import this module

    for start in range(0, len(notice_ids), _EMAILS_PER_TASK):
        chunk = notice_ids[start : start + _EMAILS_PER_TASK]
        try:
            deliver_notices.delay(notice_ids=chunk)
        except Exception:  # the broker is down: the sweep sends them later
            logger.warning("could not queue the emails of %d notices; the sweep will send them", len(chunk))
            return


def _queue_delivery(notice_id):
    from zaozhuang_titles.tasks import deliver_notice  # deferred: import cycle, the tasks import this module

    try:
        deliver_notice.delay(notice_id=notice_id)
    except Exception:  # the broker is down: the sweep sends it later
        logger.warning("could not queue the email of notice %s; the sweep will send it", notice_id)


@transaction.atomic
def notice_email_retry(*, notices, actor):
    """Send the emails of ``notices`` again: those that failed or are still pending, never one already
    sent. Returns how many were queued (on commit).

    The rows are locked and their state read under the lock, so an email being sent right now by
    ``notice_deliver`` is waited for and, once sent, left alone instead of being sent twice.
    """
    if actor is None or not actor.has_perm("zaozhuang_titles.retry_notice_email"):
        raise PermissionDenied(_("Only city HR staff send emails again."))
    ids = list(
        Notice.objects.select_for_update()
        .filter(pk__in=[notice.pk for notice in notices], email__in=RETRYABLE_EMAILS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Notice.objects.filter(pk__in=ids).update(email=Notice.Email.PENDING, email_attempts=0)
    for notice_id in ids:
        transaction.on_commit(lambda notice_id=notice_id: _queue_delivery(notice_id))
    return len(ids)


def notice_deliver(*, notice_id):
    """Send the email of one notice if it is still pending. Returns True when this call sent it."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notice_id, email=Notice.Email.PENDING)
            .first()
        )
        if notice is None:
            return False
        link = absolute_url(notice.url) if notice.url else ""
        try:
            send_mail(
                subject=f"【{settings.PORTAL_NAME}】{notice.subject}",
                message=f"{notice.body}\n\n{link}".strip(),
                from_email=None,
                recipient_list=[notice.recipient.email],
            )
        except Exception as error:  # any SMTP failure is recorded and retried by the sweep
            notice.email_attempts += 1
            notice.email_error = str(error)[:300]
            if notice.email_attempts >= MAX_EMAIL_ATTEMPTS:
                notice.email = Notice.Email.FAILED
            notice.save(update_fields=["email_attempts", "email_error", "email"])
            logger.warning("email of notice %s failed (%s attempts): %s", notice.pk, notice.email_attempts, error)
            return False
        notice.email = Notice.Email.SENT
        notice.email_sent_at = timezone.now()
        notice.email_attempts += 1
        notice.save(update_fields=["email", "email_sent_at", "email_attempts"])
        return True


def pending_notice_ids(*, older_than=timedelta(minutes=1), limit=500):
    cutoff = timezone.now() - older_than
    return list(
        Notice.objects.filter(email=Notice.Email.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


#: A user's notices, newest first (the keyset order of the notices page; served by an index).
NOTICE_ORDER = ("-created_at", "-id")


def notices_for(user):
    return Notice.objects.filter(recipient=user).order_by(*NOTICE_ORDER)


def unread_count(user):
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_mark_read(*, user, notice_ids=None):
    queryset = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        queryset = queryset.filter(pk__in=notice_ids)
    return queryset.update(read_at=timezone.now())
