"""Keyset pages (``zaozhuang_titles.keyset``): walking "next" from the first page, and "previous" back
from the last, shows every row exactly once in the list's order, forwards and backwards (``-field``),
rows sharing the first field's value included; a cursor that does not parse is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from zaozhuang_titles.keyset import InvalidCursor, keyset_page
from zaozhuang_titles.models import Notice
from zaozhuang_titles.views import NoticeListView

pytestmark = pytest.mark.django_db

ORDERS = [("created_at", "id"), ("-created_at", "-id")]


@pytest.fixture
def notices():
    user = UserFactory()
    start = timezone.now().replace(microsecond=0)
    # Eleven notices over five instants: several share a timestamp, which only the id sets apart.
    rows = [
        Notice(recipient=user, key=f"k{i}", subject=f"s{i}", body="b", created_at=start + datetime.timedelta(i // 3))
        for i in range(11)
    ]
    Notice.objects.bulk_create(rows)
    return user, Notice.objects.filter(recipient=user)


def _expected(queryset, fields):
    return list(queryset.order_by(*fields).values_list("pk", flat=True))


@pytest.mark.parametrize("fields", ORDERS)
@pytest.mark.parametrize("size", [1, 3, 4, 11, 50])
def test_next_then_previous_show_every_row_once_in_order(notices, fields, size):
    _user, queryset = notices
    expected = _expected(queryset, fields)

    seen, pages, page = [], [], keyset_page(queryset, fields=fields, size=size)
    while True:
        pages.append([row.pk for row in page.rows])
        seen += pages[-1]
        if page.next_cursor is None:
            break
        page = keyset_page(queryset, fields=fields, after=page.next_cursor, size=size)
    assert seen == expected

    back = [pages[-1]]
    while page.previous_cursor is not None:
        page = keyset_page(queryset, fields=fields, before=page.previous_cursor, size=size)
        back.append([row.pk for row in page.rows])
    assert [pk for rows in reversed(back) for pk in rows] == expected


@pytest.mark.parametrize("cursor", ["", "x", "2026-13-01T00:00:00~1", "~", "2026-01-01T00:00:00~abc", "None~None"])
def test_a_cursor_that_does_not_parse_is_refused(notices, cursor):
    _user, queryset = notices
    if not cursor:
        assert len(keyset_page(queryset, fields=ORDERS[1], after=cursor, size=3).rows) == 3  # no cursor: page 1
        return
    with pytest.raises(InvalidCursor):
        keyset_page(queryset, fields=ORDERS[1], after=cursor, size=3)


def test_the_notices_page_walks_by_cursor_and_says_when_a_link_is_broken(client, notices):
    user, queryset = notices
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    url = reverse("notices")
    original, NoticeListView.page_size = NoticeListView.page_size, 4
    try:
        first = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        second = client.get(url, {"after": first.context["page"].next_cursor}, HTTP_ACCEPT_LANGUAGE="en")
        broken = client.get(url, {"after": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        NoticeListView.page_size = original

    newest = _expected(queryset, ORDERS[1])
    assert [n.pk for n in first.context["notices"]] == newest[:4]
    assert [n.pk for n in second.context["notices"]] == newest[4:8]
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()
    assert broken.status_code == 200
    assert [n.pk for n in broken.context["notices"]] == newest[:4]
    assert "The page link is not valid" in broken.content.decode()


@pytest.mark.parametrize("fields", [("recipient__real_name", "id"), ("-recipient__real_name", "-id")])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_an_order_on_a_related_field_walks_every_row_once(fields, size):
    """A related field (``recipient__real_name``; a questionnaire's recipients go by ``enterprise__name``)
    is read from the row through the relation and named in the cursor like the row's own fields."""
    # Two users share a name ("~" in it: only the first field may hold the separator), a third differs.
    users = [UserFactory(real_name="张~三"), UserFactory(real_name="张~三"), UserFactory(real_name="李四")]
    Notice.objects.bulk_create(
        Notice(recipient=user, key=f"{user.pk}-{i}", subject="s", body="b") for user in users for i in range(2)
    )
    queryset = Notice.objects.select_related("recipient")
    expected = _expected(queryset, fields)

    seen, page = [], keyset_page(queryset, fields=fields, size=size)
    while True:
        seen += [row.pk for row in page.rows]
        if page.next_cursor is None:
            break
        page = keyset_page(queryset, fields=fields, after=page.next_cursor, size=size)
    assert seen == expected
    back = (
        keyset_page(queryset, fields=fields, before=page.previous_cursor, size=size) if page.previous_cursor else None
    )
    assert back is None or [row.pk for row in back.rows] == expected[-size - len(page.rows) : -len(page.rows)]
