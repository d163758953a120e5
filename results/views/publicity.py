"""Pages of the publicity of results (评审结果公示) and its objections (异议).

Public (no login): the list of notices, a notice with its list, period, way to object, PDF and the
real-name objection form, and the acknowledgement of an objection by its reference number. The public
pages show what a notice carries (name, enterprise, specialty, title granted) and nothing else.

City staff (under ``publicity/staff/``): publish a batch's passed applications, follow each notice,
close one by hand, and settle objections (investigate, dismiss or uphold with a written conclusion).
Writes go through ``results.services.publicity``; reads through ``results.selectors.publicity``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.evidence import CONTENT_TYPES, file_response
from applications.models import Status
from applications.workflow import TransitionConflict
from results.forms_publicity import CloseForm, DecideForm, ObjectionForm, PublishForm
from results.selectors import granted_title
from results.selectors import publicity as selectors
from results.services import publicity as services
from zaozhuang_titles.audit import audit_record, client_ip
from zaozhuang_titles.caching import personal_data_page
from zaozhuang_titles.formats import date_text
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin
from zaozhuang_titles.workdays import PeriodEnd, years_without_schedule

#: City staff publish results and settle objections (registered in ``results.rules``).
MANAGE = "results.manage_publicity"

PAGE_SIZE = 50
STATE_LABELS = {
    selectors.UPCOMING: gettext_lazy("Not begun yet"),
    selectors.RUNNING: gettext_lazy("Open for objections"),
    selectors.ENDED: gettext_lazy("Period over, being closed"),
    selectors.CLOSED: gettext_lazy("Closed"),
}


def _add_errors(form, error):
    """A service's ValidationError on the form: on its field when the form has one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def provisional_notice(publicity):
    """The sentence saying why the last day is provisional ("" when it is not); one query when it is."""
    if not publicity.provisional:
        return ""
    years = years_without_schedule(publicity.starts_on.year, publicity.ends_on.year)
    notice = PeriodEnd(publicity.starts_on, publicity.ends_on, publicity.working_days, years).notice
    return notice or _(
        "The last day was computed before the official holiday schedule of that year was entered; it may "
        "differ from the schedule now entered."
    )


def _decorate(publicity, today):
    publicity.state = selectors.publicity_state(publicity, today)
    publicity.state_label = STATE_LABELS[publicity.state]
    return publicity


# --- Public ---------------------------------------------------------------------------------------


class PublicityListView(TemplateView):
    """公示 — current and past notices, newest first (public)."""

    template_name = "results/publicity/list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        page = Paginator(selectors.publicities_public(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [_decorate(publicity, today) for publicity in page.object_list]
        return super().get_context_data(page=page, rows=rows, **kwargs)


@method_decorator(personal_data_page, name="dispatch")
class PublicityNoticeView(View):
    """One notice (public): its list, period, how to object, its PDF, and the objection form while the
    period runs. POST sends an objection."""

    template_name = "results/publicity/notice.html"

    def publicity(self):
        if not hasattr(self, "_publicity"):
            self._publicity = _decorate(selectors.publicity_public(self.kwargs["pk"]), timezone.localdate())
        return self._publicity

    def render(self, form, status=200):
        publicity = self.publicity()
        request = self.request
        notice = selectors.notice_page(publicity, page=request.GET.get("page"), query=request.GET.get("q"))
        # The person objected to: the line whose "object" link was followed, or the one posted.
        chosen = None
        if form is not None:
            if form.is_bound:
                chosen = getattr(form, "cleaned_data", {}).get("entry")
            else:
                chosen = selectors.notice_line(publicity, request.GET.get("entry"))
                if chosen is not None:
                    form.initial["entry"] = chosen.pk
        return render(
            request,
            self.template_name,
            {
                "publicity": publicity,
                "notice": notice,
                "entries": notice.lines,
                "chosen": chosen,
                "form": form,
                "provisional_notice": provisional_notice(publicity),
                "open": publicity.state == selectors.RUNNING,
                "settle_days": services.settle_working_days(),
            },
            status=status,
        )

    def get(self, request, pk):
        publicity = self.publicity()
        form = ObjectionForm(publicity=publicity) if publicity.state == selectors.RUNNING else None
        return self.render(form)

    def post(self, request, pk):
        publicity = self.publicity()
        if publicity.state != selectors.RUNNING:
            messages.error(
                request,
                _("Objections to this notice are received from %(start)s to %(end)s only.")
                % {"start": date_text(publicity.starts_on), "end": date_text(publicity.ends_on)},
            )
            return self.render(None)
        form = ObjectionForm(request.POST, request.FILES, publicity=publicity)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = services.objection_submit(
                    entry=data["entry"],
                    name=data["name"],
                    mobile=data["mobile"],
                    relation=data["relation"],
                    facts=data["facts"],
                    evidence=data.get("evidence"),
                    ip=client_ip(request),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect("results:publicity_objection_received", reference=objection.reference)
        return self.render(form)


class PublicityPdfView(View):
    """The notice's PDF (public)."""

    def get(self, request, pk):
        publicity = selectors.publicity_public(pk)
        if not publicity.pdf:
            raise Http404
        return file_response(
            publicity.pdf,
            download_name=f"{publicity.title}.pdf",
            content_type="application/pdf",
            inline=request.GET.get("inline") == "1",
        )


class ObjectionReceivedView(TemplateView):
    """The acknowledgement of an objection: its reference number, the notice, and the day by which staff
    settle it (public, by the unguessable reference; nothing the objector wrote is shown)."""

    template_name = "results/publicity/received.html"

    def get_context_data(self, **kwargs):
        objection = selectors.objection_by_reference(self.kwargs["reference"])
        received_on = timezone.localdate(objection.received_at)
        deadline = services.objection_settle_deadline(received_on)
        return super().get_context_data(
            objection=objection,
            publicity=objection.entry.publicity,
            deadline=objection.deadline,
            deadline_notice=deadline.notice if deadline.end == objection.deadline else "",
            settle_days=services.settle_working_days(),
            **kwargs,
        )


# --- Staff ----------------------------------------------------------------------------------------


class StaffMixin(ObjectPermissionMixin):
    """City staff and administrators (403 for other roles, login for nobody), on the object of the URL
    loaded in their scope."""

    role_required = is_city_admin
    permission_required = MANAGE


class StaffHomeView(PermissionRequiredMixin, TemplateView):
    """公示管理 — every notice with its counts, batches waiting to be published, objections to settle."""

    permission_required = MANAGE
    template_name = "results/publicity/staff/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        user = self.request.user
        page = Paginator(selectors.publicities_for_staff(user), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            rows=[_decorate(publicity, today) for publicity in page.object_list],
            batches=list(selectors.batches_with_passed(user)),
            counts=selectors.objection_counts(user, today),
            **kwargs,
        )


class PublishView(StaffMixin, View):
    """Publish a batch's passed applications: title, first day (the next working day by default) and
    how to object; the last day follows from the batch's working days."""

    template_name = "results/publicity/staff/publish.html"

    def load_object(self):
        return selectors.batch_with_passed(self.request.user, self.kwargs["batch_pk"])

    def render(self, batch, form):
        starts_on = form.initial["starts_on"] if not form.is_bound else form.cleaned_data.get("starts_on")
        try:
            services.check_first_day(starts_on)
        except (ValidationError, TypeError):
            starts_on = None
        period = services.publicity_period(batch=batch, starts_on=starts_on) if starts_on else None
        return render(
            self.request,
            self.template_name,
            {
                "batch": batch,
                "form": form,
                "applications": list(selectors.passed_applications(batch)),
                "title_granted": granted_title(batch),
                "period": period,
            },
        )

    def get(self, request, batch_pk):
        batch = self.permission_object
        form = PublishForm(
            initial={
                "title": services.default_title(batch),
                "starts_on": services.next_working_day(),
                "how_to_object": services.default_how_to_object(),
            }
        )
        return self.render(batch, form)

    def post(self, request, batch_pk):
        batch = self.permission_object
        form = PublishForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                publicity = services.publicity_publish(
                    batch=batch,
                    actor=request.user,
                    title=data["title"],
                    starts_on=data["starts_on"],
                    how_to_object=data["how_to_object"],
                    ip=client_ip(request),
                )
            except TransitionConflict as conflict:
                messages.error(request, " ".join(conflict.messages))
                return redirect("results:publicity_staff")
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is published, from %(start)s to %(end)s.")
                    % {
                        "title": publicity.title,
                        "start": date_text(publicity.starts_on),
                        "end": date_text(publicity.ends_on),
                    },
                )
                return redirect("results:publicity_staff_detail", pk=publicity.pk)
        return self.render(batch, form)


class PublicityStaffMixin(StaffMixin):
    """The notice of the URL's ``pk`` with its lines and their objections, for city staff."""

    def load_object(self):
        return _decorate(selectors.publicity_for_staff(self.request.user, self.kwargs["pk"]), timezone.localdate())


class StaffDetailView(PublicityStaffMixin, TemplateView):
    """One notice for staff: each line with its application's status, cleared or held, its objections."""

    template_name = "results/publicity/staff/detail.html"

    def get_context_data(self, **kwargs):
        publicity = self.permission_object
        return super().get_context_data(
            publicity=publicity,
            entries=publicity.lines,
            provisional_notice=provisional_notice(publicity),
            in_publicity=Status.PUBLICITY,
            **kwargs,
        )


class CloseView(PublicityStaffMixin, View):
    """Close a notice by hand (the beat task closes it after its last day), with a confirmation."""

    template_name = "results/publicity/staff/close.html"

    def render(self, publicity, form):
        held = [entry for entry in publicity.lines if entry.open_objections and entry.cleared_at is None]
        return render(
            self.request,
            self.template_name,
            {
                "publicity": publicity,
                "form": form,
                "held": held,
                "early": timezone.localdate() <= publicity.ends_on,
                "not_started": timezone.localdate() < publicity.starts_on,
            },
        )

    def get(self, request, pk):
        publicity = self.permission_object
        if publicity.closed_at is not None:
            messages.error(request, _("This notice is already closed."))
            return redirect("results:publicity_staff_detail", pk=pk)
        return self.render(publicity, CloseForm(early=timezone.localdate() <= publicity.ends_on))

    def post(self, request, pk):
        publicity = self.permission_object
        form = CloseForm(request.POST, early=timezone.localdate() <= publicity.ends_on)
        if not form.is_valid():
            return self.render(publicity, form)
        try:
            result = services.publicity_close(
                publicity=publicity, actor=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except ValidationError as error:
            if getattr(error, "error_dict", None) and "reason" in error.error_dict:
                for message in error.error_dict["reason"]:
                    form.add_error("reason", message)
                return self.render(publicity, form)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The notice is closed: %(cleared)s cleared for filing, %(held)s held by an open objection.")
                % {"cleared": len(result.cleared), "held": len(result.held)},
            )
        return redirect("results:publicity_staff_detail", pk=pk)


SHOW_CHOICES = (
    (selectors.OPEN, gettext_lazy("Open")),
    (selectors.OVERDUE, gettext_lazy("Overdue")),
    (selectors.SETTLED, gettext_lazy("Settled")),
    (selectors.ALL, gettext_lazy("All")),
)


class ObjectionListView(PermissionRequiredMixin, TemplateView):
    """异议 — objections to settle (open by default; overdue ones past their deadline), or all, a keyset
    page at a time (``?after=``/``?before=`` a row, the tab kept)."""

    permission_required = MANAGE
    template_name = "results/publicity/staff/objections.html"
    page_size = PAGE_SIZE

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        show = self.request.GET.get("show") or selectors.OPEN
        if show not in dict(SHOW_CHOICES):
            show = selectors.OPEN
        user = self.request.user
        objections = selectors.objections_for_staff(user, show, today)
        page = keyset_page_for_request(
            self.request, objections, fields=selectors.OBJECTION_ORDERS[show], size=self.page_size
        )
        return super().get_context_data(
            page=page,
            rows=page.rows,
            query=urlencode({"show": show}),
            show=show,
            tabs=SHOW_CHOICES,
            today=today,
            counts=selectors.objection_counts(user, today),
            **kwargs,
        )


class ObjectionMixin(StaffMixin):
    """The objection of the URL's ``pk`` with its line, notice and application, for city staff."""

    def load_object(self):
        return selectors.objection_for_staff(self.request.user, self.kwargs["pk"])

    @property
    def objection(self):
        return self.permission_object

    def detail_url(self):
        return reverse("results:publicity_objection", args=[self.objection.pk])


class ObjectionDetailView(ObjectionMixin, View):
    """One objection for staff: who objects (real name and mobile), to whom, the facts, the evidence,
    and the decision forms while it is open."""

    template_name = "results/publicity/staff/objection.html"

    def render(self, form):
        objection = self.objection
        return render(
            self.request,
            self.template_name,
            {
                "objection": objection,
                "entry": objection.entry,
                "application": objection.entry.application,
                "form": form,
                "today": timezone.localdate(),
            },
        )

    def get(self, request, pk):
        return self.render(DecideForm() if self.objection.is_open else None)

    def post(self, request, pk):
        objection = self.objection
        if not objection.is_open:
            messages.error(
                request,
                _("Objection %(reference)s is already “%(status)s”; nothing was changed.")
                % {"reference": objection.reference, "status": objection.get_status_display()},
            )
            return redirect(self.detail_url())
        form = DecideForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        decision, conclusion = form.cleaned_data["decision"], form.cleaned_data["conclusion"]
        try:
            if decision == DecideForm.DISMISS:
                services.objection_dismiss(objection=objection, actor=request.user, conclusion=conclusion)
            else:
                services.objection_uphold(
                    objection=objection,
                    actor=request.user,
                    conclusion=conclusion,
                    outcome=decision,
                    ip=client_ip(request),
                )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(self.detail_url())
        messages.success(
            request,
            _("Objection %(reference)s is now “%(status)s”.")
            % {"reference": objection.reference, "status": objection.get_status_display()},
        )
        return redirect(self.detail_url())


class ObjectionInvestigateView(ObjectionMixin, View):
    """POST: mark a received objection as being investigated."""

    def post(self, request, pk):
        objection = self.objection
        try:
            services.objection_investigate(objection=objection, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Objection %(reference)s is now “%(status)s”.")
                % {"reference": objection.reference, "status": objection.get_status_display()},
            )
        return redirect(self.detail_url())


class ObjectionEvidenceView(ObjectionMixin, View):
    """The objector's evidence file, for staff; the download is logged."""

    def get(self, request, pk):
        objection = self.objection
        if not objection.evidence:
            raise Http404
        extension = objection.evidence.rsplit(".", 1)[-1].lower()
        content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
        inline = request.GET.get("inline") == "1"
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=objection,
            detail={"objection": objection.reference, "sha256": objection.evidence_sha256, "inline": inline},
        )
        return file_response(
            objection.evidence, download_name=objection.evidence_name, content_type=content_type, inline=inline
        )
