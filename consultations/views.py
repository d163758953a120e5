"""Pages of consultations and problems: the asker asks and reads its questions; commissioners and staff
answer in their queue, record problems and follow them until solved; city staff publish answered
questions to the public FAQ, which anyone searches without logging in. Every page about one object loads
it through its scoped selector (404 outside the reader's scope) and checks an object permission."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from consultations import selectors, services
from consultations.anonymity import public_draft, public_text_errors
from consultations.forms import (
    AnswerForm,
    AskForm,
    AssignForm,
    FaqForm,
    FaqSearchForm,
    NoteForm,
    ProblemFilterForm,
    ProblemForm,
    QueueFilterForm,
    SolveForm,
    SurveyFollowUpForm,
    WithdrawForm,
)
from consultations.models import AskedAs, Consultation, FaqEntry, Problem
from consultations.rules import may_ask, may_handle
from consultations.workflow import available_moves
from surveys.models import Response
from surveys.selectors import answers_of, questions_of, response_detail
from surveys.services import number_text
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.forms import add_errors
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin
from zaozhuang_titles.uploads import CONTENT_TYPES, file_response

PAGE_SIZE = 30
FAQ_PAGE_SIZE = 20


def _error_text(error):
    return " ".join(getattr(error, "messages", [str(error)]))


def _query(filters):
    return urlencode({key: value for key, value in filters.items() if value not in (None, "")})


# --- The asker --------------------------------------------------------------------------------------


class AskView(PermissionRequiredMixin, View):
    """提问 — an enterprise's contact or an applicant asks a question."""

    permission_required = "consultations.ask"
    template_name = "consultations/ask.html"

    def roles(self):
        return [role for role in AskedAs.values if self.request.user.has_role(role)]

    def render_page(self, form):
        return render(self.request, self.template_name, {"form": form})

    def get(self, request):
        return self.render_page(AskForm(roles=self.roles()))

    def post(self, request):
        form = AskForm(request.POST, request.FILES, roles=self.roles())
        if form.is_valid():
            try:
                consultation = services.consultation_ask(asker=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Your question is sent. You will be told when it is answered."))
                return redirect("consultations:detail", pk=consultation.pk)
        return self.render_page(form)


class MineView(PermissionRequiredMixin, View):
    """我的咨询 — the questions the user asked, with their answers' state."""

    permission_required = "consultations.list_own"

    def get(self, request):
        page = keyset_page_for_request(
            request, selectors.own_consultations(request.user), fields=selectors.QUEUE_ORDER, size=PAGE_SIZE
        )
        return render(request, "consultations/mine.html", {"page": page})


class ConsultationMixin(ObjectPermissionMixin):
    role_required = may_ask | may_handle
    permission_required = "consultations.open_consultation"

    def load_object(self):
        try:
            return selectors.consultation_detail(self.request.user, self.kwargs["pk"])
        except Consultation.DoesNotExist:
            raise Http404 from None

    @property
    def consultation(self):
        return self.permission_object


class ConsultationDetailView(ConsultationMixin, View):
    """One question: the asker reads it and its answer; handlers answer it, make it a problem, publish it."""

    template_name = "consultations/detail.html"

    def render_page(self, answer_form=None, status=200):
        consultation, user = self.consultation, self.request.user
        may_answer = not consultation.is_answered and user.has_perm("consultations.answer_consultation", consultation)
        handles = user.has_perm("consultations.answer_consultation", consultation)
        may_make_problem = user.has_perm("consultations.make_problem_consultation", consultation)
        problem = getattr(consultation, "problem", None) if _has(consultation, "problem") else None
        faq_entry = getattr(consultation, "faq_entry", None) if _has(consultation, "faq_entry") else None
        return render(
            self.request,
            self.template_name,
            {
                "consultation": consultation,
                "problem": problem,
                "faq_entry": faq_entry,
                "handles": handles,
                "is_asker": consultation.asker_id == user.pk,
                "answer_form": (answer_form or AnswerForm()) if may_answer else None,
                "may_make_problem": problem is None and may_make_problem,
                "may_publish": consultation.is_answered
                and (faq_entry is None or faq_entry.status != FaqEntry.Status.PUBLISHED)
                and user.has_perm("consultations.publish_consultation", consultation),
                "events": selectors.consultation_events(consultation) if handles else [],
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page()


def _has(obj, relation):
    """Whether the reverse one-to-one ``relation`` of ``obj`` exists (loaded by select_related)."""
    try:
        getattr(obj, relation)
    except (Problem.DoesNotExist, FaqEntry.DoesNotExist):
        return False
    return True


class AnswerView(ConsultationDetailView):
    """Answer the question (POST); the asker is told."""

    role_required = may_handle
    permission_required = "consultations.answer_consultation"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.consultation_answer(consultation=self.consultation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                if error.code == "answered":
                    messages.error(request, _error_text(error))
                    return redirect("consultations:detail", pk=pk)
                add_errors(form, error)
            else:
                messages.success(request, _("The answer is sent to the asker."))
                return redirect("consultations:detail", pk=pk)
        return self.render_page(answer_form=form)


class AttachmentView(ConsultationMixin, View):
    """The question's attachment, for the asker and the handlers; each opening is in the audit log."""

    http_method_names = ["get"]

    def get(self, request, pk):
        consultation = self.consultation
        if not consultation.has_attachment:
            raise Http404
        inline = request.GET.get("inline") == "1" and consultation.attachment_type in CONTENT_TYPES.values()
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=consultation,
            detail={"consultation": consultation.pk, "sha256": consultation.attachment_sha256, "inline": inline},
        )
        return file_response(
            consultation.attachment_storage_name,
            download_name=consultation.attachment_name,
            content_type=consultation.attachment_type,
            inline=inline,
        )


class ProblemCreateView(ConsultationMixin, View):
    """Turn the question into a problem to follow, with a category, an owner and a due date."""

    role_required = may_handle
    permission_required = "consultations.make_problem_consultation"
    template_name = "consultations/problem_form.html"

    def render_page(self, form):
        return render(self.request, self.template_name, {"form": form, "consultation": self.consultation})

    def owners(self):
        return selectors.owner_candidates(self.consultation.enterprise)

    def get(self, request, pk):
        consultation = self.consultation
        owners = self.owners()
        initial = {
            "title": consultation.title,
            "category": consultation.category,
            "description": consultation.body,
            "owner": request.user.pk if owners.filter(pk=request.user.pk).exists() else None,
        }
        return self.render_page(ProblemForm(owners=owners, initial=initial))

    def post(self, request, pk):
        form = ProblemForm(request.POST, owners=self.owners())
        if form.is_valid():
            try:
                problem = services.problem_create(
                    consultation=self.consultation, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The problem is recorded, due %(due)s; the asker is told.") % {"due": problem.due_on.isoformat()},
                )
                return redirect("consultations:problem", pk=problem.pk)
        return self.render_page(form)


class PublishView(ConsultationMixin, View):
    """Publish the answered question to the public FAQ in a wording that names nobody."""

    role_required = is_city_admin
    permission_required = "consultations.publish_consultation"
    template_name = "consultations/publish.html"

    def render_page(self, form):
        consultation = self.consultation
        return render(self.request, self.template_name, {"form": form, "consultation": consultation})

    def get(self, request, pk):
        consultation = self.consultation
        if not consultation.is_answered:
            messages.error(request, _("Answer the question before publishing it."))
            return redirect("consultations:detail", pk=pk)
        question = public_draft(consultation.title, consultation=consultation)
        initial = {
            "category": consultation.category,
            "question": question,
            "answer": public_draft(consultation.answer, consultation=consultation),
        }
        form = FaqForm(initial=initial)
        return self.render_page(form)

    def post(self, request, pk):
        form = FaqForm(request.POST)
        if form.is_valid():
            try:
                entry = services.faq_publish(consultation=self.consultation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Published to the FAQ."))
                return redirect("consultations:faq_entry", pk=entry.pk)
        return self.render_page(form)


# --- The handlers -----------------------------------------------------------------------------------


class QueueView(PermissionRequiredMixin, View):
    """咨询答复 — the questions the reader answers: awaiting an answer first (a tab), by category and words."""

    permission_required = "consultations.list_queue"

    def get(self, request):
        form = QueueFilterForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        tab = request.GET.get("tab") if request.GET.get("tab") in selectors.QUEUE_TABS else "open"
        queryset = selectors.queue(
            request.user, tab=tab, category=filters.get("category") or "", query=filters.get("q") or ""
        )
        page = keyset_page_for_request(request, queryset, fields=selectors.QUEUE_ORDER, size=PAGE_SIZE)
        kept = {"tab": tab, "category": filters.get("category"), "q": filters.get("q")}
        return render(
            request,
            "consultations/queue.html",
            {
                "form": form,
                "page": page,
                "tab": tab,
                "query": _query(kept),
                "tab_query": _query({"category": filters.get("category"), "q": filters.get("q")}),
                "may_manage_faq": request.user.has_perm("consultations.manage_faq"),
            },
        )


class ProblemListView(PermissionRequiredMixin, View):
    """难题 — the problems the reader sees: unsolved by due date, overdue ones marked; tabs and category."""

    permission_required = "consultations.list_problems"

    def get(self, request):
        form = ProblemFilterForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        tab = request.GET.get("tab") if request.GET.get("tab") in selectors.PROBLEM_TABS else "unsolved"
        today = timezone.localdate()
        queryset = selectors.problem_list(request.user, tab=tab, category=filters.get("category") or "", today=today)
        page = keyset_page_for_request(request, queryset, fields=selectors.PROBLEM_ORDER, size=PAGE_SIZE)
        for problem in page.rows:
            problem.overdue = problem.is_overdue(today)
        return render(
            request,
            "consultations/problem_list.html",
            {
                "form": form,
                "page": page,
                "tab": tab,
                "counts": selectors.problem_counts(request.user, today=today),
                "query": _query({"tab": tab, "category": filters.get("category")}),
                "tab_query": _query({"category": filters.get("category")}),
                "today": today,
            },
        )


class ProblemMixin(ObjectPermissionMixin):
    role_required = may_handle
    permission_required = "consultations.open_problem"

    def load_object(self):
        try:
            return selectors.problem_detail(self.request.user, self.kwargs["pk"])
        except Problem.DoesNotExist:
            raise Http404 from None

    @property
    def problem(self):
        return self.permission_object


class ProblemDetailView(ProblemMixin, View):
    """One problem: its origin, owner, due date, progress notes and log; its owner notes progress and
    solves it; staff hand it to another owner."""

    template_name = "consultations/problem_detail.html"

    def render_page(self, *, note_form=None, solve_form=None, assign_form=None):
        problem, user = self.problem, self.request.user
        may_work = not problem.is_solved and user.has_perm("consultations.work_problem", problem)
        may_assign = not problem.is_solved and user.has_perm("consultations.assign_problem", problem)
        owners = selectors.owner_candidates(problem.enterprise).exclude(pk=problem.owner_id) if may_assign else None
        moves = {move.action for move in available_moves(problem)} if may_work else set()
        return render(
            self.request,
            self.template_name,
            {
                "problem": problem,
                "overdue": problem.is_overdue(),
                "notes": selectors.problem_notes(problem),
                "events": selectors.problem_events(problem),
                "may_start": "start" in moves,
                "note_form": (note_form or NoteForm()) if may_work else None,
                "solve_form": (solve_form or SolveForm()) if "solve" in moves else None,
                "assign_form": (assign_form or AssignForm(owners=owners)) if may_assign else None,
            },
        )

    def get(self, request, pk):
        return self.render_page()


class ProblemNoteView(ProblemDetailView):
    permission_required = "consultations.work_problem"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.problem_note_add(problem=self.problem, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The progress is noted."))
                return redirect("consultations:problem", pk=pk)
        return self.render_page(note_form=form)


class ProblemStartView(ProblemMixin, View):
    permission_required = "consultations.work_problem"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.problem_move(problem=self.problem, actor=request.user, action="start")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The problem is in progress."))
        return redirect("consultations:problem", pk=pk)


class ProblemSolveView(ProblemDetailView):
    permission_required = "consultations.work_problem"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = SolveForm(request.POST)
        if form.is_valid():
            try:
                services.problem_move(
                    problem=self.problem, actor=request.user, action="solve", resolution=form.cleaned_data["resolution"]
                )
            except ValidationError as error:
                if error.code == "stale":
                    messages.error(request, _error_text(error))
                    return redirect("consultations:problem", pk=pk)
                add_errors(form, error)
            else:
                messages.success(request, _("The problem is solved; it counts in the commissioner's figures."))
                return redirect("consultations:problem", pk=pk)
        return self.render_page(solve_form=form)


class ProblemAssignView(ProblemDetailView):
    permission_required = "consultations.assign_problem"
    http_method_names = ["post"]

    def post(self, request, pk):
        problem = self.problem
        owners = selectors.owner_candidates(problem.enterprise).exclude(pk=problem.owner_id)
        form = AssignForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                services.problem_assign(problem=problem, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The problem has a new owner, who is told."))
                return redirect("consultations:problem", pk=pk)
        return self.render_page(assign_form=form)


# --- The FAQ ----------------------------------------------------------------------------------------


class FaqListView(View):
    """常见问题 — the public FAQ: searchable, by category, readable on a phone. No login."""

    def get(self, request):
        form = FaqSearchForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        query, category = filters.get("q") or "", filters.get("category") or ""
        page = Paginator(selectors.faq_public(query=query, category=category), FAQ_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "consultations/faq_list.html",
            {
                "form": form,
                "page": page,
                "entries": list(page.object_list),
                "searched": bool(query or category),
                "query": _query({"q": query, "category": category}),
                "may_ask": request.user.has_perm("consultations.ask"),
            },
        )


class FaqEntryView(View):
    """One published FAQ entry: its public wording only."""

    def get(self, request, pk):
        try:
            entry = selectors.faq_public_entry(pk)
        except FaqEntry.DoesNotExist:
            raise Http404 from None
        return render(
            request,
            "consultations/faq_entry.html",
            {"entry": entry, "may_manage": request.user.has_perm("consultations.manage_faq")},
        )


class FaqMixin(ObjectPermissionMixin):
    role_required = is_city_admin
    permission_required = "consultations.change_faqentry"

    def load_object(self):
        try:
            return selectors.faq_for_staff(self.request.user, self.kwargs["pk"])
        except FaqEntry.DoesNotExist:
            raise Http404 from None

    @property
    def entry(self):
        return self.permission_object


class FaqEditView(FaqMixin, View):
    """City staff edit the public wording (checked again) or withdraw the entry."""

    template_name = "consultations/faq_edit.html"

    def render_page(self, form=None, withdraw_form=None):
        entry = self.entry
        form = form or FaqForm(initial={"category": entry.category, "question": entry.question, "answer": entry.answer})
        return render(
            self.request,
            self.template_name,
            {
                "entry": entry,
                "form": form,
                "withdraw_form": withdraw_form or WithdrawForm(),
                "events": selectors.faq_events(entry),
                "warnings": public_text_errors(f"{entry.question}\n{entry.answer}", consultation=entry.consultation),
            },
        )

    def get(self, request, pk):
        return self.render_page()

    def post(self, request, pk):
        form = FaqForm(request.POST)
        if form.is_valid():
            try:
                services.faq_update(entry=self.entry, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The public wording is saved."))
                return redirect("consultations:faq_edit", pk=pk)
        return self.render_page(form=form)


class FaqWithdrawView(FaqEditView):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.faq_withdraw(entry=self.entry, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    messages.error(request, _error_text(error))
                    return redirect("consultations:faq_edit", pk=pk)
                add_errors(form, error)
            else:
                messages.success(request, _("The entry is withdrawn from the public FAQ."))
                return redirect("consultations:faq_edit", pk=pk)
        return self.render_page(withdraw_form=form)


# --- From a questionnaire's answer ------------------------------------------------------------------


def _answer_rows(response):
    """(number, question, the answer as text) of a questionnaire's answer, for reading it beside the form."""
    questions = questions_of(response.recipient.dispatch.questionnaire_id)
    saved = answers_of(response)
    rows = []
    for number, question in enumerate(questions, start=1):
        value = saved.get(question.pk)
        options = {option.pk: option.label for option in question.options.all()}
        if isinstance(value, list):
            text = "；".join(options.get(item, "") for item in value)
        elif question.kind == "single" and value is not None:
            text = options.get(value, "")
        elif question.kind == "number" and value is not None:
            text = number_text(value)
        else:
            text = "" if value is None else str(value)
        rows.append({"number": number, "question": question, "text": text})
    return rows


class SurveyFollowUpView(ObjectPermissionMixin, View):
    """City staff take up a questionnaire's answer as a question (answered in the queue) or a problem."""

    role_required = is_city_admin
    permission_required = "surveys.follow_up_response"
    template_name = "consultations/survey_follow_up.html"

    def load_object(self):
        try:
            return response_detail(self.request.user, self.kwargs["pk"])
        except Response.DoesNotExist:
            raise Http404 from None

    @property
    def response_object(self):
        return self.permission_object

    def owners(self):
        return selectors.owner_candidates(self.response_object.recipient.enterprise)

    def render_page(self, form):
        response = self.response_object
        consultations, problems = selectors.follow_ups_of_response(response)
        return render(
            self.request,
            self.template_name,
            {
                "response": response,
                "form": form,
                "rows": _answer_rows(response),
                "consultations": consultations,
                "problems": problems,
            },
        )

    def get(self, request, pk):
        return self.render_page(SurveyFollowUpForm(owners=self.owners()))

    def post(self, request, pk):
        response = self.response_object
        form = SurveyFollowUpForm(request.POST, owners=self.owners())
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == "consultation":
                    made = services.consultation_from_survey(
                        response=response,
                        actor=request.user,
                        category=data["category"],
                        title=data["title"],
                        body=data["description"],
                    )
                    target = ("consultations:detail", made.pk)
                else:
                    made = services.problem_create(
                        source_response=response,
                        actor=request.user,
                        category=data["category"],
                        title=data["title"],
                        description=data["description"],
                        owner=data["owner"],
                        due_days=data["due_days"],
                    )
                    target = ("consultations:problem", made.pk)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    form.add_error(None, _error_text(error))
                else:
                    if "body" in error.error_dict:
                        error.error_dict["description"] = error.error_dict.pop("body")
                    add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Taken up; it counts in the commissioner's figures once handled."))
                return redirect(target[0], pk=target[1])
        return self.render_page(form)
