"""Every read of continuing-education hours. ``applications`` reads the recognised hours from here
(``recognised_years``) and nothing else of this app but the snapshot's carried-over rows."""

import dataclasses

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from training.models import Category, EntryStatus, Source, TrainingEntry, TrainingImport
from training.requirement import HOURS_PER_YEAR, SPECIALTY_SHARE, specialty_needed, year_met
from training.rules import ENTRY_SCOPES, STAFF_SCOPES
from zaozhuang_titles.scopes import visible

#: How many full calendar years before this one the person's page always shows (the eligibility rule
#: checks three by default).
YEARS_SHOWN = 3
#: The staff list's order, newest first; ``id`` is unique (keyset pages).
STAFF_ORDER = ("-id",)


@dataclasses.dataclass(frozen=True)
class RecognisedYear:
    """The recognised hours of one calendar year: what the eligibility rule reads."""

    year: int
    total: int
    specialty: int


def recognised_years(person):
    """The recognised hours of ``person`` (a user or its id), by year: one query, whatever the number of
    entries. Years with no recognised hour are absent."""
    person_id = getattr(person, "pk", person)
    rows = (
        TrainingEntry.objects.filter(person_id=person_id, status=EntryStatus.RECOGNISED)
        .values("year")
        .annotate(total=Sum("hours"), specialty=Sum("hours", filter=Q(category=Category.SPECIALTY)))
        .order_by("year")
    )
    return tuple(RecognisedYear(row["year"], row["total"] or 0, row["specialty"] or 0) for row in rows)


@dataclasses.dataclass
class YearSummary:
    """One year of the person's page: recognised hours by category against the requirement, and what
    still waits for staff."""

    year: int
    public: int = 0
    specialty: int = 0
    pending: int = 0
    refused: int = 0
    in_progress: bool = False

    @property
    def total(self):
        return self.public + self.specialty

    @property
    def met(self):
        return year_met(self.total, self.specialty)

    @property
    def hours_missing(self):
        return max(0, HOURS_PER_YEAR - self.total)

    @property
    def specialty_missing(self):
        """Specialty hours still needed for 2/3 of what the year will hold (at least 90 hours)."""
        return max(0, specialty_needed(max(self.total, HOURS_PER_YEAR), SPECIALTY_SHARE) - self.specialty)


def person_years(person, *, today=None):
    """[YearSummary], newest first: the last ``YEARS_SHOWN`` full years and the current one always,
    and every other year that holds an entry. One query."""
    today = today or timezone.localdate()
    by_year = {year: YearSummary(year) for year in range(today.year - YEARS_SHOWN, today.year + 1)}
    rows = (
        TrainingEntry.objects.filter(person=person)
        .values("year", "category", "status")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for row in rows:
        summary = by_year.setdefault(row["year"], YearSummary(row["year"]))
        if row["status"] == EntryStatus.RECOGNISED:
            if row["category"] == Category.SPECIALTY:
                summary.specialty += row["hours"]
            else:
                summary.public += row["hours"]
        elif row["status"] == EntryStatus.PENDING:
            summary.pending += row["hours"]
        else:
            summary.refused += row["hours"]
    for summary in by_year.values():
        summary.in_progress = summary.year >= today.year
    return sorted(by_year.values(), key=lambda summary: -summary.year)


def entries_of_person(person):
    """The person's own entries, newest year first, with who decided."""
    return TrainingEntry.objects.filter(person=person).select_related("decided_by", "training_import")


def staff_entries(user, *, status=None, year=None, query="", training_import=None):
    """The entries ``user`` (HR staff) is in charge of, filtered, with what a row shows, in
    ``STAFF_ORDER`` (page them with ``zaozhuang_titles.keyset``)."""
    queryset = visible(TrainingEntry.objects.all(), user, STAFF_SCOPES)
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    if training_import:
        queryset = queryset.filter(training_import_id=training_import)
    if query:
        queryset = queryset.filter(
            Q(person__real_name__icontains=query) | Q(course__icontains=query) | Q(platform_record=query)
        )
    return queryset.select_related("person__applicant_profile__enterprise", "decided_by").order_by(*STAFF_ORDER)


def entry_for(user, pk):
    """One entry ``user`` may see (its own, or one of a person it is in charge of), or 404."""
    try:
        return (
            visible(TrainingEntry.objects.all(), user, ENTRY_SCOPES)
            .select_related("person__applicant_profile__enterprise__division", "decided_by", "training_import")
            .get(pk=pk)
        )
    except (TrainingEntry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def entry_decisions(entry):
    return list(entry.decisions.select_related("actor").order_by("at", "id"))


def import_for(pk):
    """An import (city staff see every import), or 404."""
    try:
        return TrainingImport.objects.get(pk=pk)
    except (TrainingImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def recent_imports(limit=10):
    """The latest imports with how many of their entries still wait: two queries."""
    imports = list(TrainingImport.objects.select_related("imported_by")[:limit])
    pending = dict(
        TrainingEntry.objects.filter(training_import__in=imports, status=EntryStatus.PENDING)
        .values("training_import")
        .annotate(n=Count("id"))
        .values_list("training_import", "n")
    )
    for training_import in imports:
        training_import.pending_count = pending.get(training_import.pk, 0)
    return imports


# --- The application snapshot's carried-over rows ----------------------------------------------------
# Before hours were recognised here, an applicant's profile held one (total, specialty) row a year, and
# the snapshot the chairman signs listed them. Those rows were carried over as entries (``legacy_record``);
# the snapshot lists them exactly as before, so that a signature made before the move stays valid. Hours
# recognised since are the bureau's record, not the applicant's statement: they are not signed.

LEGACY_ATTR = "training_legacy_entries"


def legacy_prefetch(path):
    """The ``Prefetch`` of the carried-over entries of the users at ``path`` (``applicant``)."""
    return Prefetch(
        f"{path}__training_entries",
        queryset=TrainingEntry.objects.filter(source=Source.MIGRATED, legacy_record__isnull=False).order_by(
            "-year", "legacy_record", "id"
        ),
        to_attr=LEGACY_ATTR,
    )


def legacy_rows(user):
    """The profile rows as they stood before the move: ``{"id", "year", "total_hours", "specialty_hours"}``,
    newest year first, from the entries prefetched by ``legacy_prefetch`` (read here when not)."""
    entries = getattr(user, LEGACY_ATTR, None)
    if entries is None:
        entries = list(
            TrainingEntry.objects.filter(person=user, source=Source.MIGRATED, legacy_record__isnull=False).order_by(
                "-year", "legacy_record", "id"
            )
        )
    rows = {}
    for entry in entries:
        row = rows.setdefault(
            entry.legacy_record,
            {"id": entry.legacy_record, "year": entry.year, "total_hours": 0, "specialty_hours": 0},
        )
        row["total_hours"] += entry.hours
        if entry.category == Category.SPECIALTY:
            row["specialty_hours"] += entry.hours
    return list(rows.values())
