"""Pages of the 双随机 inspections.

- City staff: the plans, planning one, its page (population, pool, hash, draw, exclusions, inspections),
  and the POSTs that publish the hash, draw and publish the results.
- Inspectors (the staff and experts drawn) and city staff: an inspection's findings, files, conclusion
  and the review of the enterprise's reply; the enterprise's contact: its rectification and reply.
- The public, without login: the plans whose hash is published, each one's draw with its re-run from
  any seed, and the published results (enterprises and outcome classes, no personal data).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.evidence import file_response
from inspections.forms import (
    ConcludeForm,
    FindingFileForm,
    FindingsForm,
    PlanForm,
    ReplyForm,
    RerunForm,
    ReviewForm,
)
from inspections.models import Inspection, InspectionFile, InspectionPlan, PoolMember, Rectification
from inspections.rules import may_see_inspections
from inspections.selectors import (
    INSPECTION_ORDER,
    POPULATION_ORDER,
    enterprise_names,
    inspection_detail,
    inspection_file_for_user,
    my_inspections,
    plan_detail,
    plan_exclusions,
    plan_inspections,
    plan_pool,
    plans_for_staff,
    public_plan,
    public_plans,
    public_population,
    public_results,
)
from inspections.services.draw import draw_rerun, draw_verify, plan_draw
from inspections.services.fieldwork import (
    finding_file_add,
    findings_record,
    inspection_conclude,
    rectification_reply,
    rectification_review,
)
from inspections.services.plans import plan_announce, plan_create, plan_publish
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.draws import seed_sha256
from zaozhuang_titles.forms import add_errors
from zaozhuang_titles.keyset import keyset_page_for_request
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin

#: Rows of a page: the drawn enterprises of a plan (staff's page, public results).
PAGE_SIZE = 50
#: Enterprises of a plan's frozen population on its public page (a short row each).
POPULATION_PAGE_SIZE = 100


def _error_messages(request, error):
    for message in error.messages[:20]:
        messages.error(request, message)


# --- City staff: plans -----------------------------------------------------------------------------


class PlanListView(PermissionRequiredMixin, TemplateView):
    """双随机抽查计划 — every plan, newest first."""

    permission_required = "inspections.list_plans"
    template_name = "inspections/plan_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(plans=list(plans_for_staff()), **kwargs)


class PlanCreateView(PermissionRequiredMixin, FormView):
    """Plan an inspection: criteria, size, inspector pool and checklist."""

    permission_required = "inspections.add_plan"
    template_name = "inspections/plan_form.html"
    form_class = PlanForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            plan = plan_create(
                actor=self.request.user,
                name=data["name"],
                subject=data["subject"],
                divisions=data["divisions"],
                recognition_kind=data["recognition_kind"],
                recognition_level=data["recognition_level"],
                key_filter=data["key_filter"],
                sample_ratio=data["sample_ratio"],
                sample_count=data["sample_count"],
                team_size=data["team_size"],
                rectification_days=data["rectification_days"],
                staff=data["staff"],
                experts=data["experts"],
                items=data["items"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan is saved. Publish the hash of its seed before the draw."))
        return redirect("inspections:plan", pk=plan.pk)


class PlanMixin(ObjectPermissionMixin):
    """City staff only (403 for other roles); the plan of the URL (404 if none)."""

    role_required = is_city_admin
    permission_required = "inspections.open_inspectionplan"

    def load_object(self):
        try:
            return plan_detail(self.kwargs["pk"])
        except InspectionPlan.DoesNotExist:
            raise Http404 from None

    @property
    def plan(self):
        return self.permission_object


class PlanDetailView(PlanMixin, TemplateView):
    """One plan for staff: criteria, population, pool with names, the hash, the draw, its check,
    the exclusions with their reasons and the inspections with their outcome (a keyset page of them at a
    time, in the order drawn)."""

    template_name = "inspections/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = self.plan
        page = keyset_page_for_request(self.request, plan_inspections(plan), fields=INSPECTION_ORDER, size=PAGE_SIZE)
        return super().get_context_data(
            plan=plan,
            pool=plan_pool(plan),
            page=page,
            inspections=page.rows,
            exclusions=plan_exclusions(plan),
            verification=draw_verify(plan),
            **kwargs,
        )


class PlanActionView(PlanMixin, View):
    """A POST on the plan through one service; its refusal is shown on the plan's page."""

    http_method_names = ["post"]
    success_message = ""

    def act(self, plan, user):  # pragma: no cover - every action defines it
        raise NotImplementedError

    def post(self, request, pk):
        try:
            self.act(self.plan, request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, self.success_message)
        return redirect("inspections:plan", pk=pk)


class PlanAnnounceView(PlanActionView):
    permission_required = "inspections.announce_inspectionplan"

    @property
    def success_message(self):
        return _("The hash of the seed is published; the population and the pool are frozen.")

    def act(self, plan, user):
        plan_announce(plan=plan, actor=user)


class PlanDrawView(PlanActionView):
    permission_required = "inspections.draw_inspectionplan"

    @property
    def success_message(self):
        return _("The enterprises and their inspectors are drawn; the seed is revealed.")

    def act(self, plan, user):
        plan_draw(plan=plan, actor=user)


class PlanPublishView(PlanActionView):
    permission_required = "inspections.publish_inspectionplan"

    @property
    def success_message(self):
        return _("The results are public.")

    def act(self, plan, user):
        plan_publish(plan=plan, actor=user)


# --- Inspectors and the inspected enterprise -------------------------------------------------------


class MyInspectionsView(PermissionRequiredMixin, TemplateView):
    """我的检查 — the inspections the user was drawn for, and its enterprise's."""

    permission_required = "inspections.view_my_inspections"
    template_name = "inspections/mine.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspections=my_inspections(self.request.user), **kwargs)


class InspectionMixin(ObjectPermissionMixin):
    """Staff, experts and contacts (403 for other roles); the inspection among those the user may open
    (404 for any other), then ``permission_required`` on it."""

    role_required = may_see_inspections
    permission_required = "inspections.open_inspection"

    def load_object(self):
        try:
            return inspection_detail(self.request.user, self.kwargs["pk"])
        except Inspection.DoesNotExist:
            raise Http404 from None

    @property
    def inspection(self):
        return self.permission_object

    def rectification(self):
        return self.inspection.rectification_or_none

    def back(self):
        return redirect("inspections:inspection", pk=self.inspection.pk)


class InspectionDetailView(InspectionMixin, TemplateView):
    template_name = "inspections/inspection.html"

    def get_context_data(self, **kwargs):
        inspection = self.inspection
        user = self.request.user
        findings = {finding.item_id: finding for finding in inspection.findings.all()}
        files = list(inspection.files.all())
        files_by_finding = {}
        for stored in files:
            if stored.finding_id:
                files_by_finding.setdefault(stored.finding_id, []).append(stored)
        items = []
        for item in inspection.plan.items.all():
            finding = findings.get(item.pk)
            items.append((item, finding, files_by_finding.get(finding.pk, []) if finding else []))
        rectification = self.rectification()
        may_record = user.has_perm("inspections.record_inspection", inspection)
        is_open = inspection.concluded_at is None
        return super().get_context_data(
            inspection=inspection,
            plan=inspection.plan,
            team=list(inspection.team.all()),
            items=items,
            rectification=rectification,
            reply_files=[f for f in files if f.rectification_id],
            may_record=may_record and is_open,
            may_review=may_record
            and rectification is not None
            and rectification.status == Rectification.Status.REPLIED,
            may_reply=rectification is not None
            and rectification.status == Rectification.Status.OPEN
            and user.has_perm("inspections.reply_inspection", inspection),
            file_form=FindingFileForm(items=inspection.plan.items.all()) if may_record and is_open else None,
            conclude_form=ConcludeForm() if may_record and is_open else None,
            review_form=ReviewForm(),
            **kwargs,
        )


class FindingsView(InspectionMixin, FormView):
    """The inspectors record each checklist item's result and note."""

    permission_required = "inspections.record_inspection"
    template_name = "inspections/findings.html"
    form_class = FindingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = self.inspection.plan.items.all()
        kwargs["findings"] = self.inspection.findings.all()
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)

    def form_valid(self, form):
        try:
            findings_record(inspection=self.inspection, actor=self.request.user, results=form.results())
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The findings are saved."))
        return self.back()


class FindingFileAddView(InspectionMixin, View):
    permission_required = "inspections.record_inspection"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = FindingFileForm(request.POST, request.FILES, items=self.inspection.plan.items.all())
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return self.back()
        try:
            finding_file_add(
                inspection=self.inspection,
                item=form.cleaned_data["item"],
                uploaded_file=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The file is added."))
        return self.back()


class ConcludeView(InspectionMixin, View):
    permission_required = "inspections.record_inspection"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ConcludeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return self.back()
        try:
            inspection_conclude(inspection=self.inspection, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The inspection is concluded."))
        return self.back()


class ReplyView(InspectionMixin, FormView):
    """The enterprise's contact replies to the rectification with evidence."""

    permission_required = "inspections.reply_inspection"
    template_name = "inspections/reply.html"
    form_class = ReplyForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, rectification=self.rectification(), **kwargs)

    def form_valid(self, form):
        rectification = self.rectification()
        if rectification is None:
            form.add_error(None, _("This inspection ordered no rectification."))
            return self.form_invalid(form)
        try:
            rectification_reply(
                rectification=rectification,
                actor=self.request.user,
                reply=form.cleaned_data["reply"],
                uploaded_file=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your reply is sent to the inspectors."))
        return self.back()


class ReviewView(InspectionMixin, View):
    permission_required = "inspections.review_inspection"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ReviewForm(request.POST)
        rectification = self.rectification()
        if not form.is_valid() or rectification is None:
            messages.error(request, _("Choose to accept or to return the reply."))
            return self.back()
        try:
            rectification_review(
                rectification=rectification,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The review is saved."))
        return self.back()


class InspectionFileView(ObjectPermissionMixin, View):
    """A file of an inspection, for whoever may open the inspection; the download is logged."""

    role_required = may_see_inspections
    permission_required = "inspections.open_file"

    def load_object(self):
        try:
            return inspection_file_for_user(self.request.user, self.kwargs["pk"])
        except InspectionFile.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk):
        stored = self.permission_object
        inline = request.GET.get("inline") == "1"
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=stored,
            detail={"inspection": stored.inspection_id, "sha256": stored.sha256, "inline": inline},
        )
        return file_response(
            stored.storage_name, download_name=stored.original_name, content_type=stored.content_type, inline=inline
        )


# --- The public -----------------------------------------------------------------------------------


class PublicIndexView(TemplateView):
    """双随机抽查公开 — every plan whose hash is published, with its state."""

    template_name = "inspections/public_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(plans=list(public_plans()), **kwargs)


class PublicPlanMixin:
    def get_plan(self):
        try:
            return public_plan(self.kwargs["pk"])
        except InspectionPlan.DoesNotExist:
            raise Http404 from None


class PublicPlanView(PublicPlanMixin, TemplateView):
    """One plan's draw for anyone: the published hash, the frozen population and pool (numbers, no
    names of people), the revealed seed and the draw, the exclusions with their reasons, and a re-run of
    the draw from any seed (``?seed=``) compared with the hash and the record."""

    template_name = "inspections/public_plan.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        population = keyset_page_for_request(
            self.request, public_population(plan), fields=POPULATION_ORDER, size=POPULATION_PAGE_SIZE
        )
        pool = list(PoolMember.objects.filter(plan=plan).order_by("pk").values_list("pk", "kind"))
        kinds = dict(PoolMember.Kind.choices)
        # The re-run form is bound by a seed only: a page link of the population (``?after=``) is no re-run.
        form = RerunForm(self.request.GET if "seed" in self.request.GET else None, initial={"seed": plan.seed_revealed})
        verification = draw_verify(plan)
        result = None
        if form.is_bound and form.is_valid():
            result = draw_rerun(plan, form.cleaned_data["seed"])
        recorded = verification.recorded if verification is not None else []
        names = enterprise_names([pk for pk, _team in recorded + (result or [])])
        rerun = None
        if result is not None:
            seed = form.cleaned_data["seed"]
            rerun = {
                "seed": seed,
                "sha256": seed_sha256(seed),
                "hash_matches": seed_sha256(seed) == plan.seed_sha256,
                "same_draw": verification is not None and result == verification.recorded,
                "rows": [(pk, names.get(pk, ""), team) for pk, team in result],
            }
        drawn_rows = [(pk, names.get(pk, ""), team) for pk, team in recorded]
        exclusions = []
        if verification is not None:
            exclusions = [
                (
                    exclusion.enterprise_id,
                    exclusion.enterprise.name,
                    exclusion.member_id,
                    exclusion.get_reason_display(),
                )
                for exclusion in plan_exclusions(plan)
            ]
        return super().get_context_data(
            plan=plan,
            page=population,
            population=population.rows,
            query=urlencode({"seed": self.request.GET["seed"]}) if "seed" in self.request.GET else "",
            pool=[(pk, kinds[kind]) for pk, kind in pool],
            drawn_rows=drawn_rows,
            exclusions=exclusions,
            form=form,
            rerun=rerun,
            **kwargs,
        )


class PublicResultsView(PublicPlanMixin, TemplateView):
    """The published results: the enterprises inspected and the outcome class of each, a keyset page at a
    time in the order drawn. Nothing about a person: no inspector, no contact, no finding's text."""

    template_name = "inspections/public_results.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        if plan.status != InspectionPlan.Status.PUBLISHED:
            raise Http404
        page = keyset_page_for_request(self.request, public_results(plan), fields=INSPECTION_ORDER, size=PAGE_SIZE)
        rows = [
            {
                "position": inspection.position,
                "name": inspection.enterprise.name,
                "division": inspection.enterprise.division.name,
                "outcome": inspection.get_outcome_display(),
                "outcome_value": inspection.outcome,
            }
            for inspection in page.rows
        ]
        return super().get_context_data(plan=plan, page=page, rows=rows, **kwargs)
