"""Reads of consultations, problems and the FAQ, each scoped to the user who reads.

``consultations_for_user`` and ``problems_for_user`` are the gates, built from the scopes of
``consultations.rules`` (the definitions of the object permissions); every list and page starts from
them. The public FAQ reads only the published wording, never the question it came from.
"""

import unicodedata

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from consultations.models import Consultation, ConsultationEvent, FaqEntry, Problem, ProblemNote, ProblemStatus
from consultations.rules import ASKER, CONSULTATION_SCOPES, HANDLER_SCOPES, PROBLEM_SCOPES
from enterprises.models import Enterprise, ServiceCommissioner
from zaozhuang_titles.models import Role, RoleAssignment, User
from zaozhuang_titles.scopes import visible

#: The order of the lists (keyset pages): newest first.
QUEUE_ORDER = ["-created_at", "-id"]
#: Problems: the soonest due first.
PROBLEM_ORDER = ["due_on", "id"]
FAQ_ORDER = ["-published_at", "-id"]


def consultations_for_user(user):
    """Every question ``user`` may open (its own, or those it answers)."""
    return visible(Consultation.objects.all(), user, CONSULTATION_SCOPES)


def queue_for_user(user):
    """The questions ``user`` answers (staff and commissioners), not those it asked itself."""
    return visible(Consultation.objects.all(), user, HANDLER_SCOPES)


def problems_for_user(user):
    return visible(Problem.objects.all(), user, PROBLEM_SCOPES)


def asker_enterprise(user, asked_as):
    """The enterprise a question of ``user`` asked as ``asked_as`` belongs to: the contact's enterprise, or
    the applicant's employer on its profile (read through the relation: ``applications`` sits above this
    app); None when there is none."""
    if asked_as == Role.ENTERPRISE_CONTACT:
        return (
            Enterprise.objects.filter(contacts__user=user, contacts__is_active=True).select_related("division").first()
        )
    return Enterprise.objects.filter(applicant_profiles__user=user).select_related("division").first()


# --- The asker --------------------------------------------------------------------------------------


def own_consultations(user):
    """The questions ``user`` asked, newest first, with what its list shows."""
    return (
        visible(Consultation.objects.all(), user, (ASKER,))
        .annotate(has_problem=Exists(Problem.objects.filter(consultation=OuterRef("pk"))))
        .order_by(*QUEUE_ORDER)
    )


def consultation_detail(user, pk):
    """One question ``user`` may open, with everything its page shows; raises DoesNotExist otherwise."""
    return (
        consultations_for_user(user)
        .select_related(
            "asker",
            "enterprise__division",
            "enterprise__commissioner__user",
            "answered_by",
            "created_by",
            "problem__owner",
            "faq_entry",
            "source_response__recipient__dispatch__questionnaire",
        )
        .get(pk=pk)
    )


def consultation_events(consultation):
    return list(
        ConsultationEvent.objects.filter(Q(consultation=consultation) | Q(problem__consultation=consultation))
        .select_related("actor")
        .order_by("-at", "-id")
    )


# --- The handlers -----------------------------------------------------------------------------------

#: The queue's tabs: the statuses each shows ("" for every question).
QUEUE_TABS = {"open": Consultation.Status.OPEN, "answered": Consultation.Status.ANSWERED, "all": ""}


def queue(user, *, tab="open", category="", query=""):
    """The questions ``user`` answers, filtered by tab, category and words of the title or details."""
    queryset = queue_for_user(user)
    status = QUEUE_TABS.get(tab, Consultation.Status.OPEN)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    for term in (query or "").split():
        queryset = queryset.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return (
        queryset.select_related("asker", "enterprise__division", "answered_by")
        .annotate(has_problem=Exists(Problem.objects.filter(consultation=OuterRef("pk"))))
        .order_by(*QUEUE_ORDER)
    )


#: The problem list's tabs: "unsolved" (default), "overdue", "mine" (unsolved, owned by the reader),
#: "solved", "all".
PROBLEM_TABS = ("unsolved", "overdue", "mine", "solved", "all")


def problem_list(user, *, tab="unsolved", category="", today=None):
    today = today or timezone.localdate()
    queryset = problems_for_user(user)
    if tab == "overdue":
        queryset = queryset.filter(status__in=ProblemStatus.UNSOLVED, due_on__lt=today)
    elif tab == "mine":
        queryset = queryset.filter(status__in=ProblemStatus.UNSOLVED, owner=user)
    elif tab == "solved":
        queryset = queryset.filter(status=ProblemStatus.SOLVED)
    elif tab != "all":
        queryset = queryset.filter(status__in=ProblemStatus.UNSOLVED)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.select_related("owner", "enterprise__division").order_by(*PROBLEM_ORDER)


def problem_counts(user, *, today=None):
    """How many problems the reader sees unsolved, overdue and its own unsolved (one query)."""
    today = today or timezone.localdate()
    unsolved = Q(status__in=ProblemStatus.UNSOLVED)
    return problems_for_user(user).aggregate(
        unsolved=Count("id", filter=unsolved),
        overdue=Count("id", filter=unsolved & Q(due_on__lt=today)),
        mine=Count("id", filter=unsolved & Q(owner=user)),
    )


def problem_detail(user, pk):
    return (
        problems_for_user(user)
        .select_related(
            "owner",
            "solved_by",
            "created_by",
            "enterprise__division",
            "enterprise__commissioner__user",
            "consultation__asker",
            "source_response__recipient__dispatch__questionnaire",
        )
        .get(pk=pk)
    )


def problem_notes(problem):
    return list(ProblemNote.objects.filter(problem=problem).select_related("author").order_by("created_at", "id"))


def problem_events(problem):
    return list(ConsultationEvent.objects.filter(problem=problem).select_related("actor").order_by("-at", "-id"))


def owner_candidates(enterprise):
    """Who may own a problem of ``enterprise`` (None: a question without one): active city staff, the
    district staff of its division, and its service commissioner; by name. Two queries."""
    roles = Q(role=Role.CITY_STAFF)
    if enterprise is not None:
        roles |= Q(role=Role.DISTRICT_STAFF, division_id=enterprise.division_id)
    ids = set(RoleAssignment.objects.filter(roles, user__is_active=True).values_list("user_id", flat=True))
    if enterprise is not None and enterprise.commissioner_id is not None:
        commissioner = (
            ServiceCommissioner.objects.filter(pk=enterprise.commissioner_id, is_active=True, user__is_active=True)
            .values_list("user_id", flat=True)
            .first()
        )
        if commissioner is not None:
            ids.add(commissioner)
    return User.objects.filter(pk__in=ids).order_by("real_name", "username")


# --- The FAQ ----------------------------------------------------------------------------------------


def search_key(text):
    """Text as the FAQ's search compares it: NFKC (full-width letters and digits fold), case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def faq_public(*, query="", category=""):
    """The published FAQ entries matching every word of ``query`` (substrings of the question or answer,
    so 学时 finds 继续教育学时), newest first. Only the public wording is loaded."""
    queryset = FaqEntry.objects.filter(status=FaqEntry.Status.PUBLISHED)
    for term in search_key(query).split():
        queryset = queryset.filter(search_text__contains=term)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.only("id", "category", "question", "answer", "published_at", "updated_at").order_by(*FAQ_ORDER)


def faq_public_entry(pk):
    """A published entry, its public wording only; raises DoesNotExist otherwise."""
    return (
        FaqEntry.objects.filter(status=FaqEntry.Status.PUBLISHED)
        .only("id", "category", "question", "answer", "published_at", "updated_at")
        .get(pk=pk)
    )


def faq_for_staff(user, pk):
    """An entry, published or withdrawn, with its question, for city staff; DoesNotExist for anyone else."""
    if not user.has_perm("consultations.manage_faq"):
        raise FaqEntry.DoesNotExist
    return FaqEntry.objects.select_related(
        "consultation__asker", "consultation__enterprise", "published_by", "updated_by"
    ).get(pk=pk)


def faq_events(entry):
    return list(ConsultationEvent.objects.filter(faq_entry=entry).select_related("actor").order_by("-at", "-id"))


# --- From a questionnaire's answer ------------------------------------------------------------------


def follow_ups_of_response(response):
    """The questions and problems made from a questionnaire's answer: ([consultations], [problems])."""
    return (
        list(Consultation.objects.filter(source_response=response).order_by("created_at", "id")),
        list(Problem.objects.filter(source_response=response).select_related("owner").order_by("created_at", "id")),
    )
