"""The notices page (站内消息): the user's own notices, unread marked, all marked read on request, and
a constant number of queries however many notices there are."""

import itertools

from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import Notice, Role
from zaozhuang_titles.notices import notice_create, unread_count

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
        django_assert_num_queries, lambda: client.get(reverse("notices")), lambda: _notice(user), expected=9
    )
    assert count == 9, count
