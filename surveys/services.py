"""Every write of questionnaires: building and versions, sending, answering, following up.

Each function takes keyword arguments only, checks its rule, calls ``full_clean`` and logs a
``SurveyEvent`` (who, when, what). The version lock — a questionnaire with answers cannot change its
questions — is ``Questionnaire.has_answers``, asked here under the questionnaire's row lock and by the
models' ``clean``; the first save of an answer takes the same lock, so a question cannot change between
an enterprise opening the page and its first answer being written.
"""

import decimal
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseContact, ServiceLog
from enterprises.services import service_log_record
from surveys.branching import is_empty, visible_question_ids
from surveys.models import (
    SCALE_POINTS,
    Answer,
    Dispatch,
    FollowUp,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Recipient,
    Response,
    SurveyEvent,
    locked_message,
)
from surveys.selectors import enterprises_selected, questions_of
from zaozhuang_titles.notices import notice_build, notices_create_many

logger = logging.getLogger(__name__)

#: Longest answers to the text questions.
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
#: Choice questions need at least two options; more than this is not a questionnaire any more.
MIN_OPTIONS, MAX_OPTIONS = 2, 30
#: The number answers' column holds 12 digits, 2 after the point.
NUMBER_LIMIT = decimal.Decimal("9999999999.99")


def _event(*, action, actor, questionnaire=None, dispatch=None, recipient=None, detail=""):
    return SurveyEvent.objects.create(
        action=action,
        actor=actor,
        questionnaire=questionnaire,
        dispatch=dispatch,
        recipient=recipient,
        detail=str(detail)[:500],
    )


def _locked_questionnaire(questionnaire):
    """The questionnaire's row, locked; refused when it has answers (the version lock)."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.has_answers():
        raise ValidationError(locked_message(locked))
    return locked


# --- Building -----------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(*, actor, title, introduction=""):
    questionnaire = Questionnaire(title=title, introduction=introduction, created_by=actor)
    questionnaire.full_clean()
    questionnaire.save()
    _event(action=SurveyEvent.Action.CREATED, actor=actor, questionnaire=questionnaire, detail=title)
    return questionnaire


@transaction.atomic
def questionnaire_update(*, questionnaire, actor, title, introduction=""):
    """The title and introduction; they are not questions, so they may be corrected after answers."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    questionnaire.title = title
    questionnaire.introduction = introduction
    questionnaire.full_clean()
    questionnaire.save(update_fields=["title", "introduction"])
    _event(action=SurveyEvent.Action.CHANGED, actor=actor, questionnaire=questionnaire, detail=title)
    return questionnaire


def _option_labels(labels):
    """The options' labels, stripped, empty lines dropped; refused when two are the same or too few/many."""
    cleaned = [label.strip() for label in labels if label.strip()]
    seen, doubles = set(), []
    for label in cleaned:
        if label in seen and label not in doubles:
            doubles.append(label)
        seen.add(label)
    if doubles:
        raise ValidationError(
            {"options": _("Each option must be different; listed twice: %(labels)s.") % {"labels": "、".join(doubles)}}
        )
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise ValidationError(
            {
                "options": _("A choice question needs %(min)d to %(max)d options, one per line; %(count)d given.")
                % {"min": MIN_OPTIONS, "max": MAX_OPTIONS, "count": len(cleaned)}
            }
        )
    return cleaned


def _refuse_removing_conditions(options, questions):
    """Refuse to remove ``options`` that another question's branch depends on, naming that question."""
    number = {question.pk: index for index, question in enumerate(questions, start=1)}
    for option in options:
        for dependent in option.shows.all():
            raise ValidationError(
                {
                    "options": _(
                        "Question %(number)d is shown only when “%(option)s” is chosen; change its condition "
                        "before removing that option."
                    )
                    % {"number": number.get(dependent.pk, 0), "option": option.label}
                }
            )


@transaction.atomic
def question_save(
    *,
    questionnaire,
    actor,
    kind,
    text,
    question=None,
    help_text="",
    required=False,
    show_if=None,
    min_value=None,
    max_value=None,
    options=(),
):
    """Add a question at the end (``question`` None) or change one, with its options (labels in order;
    an option keeps its identity while its label stays, so a branch on it holds)."""
    questionnaire = _locked_questionnaire(questionnaire)
    questions = questions_of(questionnaire)
    if question is None:
        top = Question.objects.filter(questionnaire=questionnaire).aggregate(top=Max("position"))["top"]
        question = Question(questionnaire=questionnaire, position=0 if top is None else top + 1)
        action = SurveyEvent.Action.QUESTION_ADDED
    else:
        question = Question.objects.get(pk=question.pk, questionnaire=questionnaire)
        action = SurveyEvent.Action.QUESTION_CHANGED
    question.kind = kind
    question.text = text
    question.help_text = help_text or ""
    question.required = bool(required)
    question.show_if = show_if
    question.min_value = min_value if kind == QuestionKind.NUMBER else None
    question.max_value = max_value if kind == QuestionKind.NUMBER else None
    labels = _option_labels(options) if kind in QuestionKind.CHOICES else []
    question.full_clean()
    question.save()
    existing = {option.label: option for option in question.options.prefetch_related("shows")}
    removed = [option for label, option in existing.items() if label not in labels]
    _refuse_removing_conditions(removed, questions)
    Option.objects.filter(pk__in=[option.pk for option in removed]).delete()
    for position, label in enumerate(labels):
        option = existing.get(label) or Option(question=question, label=label)
        option.position = position
        option.full_clean()
        option.save()
    _event(action=action, actor=actor, questionnaire=questionnaire, detail=text)
    return question


@transaction.atomic
def question_delete(*, question, actor):
    questionnaire = _locked_questionnaire(question.questionnaire)
    question = Question.objects.prefetch_related("options__shows").get(pk=question.pk, questionnaire=questionnaire)
    _refuse_removing_conditions(list(question.options.all()), questions_of(questionnaire))
    text = question.text
    question.delete()
    _event(action=SurveyEvent.Action.QUESTION_DELETED, actor=actor, questionnaire=questionnaire, detail=text)


@transaction.atomic
def question_move(*, question, actor, up):
    """Swap a question with the one above (``up``) or below it. A question stays below the question its
    condition belongs to."""
    questionnaire = _locked_questionnaire(question.questionnaire)
    questions = questions_of(questionnaire)
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return questions[index]
    first, second = sorted((index, other))
    upper, lower = questions[first], questions[second]
    if lower.show_if_id is not None and lower.show_if.question_id == upper.pk:
        raise ValidationError(
            _(
                "Question %(lower)d is shown only when an answer of question %(upper)d is chosen, so it must stay "
                "below it."
            )
            % {"lower": second + 1, "upper": first + 1}
        )
    questions[first], questions[second] = lower, upper
    for position, item in enumerate(questions):
        if item.position != position:
            Question.objects.filter(pk=item.pk).update(position=position)
    _event(action=SurveyEvent.Action.QUESTION_MOVED, actor=actor, questionnaire=questionnaire, detail=question.text)
    return questions[other]


@transaction.atomic
def questionnaire_new_version(*, questionnaire, actor):
    """A copy of ``questionnaire`` with every question, option and branch, numbered one higher, to change
    where the original is locked. Versions form a line: only the newest is copied."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    newer = Questionnaire.objects.filter(previous=questionnaire).first()
    if newer is not None:
        raise ValidationError(
            _("Version %(version)s was already made from this one; open it and make the next version from there.")
            % {"version": newer.version}
        )
    copy = Questionnaire(
        title=questionnaire.title,
        introduction=questionnaire.introduction,
        version=questionnaire.version + 1,
        previous=questionnaire,
        created_by=actor,
    )
    copy.full_clean()
    copy.save()
    option_copies = {}
    for question in questions_of(questionnaire):
        new_question = Question.objects.create(
            questionnaire=copy,
            position=question.position,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            show_if=option_copies.get(question.show_if_id),
            min_value=question.min_value,
            max_value=question.max_value,
        )
        for option in question.options.all():
            option_copies[option.pk] = Option.objects.create(
                question=new_question, position=option.position, label=option.label
            )
    _event(
        action=SurveyEvent.Action.VERSION_CREATED,
        actor=actor,
        questionnaire=copy,
        detail=_("copied from version %(version)s") % {"version": questionnaire.version},
    )
    return copy


# --- Sending ------------------------------------------------------------------------------------


def _contacts_by_enterprise(enterprise_ids):
    """The active contacts with an active portal account of these enterprises (one query)."""
    contacts = {}
    rows = EnterpriseContact.objects.filter(
        enterprise_id__in=enterprise_ids, is_active=True, user__isnull=False, user__is_active=True
    ).select_related("user")
    for contact in rows.order_by("id"):
        contacts.setdefault(contact.enterprise_id, []).append(contact)
    return contacts


@transaction.atomic
def dispatch_send(*, questionnaire, actor, deadline, criteria, note=""):
    """Send ``questionnaire`` to the active enterprises ``criteria`` selects (see
    ``selectors.enterprises_selected``), answered until the end of ``deadline``. Every contact of each
    enterprise with a portal account is told (in-site notice and email) with its link. A fixed number
    of queries however many enterprises."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    newer = Questionnaire.objects.filter(previous=questionnaire).first()
    if newer is not None:
        raise ValidationError(
            _("Version %(version)s replaces this one; send the newest version.") % {"version": newer.version}
        )
    if not Question.objects.filter(questionnaire=questionnaire).exists():
        raise ValidationError(_("The questionnaire has no question yet; add questions before sending it."))
    enterprises, unknown = enterprises_selected(criteria)
    if unknown:
        raise ValidationError(
            {
                "codes": _(
                    "No active enterprise has these credit codes: %(codes)s. Check them against the registry, or "
                    "remove them."
                )
                % {"codes": "、".join(unknown)}
            }
        )
    enterprises = list(enterprises.only("pk", "name"))
    if not enterprises:
        raise ValidationError(_("No active enterprise matches this selection; widen it or pick enterprises by code."))
    dispatch = Dispatch(
        questionnaire=questionnaire,
        note=note,
        deadline=deadline,
        criteria=criteria,
        sent_by=actor,
        sent_at=timezone.now(),
    )
    dispatch.full_clean()
    dispatch.save()
    Recipient.objects.bulk_create([Recipient(dispatch=dispatch, enterprise=e) for e in enterprises], batch_size=500)
    recipients = list(Recipient.objects.filter(dispatch=dispatch).only("pk", "token", "enterprise_id"))
    contacts = _contacts_by_enterprise([e.pk for e in enterprises])
    notices = []
    with translation.override("zh-hans"):
        subject = _("Questionnaire: %(title)s") % {"title": questionnaire.title}
        body = _("The city HR bureau asks your enterprise to answer the questionnaire “%(title)s” by %(deadline)s.") % {
            "title": questionnaire.title,
            "deadline": date_format(deadline, "DATE_FORMAT"),
        }
        if note:
            body += "\n" + note
        for recipient in recipients:
            url = reverse("surveys:answer", args=[recipient.token])
            for contact in contacts.get(recipient.enterprise_id, []):
                notices.append(
                    notice_build(
                        recipient=contact.user,
                        key=f"survey-sent:{recipient.pk}:{contact.user_id}",
                        subject=subject,
                        body=body,
                        url=url,
                    )
                )
    told = notices_create_many(notices=notices)
    _event(
        action=SurveyEvent.Action.SENT,
        actor=actor,
        questionnaire=questionnaire,
        dispatch=dispatch,
        detail=_("%(count)d enterprises, %(told)d contacts told") % {"count": len(recipients), "told": told},
    )
    return dispatch


# --- Answering ----------------------------------------------------------------------------------


def number_text(value):
    """A stored number as people write it: 12, 3.5 (never 1E+1 or 12.00)."""
    return format(decimal.Decimal(value).normalize(), "f")


def _clean_value(question, value, options):
    """The value of one answer in its stored form, or a ValidationError saying what is wrong."""
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in options:
            raise ValidationError(_("Choose one of the options shown."))
        return value
    if kind == QuestionKind.MULTIPLE:
        try:
            values = [int(item) for item in (value if isinstance(value, (list, tuple, set)) else [value])]
        except (TypeError, ValueError):
            values = [None]
        if any(item not in options for item in values):
            raise ValidationError(_("Choose among the options shown."))
        return sorted(set(values), key=list(options).index)
    if kind == QuestionKind.SCALE:
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in SCALE_POINTS:
            raise ValidationError(
                _("Choose a point from %(low)d to %(high)d.") % {"low": SCALE_POINTS[0], "high": SCALE_POINTS[-1]}
            )
        return value
    if kind == QuestionKind.NUMBER:
        try:
            value = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            raise ValidationError(_("Enter a number, e.g. 12 or 3.5.")) from None
        if not value.is_finite() or abs(value) > NUMBER_LIMIT or value != value.quantize(decimal.Decimal("0.01")):
            raise ValidationError(_("Enter a number of at most 10 digits and 2 decimals, e.g. 12 or 3.5."))
        if question.min_value is not None and value < question.min_value:
            raise ValidationError(_("Enter at least %(min)s.") % {"min": number_text(question.min_value)})
        if question.max_value is not None and value > question.max_value:
            raise ValidationError(_("Enter at most %(max)s.") % {"max": number_text(question.max_value)})
        return value
    text = str(value).strip()
    limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
    if len(text) > limit:
        raise ValidationError(
            _("Write at most %(limit)d characters (now %(count)d).") % {"limit": limit, "count": len(text)}
        )
    return text


def field_name(question):
    """The form field (and error key) of a question: ``q<id>``."""
    return f"q{question.pk}"


def clean_answers(questions, raw, *, complete):
    """``raw`` ({question id: value}) checked against ``questions``: each value of its kind, the answers
    of hidden questions dropped (branching), and, when ``complete``, every visible required question
    answered. Returns the cleaned answers; raises a ValidationError keyed by field name."""
    errors, cleaned = {}, {}
    for question in questions:
        value = raw.get(question.pk)
        if is_empty(value):
            continue
        options = {option.pk: option for option in question.options.all()}
        try:
            cleaned[question.pk] = _clean_value(question, value, options)
        except ValidationError as error:
            errors[field_name(question)] = error.messages
    visible = visible_question_ids(questions, cleaned)
    cleaned = {pk: value for pk, value in cleaned.items() if pk in visible}
    errors = {name: messages for name, messages in errors.items() if int(name[1:]) in visible}
    if complete:
        for question in questions:
            if question.required and question.pk in visible and question.pk not in cleaned:
                errors.setdefault(field_name(question), []).append(_("This question must be answered."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def contact_for(user, enterprise):
    """The active contact record of ``user`` at ``enterprise``, or PermissionDenied: every answer
    belongs to a contact of the enterprise (no anonymous answers)."""
    contact = EnterpriseContact.objects.filter(user=user, enterprise=enterprise, is_active=True).first()
    if user is None or not user.is_authenticated or contact is None:
        raise PermissionDenied(_("Only a contact of the enterprise answers its questionnaire."))
    return contact


def closed_message(dispatch):
    return _("This questionnaire closed at the end of %(deadline)s; the answer can no longer be changed.") % {
        "deadline": date_format(dispatch.deadline, "DATE_FORMAT")
    }


def answer_rows(response, questions, cleaned):
    rows = []
    for question in questions:
        if question.pk not in cleaned:
            continue
        value = cleaned[question.pk]
        if question.kind == QuestionKind.SINGLE:
            rows.append(Answer(response=response, question=question, option_id=value))
        elif question.kind == QuestionKind.MULTIPLE:
            rows += [Answer(response=response, question=question, option_id=option) for option in value]
        elif question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            rows.append(Answer(response=response, question=question, number=value))
        else:
            rows.append(Answer(response=response, question=question, text=value))
    return rows


@transaction.atomic
def response_save(*, recipient, user, answers, submit):
    """Save the enterprise's one answer to ``recipient``'s questionnaire: a draft (``submit`` False;
    values are checked, required questions are not) or submitted (every visible required question
    answered). A submitted answer may be changed until the deadline, and stays submitted: it is only
    saved complete. Hidden questions' answers are dropped (branching). Returns the response."""
    contact = contact_for(user, recipient.enterprise)
    recipient = Recipient.objects.select_for_update(of=("self",)).select_related("dispatch").get(pk=recipient.pk)
    dispatch = recipient.dispatch
    if not dispatch.is_open():
        raise ValidationError(closed_message(dispatch))
    response = Response.objects.filter(recipient=recipient).first()
    if response is None:
        # The first answer locks the questionnaire's questions: serialised with their edits.
        list(Questionnaire.objects.select_for_update().filter(pk=dispatch.questionnaire_id))
    questions = questions_of(dispatch.questionnaire_id)
    was_submitted = response is not None and response.status == Response.Status.SUBMITTED
    complete = submit or was_submitted
    cleaned = clean_answers(questions, answers, complete=complete)
    now = timezone.now()
    if response is None:
        response = Response(recipient=recipient, contact=contact, created_at=now)
    response.contact = contact
    response.updated_at = now
    if complete:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = response.submitted_at or now
    response.full_clean(exclude=["recipient"])
    response.save()
    Answer.objects.filter(response=response).delete()
    Answer.objects.bulk_create(answer_rows(response, questions, cleaned))
    if was_submitted:
        action = SurveyEvent.Action.RESUBMITTED
    else:
        action = SurveyEvent.Action.SUBMITTED if complete else SurveyEvent.Action.DRAFT_SAVED
    _event(action=action, actor=user, dispatch=dispatch, recipient=recipient, detail=contact.name)
    return response


# --- Following up -------------------------------------------------------------------------------

#: The kinds of service log entry an answer can become.
FOLLOW_UP_KINDS = (ServiceLog.Kind.CONSULTATION, ServiceLog.Kind.PROBLEM)


@transaction.atomic
def follow_up_create(*, response, actor, kind, summary, question=None):
    """Turn a submitted answer into a consultation or a problem in the service log of the enterprise's
    commissioner (一企一员), where it counts in the commissioner's figures; ``FollowUp`` records who did it."""
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("recipient__enterprise__commissioner__user", "recipient__dispatch")
        .get(pk=response.pk)
    )
    if kind not in FOLLOW_UP_KINDS:
        raise ValidationError({"kind": _("An answer becomes a consultation or a problem to solve.")})
    if response.status != Response.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted answer can be followed up; this one is still a draft."))
    if question is not None and question.questionnaire_id != response.recipient.dispatch.questionnaire_id:
        raise ValidationError({"question": _("The question must be one of this questionnaire.")})
    enterprise = response.recipient.enterprise
    if enterprise.commissioner_id is None:
        raise ValidationError(
            _(
                "%(enterprise)s has no service commissioner, whose log would hold the entry; assign one first "
                "(一企一员)."
            )
            % {"enterprise": enterprise.name}
        )
    entry = service_log_record(
        enterprise=enterprise,
        commissioner=enterprise.commissioner,
        kind=kind,
        occurred_on=timezone.localdate(),
        summary=summary,
    )
    follow_up = FollowUp(response=response, question=question, service_log=entry, created_by=actor)
    follow_up.full_clean()
    follow_up.save()
    _event(
        action=SurveyEvent.Action.FOLLOWED_UP,
        actor=actor,
        dispatch=response.recipient.dispatch,
        recipient=response.recipient,
        detail=f"{entry.get_kind_display()}: {summary}",
    )
    return follow_up
