"""Pages of city staff: meetings (plan, draw, cases, substitutes) and the Excel import and export of
the expert pool. The pool itself, the committee and the rubric are kept in Django admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.views.common import add_errors
from reviews import excel
from reviews.forms_staff import CasesForm, ExpertImportForm, MeetingForm, SubstituteForm
from reviews.models import Meeting, PanelMember
from reviews.selectors.pool import (
    MEETING_ORDER,
    applications_offered,
    committee_for_batch,
    committee_problems,
    experts_for_export,
    meeting_for_staff,
    meetings_for_staff,
)
from reviews.services.draw import active_panel, cases_add, draw_verify, meeting_create, panel_draw, panel_substitute
from reviews.services.pool import experts_import
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin

IMPORT_SESSION_KEY = "reviews_experts_import_rows"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request, error):
    for message in error.messages[:20]:
        messages.error(request, message)


class StaffMixin(PermissionRequiredMixin):
    permission_required = "reviews.manage_meetings"


class MeetingMixin(ObjectPermissionMixin, StaffMixin):
    """Loads the meeting with its panel, exclusions and cases, scoped to the user (404 otherwise)."""

    role_required = is_city_admin

    def load_object(self):
        meeting = meeting_for_staff(self.request.user, self.kwargs["pk"])
        if meeting is None:
            raise Http404
        return meeting

    @property
    def meeting(self):
        return self.permission_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


class MeetingListView(StaffMixin, TemplateView):
    """评审会议 — every meeting with its status and counts, newest first, a keyset page at a time."""

    template_name = "reviews/staff/meeting_list.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        page = keyset_page_for_request(
            self.request, meetings_for_staff(self.request.user), fields=MEETING_ORDER, size=self.page_size
        )
        return super().get_context_data(page=page, meetings=page.rows, **kwargs)


class MeetingCreateView(StaffMixin, FormView):
    template_name = "reviews/staff/meeting_form.html"
    form_class = MeetingForm

    def get_context_data(self, **kwargs):
        committees = []
        for batch in MeetingForm.base_fields["batch"].queryset.order_by("-year"):
            committee = committee_for_batch(batch)
            committees.append((committee, committee_problems(committee)))
        return super().get_context_data(committees=committees, **kwargs)

    def form_valid(self, form):
        try:
            meeting = meeting_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Meeting planned. Its draw's seed hash is published below."))
        return redirect("reviews:staff_meeting", pk=meeting.pk)


class MeetingDetailView(MeetingMixin, TemplateView):
    """One meeting: the seed's hash (the seed after the draw, with its check), the panel and substitutes,
    who was left out and why, the cases with their assignment counts."""

    template_name = "reviews/staff/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        panel = list(meeting.panel.all())
        return super().get_context_data(
            members=[m for m in panel if m.kind == PanelMember.Kind.MEMBER],
            substitutes=[m for m in panel if m.kind == PanelMember.Kind.SUBSTITUTE],
            exclusions=list(meeting.exclusions.all()),
            cases=list(meeting.cases.all()),
            verification=draw_verify(meeting) if meeting.drawn_at else None,
            can_draw=meeting.status == Meeting.Status.PLANNED,
            can_add_cases=meeting.cases_open,
            can_substitute=meeting.panel_open,
            **kwargs,
        )


class MeetingDrawView(MeetingMixin, View):
    """POST: draw the panel now."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            panel_draw(meeting=self.meeting, actor=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The panel has been drawn and the seed revealed."))
        return redirect("reviews:staff_meeting", pk=pk)


class MeetingCasesView(MeetingMixin, FormView):
    """Put accepted applications of the batch on the meeting's agenda (they move into review)."""

    template_name = "reviews/staff/meeting_cases.html"
    form_class = CasesForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "offered": applications_offered(self.meeting),
            "meeting": self.meeting,
        }

    def form_valid(self, form):
        try:
            cases = cases_add(
                meeting=self.meeting, applications=form.cleaned_data["applications"], actor=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(count)d applications added to the agenda.") % {"count": len(cases)})
        return redirect("reviews:staff_meeting", pk=self.meeting.pk)


class MeetingSubstituteView(MeetingMixin, FormView):
    """A member withdraws; the next substitute takes its place and its cases."""

    template_name = "reviews/staff/meeting_substitute.html"
    form_class = SubstituteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": active_panel(self.meeting)}

    def form_valid(self, form):
        try:
            substitute = panel_substitute(
                member=form.cleaned_data["member"], reason=form.cleaned_data["reason"], actor=self.request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(substitute)s takes the place of %(member)s.")
            % {"substitute": substitute.expert, "member": form.cleaned_data["member"].expert},
        )
        return redirect("reviews:staff_meeting", pk=self.meeting.pk)


class ExpertImportView(PermissionRequiredMixin, FormView):
    """Import step 1: upload, validate every row, preview. Nothing is written here."""

    permission_required = "reviews.import_experts"
    template_name = "reviews/staff/expert_import.html"
    form_class = ExpertImportForm

    def form_valid(self, form):
        try:
            raw_rows = excel.parse_workbook(form.cleaned_data["file"])
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        rows, problems = excel.validate_rows(raw_rows)
        if problems:
            self.request.session.pop(IMPORT_SESSION_KEY, None)
        else:
            self.request.session[IMPORT_SESSION_KEY] = raw_rows
        return self.render_to_response(
            self.get_context_data(form=form, rows=rows, problems=problems, previewed=True, row_count=len(raw_rows))
        )


class ExpertImportConfirmView(PermissionRequiredMixin, View):
    """Import step 2: write the previewed rows in one transaction (all or nothing)."""

    permission_required = "reviews.import_experts"
    http_method_names = ["post"]

    def post(self, request):
        raw_rows = request.session.pop(IMPORT_SESSION_KEY, None)
        if not raw_rows:
            messages.error(request, _("There is no checked file to import; upload it again."))
            return redirect("reviews:staff_experts_import")
        try:
            created, updated = experts_import(raw_rows=[tuple(row) for row in raw_rows], actor=request.user)
        except ValidationError as error:
            _errors(request, error)
            return redirect("reviews:staff_experts_import")
        messages.success(
            request,
            _("%(created)d experts added to the pool, %(updated)d updated.")
            % {"created": len(created), "updated": len(updated)},
        )
        return redirect(reverse("admin:reviews_expert_changelist"))


class ExpertTemplateView(PermissionRequiredMixin, View):
    """An empty workbook with the import's columns."""

    permission_required = "reviews.import_experts"

    def get(self, request):
        response = HttpResponse(excel.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="expert-import-template.xlsx"'
        return response


class ExpertExportView(PermissionRequiredMixin, View):
    """The whole pool in the import's columns (audited: it holds mobile numbers)."""

    permission_required = "reviews.export_experts"

    def get(self, request):
        experts = list(experts_for_export())
        audit_record(kind=AuditEvent.Kind.EXPORTED, request=request, detail={"what": "experts", "rows": len(experts)})
        response = HttpResponse(excel.export_workbook(experts), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="experts.xlsx"'
        return response
