"""Reads of the publicity of results (评审结果公示) and its objections (异议).

The public pages read notices and their published lines only (``PublicityEntry`` carries what a notice
shows: name, enterprise, specialty, title granted); staff pages read objections with their entries.
Each function owns its ``select_related``/``prefetch_related``/annotations, so that a page's query count
does not grow with its rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from applications.models import Application, Batch, Status
from results.models import Objection, Publicity, PublicityEntry
from results.rules import STAFF_SCOPES
from zaozhuang_titles.scopes import visible

#: The largest key a row can have; a larger number in a URL is a 404, not an overflow in the driver.
MAX_KEY = 2**63 - 1

#: The states of a notice as the public and staff see them.
UPCOMING, RUNNING, ENDED, CLOSED = "upcoming", "running", "ended", "closed"


def publicity_state(publicity, today=None):
    """``upcoming`` before its first day, ``running`` during the period, ``ended`` after the last day
    until it is closed, ``closed`` once closed (by the period's end or by hand)."""
    today = today or timezone.localdate()
    if publicity.closed_at is not None:
        return CLOSED
    if today < publicity.starts_on:
        return UPCOMING
    if today <= publicity.ends_on:
        return RUNNING
    return ENDED


def accepts_objections(publicity, today=None):
    """Objections are received from the first to the last day of the period, while it is not closed."""
    return publicity_state(publicity, today) == RUNNING


# --- Public ---------------------------------------------------------------------------------------


def publicities_public():
    """Every published notice, newest first, with the number of its lines (one query)."""
    return (
        Publicity.objects.select_related("batch").annotate(entry_count=Count("entries")).order_by("-starts_on", "-id")
    )


def _key(pk):
    if not 0 < int(pk) <= MAX_KEY:
        raise Http404
    return int(pk)


def publicity_public(pk):
    """One notice with the number of its lines (one query, counted by the index on its lines), or 404."""
    publicity = (
        Publicity.objects.select_related("batch").annotate(entry_count=Count("entries")).filter(pk=_key(pk)).first()
    )
    if publicity is None:
        raise Http404
    return publicity


#: Lines of a notice on one page of its public page (the PDF carries them all).
NOTICE_PAGE_SIZE = 100
#: The longest search text on a notice (a name or an employer).
NOTICE_QUERY_MAX = 50

_LINE_FIELDS = ("id", "publicity_id", "name", "enterprise_name", "specialty", "title_granted", "position")


@dataclass
class NoticePage:
    """One page of a notice's lines: ``lines`` in order, ``number`` of ``pages``; when searching,
    ``query`` and ``matched`` (how many lines match)."""

    lines: list
    number: int
    pages: int
    query: str = ""
    matched: int | None = None

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def _page_number(value, pages):
    text = str(value or "")
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 1
    return min(max(number, 1), max(pages, 1))


def notice_page(publicity, *, page=None, query=""):
    """One page of ``publicity``'s lines (one query), in the notice's order.

    Without a search, page ``n`` is the lines at positions ``(n-1)·size+1 … n·size`` (positions run from
    1 without gaps, as published): read by the index on (notice, position), so the last page of a notice
    of 10,000 lines costs what the first does. A search (part of a name or an employer) also counts its
    matches (one query more), within this notice only."""
    size = NOTICE_PAGE_SIZE
    lines = PublicityEntry.objects.filter(publicity=publicity).only(*_LINE_FIELDS)
    query = " ".join(str(query or "").split())[:NOTICE_QUERY_MAX]
    if query:
        lines = lines.filter(Q(name__contains=query) | Q(enterprise_name__contains=query))
        matched = lines.count()
        pages = max(1, -(-matched // size))
        number = _page_number(page, pages)
        start = (number - 1) * size
        rows = list(lines.order_by("position", "id")[start : start + size])
        return NoticePage(rows, number, pages, query=query, matched=matched)
    pages = max(1, -(-publicity.entry_count // size))
    number = _page_number(page, pages)
    first = (number - 1) * size + 1
    rows = list(lines.filter(position__gte=first, position__lt=first + size).order_by("position", "id"))
    return NoticePage(rows, number, pages)


def notice_line(publicity, pk):
    """The line ``pk`` of ``publicity`` (one query), or None when it is not one of its lines."""
    text = str(pk or "")
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_KEY:
        return None
    return PublicityEntry.objects.filter(publicity=publicity, pk=int(text)).only(*_LINE_FIELDS).first()


def objection_by_reference(reference):
    """An objection by its reference number (what the acknowledgement page shows), or 404."""
    objection = Objection.objects.select_related("entry__publicity").filter(reference=reference).first()
    if objection is None:
        raise Http404
    return objection


# --- Staff ----------------------------------------------------------------------------------------


def batch_with_passed(user, pk):
    """A batch that has passed applications to publish, in ``user``'s scope, or 404."""
    batch = batches_with_passed(user).filter(pk=_key(pk)).first()
    if batch is None:
        raise Http404
    return batch


def batches_with_passed(user):
    """Batches that have applications passed by the review and not yet published, with their count, for
    city staff (none for anyone else)."""
    return (
        visible(Batch.objects.all(), user, STAFF_SCOPES)
        .annotate(passed_count=Count("applications", filter=Q(applications__status=Status.PASSED)))
        .filter(passed_count__gt=0)
        .order_by("-year", "-opens_at")
    )


def passed_applications(batch):
    """The applications of ``batch`` that the review passed, as the notice will list them."""
    return (
        Application.objects.filter(batch=batch, status=Status.PASSED)
        .select_related("applicant", "enterprise")
        .order_by("enterprise__name", "applicant__real_name", "id")
    )


def publicities_for_staff(user):
    """Every notice with its counts of lines, cleared lines and open objections (one query), for city
    staff (none for anyone else)."""
    return (
        visible(Publicity.objects.all(), user, STAFF_SCOPES)
        .select_related("batch", "published_by", "closed_by")
        .annotate(
            entry_count=Count("entries", distinct=True),
            cleared_count=Count("entries", filter=Q(entries__cleared_at__isnull=False), distinct=True),
            open_objection_count=Count(
                "entries__objections",
                filter=Q(entries__objections__status__in=Objection.Status.OPEN_STATES),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "-id")
    )


def publicity_for_staff(user, pk):
    """One notice in ``user``'s scope with its lines, each with its application's status and its
    objections (3 queries), or 404."""
    pk = _key(pk)
    entries = (
        PublicityEntry.objects.select_related("application")
        .prefetch_related(Prefetch("objections", queryset=Objection.objects.order_by("received_at", "id")))
        .order_by("position", "id")
    )
    publicity = (
        visible(Publicity.objects.all(), user, STAFF_SCOPES)
        .select_related("batch", "published_by", "closed_by")
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="lines"))
        .filter(pk=pk)
        .first()
    )
    if publicity is None:
        raise Http404
    for entry in publicity.lines:
        entry.open_objections = [o for o in entry.objections.all() if o.is_open]
    return publicity


#: Filters of the staff's list of objections.
OPEN, OVERDUE, SETTLED, ALL = "open", "overdue", "settled", "all"


#: The order of each view of the staff's objections (keyset pages; the last field is unique): the open
#: ones by the deadline to settle them, the settled ones newest decision first, all newest received first.
OBJECTION_ORDERS = {
    OPEN: ("deadline", "received_at", "id"),
    OVERDUE: ("deadline", "received_at", "id"),
    SETTLED: ("-decided_at", "-id"),
    ALL: ("-received_at", "-id"),
}


def objections_for_staff(user, show=OPEN, today=None):
    """Objections for city staff (none for anyone else), in ``OBJECTION_ORDERS[show]``: ``open`` (received
    or being investigated), ``overdue`` (open past their deadline), ``settled`` or ``all``.

    A settled objection always carries its decision's time (``services.publicity._decide`` writes both);
    the settled view asks for it too, since a page of it starts after the last one's time."""
    today = today or timezone.localdate()
    queryset = visible(Objection.objects.all(), user, STAFF_SCOPES).select_related(
        "entry__publicity", "entry__application", "decided_by"
    )
    if show == OPEN:
        queryset = queryset.filter(status__in=Objection.Status.OPEN_STATES)
    elif show == OVERDUE:
        queryset = queryset.filter(status__in=Objection.Status.OPEN_STATES, deadline__lt=today)
    elif show == SETTLED:
        queryset = queryset.exclude(status__in=Objection.Status.OPEN_STATES).filter(decided_at__isnull=False)
    else:
        show = ALL
    return queryset.order_by(*OBJECTION_ORDERS[show])


def objection_counts(user, today=None):
    """How many of the objections in ``user``'s scope are open and how many of those are overdue (one
    query)."""
    today = today or timezone.localdate()
    return visible(Objection.objects.all(), user, STAFF_SCOPES).aggregate(
        open=Count("id", filter=Q(status__in=Objection.Status.OPEN_STATES)),
        overdue=Count("id", filter=Q(status__in=Objection.Status.OPEN_STATES, deadline__lt=today)),
    )


def objection_for_staff(user, pk):
    """One objection in ``user``'s scope with its entry, notice and application (one query), or 404."""
    pk = _key(pk)
    objection = (
        visible(Objection.objects.all(), user, STAFF_SCOPES)
        .select_related(
            "entry__publicity__batch", "entry__application__enterprise", "entry__application__batch", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if objection is None:
        raise Http404
    return objection


# --- The beat task --------------------------------------------------------------------------------


#: How early a notice with a provisional last day is offered to the beat task (see ``publicities_due``).
PROVISIONAL_MARGIN_DAYS = 14


def publicities_due(today=None):
    """Notices not closed yet whose period is over (the last day is before ``today``), and those with a
    provisional last day within ``PROVISIONAL_MARGIN_DAYS``: what the beat task hands, by id, to
    ``results.services.publicity.publicity_close_due`` (which closes only what is really due)."""
    today = today or timezone.localdate()
    if isinstance(today, datetime.datetime):
        raise TypeError("today must be a datetime.date (use django.utils.timezone.localdate()).")
    # A provisional last day may move (by a week or two at most, when staff enter the year's holiday
    # schedule): such notices are offered a little early, and the close computes the end again first.
    provisional_margin = today + datetime.timedelta(days=PROVISIONAL_MARGIN_DAYS)
    return Publicity.objects.filter(
        Q(ends_on__lt=today) | Q(provisional=True, ends_on__lt=provisional_margin), closed_at__isnull=True
    ).order_by("ends_on", "id")
