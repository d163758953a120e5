"""Pages of questionnaires: city staff build, send and read the results; an enterprise's contacts answer
on the link (or QR code) their enterprise got. Every page about one object loads it through its scoped
selector (404 outside the reader's scope) and checks an object permission."""

import decimal
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from surveys import excel
from surveys.branching import visible_question_ids
from surveys.forms import AnswerForm, DispatchForm, FollowUpForm, QuestionForm, QuestionnaireForm
from surveys.models import Dispatch, Question, Questionnaire, Recipient, Response
from surveys.results import chart_data, dispatch_results
from surveys.selectors import (
    RECIPIENT_ORDER,
    RECIPIENT_STATES,
    SHARED_RESULTS_ORDER,
    answers_of,
    condition_choices,
    contact_recipients,
    dispatch_counts,
    dispatch_detail,
    dispatch_recipients,
    dispatches_of,
    enterprises_selected,
    follow_ups_of,
    question_for_user,
    questionnaire_detail,
    questionnaire_list,
    questions_of,
    recipient_by_token,
    response_detail,
    results_dispatch,
    results_enterprises,
    shared_results,
    with_current_response,
)
from surveys.services import (
    closed_message,
    dispatch_send,
    follow_up_create,
    number_text,
    question_delete,
    question_move,
    question_save,
    questionnaire_create,
    questionnaire_new_version,
    questionnaire_update,
    response_save,
)
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.forms import add_errors
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.links import absolute_url
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin, is_commissioner, is_enterprise_contact, is_hr_staff

PAGE_SIZE = 50
#: QR cards on one printed page of the sheet (A4, 3 × 4).
QR_SHEET_SIZE = 12
#: Enterprises named in the preview of a selection before sending.
PREVIEW_NAMES = 30


def _error_text(error):
    return " ".join(getattr(error, "messages", [str(error)]))


# --- Staff: questionnaires ----------------------------------------------------------------------


class QuestionnaireListView(PermissionRequiredMixin, TemplateView):
    """电子问卷 — every questionnaire version, newest first."""

    permission_required = "surveys.manage_questionnaires"
    template_name = "surveys/questionnaire_list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(questionnaire_list(self.request.user), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, questionnaires=list(page.object_list), **kwargs)


class QuestionnaireCreateView(PermissionRequiredMixin, FormView):
    permission_required = "surveys.manage_questionnaires"
    template_name = "surveys/questionnaire_form.html"
    form_class = QuestionnaireForm

    def form_valid(self, form):
        try:
            questionnaire = questionnaire_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The questionnaire is created; add its questions."))
        return redirect("surveys:questionnaire", pk=questionnaire.pk)


class QuestionnaireMixin(ObjectPermissionMixin):
    """City staff; the questionnaire of the URL among those the reader may see."""

    role_required = is_city_admin
    permission_required = "surveys.change_questionnaire"

    def load_object(self):
        try:
            return questionnaire_detail(self.request.user, self.kwargs["pk"])
        except Questionnaire.DoesNotExist:
            raise Http404 from None

    @property
    def questionnaire(self):
        return self.permission_object


class QuestionnaireDetailView(QuestionnaireMixin, TemplateView):
    """The builder: the questionnaire's questions with their branches, its versions and dispatches."""

    template_name = "surveys/questionnaire_detail.html"

    def get_context_data(self, **kwargs):
        questionnaire = self.questionnaire
        questions = questions_of(questionnaire)
        numbers = {question.pk: number for number, question in enumerate(questions, start=1)}
        for question in questions:
            question.number = numbers[question.pk]
            question.condition_number = numbers.get(question.show_if.question_id) if question.show_if_id else None
        return super().get_context_data(
            questionnaire=questionnaire,
            questions=questions,
            dispatches=dispatches_of(questionnaire),
            events=list(questionnaire.events.select_related("actor").order_by("-at", "-id")[:10]),
            **kwargs,
        )


class QuestionnaireEditView(QuestionnaireMixin, FormView):
    template_name = "surveys/questionnaire_form.html"
    form_class = QuestionnaireForm

    def get_initial(self):
        return {"title": self.questionnaire.title, "introduction": self.questionnaire.introduction}

    def get_context_data(self, **kwargs):
        return super().get_context_data(questionnaire=self.questionnaire, **kwargs)

    def form_valid(self, form):
        try:
            questionnaire_update(questionnaire=self.questionnaire, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("surveys:questionnaire", pk=self.questionnaire.pk)


class QuestionnaireNewVersionView(QuestionnaireMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            copy = questionnaire_new_version(questionnaire=self.questionnaire, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("surveys:questionnaire", pk=pk)
        messages.success(
            request, _("Version %(version)s is made: change its questions here.") % {"version": copy.version}
        )
        return redirect("surveys:questionnaire", pk=copy.pk)


class QuestionnairePreviewView(QuestionnaireMixin, TemplateView):
    """The questionnaire as an enterprise's contact sees it (nothing can be sent from here)."""

    template_name = "surveys/preview.html"

    def get_context_data(self, **kwargs):
        questions = questions_of(self.questionnaire)
        form = AnswerForm(questions=questions)
        return super().get_context_data(
            questionnaire=self.questionnaire,
            items=_items(form, questions, visible_question_ids(questions, {})),
            **kwargs,
        )


class QuestionAddView(QuestionnaireMixin, FormView):
    template_name = "surveys/question_form.html"
    form_class = QuestionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "conditions": condition_choices(self.questionnaire)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(questionnaire=self.questionnaire, **kwargs)

    def form_valid(self, form):
        try:
            question_save(questionnaire=self.questionnaire, actor=self.request.user, **form.service_data())
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The question is added."))
        if "add_another" in self.request.POST:
            return redirect("surveys:question_add", pk=self.questionnaire.pk)
        return redirect("surveys:questionnaire", pk=self.questionnaire.pk)


class QuestionMixin(ObjectPermissionMixin):
    """City staff; the question of the URL, of a questionnaire the reader may see."""

    role_required = is_city_admin
    permission_required = "surveys.change_questionnaire"

    def load_object(self):
        try:
            return question_for_user(self.request.user, self.kwargs["pk"])
        except Question.DoesNotExist:
            raise Http404 from None

    @property
    def question(self):
        return self.permission_object


class QuestionEditView(QuestionMixin, FormView):
    template_name = "surveys/question_form.html"
    form_class = QuestionForm

    def get_form_kwargs(self):
        question = self.question
        return {**super().get_form_kwargs(), "conditions": condition_choices(question.questionnaire, before=question)}

    def get_initial(self):
        question = self.question
        return {
            "text": question.text,
            "kind": question.kind,
            "required": question.required,
            "help_text": question.help_text,
            "show_if": str(question.show_if_id or ""),
            "min_value": question.min_value,
            "max_value": question.max_value,
            "options": "\n".join(option.label for option in question.options.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(questionnaire=self.question.questionnaire, question=self.question, **kwargs)

    def form_valid(self, form):
        question = self.question
        try:
            question_save(
                questionnaire=question.questionnaire, question=question, actor=self.request.user, **form.service_data()
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The question is saved."))
        return redirect("surveys:questionnaire", pk=question.questionnaire_id)


class QuestionDeleteView(QuestionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        question = self.question
        try:
            question_delete(question=question, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The question is deleted."))
        return redirect("surveys:questionnaire", pk=question.questionnaire_id)


class QuestionMoveView(QuestionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        question = self.question
        try:
            question_move(question=question, actor=request.user, up=request.POST.get("direction") != "down")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(f"{reverse('surveys:questionnaire', args=[question.questionnaire_id])}#question-{question.pk}")


# --- Staff: sending -----------------------------------------------------------------------------


class DispatchCreateView(QuestionnaireMixin, FormView):
    """发放: choose the enterprises (preview how many first) and the deadline, then send."""

    permission_required = "surveys.send_questionnaire"
    template_name = "surveys/dispatch_form.html"
    form_class = DispatchForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(questionnaire=self.questionnaire, **kwargs)

    def form_valid(self, form):
        if self.request.POST.get("action") != "send":
            selected, unknown = enterprises_selected(form.criteria())
            names = list(selected.values_list("name", flat=True)[: PREVIEW_NAMES + 1])
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    previewed=True,
                    matched=selected.count(),
                    names=names[:PREVIEW_NAMES],
                    more=len(names) > PREVIEW_NAMES,
                    unknown=unknown,
                )
            )
        try:
            dispatch = dispatch_send(
                questionnaire=self.questionnaire,
                actor=self.request.user,
                deadline=form.cleaned_data["deadline"],
                criteria=form.criteria(),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The questionnaire is sent; each enterprise's contacts are told."))
        return redirect("surveys:dispatch", pk=dispatch.pk)


class DispatchMixin(ObjectPermissionMixin):
    role_required = is_city_admin
    permission_required = "surveys.view_dispatch"

    def load_object(self):
        try:
            return dispatch_detail(self.request.user, self.kwargs["pk"])
        except Dispatch.DoesNotExist:
            raise Http404 from None

    @property
    def dispatch_object(self):
        return self.permission_object


class DispatchDetailView(DispatchMixin, TemplateView):
    """One dispatch: how many answered, and each enterprise with its state, link and QR code, a keyset page
    at a time (the state filter kept)."""

    template_name = "surveys/dispatch_detail.html"

    def get_context_data(self, **kwargs):
        dispatch = self.dispatch_object
        state = self.request.GET.get("state") if self.request.GET.get("state") in RECIPIENT_STATES else ""
        page = keyset_page_for_request(
            self.request, dispatch_recipients(dispatch, state=state), fields=RECIPIENT_ORDER, size=PAGE_SIZE
        )
        return super().get_context_data(
            dispatch=dispatch,
            counts=dispatch_counts(dispatch),
            page=page,
            recipients=with_current_response(page.rows),
            state=state,
            query=urlencode({"state": state}) if state else "",
            is_open=dispatch.is_open(),
            **kwargs,
        )


class DispatchQRSheetView(DispatchMixin, TemplateView):
    """Printable QR codes of a dispatch, a card per enterprise with its name and link."""

    template_name = "surveys/qr_sheet.html"

    def get_context_data(self, **kwargs):
        dispatch = self.dispatch_object
        page = keyset_page_for_request(
            self.request, dispatch_recipients(dispatch), fields=RECIPIENT_ORDER, size=QR_SHEET_SIZE
        )
        cards = [
            (recipient, absolute_url(reverse("surveys:answer", args=[recipient.token]), request=self.request))
            for recipient in page.rows
        ]
        return super().get_context_data(dispatch=dispatch, page=page, cards=cards, **kwargs)


class ResultsMixin(ObjectPermissionMixin):
    """The results of a dispatch: city staff read every enterprise's answers; district staff and
    commissioners (``rules.RESULTS_SCOPES``) a dispatch sent to an enterprise of theirs, counted over
    their enterprises' answers only (``selectors.results_enterprises``). Anyone else: 404."""

    role_required = is_hr_staff | is_commissioner
    permission_required = "surveys.read_results"

    def load_object(self):
        try:
            return results_dispatch(self.request.user, self.kwargs["pk"])
        except Dispatch.DoesNotExist:
            raise Http404 from None

    @property
    def dispatch_object(self):
        return self.permission_object

    @cached_property
    def enterprises(self):
        """The enterprises counted: None for every one (city staff), else the reader's share."""
        return results_enterprises(self.request.user)


class ResultsView(ResultsMixin, TemplateView):
    """Counts per question with their charts, the cross-tabulations and the free-text answers."""

    template_name = "surveys/results.html"

    def get_context_data(self, **kwargs):
        dispatch = self.dispatch_object
        city = self.enterprises is None
        return super().get_context_data(
            dispatch=dispatch,
            counts=dispatch_counts(dispatch, enterprises=self.enterprises),
            results=dispatch_results(dispatch, enterprises=self.enterprises),
            # City staff open each answer and the dispatch's page; the others read their share here.
            is_share=not city,
            **kwargs,
        )


class ResultsDataView(ResultsMixin, View):
    """The charts' data (JSON), drawn by static/js/survey-charts.js."""

    def get(self, request, pk):
        return JsonResponse(chart_data(dispatch_results(self.dispatch_object, enterprises=self.enterprises)))


class ResultsExportView(ResultsMixin, View):
    def get(self, request, pk):
        dispatch = self.dispatch_object
        audit_record(
            kind=AuditEvent.Kind.EXPORTED,
            request=request,
            obj=dispatch,
            detail={"what": "questionnaire results", "share": "all" if self.enterprises is None else "own"},
        )
        response = HttpResponse(
            excel.results_workbook(dispatch, enterprises=self.enterprises),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="questionnaire-{dispatch.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
        )
        return response


class SharedResultsListView(PermissionRequiredMixin, TemplateView):
    """问卷结果 — for district staff and commissioners: the questionnaires sent to their enterprises, newest
    first (keyset pages), with how many of their enterprises got each and answered."""

    permission_required = "surveys.list_shared_results"
    template_name = "surveys/shared_results.html"

    def get_context_data(self, **kwargs):
        page = keyset_page_for_request(
            self.request, shared_results(self.request.user), fields=SHARED_RESULTS_ORDER, size=PAGE_SIZE
        )
        return super().get_context_data(page=page, dispatches=page.rows, today=timezone.localdate(), **kwargs)


class ResponseMixin(ObjectPermissionMixin):
    role_required = is_city_admin
    permission_required = "surveys.view_response"

    def load_object(self):
        try:
            return response_detail(self.request.user, self.kwargs["pk"])
        except Response.DoesNotExist:
            raise Http404 from None

    @property
    def response_object(self):
        return self.permission_object


class ResponseDetailView(ResponseMixin, TemplateView):
    """One enterprise's answer, read by staff, with what was turned into the service log."""

    template_name = "surveys/response_detail.html"

    def get_context_data(self, **kwargs):
        response = self.response_object
        questions = questions_of(response.recipient.dispatch.questionnaire_id)
        kwargs.setdefault("follow_up_form", FollowUpForm(questions=questions))
        return super().get_context_data(
            response=response,
            rows=_reading_rows(questions, answers_of(response)),
            follow_ups=follow_ups_of(response),
            **kwargs,
        )


class FollowUpCreateView(ResponseDetailView):
    """Turn the answer into a consultation or a problem of the commissioner's service log (POST)."""

    permission_required = "surveys.follow_up_response"
    http_method_names = ["post"]

    def post(self, request, pk):
        response = self.response_object
        form = FollowUpForm(request.POST, questions=questions_of(response.recipient.dispatch.questionnaire_id))
        if form.is_valid():
            try:
                follow_up_create(
                    response=response,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    summary=form.cleaned_data["summary"],
                    question=form.cleaned_data["question"],
                )
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            else:
                messages.success(
                    request,
                    _("Recorded in the service log of %(commissioner)s; it counts in the commissioner's figures.")
                    % {"commissioner": response.recipient.enterprise.commissioner},
                )
                return redirect("surveys:response", pk=response.pk)
        return self.render_to_response(self.get_context_data(follow_up_form=form))


# --- Enterprise contacts ------------------------------------------------------------------------


class ContactListView(PermissionRequiredMixin, TemplateView):
    """The questionnaires sent to the contact's enterprise, with their state and deadline."""

    permission_required = "surveys.list_own_questionnaires"
    template_name = "surveys/contact_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recipients=contact_recipients(self.request.user), today=timezone.localdate(), **kwargs
        )


class RecipientMixin(ObjectPermissionMixin):
    def load_object(self):
        try:
            return recipient_by_token(self.request.user, self.kwargs["token"])
        except Recipient.DoesNotExist:
            raise Http404 from None

    @property
    def recipient(self):
        return self.permission_object


def _items(form, questions, visible):
    """(question, its bound field, number, shown) for the answer page's template."""
    return [
        {"question": question, "field": form[f"q{question.pk}"], "number": number, "shown": question.pk in visible}
        for number, question in enumerate(questions, start=1)
    ]


def _reading_rows(questions, saved):
    """(number, question, the answer as text) for reading an answer."""
    rows = []
    for number, question in enumerate(questions, start=1):
        value = saved.get(question.pk)
        options = {option.pk: option.label for option in question.options.all()}
        if isinstance(value, list):
            text = "；".join(options.get(item, "") for item in value)
        elif question.kind == "single" and value is not None:
            text = options.get(value, "")
        elif isinstance(value, decimal.Decimal):
            text = number_text(value)
        else:
            text = "" if value is None else str(value)
        rows.append({"number": number, "question": question, "text": text})
    return rows


class AnswerView(RecipientMixin, TemplateView):
    """The enterprise's answer (the link and QR code open it): any of its contacts saves a draft,
    submits, and changes the answer until the deadline; after it the answer is read only."""

    role_required = is_enterprise_contact
    permission_required = "surveys.answer_recipient"
    template_name = "surveys/answer.html"

    def get_context_data(self, **kwargs):
        recipient = self.recipient
        dispatch = recipient.dispatch
        questions = kwargs.pop("questions", None) or questions_of(dispatch.questionnaire_id)
        response = getattr(recipient, "response", None)
        saved = answers_of(response)
        is_open = dispatch.is_open()
        form = kwargs.pop("form", None) or AnswerForm(
            questions=questions, initial=AnswerForm.initial_for(questions, saved), disabled=not is_open
        )
        shown = kwargs.pop("shown", None)
        if shown is None:
            shown = visible_question_ids(questions, saved)
        return super().get_context_data(
            recipient=recipient,
            dispatch=dispatch,
            questionnaire=dispatch.questionnaire,
            response=response,
            is_open=is_open,
            items=_items(form, questions, shown),
            form=form,
            rows=_reading_rows(questions, saved) if not is_open else None,
            **kwargs,
        )

    def post(self, request, token):
        recipient = self.recipient
        if not recipient.dispatch.is_open():
            messages.error(request, closed_message(recipient.dispatch))
            return redirect("surveys:answer", token=token)
        questions = questions_of(recipient.dispatch.questionnaire_id)
        form = AnswerForm(request.POST, questions=questions)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                response = response_save(recipient=recipient, user=request.user, answers=form.answers(), submit=submit)
            except ValidationError as error:
                add_errors(form, error)
                if not hasattr(error, "error_dict"):
                    messages.error(request, _error_text(error))
            else:
                if response.status == Response.Status.SUBMITTED:
                    messages.success(
                        request,
                        _("Your answer is submitted. You may change it until the end of %(deadline)s.")
                        % {"deadline": recipient.dispatch.deadline.isoformat()},
                    )
                else:
                    messages.success(request, _("The draft is saved. Submit it before the deadline."))
                return redirect("surveys:answer", token=token)
        raw = {q.pk: form.cleaned_data.get(f"q{q.pk}") for q in questions} if hasattr(form, "cleaned_data") else {}
        shown = visible_question_ids(questions, _chosen(questions, raw))
        return self.render_to_response(self.get_context_data(form=form, questions=questions, shown=shown))


def _chosen(questions, raw):
    """The raw values with option ids as numbers, for the branching walk of a page shown again."""
    chosen = {}
    for question in questions:
        value = raw.get(question.pk)
        try:
            chosen[question.pk] = [int(v) for v in value] if isinstance(value, list) else int(value)
        except (TypeError, ValueError):
            chosen[question.pk] = None
    return chosen


class RecipientQRCodeView(RecipientMixin, View):
    """The QR code (SVG, made here) of the enterprise's link, for city staff and its own contacts."""

    role_required = is_city_admin | is_enterprise_contact
    permission_required = "surveys.view_recipient_qr"

    def get(self, request, token):
        url = absolute_url(reverse("surveys:answer", args=[self.recipient.token]), request=request)
        image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
        buffer = io.BytesIO()
        image.save(buffer)
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
