"""Pages of experts: the task list (评审任务), the scoring page of one assignment with its autosave,
submission and conflict declaration, and the evidence files of an assigned application.

Every page loads the assignment through ``reviews.selectors.scoring.assignment_for_expert``: an
assignment of another expert, or one the expert recused itself from, answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.evidence import file_response
from applications.selectors import application_eligibility
from applications.views.common import eligibility_rows
from reviews.forms_scoring import ConflictForm, ScoreForm, SubmitForm
from reviews.models import Assignment, Criterion, Meeting
from reviews.selectors.scoring import (
    application_materials,
    assignment_for_expert,
    evidence_for_assignment,
    expert_tasks,
    scoring_sheet,
    scoring_target,
)
from reviews.services.scoring import assignment_submit, conflict_declare, conflict_open, score_autosave
from zaozhuang_titles.audit import audit_denial, audit_record
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_expert


def _messages_of(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


class ExpertHomeView(PermissionRequiredMixin, TemplateView):
    """评审任务 — the applications assigned to the expert, by meeting, with progress and deadline."""

    permission_required = "reviews.view_expert_home"
    template_name = "reviews/expert_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(groups=expert_tasks(self.request.user), **kwargs)


class AssignmentMixin(ObjectPermissionMixin):
    """Loads the expert's own, non-recused assignment named by the URL (404 otherwise)."""

    role_required = is_expert
    permission_required = "reviews.score_assignment"

    def load_object(self):
        return assignment_for_expert(self.request.user, self.kwargs["pk"])

    @property
    def assignment(self):
        return self.permission_object

    @property
    def scoring_url(self):
        return reverse("reviews:scoring", kwargs={"pk": self.assignment.pk})

    def editable(self):
        return self.assignment.submitted_at is None and self.assignment.case.meeting.status == Meeting.Status.SCORING


class ScoringView(AssignmentMixin, TemplateView):
    """The scoring page: the application (its applicant by name only), eligibility, achievements with
    their evidence, and the rubric with per-criterion points and comment, autosaved."""

    template_name = "reviews/expert/scoring.html"

    def get_context_data(self, **kwargs):
        assignment = self.assignment
        application = assignment.case.application
        meeting = assignment.case.meeting
        criteria, total = scoring_sheet(assignment)
        achievements, general_files = application_materials(application)
        eligibility = eligibility_rows(application_eligibility(application))
        return super().get_context_data(
            assignment=assignment,
            application=application,
            meeting=meeting,
            criteria=criteria,
            total=total,
            max_total=sum(c.max_points for c in criteria),
            achievements=achievements,
            general_files=general_files,
            eligibility=eligibility,
            editable=self.editable(),
            can_declare_conflict=conflict_open(assignment),
            overdue=meeting.scoring_deadline < timezone.now(),
            submit_form=SubmitForm(initial={"comment": assignment.comment}),
            **kwargs,
        )


class ScoreAutosaveView(ObjectPermissionMixin, View):
    """POST one criterion's points and comment. To htmx (autosave.js): the status partial alone
    ("已保存 HH:MM:SS" or the error); without JavaScript: back to the scoring page with a message.

    The hot path of a scoring meeting (every expert, every edit): besides the session and the user it
    costs one query that reads the role, the scope, the lock and the criterion (``score_autosave``) and
    one upsert; refusals may cost more. Answers as the other expert pages do: 403 without the expert
    role, 404 (audited) on an assignment not the expert's own or recused, or a criterion outside its
    rubric, 405 on GET."""

    role_required = is_expert
    http_method_names = ["post"]

    def has_permission(self):
        if self.request.method == "POST" and self.request.user.is_authenticated:
            return True  # the role and the scope are read with the lock, in the service's one query
        return super().has_permission()

    def post(self, request, pk, criterion_pk):
        form = ScoreForm(request.POST)
        errors, saved_at = [], None
        try:
            if form.is_valid():
                score = score_autosave(
                    user=request.user,
                    assignment_id=pk,
                    criterion_id=criterion_pk,
                    points=form.cleaned_data["points"],
                    comment=form.cleaned_data["comment"],
                )
                saved_at = timezone.localtime(score.updated_at)
            else:
                scoring_target(user=request.user, assignment_id=pk, criterion_id=criterion_pk)  # 403/404 first
                errors = [message for field_errors in form.errors.values() for message in field_errors]
        except ValidationError as error:
            errors = _messages_of(error)
        except Assignment.DoesNotExist:
            audit_denial(request, status=404)
            raise Http404 from None
        except Criterion.DoesNotExist:
            raise Http404 from None
        if request.htmx:
            return HttpResponse(
                render_to_string("reviews/expert/includes/save_status.html", {"errors": errors, "saved_at": saved_at})
            )
        for message in errors:
            messages.error(request, message)
        if saved_at:
            messages.success(request, _("Saved %(time)s.") % {"time": saved_at.strftime("%H:%M:%S")})
        return redirect(reverse("reviews:scoring", kwargs={"pk": pk}) + f"#criterion-{criterion_pk}")


class AssignmentSubmitView(AssignmentMixin, View):
    """Submit the scores: every criterion must have points; they are locked afterwards."""

    http_method_names = ["post"]

    def post(self, request, pk):
        form = SubmitForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else None
        try:
            assignment_submit(assignment=self.assignment, expert=self.assignment.expert, comment=comment)
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
            return redirect(self.scoring_url)
        messages.success(
            request,
            _("Your scores of application %(number)s are submitted.")
            % {"number": self.assignment.case.application.number},
        )
        return redirect("reviews:expert_home")


class ConflictDeclareView(AssignmentMixin, View):
    """Declare a conflict (回避): the assignment disappears from the expert at once."""

    template_name = "reviews/expert/conflict.html"

    def render(self, form):
        return render(self.request, self.template_name, {"assignment": self.assignment, "form": form})

    def get(self, request, pk):
        return self.render(ConflictForm())

    def post(self, request, pk):
        form = ConflictForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            conflict_declare(
                assignment=self.assignment, expert=self.assignment.expert, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in _messages_of(error):
                form.add_error(None, message)
            return self.render(form)
        messages.success(request, _("Your conflict is recorded: the application is removed from your tasks."))
        return redirect("reviews:expert_home")


class ExpertEvidenceView(AssignmentMixin, View):
    """Open one evidence file of the assigned application in the browser; the opening is logged.

    Experts reach evidence here rather than through ``applications:evidence_download``, whose scope
    (``applications.selectors.application_detail``) knows the application's own participants only."""

    http_method_names = ["get"]

    def get(self, request, pk, evidence_pk):
        evidence = evidence_for_assignment(self.assignment, evidence_pk)
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=evidence,
            detail={
                "application": self.assignment.case.application.number,
                "sha256": evidence.sha256,
                "inline": True,
                "assignment": self.assignment.pk,
            },
        )
        return file_response(
            evidence.storage_name,
            download_name=evidence.original_name,
            content_type=evidence.content_type,
            inline=True,
        )
