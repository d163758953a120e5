"""Keyset pagination: a page is "the rows after (or before) this one", never "skip N rows".

``OFFSET 5000`` makes the database read and throw away 5,000 rows; "rows whose (status_changed_at, id)
is greater than the last shown" is a range of an index, so the thousandth page costs what the first
does. The order must end with a unique field (``id``) so that rows sharing a timestamp keep one order
and none is skipped or shown twice.

An order may run backwards on a field (``"-held_on"``, newest first): "after" is then "smaller" on it.
The cursor names a row by its values of the order's fields, joined by ``~`` (an ISO timestamp, an id):
readable, and nothing to sign, since it only says where to start reading within what the reader may
see anyway. A cursor that does not parse raises ``InvalidCursor``; the page says so and starts over.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

SEPARATOR = "~"


class InvalidCursor(ValueError):
    pass


@dataclass
class KeysetPage:
    rows: list
    #: The cursor of the next page ("after" the last row), or None on the last page.
    next_cursor: str | None = None
    #: The cursor of the previous page ("before" the first row), or None on the first page.
    previous_cursor: str | None = None
    size: int = 50

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.previous_cursor)


def _value_text(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _names(fields):
    return [name.lstrip("-") for name in fields]


def _reversed(fields):
    return [name[1:] if name.startswith("-") else f"-{name}" for name in fields]


def _value(row, name):
    """``row``'s value of ``name``, following a related path (``enterprise__name``)."""
    for part in name.split("__"):
        row = getattr(row, part)
    return row


def _field(model, name):
    """The model field ``name`` (a related path ``enterprise__name`` included) names, from ``model``."""
    *path, last = name.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(last)


def encode_cursor(row, fields):
    return SEPARATOR.join(_value_text(_value(row, name)) for name in _names(fields))


def decode_cursor(model, fields, text):
    """The values the cursor ``text`` names, one per field of the order, or ``InvalidCursor``."""
    names = _names(fields)
    parts = (text or "").rsplit(SEPARATOR, len(names) - 1)  # only the first field may hold a "~" (a name)
    if len(parts) != len(names):
        raise InvalidCursor(text)
    values = []
    for name, part in zip(names, parts, strict=True):
        try:
            value = _field(model, name).to_python(part)
        except (ValidationError, ValueError, TypeError):
            raise InvalidCursor(text) from None
        if value is None:
            raise InvalidCursor(text)
        values.append(value)
    return values


def _beyond(fields, values):
    """Rows after ``values`` in the order of ``fields`` (``-name`` for a field that runs backwards).

    Written as ``first >= v AND (first > v OR (first = v AND second > w))`` so that the first
    condition is a range of the index both PostgreSQL and SQLite can seek to (a bare OR is not)."""
    names = _names(fields)
    lookups = ["lt" if name.startswith("-") else "gt" for name in fields]
    condition = Q()
    for index in range(len(names) - 1, -1, -1):
        here = Q(**{f"{names[index]}__{lookups[index]}": values[index]})
        if index < len(names) - 1:
            here |= Q(**{names[index]: values[index]}) & condition
        condition = here
    return Q(**{f"{names[0]}__{lookups[0]}e": values[0]}) & condition


def keyset_page(queryset, *, fields, after=None, before=None, size=50):
    """One page of ``queryset`` in the order of ``fields`` (the last one unique; ``-name`` runs
    backwards on ``name``).

    ``after``/``before`` are cursors (strings) of a neighbouring page's last/first row; with neither,
    the first page. Fetches ``size + 1`` rows to know whether there is more: one query."""
    model = queryset.model
    forwards = list(fields)
    backwards = _reversed(fields)
    if before:
        values = decode_cursor(model, fields, before)
        rows = list(queryset.filter(_beyond(backwards, values)).order_by(*backwards)[: size + 1])
        more = len(rows) > size
        rows = list(reversed(rows[:size]))
        if not rows:
            return keyset_page(queryset, fields=fields, size=size)
        return KeysetPage(
            rows=rows,
            next_cursor=encode_cursor(rows[-1], fields),
            previous_cursor=encode_cursor(rows[0], fields) if more else None,
            size=size,
        )
    if after:
        values = decode_cursor(model, fields, after)
        queryset = queryset.filter(_beyond(forwards, values))
    rows = list(queryset.order_by(*forwards)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(rows[-1], fields) if more and rows else None,
        previous_cursor=encode_cursor(rows[0], fields) if after and rows else None,
        size=size,
    )


def keyset_page_for_request(request, queryset, *, fields, size=50):
    """The keyset page ``request`` names by its ``after`` or ``before`` cursor; a cursor that does not
    parse is said to the reader (``messages``) and the first page is shown instead."""
    try:
        return keyset_page(
            queryset,
            fields=fields,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            size=size,
        )
    except InvalidCursor:
        messages.error(
            request,
            _("The page link is not valid (it names no place in the list); showing the first page instead."),
        )
        return keyset_page(queryset, fields=fields, size=size)
