"""The notices page (站内消息): the user's own notices, unread marked, all marked read on request, and
a constant number of queries however many notices there are; "send the email again" (service and admin)."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import Notice, Role
from zaozhuang_titles.notices import notice_create, notice_email_retry, unread_count

_keys = itertools.count()


def _notice(user, subject="申报 20220000001：已提交"):
    return notice_create(recipient=user, key=f"test:{next(_keys)}", subject=subject, body="正文", url="/")


def test_notices_page_lists_only_the_users_own(client_for, db):
    user, other = UserFactory(roles=[Role.APPLICANT]), UserFactory(roles=[Role.APPLICANT])
    _notice(user, "给我的消息")
    _notice(other, "给别人的消息")
    content = client_for(user).get(reverse("notices")).content.decode()
    assert "给我的消息" in content
    assert "给别人的消息" not in content
    assert 'data-testid="unread-count">1<' in content


def test_mark_all_read_marks_only_the_users_own(client_for, db):
    user, other = UserFactory(roles=[Role.APPLICANT]), UserFactory(roles=[Role.APPLICANT])
    _notice(user)
    _notice(other)
    response = client_for(user).post(reverse("notices"))
    assert response.status_code == 302
    assert unread_count(user) == 0
    assert unread_count(other) == 1


def test_notice_key_makes_it_once(db):
    user = UserFactory(roles=[Role.APPLICANT])
    first = notice_create(recipient=user, key="same", subject="a", body="b")
    second = notice_create(recipient=user, key="same", subject="a", body="b")
    assert first.pk == second.pk
    assert Notice.objects.filter(key="same").count() == 1


def test_notices_page_runs_constant_queries(client_for, db, django_assert_num_queries):
    user = UserFactory(roles=[Role.APPLICANT])
    client = client_for(user)
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("notices")), lambda: _notice(user), expected=8
    )
    assert count == 8, count  # no COUNT(*): the page is a keyset page


def _notice_with_email(recipient, state, attempts):
    notice = _notice(recipient)
    Notice.objects.filter(pk=notice.pk).update(email=state, email_attempts=attempts)
    return notice


@pytest.fixture
def three_emails(db):
    """A failed, a stuck pending and a sent email, and the outbox emptied."""
    recipient = UserFactory()
    notices = {
        Notice.Email.FAILED: _notice_with_email(recipient, Notice.Email.FAILED, 5),
        Notice.Email.PENDING: _notice_with_email(recipient, Notice.Email.PENDING, 2),
        Notice.Email.SENT: _notice_with_email(recipient, Notice.Email.SENT, 1),
    }
    mail.outbox.clear()
    return notices


def test_notice_email_retry_sends_failed_and_pending_but_never_a_sent_one(
    three_emails, django_capture_on_commit_callbacks
):
    city = UserFactory(roles=[Role.CITY_STAFF])

    with django_capture_on_commit_callbacks(execute=True):
        queued = notice_email_retry(notices=list(three_emails.values()), actor=city)

    assert queued == 2
    assert len(mail.outbox) == 2
    states = dict(Notice.objects.values_list("pk", "email"))
    assert {state: states[notice.pk] for state, notice in three_emails.items()} == {
        Notice.Email.FAILED: Notice.Email.SENT,
        Notice.Email.PENDING: Notice.Email.SENT,
        Notice.Email.SENT: Notice.Email.SENT,
    }
    attempts = dict(Notice.objects.values_list("pk", "email_attempts"))
    assert [attempts[notice.pk] for notice in three_emails.values()] == [1, 1, 1]


def test_notice_email_retry_queues_nothing_before_commit(three_emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice_email_retry(notices=list(three_emails.values()), actor=UserFactory(roles=[Role.CITY_STAFF]))

    assert len(callbacks) == 2
    assert mail.outbox == []


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.EXPERT, Role.APPLICANT])
def test_notice_email_retry_refuses_anyone_but_city_staff(three_emails, role):
    failed = three_emails[Notice.Email.FAILED]

    with pytest.raises(PermissionDenied):
        notice_email_retry(notices=[failed], actor=UserFactory(roles=[role]))

    failed.refresh_from_db()
    assert (failed.email, failed.email_attempts) == (Notice.Email.FAILED, 5)


def test_notice_admin_retry_action_sends_the_failed_email(
    client_for, three_emails, django_capture_on_commit_callbacks, settings
):
    client = client_for(UserFactory(roles=[Role.CITY_STAFF]))
    failed = three_emails[Notice.Email.FAILED]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:zaozhuang_titles_notice_changelist"),
            {"action": "retry_email", "_selected_action": [failed.pk, three_emails[Notice.Email.SENT].pk]},
            follow=True,
        )

    failed.refresh_from_db()
    assert failed.email == Notice.Email.SENT
    assert [message.subject for message in mail.outbox] == [f"【{settings.PORTAL_NAME}】{failed.subject}"]
    assert [str(message) for message in response.context["messages"]] == ["已将1封邮件重新加入发送队列。"]


def test_notice_admin_offers_the_retry_action_to_those_allowed_only(client_for, db):
    url = reverse("admin:zaozhuang_titles_notice_changelist")
    city_page = client_for(UserFactory(roles=[Role.CITY_STAFF])).get(url)

    assert "retry_email" in dict(city_page.context["action_form"].fields["action"].choices)
    assert not UserFactory(roles=[Role.DISTRICT_STAFF]).has_perm("zaozhuang_titles.retry_notice_email")
    assert UserFactory(roles=[Role.ADMINISTRATOR]).has_perm("zaozhuang_titles.retry_notice_email")


# --- Many at once (closing a notice of thousands of lines, issue 13) ------------------------------------


def test_notices_create_writes_each_key_once_and_mails_those_with_an_address(db, django_capture_on_commit_callbacks):
    from zaozhuang_titles.notices import notice_build, notices_create_many

    def spec(recipient, key, subject, body, url="", email=True):
        return notice_build(recipient=recipient, key=key, subject=subject, body=body, url=url, email=email)

    mailed, silent = UserFactory(email="a@example.cn"), UserFactory(email="")
    _notice(mailed)
    before = Notice.objects.get(recipient=mailed)
    specs = [
        spec(mailed, before.key, "已写过", "b"),  # used before: nothing new
        spec(mailed, "many:1", "一", "b", "/x"),
        spec(mailed, "many:1", "重复", "b"),  # twice in one call: written once, the first wins
        spec(silent, "many:2", "二", "b"),
        spec(mailed, "many:3", "三", "b", email=False),
    ]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        written = notices_create_many(notices=specs)

    assert written == 3
    assert Notice.objects.get(key="many:1").subject == "一"
    assert Notice.objects.get(key=before.key).subject == before.subject
    states = dict(Notice.objects.filter(key__startswith="many:").values_list("key", "email"))
    assert states == {"many:1": Notice.Email.SENT, "many:2": Notice.Email.NONE, "many:3": Notice.Email.NONE}
    assert [message.to for message in mail.outbox] == [["a@example.cn"]]
    assert notices_create_many(notices=[spec(mailed, "many:1", "一", "b")]) == 0  # again: idempotent


def test_notices_create_costs_a_few_queries_per_batch_not_per_notice(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zaozhuang_titles.notices import notice_build, notices_create_many

    users = [UserFactory(email="") for _ in range(3)]

    def write(prefix, n):
        with CaptureQueriesContext(connection) as captured:
            notices_create_many(
                notices=[
                    notice_build(recipient=users[i % 3], key=f"{prefix}:{i}", subject="s", body="b") for i in range(n)
                ]
            )
        return len(captured)

    # The keys used, the inserts (SQLite takes ~90 rows per INSERT, PostgreSQL 500), the mailed ids:
    # one by one, 300 notices took 900 queries.
    assert write("few", 3) <= 5  # with the savepoint around the inserts
    assert write("more", 300) <= 10
    assert Notice.objects.filter(key__startswith="more:").count() == 300
