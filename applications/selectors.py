"""Reads of batches and applications, each scoped to the user who reads.

An application outside the reader's scope is never loaded: the pages answer 404, not a hint that it
exists. Applicants see their own; enterprise contacts and chairmen their enterprise's submitted ones;
district staff those of enterprises in their division once the enterprise has forwarded them; city
staff every submitted one. Those scopes are declared in ``applications.rules``, with the object
permissions built from them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.counters import counted
from applications.eligibility import Education, Facts, SkillHeld, TitleHeld, TrainingYear, evaluate
from applications.models import (
    Achievement,
    ApplicantProfile,
    Application,
    Batch,
    CorrectionRequest,
    Evidence,
    NominationEntry,
    Status,
    Submission,
)
from applications.rules import APPLICATION_SCOPES, CITY_SCOPE, DISTRICT_SCOPE
from applications.snapshots import applications_sha256, snapshot_diff, snapshot_evidence_ids
from training.selectors import recognised_years
from zaozhuang_titles.scopes import visible
from zaozhuang_titles.workdays import WorkingCalendar, overdue_since


def batches_accepting(*, now=None):
    """Batches open for applications right now, the soonest to close first."""
    now = now or timezone.now()
    return Batch.objects.filter(status=Batch.Status.OPEN, opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def batches_announced():
    """Every batch but those still being prepared (a draft is nobody's business yet), newest first:
    what other systems read through the API."""
    return Batch.objects.exclude(status=Batch.Status.DRAFT).order_by("-year", "-opens_at", "-id")


def _valid_entry_prefetch():
    return Prefetch(
        "nomination_entries",
        queryset=NominationEntry.objects.filter(voided_at__isnull=True).select_related("nomination"),
        to_attr="valid_entries",
    )


def with_list_data(queryset):
    """What every list of applications shows, in a fixed number of queries.

    Only what a row shows, computed per row: no aggregate here, which would group the whole filtered
    set before the page is cut from it (``with_achievement_count`` for the lists that show it)."""
    return queryset.select_related("applicant", "enterprise__division", "batch", "internal_notice").annotate(
        open_correction=Exists(CorrectionRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)),
    )


def with_achievement_count(queryset):
    """``achievement_count`` on each application (the applicant's and the chairman's short lists)."""
    return queryset.annotate(achievement_count=Count("achievements", distinct=True))


def applications_for_user(user):
    """Every application ``user`` may see: the union of its scopes (``applications.rules``)."""
    return visible(Application.objects.all(), user, APPLICATION_SCOPES)


def application_detail(user, pk):
    """One application the user may see, with what its pages show, or 404."""
    try:
        return (
            applications_for_user(user)
            .select_related(
                "applicant__applicant_profile__enterprise", "enterprise__division", "batch", "internal_notice"
            )
            .prefetch_related(
                "achievements",
                Prefetch("evidence", queryset=Evidence.objects.filter(removed_at__isnull=True)),
                _valid_entry_prefetch(),
            )
            .get(pk=pk)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def photo_of(user):
    """The storage name of the photo (证件照) on ``user``'s profile, or "" when it has none."""
    return ApplicantProfile.objects.filter(user_id=user.pk).values_list("photo", flat=True).first() or ""


def applications_of_applicant(user):
    return with_achievement_count(with_list_data(Application.objects.filter(applicant=user))).order_by("-created_at")


def application_timeline(application):
    """The transition log, oldest first, with who acted."""
    return list(application.transitions.select_related("actor").order_by("at", "id"))


def correction_open(application):
    return (
        application.corrections.filter(answered_at__isnull=True)
        .select_related("transition__actor")
        .prefetch_related("items")
        .order_by("-id")
        .first()
    )


@dataclass(frozen=True)
class NominationSignature:
    """The chairman's signed nomination (董事长署名举荐) of one application as it stands now.

    ``state`` is ``not_needed`` (regular channel), ``signed`` (a signature matching the content),
    ``broken`` (a signature not voided, but the content differs from the one signed: a change reached
    the application outside the services), ``voided`` (the latest signature was voided, ``reason`` says
    why) or ``unsigned``. ``entry`` is the signature in force, or the latest voided one."""

    state: str
    entry: NominationEntry | None = None
    reason: str = ""
    at: object = None  # when it was signed, or voided

    @property
    def valid(self):
        return self.state == "signed"

    @property
    def needs_new_signature(self):
        """Signed once, but no longer valid (voided, or the content changed since)."""
        return self.state in ("voided", "broken")


#: Why a signature whose content no longer matches is not valid.
SIGNATURE_BROKEN = gettext_lazy("The application differs from the one signed.")


def nomination_signatures(applications, *, keep=True):
    """{pk: NominationSignature} of ``applications``, in a fixed number of queries, writing nothing.

    With ``keep``, each application (as loaded for one page) keeps its result and ``nomination_signature``
    reads it back, so that the workflow's guards (``why_not``) and the page agree without reading again.
    The transition itself re-reads the application under its lock, so it never sees a kept result."""
    applications = list(applications)
    dedicated = [a.pk for a in applications if a.batch.is_dedicated]
    latest, in_force = {}, {}
    if dedicated:
        entries = NominationEntry.objects.filter(application_id__in=dedicated).select_related("nomination")
        for entry in entries.order_by("-id"):
            latest.setdefault(entry.application_id, entry)
            if entry.voided_at is None:
                in_force.setdefault(entry.application_id, entry)
    hashes = applications_sha256(list(in_force))
    result = {}
    for application in applications:
        if not application.batch.is_dedicated:
            signature = NominationSignature("not_needed")
        elif application.pk in in_force:
            entry = in_force[application.pk]
            if entry.content_sha256 == hashes.get(application.pk):
                signature = NominationSignature("signed", entry, at=entry.nomination.signed_at)
            else:
                signature = NominationSignature("broken", entry, str(SIGNATURE_BROKEN), entry.nomination.signed_at)
        elif application.pk in latest:
            entry = latest[application.pk]
            signature = NominationSignature("voided", entry, entry.void_reason, entry.voided_at)
        else:
            signature = NominationSignature("unsigned")
        if keep:
            application.__dict__["_nomination_signature"] = signature
        result[application.pk] = signature
    return result


def nomination_signature(application):
    """The ``NominationSignature`` of one application (the one computed with its list, if any)."""
    cached = application.__dict__.get("_nomination_signature")
    if cached is not None:
        return cached
    return nomination_signatures([application], keep=False)[application.pk]


def corrections_of(application):
    return list(application.corrections.select_related("transition__actor").prefetch_related("items").order_by("id"))


def submissions_of(application):
    return list(Submission.objects.filter(application=application).order_by("revision"))


def live_evidence(pk):
    """An evidence file the applicant has not removed, or 404: a removed file is gone for every page
    of the application (staff open it from the submission that named it, ``submission_evidence``)."""
    try:
        return Evidence.objects.get(pk=pk, removed_at__isnull=True)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def submission_files(submissions):
    """[(submission, [its evidence files])], newest submission first: the files each snapshot names,
    removed ones included (``removed_at`` says so). One query for all."""
    ids = {submission.pk: snapshot_evidence_ids(submission.data) for submission in submissions}
    application_ids = {submission.application_id for submission in submissions}
    rows = Evidence.objects.filter(application_id__in=application_ids).in_bulk(
        {pk for pks in ids.values() for pk in pks}
    )
    return [(submission, [rows[pk] for pk in ids[submission.pk] if pk in rows]) for submission in reversed(submissions)]


def submission_evidence(application, revision, evidence_pk):
    """(submission, evidence file): a file named by that submission of the application, removed or not,
    or 404."""
    try:
        submission = Submission.objects.get(application=application, revision=revision)
        if int(evidence_pk) not in snapshot_evidence_ids(submission.data):
            raise Http404
        return submission, Evidence.objects.get(pk=evidence_pk, application=application)
    except (Submission.DoesNotExist, Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def last_diff(application):
    """What changed between the last two submissions ([] and None when there is only one)."""

    latest = list(Submission.objects.filter(application=application).order_by("-revision")[:2])
    if len(latest) < 2:
        return None
    return snapshot_diff(latest[1].data, latest[0].data)


# --- Eligibility ---------------------------------------------------------------------------------


def eligibility_facts(application, *, nominated=None, training=None):
    """The facts the eligibility engine reads: the applicant's profile, and its continuing-education
    hours as recognised by staff (``training.selectors.recognised_years``; pass ``training`` when the
    page has read them already)."""

    try:
        profile = application.applicant.applicant_profile
    except ApplicantProfile.DoesNotExist:
        profile = None
    if nominated is None:
        nominated = nomination_signature(application).valid
    pending = not nominated and application.status in Status.NOMINATION_AHEAD
    if training is None:
        training = recognised_years(application.applicant_id)
    hours = tuple(TrainingYear(year=y.year, total_hours=y.total, specialty_hours=y.specialty) for y in training)
    if profile is None:
        return Facts(
            educations=(), titles=(), skills=(), training=hours, nominated=nominated, nomination_pending=pending
        )
    return Facts(
        educations=tuple(Education(degree=e.degree, graduated_on=e.graduated_on) for e in profile.educations.all()),
        titles=tuple(TitleHeld(series=t.series, level=t.level, granted_on=t.granted_on) for t in profile.titles.all()),
        skills=tuple(SkillHeld(level=s.level, granted_on=s.granted_on) for s in profile.skills.all()),
        training=hours,
        nominated=nominated,
        nomination_pending=pending,
    )


def application_eligibility(application, *, on=None, training=None):
    """The eligibility evaluation of ``application`` on ``on`` (its submission date, else today);
    ``training``: the applicant's recognised years when already read."""

    if on is None:
        on = timezone.localdate(application.submitted_at) if application.submitted_at else timezone.localdate()
    return evaluate(facts=eligibility_facts(application, training=training), ruleset=application.batch.ruleset(), on=on)


def eligibility_result(application):
    """The ``Application.Eligibility`` of the evaluation, as the transition function keeps it."""
    evaluation = application_eligibility(application)
    if evaluation.blocking:
        return Application.Eligibility.NOT_MET
    if evaluation.pending:
        return Application.Eligibility.PENDING
    return Application.Eligibility.MET


# --- Queues ---------------------------------------------------------------------------------------

#: The queue of each auditing step: the status that waits for it.
QUEUE_STATUS = {"district": Status.DISTRICT_AUDIT, "city": Status.CITY_AUDIT}
#: What each queue lists: its scope (``applications.rules``) and the statuses of its tabs.
QUEUE_SCOPES = {"district": DISTRICT_SCOPE, "city": CITY_SCOPE}
QUEUE_STATUSES = {"district": Status.DISTRICT_VISIBLE, "city": Status.SUBMITTED}
#: The order of every queue, oldest move first; ``id`` breaks ties (keyset pagination needs it unique).
QUEUE_ORDER = ("status_changed_at", "id")


def queue_scope(user, stage):
    """The applications the queue of ``stage`` may list for ``user``: its scope, nothing else."""
    return visible(Application.objects.all(), user, (QUEUE_SCOPES[stage],))


def queue_rows(user, stage, *, status=None, batch=None, division=None, query=""):
    """The rows of one tab of a queue (``status``; None for all in scope), filtered, with what a row
    shows, in ``QUEUE_ORDER`` (page them with ``zaozhuang_titles.keyset``)."""
    queryset = filter_applications(queue_scope(user, stage), status=status, batch=batch, division=division, query=query)
    return with_list_data(queryset).order_by(*QUEUE_ORDER)


def queue_for(user, stage):
    """The applications waiting for ``user`` at ``stage`` (district or city audit)."""
    return queue_rows(user, stage, status=QUEUE_STATUS[stage])


def queue_counts(user, stage, *, batch=None, division=None):
    """{status: n} of the queue's scope, from the kept counts (``applications.counters``): one query
    over (batch × division × status) rows, whatever the number of applications.

    The same numbers as counting ``queue_scope`` with those filters (a test compares them over a
    generated world): district staff count their own division, city staff every division."""
    if QUEUE_SCOPES[stage].q(user) is None:
        return {}
    division_id = division.pk if division is not None else None
    if stage == "district":
        own = user.district.pk if user.district is not None else None
        if own is None or (division_id is not None and division_id != own):
            return {}
        division_id = own
    return counted(
        statuses=QUEUE_STATUSES[stage], batch_id=batch.pk if batch is not None else None, division_id=division_id
    )


def status_counts(queryset):
    """{status: n} of a scoped queryset, counting its rows (one query; ``queue_counts`` for queues)."""
    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def filter_applications(queryset, *, batch=None, division=None, enterprise=None, status=None, query=""):
    if batch:
        queryset = queryset.filter(batch=batch)
    if division:
        queryset = queryset.filter(enterprise__division=division)
    if enterprise:
        queryset = queryset.filter(enterprise=enterprise)
    if status:
        queryset = queryset.filter(status=status)
    query = (query or "").strip()
    if query:
        queryset = queryset.filter(
            Q(number__icontains=query)
            | Q(applicant__real_name__icontains=query)
            | Q(enterprise__name__icontains=query)
            | Q(specialty__icontains=query)
        )
    return queryset


def duplicate_patents(applications):
    """{patent number: [application numbers]} for each patent claimed by one of ``applications`` (the
    rows of a page) and by at least one other submitted application anywhere.

    Two indexed lookups, whatever the number of applications: the shown rows' patents (by
    ``application_id``), then every claim of those numbers (by ``patent_number``); none when the page
    claims no patent."""
    pks = [application.pk for application in applications]
    numbers = set(
        Achievement.objects.filter(application_id__in=pks)
        .exclude(patent_number="")
        .values_list("patent_number", flat=True)
    )
    if not numbers:
        return {}
    rows = (
        Achievement.objects.filter(patent_number__in=sorted(numbers))
        .filter(application__status__in=Status.CLAIMING)
        .values_list("patent_number", "application__number")
    )
    claims = {}
    for number, application_number in rows:
        claims.setdefault(number, set()).add(application_number)
    return {number: sorted(apps) for number, apps in claims.items() if len(apps) > 1}


def patent_claimed_elsewhere(application):
    """{patent number: [other applications' numbers]}: the same patent claimed by other applicants."""

    numbers = [a.patent_number for a in application.achievements.all() if a.patent_number]
    if not numbers:
        return {}
    rows = (
        Achievement.objects.filter(patent_number__in=numbers)
        .exclude(application=application)
        .filter(application__status__in=Status.CLAIMING)
        .values_list("patent_number", "application__number")
    )
    found = {}
    for number, other in rows:
        found.setdefault(number, []).append(other)
    return found


# --- Time at the current step ----------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """How long an application has waited at its current step: the working days after the day it
    arrived, up to today; ``overdue`` past its batch's ``step_time_limit_days`` at a timed step."""

    days: int
    limit: int | None
    provisional: bool = False

    @property
    def overdue(self):
        return self.limit is not None and self.days > self.limit


def waiting_at_step(applications, *, today=None):
    """{pk: Waiting} of ``applications`` (loaded with their batch), with one calendar for all: at most
    one query, whatever their number."""
    applications = list(applications)
    today = today or timezone.localdate()
    if not applications:
        return {}
    arrived = {a.pk: timezone.localdate(a.status_changed_at) for a in applications}
    calendar = WorkingCalendar()
    calendar.load(min(min(arrived.values()).year, today.year), today.year)
    result = {}
    for application in applications:
        count = calendar.working_days_between(arrived[application.pk] + datetime.timedelta(days=1), today)
        limit = application.batch.step_time_limit_days if application.status in Status.TIME_LIMITED else None
        result[application.pk] = Waiting(count.count, limit, bool(count.years_without_data))
    return result


def overdue_q(*, today=None):
    """The ``Q`` of the applications waiting at a timed step (``Status.TIME_LIMITED``) longer than
    their batch allows: one query for the batches' distinct limits, then a condition per limit on the
    indexed ``status_changed_at`` (the same count as ``waiting_at_step``, checked by a test)."""
    today = today or timezone.localdate()
    limits = sorted(set(Batch.objects.values_list("step_time_limit_days", flat=True)))
    if not limits:
        return Q(pk__in=[])
    calendar = WorkingCalendar()
    calendar.load(today.year - 1, today.year)
    condition = Q(pk__in=[])
    for limit in limits:
        first_day = overdue_since(today, limit, calendar=calendar)
        start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
        condition |= Q(batch__step_time_limit_days=limit, status_changed_at__lt=start)
    return Q(status__in=Status.TIME_LIMITED) & condition
