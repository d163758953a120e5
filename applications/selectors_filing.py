"""Reads of filing (备案) and certificates (证书).

What holds a batch's filing up, what is cleared for it, the rows of its Excel 备案表 (a ``.values()``
queryset meant to be read with ``.iterator()``), the batches and filings city staff list, and the
certificates: scoped to their holder and city staff, or found by their public token.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404

from applications.models import (
    Application,
    Batch,
    Certificate,
    Filing,
    FilingEntry,
    Objection,
    PublicityEntry,
    Status,
)
from zaozhuang_titles.models import Role

OPEN_OBJECTION = [Objection.Status.OPEN, Objection.Status.INVESTIGATING]
#: How many rows the Excel's query fetches at a time.
CHUNK_SIZE = 2000
#: How many enterprises the summary PDF lists by name (the most applications first); the Excel has all.
SUMMARY_ENTERPRISES = 100


def _is_city(user):
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(Role.CITY_STAFF) or user.has_role(Role.ADMINISTRATOR))
    )


def filing_blockers(batch):
    """The open objections (received or being investigated) to applications of ``batch`` still in
    publicity: what holds its filing up. Dicts of ``number``, ``name`` and ``reference``."""
    rows = (
        Objection.objects.filter(
            status__in=OPEN_OBJECTION,
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
    from reviews.models import Case

    return Subquery(
        Case.objects.filter(application=OuterRef("application_id"))
        .order_by("-meeting__held_on", "-id")
        .values("meeting__held_on")[:1]
    )


def filing_rows(filing):
    """The rows of the 备案表 as dicts (no model instances), grouped by division and enterprise.

    Read it with ``.iterator(chunk_size=CHUNK_SIZE)``: one query, fetched in chunks."""
    return (
        FilingEntry.objects.filter(filing=filing)
        .order_by(
            "application__enterprise__division__ordering",
            "application__enterprise__name",
            "application__number",
        )
        .values(
            "application_id",
            name=F("application__applicant__real_name"),
            id_number=F("application__applicant__id_number"),
            enterprise_name=F("application__enterprise__name"),
            credit_code=F("application__enterprise__credit_code"),
            specialty=F("application__specialty"),
        )
        .annotate(
            title_granted=_cleared_entry("title_granted"),
            publicity_starts_on=_cleared_entry("publicity__starts_on"),
            publicity_ends_on=_cleared_entry("publicity__ends_on"),
            held_on=_meeting_date(),
        )
    )


def filing_committee_name(batch):
    """评审委员会: the batch's committee, else the committee its publicity named, else ''."""
    from reviews.models import Committee

    name = Committee.objects.filter(batch=batch).values_list("name", flat=True).first()
    if name:
        return name
    return (
        batch.publicities.exclude(committee_name="")
        .order_by("-starts_on", "-id")
        .values_list("committee_name", flat=True)
        .first()
        or ""
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


def batches_for_filing():
    """The batches that reached publicity, with what city staff need to file them: counts of the
    applications in publicity, cleared, held by an open objection, filed and certified."""
    in_publicity = Q(applications__status=Status.PUBLICITY)
    return (
        Batch.objects.annotate(
            in_publicity=Count("applications", filter=in_publicity, distinct=True),
            cleared=Count(
                "applications",
                filter=in_publicity & Q(applications__publicity_entries__cleared_at__isnull=False),
                distinct=True,
            ),
            held=Count(
                "applications",
                filter=in_publicity & Q(applications__publicity_entries__objections__status__in=OPEN_OBJECTION),
                distinct=True,
            ),
            filed=Count("applications", filter=Q(applications__filing_entry__isnull=False), distinct=True),
            certified=Count("applications", filter=Q(applications__status=Status.CERTIFIED), distinct=True),
        )
        .filter(Q(in_publicity__gt=0) | Q(filed__gt=0))
        .order_by("-year", "-opens_at")
    )


def batch_for_filing(pk):
    try:
        return Batch.objects.get(pk=pk)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def filings_of_batch(batch):
    return list(Filing.objects.filter(batch=batch).select_related("created_by").annotate(entry_count=Count("entries")))


def filing_detail(pk):
    try:
        return Filing.objects.select_related("batch", "created_by").get(pk=pk)
    except (Filing.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificates_of_batch(batch):
    """The certificates of a batch for city staff, with their applications."""
    return (
        Certificate.objects.filter(application__batch=batch)
        .select_related("application__enterprise")
        .order_by("number")
    )


def filed_without_certificate(batch):
    return Application.objects.filter(batch=batch, status=Status.FILED, certificate__isnull=True)


def certificates_for_user(user):
    """The certificates ``user`` may open: its own (as applicant) or, for city staff, all."""
    if _is_city(user):
        return Certificate.objects.all()
    if user and user.is_authenticated and user.is_active and user.has_role(Role.APPLICANT):
        return Certificate.objects.filter(application__applicant=user)
    return Certificate.objects.none()


def certificate_for_user(user, pk):
    """One certificate in ``user``'s scope, with its application, or 404."""
    try:
        return certificates_for_user(user).select_related("application__batch", "application__enterprise").get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificate_by_token(token):
    """The certificate of a verification token, or None (the public page says only "not found")."""
    if not isinstance(token, str) or not 16 <= len(token) <= 32:
        return None
    return Certificate.objects.filter(token=token).first()
