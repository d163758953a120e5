"""Reads of questionnaires, each scoped to the user who reads.

City staff see every questionnaire, dispatch and response (``rules.STAFF_SCOPES``); an enterprise's
contact sees the recipients of its own enterprise (``rules.CONTACT_OF_RECIPIENT``), and nobody else
sees anything. The counts and cross-tabulations of the results are ``surveys.results``.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from enterprises.models import Enterprise, Recognition
from surveys.models import (
    Answer,
    Dispatch,
    FollowUp,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Recipient,
    Response,
)
from surveys.rules import CONTACT_OF_RECIPIENT, RECIPIENT_SCOPES, RESULTS_READER_SCOPES, RESULTS_SCOPES, STAFF_SCOPES
from zaozhuang_titles.db import subquery_count
from zaozhuang_titles.scopes import union_q, visible


def questionnaires_for_user(user):
    return visible(Questionnaire.objects.all(), user, STAFF_SCOPES)


def dispatches_for_user(user):
    return visible(Dispatch.objects.all(), user, STAFF_SCOPES)


def responses_for_user(user):
    return visible(Response.objects.all(), user, STAFF_SCOPES)


def recipients_for_user(user):
    """The recipients ``user`` may open: every one for city staff, its own enterprise's for a contact."""
    return visible(Recipient.objects.all(), user, RECIPIENT_SCOPES)


def _with_state(queryset):
    """Questionnaires with what their list and page show: counts, locked (has answers), superseded."""
    return queryset.annotate(
        question_count=subquery_count(Question.objects.filter(questionnaire=OuterRef("pk")), key="questionnaire"),
        dispatch_count=subquery_count(Dispatch.objects.filter(questionnaire=OuterRef("pk")), key="questionnaire"),
        locked=Exists(Response.objects.filter(recipient__dispatch__questionnaire=OuterRef("pk"))),
        superseded=Exists(Questionnaire.objects.filter(previous=OuterRef("pk"))),
    )


def questionnaire_list(user):
    return _with_state(questionnaires_for_user(user)).select_related("created_by").order_by("-created_at", "-id")


def questionnaire_detail(user, pk):
    """One questionnaire ``user`` may see, with its state; raises DoesNotExist otherwise."""
    return _with_state(questionnaires_for_user(user)).select_related("created_by", "previous").get(pk=pk)


def questions_of(questionnaire):
    """The questions in order, with their options and the condition each depends on."""
    return list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("show_if__question")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def condition_choices(questionnaire, *, before=None):
    """The options a question may depend on: those of the choice questions above ``before`` (all for a
    new question), as (question, option) pairs in order."""
    questions = Question.objects.filter(questionnaire=questionnaire, kind__in=QuestionKind.CHOICES)
    if before is not None and before.pk is not None:
        questions = questions.filter(Q(position__lt=before.position) | Q(position=before.position, pk__lt=before.pk))
    return list(
        Option.objects.filter(question__in=questions)
        .select_related("question")
        .order_by("question__position", "question_id", "position", "id")
    )


def question_for_user(user, pk):
    """One question of a questionnaire ``user`` may see, with its options; raises DoesNotExist."""
    return (
        Question.objects.filter(questionnaire__in=questionnaires_for_user(user))
        .select_related("questionnaire", "show_if__question")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
        .get(pk=pk)
    )


def dispatches_of(questionnaire):
    """The dispatches of a questionnaire, with how many enterprises got it and how many submitted."""
    return list(
        Dispatch.objects.filter(questionnaire=questionnaire)
        .select_related("sent_by")
        .annotate(
            recipient_count=subquery_count(Recipient.objects.filter(dispatch=OuterRef("pk")), key="dispatch"),
            submitted_count=subquery_count(
                Response.objects.filter(recipient__dispatch=OuterRef("pk"), status=Response.Status.SUBMITTED),
                key="recipient__dispatch",
            ),
        )
        .order_by("-sent_at", "-id")
    )


def dispatch_detail(user, pk):
    return dispatches_for_user(user).select_related("questionnaire", "sent_by").get(pk=pk)


def dispatch_counts(dispatch, *, enterprises=None):
    """Enterprises sent to, submitted, drafts and not started, in one query (of ``enterprises`` only, a
    queryset, when given: a district's or a commissioner's share)."""
    recipients = Recipient.objects.filter(dispatch=dispatch)
    if enterprises is not None:
        recipients = recipients.filter(enterprise__in=enterprises)
    counts = recipients.aggregate(
        total=Count("id"),
        submitted=Count("id", filter=Q(response__status=Response.Status.SUBMITTED)),
        drafts=Count("id", filter=Q(response__status=Response.Status.DRAFT)),
    )
    counts["not_started"] = counts["total"] - counts["submitted"] - counts["drafts"]
    return counts


#: The recipient filter of the dispatch page: answered, draft, not started.
RECIPIENT_STATES = {
    "submitted": Q(response__status=Response.Status.SUBMITTED),
    "draft": Q(response__status=Response.Status.DRAFT),
    "none": Q(response__isnull=True),
}


# --- Results shared with district staff and commissioners -----------------------------------------


def results_enterprises(user):
    """The enterprises whose answers ``user`` reads in results (``rules.RESULTS_READER_SCOPES``): None for
    city staff (every enterprise, no filter), else a queryset (empty for a user with none)."""
    where = union_q(user, RESULTS_READER_SCOPES)
    if where is None:
        return Enterprise.objects.none()
    return None if not where else Enterprise.objects.filter(where)


def dispatches_with_results_for(user):
    """The dispatches whose results ``user`` may read (``rules.RESULTS_SCOPES``)."""
    return visible(Dispatch.objects.all(), user, RESULTS_SCOPES)


def results_dispatch(user, pk):
    """One dispatch whose results ``user`` may read; raises DoesNotExist otherwise."""
    return dispatches_with_results_for(user).select_related("questionnaire", "sent_by").get(pk=pk)


#: The order of the shared results list: newest dispatch first (keyset pages).
SHARED_RESULTS_ORDER = ["-sent_at", "-id"]


def shared_results(user):
    """The dispatches sent to enterprises of ``user`` (district staff, a commissioner), newest first, with
    how many of those enterprises got it and how many submitted."""
    enterprises = results_enterprises(user)
    recipients = Recipient.objects.filter(dispatch=OuterRef("pk"))
    if enterprises is not None:
        recipients = recipients.filter(enterprise__in=enterprises)
    return (
        dispatches_with_results_for(user)
        .select_related("questionnaire")
        .annotate(
            recipient_count=subquery_count(recipients, key="dispatch"),
            submitted_count=subquery_count(
                recipients.filter(response__status=Response.Status.SUBMITTED), key="dispatch"
            ),
        )
        .order_by(*SHARED_RESULTS_ORDER)
    )


#: The order of a dispatch's recipients (its staff page and QR sheet, keyset pages): by enterprise name,
#: then enterprise, which a dispatch reaches once (``recipient_once_per_enterprise``) and so is unique
#: here. Served by the enterprises' ``enterprise_list_idx`` joined through that unique constraint's index.
RECIPIENT_ORDER = ("enterprise__name", "enterprise_id")


def dispatch_recipients(dispatch, *, state=None):
    """The recipients of a dispatch with their enterprise and response, in ``RECIPIENT_ORDER``."""
    queryset = Recipient.objects.filter(dispatch=dispatch)
    if state in RECIPIENT_STATES:
        queryset = queryset.filter(RECIPIENT_STATES[state])
    return queryset.select_related("enterprise__division", "response__contact").order_by(*RECIPIENT_ORDER)


def with_current_response(recipients):
    """``recipients`` (a list) with ``current``: the response loaded with it, or None (templates cannot ask
    a missing one-to-one without an error)."""
    for recipient in recipients:
        recipient.current = getattr(recipient, "response", None)
    return recipients


def recipient_by_token(user, token):
    """The recipient of the link ``token`` if ``user`` may open it; raises DoesNotExist otherwise."""
    return (
        recipients_for_user(user)
        .select_related("dispatch__questionnaire", "enterprise", "response__contact")
        .get(token=token)
    )


def contact_recipients(user):
    """The questionnaires sent to the enterprise of contact ``user``, newest first."""
    return with_current_response(
        list(
            visible(Recipient.objects.all(), user, (CONTACT_OF_RECIPIENT,))
            .select_related("dispatch__questionnaire", "response")
            .order_by("-dispatch__sent_at", "-id")
        )
    )


def answers_of(response):
    """The saved answers of ``response`` as {question id: value}: an option id (single), a list of
    option ids (multiple), an int (scale), a Decimal (number) or text."""
    if response is None or response.pk is None:
        return {}
    values = {}
    rows = (
        Answer.objects.filter(response=response)
        .select_related("question")
        .order_by("question__position", "question_id", "option__position", "option_id")
    )
    for answer in rows:
        kind = answer.question.kind
        if kind == QuestionKind.SINGLE:
            values[answer.question_id] = answer.option_id
        elif kind == QuestionKind.MULTIPLE:
            values.setdefault(answer.question_id, []).append(answer.option_id)
        elif kind == QuestionKind.SCALE:
            values[answer.question_id] = int(answer.number)
        elif kind == QuestionKind.NUMBER:
            values[answer.question_id] = answer.number
        else:
            values[answer.question_id] = answer.text
    return values


def response_detail(user, pk):
    return (
        responses_for_user(user)
        .select_related(
            "recipient__dispatch__questionnaire",
            "recipient__enterprise__division",
            "recipient__enterprise__commissioner__user",
            "contact",
        )
        .get(pk=pk)
    )


def follow_ups_of(response):
    return list(
        FollowUp.objects.filter(response=response)
        .select_related("service_log", "question", "created_by")
        .order_by("-created_at", "-id")
    )


def enterprises_selected(criteria, *, today=None):
    """The active enterprises a dispatch's ``criteria`` select, and the hand-picked codes that match none.

    ``criteria``: ``divisions`` (ids), ``kinds`` and ``levels`` of a recognition valid today (both, when
    both are given, of the same recognition), ``key`` ("yes", "no" or empty) — all that are given must
    hold — and ``codes``, credit codes picked by hand, added to what the others select. Nothing given
    selects nothing."""
    today = today or timezone.localdate()
    active = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
    divisions, kinds, levels = criteria.get("divisions"), criteria.get("kinds"), criteria.get("levels")
    key, codes = criteria.get("key") or "", criteria.get("codes") or []
    selected = None
    if divisions or kinds or levels or key:
        selected = Q()
        if divisions:
            selected &= Q(division_id__in=divisions)
        if key:
            selected &= Q(is_key=key == "yes")
        if kinds or levels:
            recognition = Q(enterprise=OuterRef("pk")) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            if kinds:
                recognition &= Q(kind__in=kinds)
            if levels:
                recognition &= Q(level__in=levels)
            selected &= Exists(Recognition.objects.filter(recognition))
    unknown = []
    if codes:
        found = set(active.filter(credit_code__in=codes).values_list("credit_code", flat=True))
        unknown = [code for code in codes if code not in found]
        picked = Q(credit_code__in=codes)
        selected = picked if selected is None else selected | picked
    if selected is None:
        return active.none(), unknown
    return active.filter(selected).order_by("name", "id"), unknown
