"""Every write of consultations and problems: asking, answering, turning a question or a questionnaire's
answer into a problem, following the problem until solved, and publishing to the FAQ.

Each function takes keyword arguments only, checks who acts (the object permissions of
``consultations.rules``), locks the row it changes, calls ``full_clean`` and logs a ``ConsultationEvent``
(who, when, what, why). Those who must know are told through the notice outbox in the same transaction:
the asker when its question is answered, turned into a problem or solved; the commissioner when its
enterprise asks; a problem's owner when it is given one.

The commissioner's figures count this work through its service log (一企一员), as a questionnaire's
follow-up does: answering a question of an enterprise records a consultation (one 人次) in the log of the
enterprise's commissioner, recording a problem records a problem raised, and solving it marks that entry
solved (``enterprises.services``). The figures (``enterprises.selectors.service_figures``) and the
statistics page count them with every other entry, by month, without reading this app.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consultations.anonymity import public_text_errors
from consultations.models import (
    DUE_DAYS_MAX,
    DUE_DAYS_MIN,
    TEXT_MAX,
    TITLE_MAX,
    AskedAs,
    Category,
    Consultation,
    ConsultationEvent,
    FaqEntry,
    Problem,
    ProblemNote,
    ProblemStatus,
)
from consultations.rules import may_ask
from consultations.selectors import asker_enterprise, owner_candidates, search_key
from consultations.workflow import MOVES
from enterprises.models import ServiceLog
from enterprises.services import service_log_record, service_log_solve
from surveys.models import Response
from zaozhuang_titles.notices import notice_create
from zaozhuang_titles.uploads import inspect_upload, store_upload
from zaozhuang_titles.workdays import add_working_days

logger = logging.getLogger(__name__)

#: Questions one person may have awaiting an answer at once: more waits for the answers.
MAX_OPEN_PER_ASKER = 10
#: Where attachments are stored (private media, served only by the permission-checking view).
ATTACHMENT_FOLDER = "consultations"


def _event(*, action, actor, consultation=None, consultation_id=None, problem=None, faq_entry=None, detail=""):
    return ConsultationEvent.objects.create(
        action=action,
        actor=actor,
        consultation_id=consultation.pk if consultation is not None else consultation_id,
        problem=problem,
        faq_entry=faq_entry,
        detail=str(detail)[:500],
    )


def _check(actor, permission, obj, message):
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(message)


def _text(errors, field, value, *, limit, label, required=True):
    """``value`` stripped, or an error on ``field`` when it is missing or too long."""
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("Write the %(what)s.") % {"what": label}
    elif len(value) > limit:
        errors[field] = _("Write at most %(limit)d characters (now %(count)d).") % {"limit": limit, "count": len(value)}
    return value


def _category(errors, value):
    if value not in Category.values:
        errors["category"] = _("Choose a category: %(choices)s.") % {"choices": "、".join(map(str, Category.labels))}
    return value


def _tell(*, recipient, key, subject, body, url):
    """One notice (in Chinese, as every notice of the portal) to an active account."""
    if recipient is None or not recipient.is_active:
        return None
    return notice_create(recipient=recipient, key=key, subject=subject, body=body, url=url)


def _commissioner_user(enterprise):
    if enterprise is None or enterprise.commissioner_id is None or not enterprise.commissioner.is_active:
        return None
    return enterprise.commissioner.user


# --- Asking -----------------------------------------------------------------------------------------


@transaction.atomic
def consultation_ask(*, asker, asked_as, category, title, body, attachment=None):
    """An enterprise's contact or an applicant asks a question, with an optional attachment checked like
    evidence. The question belongs to the asker's enterprise (a contact's, or the employer on an
    applicant's profile), whose commissioner is told."""
    if not may_ask(asker) or asked_as not in AskedAs.values or not asker.has_role(asked_as):
        raise PermissionDenied(_("Only an enterprise's contacts and applicants ask questions here."))
    errors = {}
    title = _text(errors, "title", title, limit=TITLE_MAX, label=_("question"))
    body = _text(errors, "body", body, limit=TEXT_MAX, label=_("details of the question"))
    _category(errors, category)
    if errors:
        raise ValidationError(errors)
    waiting = Consultation.objects.filter(asker=asker, status=Consultation.Status.OPEN).count()
    if waiting >= MAX_OPEN_PER_ASKER:
        raise ValidationError(
            _(
                "You have %(count)d questions awaiting an answer; please wait for their answers (or add to one of "
                "them by asking again once it is answered) before asking more."
            )
            % {"count": waiting}
        )
    enterprise = asker_enterprise(asker, asked_as)
    consultation = Consultation(
        asker=asker,
        asked_as=asked_as,
        enterprise=enterprise,
        category=category,
        title=title,
        body=body,
        created_by=asker,
    )
    inspected = None
    if attachment is not None:
        try:
            inspected = inspect_upload(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages}) from None
        consultation.attachment_name = inspected.original_name
        consultation.attachment_type = inspected.content_type
        consultation.attachment_size = inspected.size
        consultation.attachment_sha256 = inspected.sha256
    consultation.full_clean()
    if inspected is not None:
        consultation.attachment_storage_name = store_upload(attachment, inspected, folder=ATTACHMENT_FOLDER)
    try:
        consultation.save()
        _event(action=ConsultationEvent.Action.ASKED, actor=asker, consultation=consultation, detail=title)
        with translation.override("zh-hans"):
            _tell(
                recipient=_commissioner_user(enterprise),
                key=f"consultation-asked:{consultation.pk}",
                subject=_("New question from %(enterprise)s") % {"enterprise": enterprise.name if enterprise else ""},
                body=f"{consultation.get_category_display()}：{title}",
                url=reverse("consultations:detail", args=[consultation.pk]),
            )
    except Exception:
        # Nothing half-saved: the row is rolled back, so the file goes too.
        if consultation.attachment_storage_name:
            default_storage.delete(consultation.attachment_storage_name)
        raise
    return consultation


@transaction.atomic
def consultation_from_survey(*, response, actor, category, title, body):
    """City staff turn a questionnaire's answer into a question, in the name of the enterprise's contact
    who submitted it; it is answered in the queue like any other, and the contact is told."""
    if not actor.has_perm("consultations.follow_up_survey"):
        raise PermissionDenied(_("Only city HR staff turn a questionnaire's answer into a question."))
    response = _submitted_response(response)
    asker = response.contact.user
    if asker is None or not asker.is_active:
        raise ValidationError(
            _(
                "%(name)s, who submitted this answer, has no active portal account to receive the answer; record "
                "a problem instead, or turn the answer into a service log entry."
            )
            % {"name": response.contact.name}
        )
    errors = {}
    title = _text(errors, "title", title, limit=TITLE_MAX, label=_("question"))
    body = _text(errors, "body", body, limit=TEXT_MAX, label=_("details of the question"))
    _category(errors, category)
    if errors:
        raise ValidationError(errors)
    enterprise = response.recipient.enterprise
    consultation = Consultation(
        asker=asker,
        asked_as=AskedAs.CONTACT,
        enterprise=enterprise,
        category=category,
        title=title,
        body=body,
        source_response=response,
        created_by=actor,
    )
    consultation.full_clean()
    consultation.save()
    questionnaire = response.recipient.dispatch.questionnaire
    _event(
        action=ConsultationEvent.Action.FROM_SURVEY,
        actor=actor,
        consultation=consultation,
        detail=_("From the answer of %(enterprise)s to “%(questionnaire)s”")
        % {"enterprise": enterprise.name, "questionnaire": questionnaire.title},
    )
    with translation.override("zh-hans"):
        url = reverse("consultations:detail", args=[consultation.pk])
        _tell(
            recipient=asker,
            key=f"consultation-from-survey:{consultation.pk}",
            subject=_("Your questionnaire answer was taken up as a question"),
            body=_("The HR bureau took up “%(title)s” from your answer to “%(questionnaire)s” and will answer it here.")
            % {"title": title, "questionnaire": questionnaire.title},
            url=url,
        )
        _tell(
            recipient=_commissioner_user(enterprise),
            key=f"consultation-asked:{consultation.pk}",
            subject=_("New question from %(enterprise)s") % {"enterprise": enterprise.name},
            body=f"{consultation.get_category_display()}：{title}",
            url=url,
        )
    return consultation


def _submitted_response(response):
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related(
            "contact__user", "recipient__enterprise__commissioner__user", "recipient__dispatch__questionnaire"
        )
        .get(pk=response.pk)
    )
    if response.status != Response.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted answer can be followed up; this one is still a draft."))
    return response


# --- Answering --------------------------------------------------------------------------------------


def _log_service(*, enterprise, kind, summary, occurred_on):
    """An entry of the service log of ``enterprise``'s commissioner (一企一员), or None when it has none: the
    commissioner's figures count it."""
    commissioner = enterprise.commissioner if enterprise is not None and enterprise.commissioner_id else None
    if commissioner is None or not commissioner.is_active:
        return None
    return service_log_record(
        enterprise=enterprise, commissioner=commissioner, kind=kind, occurred_on=occurred_on, summary=summary
    )


@transaction.atomic
def consultation_answer(*, consultation, actor, answer, today=None):
    """A commissioner or staff member answers a question (once; two answering at once: the first wins and
    the second is told who answered). The answer is a consultation in the commissioner's service log,
    and the asker is told."""
    _check(actor, "consultations.answer_consultation", consultation, _("You do not answer this question."))
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("enterprise__commissioner__user", "answered_by", "asker")
        .get(pk=consultation.pk)
    )
    if consultation.is_answered:
        raise ValidationError(
            _("%(name)s answered this question at %(at)s; nothing was changed.")
            % {
                "name": consultation.answered_by,
                "at": date_format(timezone.localtime(consultation.answered_at), "DATETIME_FORMAT"),
            },
            code="answered",
        )
    errors = {}
    answer = _text(errors, "answer", answer, limit=TEXT_MAX, label=_("answer"))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    consultation.answer = answer
    consultation.status = Consultation.Status.ANSWERED
    consultation.answered_by, consultation.answered_at = actor, now
    consultation.service_log = _log_service(
        enterprise=consultation.enterprise,
        kind=ServiceLog.Kind.CONSULTATION,
        summary=_("Online consultation: %(title)s") % {"title": consultation.title},
        occurred_on=today or timezone.localdate(now),
    )
    consultation.full_clean()
    consultation.save()
    _event(action=ConsultationEvent.Action.ANSWERED, actor=actor, consultation=consultation, detail=answer[:200])
    with translation.override("zh-hans"):
        _tell(
            recipient=consultation.asker,
            key=f"consultation-answered:{consultation.pk}",
            subject=_("Your question is answered: %(title)s") % {"title": consultation.title},
            body=answer,
            url=reverse("consultations:detail", args=[consultation.pk]),
        )
    return consultation


# --- Problems ---------------------------------------------------------------------------------------


def _due_days(errors, due_days):
    if isinstance(due_days, bool) or not isinstance(due_days, int) or not DUE_DAYS_MIN <= due_days <= DUE_DAYS_MAX:
        errors["due_days"] = _("Give %(min)d to %(max)d working days to solve it.") % {
            "min": DUE_DAYS_MIN,
            "max": DUE_DAYS_MAX,
        }
    return due_days


def _check_owner(errors, owner, enterprise):
    if owner is None or not owner_candidates(enterprise).filter(pk=owner.pk).exists():
        errors["owner"] = _(
            "The owner must be city HR staff, district HR staff of the enterprise's division, or the enterprise's "
            "service commissioner."
        )


@transaction.atomic
def problem_create(
    *,
    actor,
    category,
    title,
    description,
    owner,
    due_days,
    consultation=None,
    source_response=None,
    today=None,
):
    """Record a problem to solve, from a question (its handlers) or from a questionnaire's answer (city
    staff), with an owner and a due date ``due_days`` working days after today (which does not count), on
    the Chinese working-day calendar. It is a problem raised in the commissioner's service log."""
    if (consultation is None) == (source_response is None):
        raise ValueError("A problem comes from a question or from a questionnaire's answer, one of them.")
    today = today or timezone.localdate()
    if consultation is not None:
        _check(actor, "consultations.make_problem_consultation", consultation, _("You do not handle this question."))
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("enterprise__commissioner__user", "asker")
            .get(pk=consultation.pk)
        )
        existing = Problem.objects.filter(consultation=consultation).select_related("owner").first()
        if existing is not None:
            raise ValidationError(
                _("This question is already followed as a problem, owned by %(owner)s.") % {"owner": existing.owner},
                code="has_problem",
            )
        enterprise = consultation.enterprise
    else:
        if not actor.has_perm("consultations.follow_up_survey"):
            raise PermissionDenied(_("Only city HR staff turn a questionnaire's answer into a problem."))
        source_response = _submitted_response(source_response)
        enterprise = source_response.recipient.enterprise
    errors = {}
    title = _text(errors, "title", title, limit=TITLE_MAX, label=_("problem"))
    description = _text(errors, "description", description, limit=TEXT_MAX, label=_("description of the problem"))
    _category(errors, category)
    _due_days(errors, due_days)
    _check_owner(errors, owner, enterprise)
    if errors:
        raise ValidationError(errors)
    due = add_working_days(today, due_days)
    problem = Problem(
        consultation=consultation,
        source_response=source_response,
        enterprise=enterprise,
        category=category,
        title=title,
        description=description,
        owner=owner,
        due_days=due_days,
        due_on=due.end,
        due_provisional=due.provisional,
        created_by=actor,
    )
    problem.service_log = _log_service(
        enterprise=enterprise, kind=ServiceLog.Kind.PROBLEM, summary=title, occurred_on=today
    )
    problem.full_clean()
    problem.save()
    _event(
        action=ConsultationEvent.Action.PROBLEM_CREATED,
        actor=actor,
        consultation=consultation,
        problem=problem,
        detail=_("%(category)s; owner %(owner)s; due %(due)s (%(days)d working days)")
        % {
            "category": problem.get_category_display(),
            "owner": owner,
            "due": due.end.isoformat(),
            "days": due_days,
        },
    )
    with translation.override("zh-hans"):
        url = reverse("consultations:problem", args=[problem.pk])
        if owner.pk != actor.pk:
            _tell(
                recipient=owner,
                key=f"problem-owner:{problem.pk}:{owner.pk}:0",
                subject=_("A problem to solve by %(due)s: %(title)s")
                % {"due": date_format(due.end, "DATE_FORMAT"), "title": title},
                body=description,
                url=url,
            )
        if consultation is not None:
            _tell(
                recipient=consultation.asker,
                key=f"consultation-problem:{consultation.pk}",
                subject=_("Your question is followed as a problem: %(title)s") % {"title": consultation.title},
                body=_("It will be followed until it is solved, by %(due)s at the latest; you will be told.")
                % {"due": date_format(due.end, "DATE_FORMAT")},
                url=reverse("consultations:detail", args=[consultation.pk]),
            )
    return problem


def _locked_problem(problem):
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("enterprise__commissioner__user", "consultation__asker", "owner", "service_log")
        .get(pk=problem.pk)
    )


@transaction.atomic
def problem_assign(*, problem, actor, owner, reason):
    """City staff, or the district staff of the problem's division, hand it to another owner, saying why."""
    _check(actor, "consultations.assign_problem", problem, _("You do not assign this problem."))
    problem = _locked_problem(problem)
    if problem.is_solved:
        raise ValidationError(_("This problem is solved; it has no owner to change."), code="solved")
    errors = {}
    reason = _text(errors, "reason", reason, limit=500, label=_("reason for the change"))
    _check_owner(errors, owner, problem.enterprise)
    if not errors and owner.pk == problem.owner_id:
        errors["owner"] = _("%(owner)s already owns this problem.") % {"owner": owner}
    if errors:
        raise ValidationError(errors)
    previous = problem.owner
    problem.owner = owner
    problem.full_clean()
    problem.save(update_fields=["owner"])
    event = _event(
        action=ConsultationEvent.Action.ASSIGNED,
        actor=actor,
        problem=problem,
        detail=f"{previous} → {owner}: {reason}",
    )
    with translation.override("zh-hans"):
        _tell(
            recipient=owner,
            key=f"problem-owner:{problem.pk}:{owner.pk}:{event.pk}",
            subject=_("A problem to solve by %(due)s: %(title)s")
            % {"due": date_format(problem.due_on, "DATE_FORMAT"), "title": problem.title},
            body=reason,
            url=reverse("consultations:problem", args=[problem.pk]),
        )
    return problem


@transaction.atomic
def problem_note_add(*, problem, actor, text):
    """The owner (or city staff) notes the progress of an unsolved problem."""
    _check(actor, "consultations.work_problem", problem, _("Only the problem's owner and city staff work on it."))
    problem = _locked_problem(problem)
    if problem.is_solved:
        raise ValidationError(_("This problem is solved; its record is closed."), code="solved")
    errors = {}
    text = _text(errors, "text", text, limit=TEXT_MAX, label=_("progress"))
    if errors:
        raise ValidationError(errors)
    note = ProblemNote(problem=problem, author=actor, text=text)
    note.full_clean()
    note.save()
    _event(action=ConsultationEvent.Action.NOTED, actor=actor, problem=problem, detail=text[:200])
    return note


@transaction.atomic
def problem_move(*, problem, actor, action, resolution="", today=None):
    """Move a problem along ``workflow.MOVES``: start working on it, or solve it with a resolution. Solving
    marks its entry of the service log solved (the commissioner's "problems solved"), and the asker of the
    question it came from is told."""
    move = MOVES.get(action)
    if move is None:
        raise ValidationError(_("This is not a step of a problem."), code="unknown_action")
    _check(actor, "consultations.work_problem", problem, _("Only the problem's owner and city staff work on it."))
    problem = _locked_problem(problem)
    if problem.status not in move.sources:
        raise ValidationError(
            _("This problem is %(status)s now; “%(action)s” is not possible. The page was out of date.")
            % {"status": problem.get_status_display(), "action": move.label},
            code="stale",
        )
    now = timezone.now()
    detail = ""
    if move.target == ProblemStatus.SOLVED:
        errors = {}
        resolution = _text(errors, "resolution", resolution, limit=TEXT_MAX, label=_("resolution"))
        if errors:
            raise ValidationError(errors)
        problem.resolution = resolution
        problem.solved_by, problem.solved_at = actor, now
        detail = resolution[:200]
        _solve_service_log(problem, resolution=resolution, solved_on=today or timezone.localdate(now))
    problem.status = move.target
    problem.full_clean()
    problem.save()
    _event(action=move.event, actor=actor, problem=problem, consultation=problem.consultation, detail=detail)
    if move.target == ProblemStatus.SOLVED:
        with translation.override("zh-hans"):
            if problem.consultation is not None:
                _tell(
                    recipient=problem.consultation.asker,
                    key=f"consultation-solved:{problem.consultation_id}",
                    subject=_("Your problem is solved: %(title)s") % {"title": problem.consultation.title},
                    body=resolution,
                    url=reverse("consultations:detail", args=[problem.consultation_id]),
                )
            if problem.owner_id != actor.pk:
                _tell(
                    recipient=problem.owner,
                    key=f"problem-solved:{problem.pk}",
                    subject=_("Your problem was marked solved by %(name)s: %(title)s")
                    % {"name": actor, "title": problem.title},
                    body=resolution,
                    url=reverse("consultations:problem", args=[problem.pk]),
                )
    return problem


def _solve_service_log(problem, *, resolution, solved_on):
    """Mark the problem's service log entry solved, as the enterprise's commissioner keeps its log."""
    entry = problem.service_log
    enterprise = problem.enterprise
    commissioner = enterprise.commissioner if enterprise is not None and enterprise.commissioner_id else None
    if entry is None or commissioner is None:
        return
    try:
        service_log_solve(
            entry=entry,
            commissioner=commissioner,
            solution=resolution,
            solved_on=max(solved_on, entry.occurred_on),
        )
    except PermissionDenied:
        # The log belongs to the enterprise's commissioner of the day; without one it stays open there.
        logger.warning("problem %s solved; its service log entry %s could not be marked solved", problem.pk, entry.pk)


# --- The FAQ ----------------------------------------------------------------------------------------


def _public_wording(*, consultation, category, question, answer):
    errors = {}
    question = _text(errors, "question", question, limit=200, label=_("public question"))
    answer = _text(errors, "answer", answer, limit=TEXT_MAX, label=_("public answer"))
    _category(errors, category)
    for field, text in (("question", question), ("answer", answer)):
        found = public_text_errors(text, consultation=consultation)
        if found and field not in errors:
            errors[field] = found
    if errors:
        raise ValidationError(errors)
    return question, answer


@transaction.atomic
def faq_publish(*, consultation, actor, category, question, answer):
    """City staff publish an answered question to the public FAQ in a wording of their own, which may name
    nobody (``anonymity.public_text_errors``). A question withdrawn earlier is published again."""
    _check(actor, "consultations.publish_consultation", consultation, _("Only city HR staff publish to the FAQ."))
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("asker", "enterprise")
        .get(pk=consultation.pk)
    )
    if not consultation.is_answered:
        raise ValidationError(_("Answer the question before publishing it."), code="not_answered")
    question, answer = _public_wording(consultation=consultation, category=category, question=question, answer=answer)
    entry = FaqEntry.objects.select_for_update().filter(consultation=consultation).first()
    now = timezone.now()
    if entry is not None and entry.status == FaqEntry.Status.PUBLISHED:
        raise ValidationError(_("This question is already in the FAQ; edit its wording there."), code="published")
    action = ConsultationEvent.Action.PUBLISHED
    if entry is None:
        entry = FaqEntry(consultation=consultation, published_by=actor, published_at=now)
    else:
        action = ConsultationEvent.Action.FAQ_REPUBLISHED
        entry.published_by, entry.published_at = actor, now
    entry.category, entry.question, entry.answer = category, question, answer
    entry.search_text = search_key(f"{question}\n{answer}")
    entry.status = FaqEntry.Status.PUBLISHED
    entry.updated_by, entry.updated_at = actor, now
    entry.full_clean()
    entry.save()
    _event(action=action, actor=actor, consultation=consultation, faq_entry=entry, detail=question)
    return entry


@transaction.atomic
def faq_update(*, entry, actor, category, question, answer):
    """City staff change the public wording of an FAQ entry (checked again for names and numbers)."""
    _check(actor, "consultations.change_faqentry", entry, _("Only city HR staff edit the FAQ."))
    locked = (
        FaqEntry.objects.select_for_update(of=("self",))
        .select_related("consultation__asker", "consultation__enterprise")
        .get(pk=entry.pk)
    )
    question, answer = _public_wording(
        consultation=locked.consultation, category=category, question=question, answer=answer
    )
    if (locked.category, locked.question, locked.answer) == (category, question, answer):
        return locked
    changed = [
        str(FaqEntry._meta.get_field(name).verbose_name)
        for name, value in (("category", category), ("question", question), ("answer", answer))
        if getattr(locked, name) != value
    ]
    locked.category, locked.question, locked.answer = category, question, answer
    locked.search_text = search_key(f"{question}\n{answer}")
    locked.updated_by, locked.updated_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    _event(
        action=ConsultationEvent.Action.FAQ_EDITED,
        actor=actor,
        consultation=locked.consultation,
        faq_entry=locked,
        detail="、".join(changed),
    )
    return locked


@transaction.atomic
def faq_withdraw(*, entry, actor, reason):
    """City staff take an entry off the public FAQ, saying why (it can be published again from its question)."""
    _check(actor, "consultations.change_faqentry", entry, _("Only city HR staff edit the FAQ."))
    locked = FaqEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != FaqEntry.Status.PUBLISHED:
        raise ValidationError(_("This entry is not in the public FAQ."), code="withdrawn")
    errors = {}
    reason = _text(errors, "reason", reason, limit=500, label=_("reason for withdrawing it"))
    if errors:
        raise ValidationError(errors)
    locked.status = FaqEntry.Status.WITHDRAWN
    locked.updated_by, locked.updated_at = actor, timezone.now()
    locked.save(update_fields=["status", "updated_by", "updated_at"])
    _event(
        action=ConsultationEvent.Action.FAQ_WITHDRAWN,
        actor=actor,
        consultation_id=locked.consultation_id,
        faq_entry=locked,
        detail=reason,
    )
    return locked
