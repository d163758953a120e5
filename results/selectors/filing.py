"""Reads of filing (备案).

What holds a batch's filing up, what is cleared for it, the rows of its Excel 备案表 (a ``.values()``
queryset meant to be read with ``.iterator()``), and the batches and filings city staff list.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404

from applications.models import Application, Batch, Status
from results.models import Filing, FilingEntry, Objection, PublicityEntry
from results.rules import STAFF_SCOPES
from reviews.models import Case
from zaozhuang_titles.scopes import visible

#: How many rows the Excel's query fetches at a time.
CHUNK_SIZE = 2000
#: How many enterprises the summary PDF lists by name (the most applications first); the Excel has all.
SUMMARY_ENTERPRISES = 100


def filing_blockers(batch):
    """The open objections (received or being investigated) to applications of ``batch`` still in
    publicity: what holds its filing up. Dicts of ``number``, ``name`` and ``reference``."""
    rows = (
        Objection.objects.filter(
            status__in=Objection.Status.OPEN_STATES,
            entry__application__batch=batch,
            entry__application__status=Status.PUBLICITY,
        )
        .order_by("entry__application__number", "reference")
        .values_list("entry__application__number", "entry__application__applicant__real_name", "reference")
    )
    return [{"number": number, "name": name, "reference": reference} for number, name, reference in rows]


def cleared_applications(batch):
    """Applications of ``batch`` in publicity whose published line is cleared for filing and that are
    not filed yet, in application-number order."""
    return (
        Application.objects.filter(
            batch=batch,
            status=Status.PUBLICITY,
            publicity_entries__cleared_at__isnull=False,
            filing_entry__isnull=True,
        )
        .distinct()
        .order_by("number")
    )


def _cleared_entry(field):
    """The field of the application's latest cleared published line (a subquery)."""
    return Subquery(
        PublicityEntry.objects.filter(application=OuterRef("application_id"), cleared_at__isnull=False)
        .order_by("-cleared_at", "-id")
        .values(field)[:1]
    )


def _meeting_date():
    """评审时间: the day the vote of the application's latest meeting closed (local date), else the
    meeting's scheduled date while its vote is not closed. A vote held before the scheduled date is
    dated as it happened, like the certificate's 取得资格时间 (``results.selectors.granted``)."""
    return Subquery(
        Case.objects.filter(application=OuterRef("application_id"))
        .annotate(day=Coalesce(TruncDate("meeting__voting_closed_at"), F("meeting__held_on")))
        .order_by("-day", "-id")
        .values("day")[:1]
    )


def filing_rows(filing):
    """The rows of the 备案表 as dicts (no model instances), grouped by division and enterprise.

    Read it with ``.iterator(chunk_size=CHUNK_SIZE)``: one query, fetched in chunks."""
    return _rows(FilingEntry.objects.filter(filing=filing)).order_by(
        "application__enterprise__division__ordering",
        "application__enterprise__name",
        "application__number",
    )


def filed_rows_of_batch(batch):
    """The rows of the 备案表 of every filing of ``batch`` (``filing_rows``'s dicts, with the entry's
    ``id``, the application's ``number`` and the filing's ``filing_number`` and ``filed_on``), in the
    order they were filed: what the provincial platform reads through the API, a page at a time."""
    return (
        _rows(FilingEntry.objects.filter(filing__batch=batch))
        .annotate(
            application_number=F("application__number"),
            filing_number=F("filing__number"),
            filed_on=F("filing__filed_on"),
        )
        .order_by("id")
    )


def _rows(entries):
    """The 备案表's columns of ``entries`` (a FilingEntry queryset) as a ``.values()`` queryset."""
    return entries.values(
        "id",
        "application_id",
        name=F("application__applicant__real_name"),
        id_number=F("application__applicant__id_number"),
        enterprise_name=F("application__enterprise__name"),
        credit_code=F("application__enterprise__credit_code"),
        specialty=F("application__specialty"),
    ).annotate(
        title_granted=_cleared_entry("title_granted"),
        publicity_starts_on=_cleared_entry("publicity__starts_on"),
        publicity_ends_on=_cleared_entry("publicity__ends_on"),
        held_on=_meeting_date(),
    )


def filing_summary(filing):
    """What the summary PDF counts: per division, the enterprises with the most applications (at most
    ``SUMMARY_ENTERPRISES``, and how many more), and the publicity dates."""
    entries = FilingEntry.objects.filter(filing=filing)
    divisions = list(
        entries.values(division=F("application__enterprise__division__name"))
        .annotate(count=Count("id"))
        .order_by("application__enterprise__division__ordering", "division")
    )
    per_enterprise = (
        entries.values(
            enterprise=F("application__enterprise__name"),
            division=F("application__enterprise__division__name"),
        )
        .annotate(count=Count("id"))
        .order_by("-count", "enterprise")
    )
    enterprises = list(per_enterprise[:SUMMARY_ENTERPRISES])
    enterprise_count = entries.values("application__enterprise").distinct().count()
    periods = list(
        PublicityEntry.objects.filter(application__filing_entry__filing=filing, cleared_at__isnull=False)
        .values("publicity__starts_on", "publicity__ends_on")
        .distinct()
        .order_by("publicity__starts_on", "publicity__ends_on")
    )
    shown = sum(row["count"] for row in enterprises)
    return {
        "divisions": divisions,
        "enterprises": enterprises,
        "enterprise_count": enterprise_count,
        "more_enterprises": enterprise_count - len(enterprises),
        "more_applications": sum(row["count"] for row in divisions) - shown,
        "periods": periods,
    }


def batches_for_filing(user):
    """The batches that reached publicity, with what city staff need to file them: counts of the
    applications in publicity, cleared, held by an open objection, filed and certified (none for anyone
    but city staff)."""
    in_publicity = Q(applications__status=Status.PUBLICITY)
    held = Q(applications__publicity_entries__objections__status__in=Objection.Status.OPEN_STATES)
    return (
        visible(Batch.objects.all(), user, STAFF_SCOPES)
        .annotate(
            in_publicity=Count("applications", filter=in_publicity, distinct=True),
            cleared=Count(
                "applications",
                filter=in_publicity & Q(applications__publicity_entries__cleared_at__isnull=False),
                distinct=True,
            ),
            held=Count(
                "applications",
                filter=in_publicity & held,
                distinct=True,
            ),
            filed=Count("applications", filter=Q(applications__filing_entry__isnull=False), distinct=True),
            certified=Count("applications", filter=Q(applications__status=Status.CERTIFIED), distinct=True),
        )
        .filter(Q(in_publicity__gt=0) | Q(filed__gt=0))
        .order_by("-year", "-opens_at")
    )


def batch_for_filing(user, pk):
    """One batch in ``user``'s scope, or 404."""
    try:
        return visible(Batch.objects.all(), user, STAFF_SCOPES).get(pk=pk)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def filings_of_batch(batch):
    return list(Filing.objects.filter(batch=batch).select_related("created_by").annotate(entry_count=Count("entries")))


def filing_detail(user, pk):
    """One filing in ``user``'s scope with its batch, or 404."""
    try:
        return visible(Filing.objects.all(), user, STAFF_SCOPES).select_related("batch", "created_by").get(pk=pk)
    except (Filing.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
