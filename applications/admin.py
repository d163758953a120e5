"""Django admin of applications, the HR bureau's workspace (issue 14): batches are kept here by city
staff; applications are audited here by city and district staff (each in its scope), one at a time or
in bulk, through the services and the one transition function; nominations, the transition log and
the snapshots are records, read-only."""

import re

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.counters import counted
from applications.forms_audit import BulkConfirmForm, ReasonForm, ReturnForm
from applications.models import (
    Achievement,
    Application,
    Batch,
    BulkRun,
    CorrectionItem,
    CorrectionRequest,
    Evidence,
    InternalNotice,
    Nomination,
    NominationEntry,
    Status,
    Submission,
    Transition,
)
from applications.rules import ADMIN_SCOPES, BULK_RUN_SCOPES
from applications.selectors import (
    application_eligibility,
    application_timeline,
    corrections_of,
    last_diff,
    nomination_signatures,
    overdue_q,
    status_counts,
    waiting_at_step,
)
from applications.services.audit import application_pass, application_reject, application_return
from applications.services.bulk import (
    REGISTRY,
    bulk_action,
    bulk_actions_for,
    bulk_plan,
    bulk_run_start,
    bulk_run_summary,
)
from applications.views.audit import achievements_with_files, correction_items, diff_rows
from applications.views.common import eligibility_rows
from applications.workflow import ACTION_LABELS, SYSTEM, available_actions, why_not
from enterprises.admin import ScopedDivisionFilter
from enterprises.models import Recognition, RecognitionKind
from zaozhuang_titles.admin import (
    EstimatedCountPaginator,
    ExportAdminMixin,
    PortalModelAdmin,
    ReadOnlyAdmin,
)
from zaozhuang_titles.admin import ReadOnlyInline as CoreReadOnlyInline
from zaozhuang_titles.audit import audit_denial, client_ip
from zaozhuang_titles.identifiers import canonical_code
from zaozhuang_titles.models import Role
from zaozhuang_titles.scopes import visible
from zaozhuang_titles.workdays import add_working_days


class ReadOnlyInline(CoreReadOnlyInline):
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("applications.view_application")


@admin.register(Batch)
class BatchAdmin(PortalModelAdmin):
    list_display = ["name", "year", "level", "channel", "status", "opens_at", "closes_at", "step_time_limit_days"]
    list_filter = ["status", "channel", "year"]
    search_fields = ["name"]
    list_select_related = []


class AchievementInline(ReadOnlyInline):
    model = Achievement
    fields = ["kind", "title", "occurred_on", "patent_number", "patent_type", "inventor_rank", "level", "role"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at", "removed_at"]
    readonly_fields = fields


def action_label(value):
    """The label of a move of the workflow (``forward`` → 转报区县), the key itself for an unknown one."""
    return ACTION_LABELS.get(value, value)


def actor_role_label(value):
    """The label of the role a move was made in (``chairman`` → 董事长; the system's own moves)."""
    if value == SYSTEM:
        return _("System (automatic)")
    return Role(value).label if value in Role.values else value


class TransitionLabels:
    """The log's action and role as the pages name them, not their stored keys."""

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, transition):
        return action_label(transition.action)

    @admin.display(description=_("in the role of"), ordering="actor_role")
    def actor_role_name(self, transition):
        return actor_role_label(transition.actor_role)


class KeyLabelFilter(admin.SimpleListFilter):
    """A filter on a stored key offered under its label (the field has no choices of its own)."""

    def labels(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return list(self.labels().items())

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class ActionFilter(KeyLabelFilter):
    title = _("action")
    parameter_name = "action"

    def labels(self):
        return ACTION_LABELS


class ActorRoleFilter(KeyLabelFilter):
    title = _("in the role of")
    parameter_name = "actor_role"

    def labels(self):
        return {value: actor_role_label(value) for value in [*Role.values, SYSTEM]}


class TransitionInline(TransitionLabels, ReadOnlyInline):
    model = Transition
    fields = ["at", "action_name", "from_status", "to_status", "actor", "actor_role_name", "reason", "ip"]
    readonly_fields = fields


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose value must be one it offers: any other value (a stale bookmark, a typing error)
    is ignored rather than answered with an empty list or an error page."""

    def chosen(self):
        value = self.value()
        return value if value in {str(key) for key, _label in self.lookup_choices} else None


class SignatureFilter(ChoiceFilter):
    """The chairman's signature (专项通道): valid, or none valid (never signed or voided)."""

    title = _("chairman's signature")
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        return [("yes", _("valid signature")), ("no", _("no valid signature"))]

    def queryset(self, request, queryset):
        valid = Exists(NominationEntry.objects.filter(application=OuterRef("pk"), voided_at__isnull=True))
        if self.chosen() == "yes":
            return queryset.filter(valid)
        if self.chosen() == "no":
            return queryset.filter(~valid)
        return queryset


class OpenCorrectionFilter(ChoiceFilter):
    """A return for correction (退回补正) still waiting for the applicant's answer."""

    title = _("return for correction")
    parameter_name = "correction"

    def lookups(self, request, model_admin):
        return [("open", _("waiting for the applicant")), ("overdue", _("past its deadline"))]

    def queryset(self, request, queryset):
        waiting = CorrectionRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)
        if self.chosen() == "open":
            return queryset.filter(Exists(waiting))
        if self.chosen() == "overdue":
            return queryset.filter(Exists(waiting.filter(deadline__lt=timezone.localdate())))
        return queryset


class RecognitionKindFilter(ChoiceFilter):
    """The kind of recognition (认定) the applicant's enterprise holds (专精特新, 小巨人, 单项冠军...)."""

    title = _("recognition of the enterprise")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return RecognitionKind.choices

    def queryset(self, request, queryset):
        if self.chosen():
            held = Recognition.objects.filter(enterprise=OuterRef("enterprise_id"), kind=self.chosen())
            return queryset.filter(Exists(held))
        return queryset


class EligibilityFilter(ChoiceFilter):
    """The eligibility as last evaluated (``Application.eligibility``), or not evaluated yet."""

    title = _("eligibility")
    parameter_name = "eligibility"
    NOT_EVALUATED = "none"

    def lookups(self, request, model_admin):
        return [*Application.Eligibility.choices, (self.NOT_EVALUATED, _("not evaluated yet"))]

    def queryset(self, request, queryset):
        value = self.chosen()
        if value == self.NOT_EVALUATED:
            return queryset.filter(eligibility="")
        return queryset.filter(eligibility=value) if value else queryset


class OverdueFilter(ChoiceFilter):
    """Waiting at the district or city audit longer than the batch's ``step_time_limit_days``."""

    title = _("time at the current step")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("past the batch's time limit"))]

    def queryset(self, request, queryset):
        return queryset.filter(overdue_q()) if self.chosen() == "1" else queryset


def _whole_table(queryset):
    """Whether ``queryset`` is the whole table: no filter, search or scoping ``WHERE``."""
    query = getattr(queryset, "query", None)
    return query is not None and not (query.where or query.distinct or query.combinator or query.is_sliced)


class StatusCountPaginator(EstimatedCountPaginator):
    """The application list's paginator: the whole table (city staff's unfiltered list) is counted from
    the status counters kept by ``application_transition`` (``applications.counters``): exact, one query
    over at most batches × divisions × statuses rows, whatever the table's size. Anything narrower is
    counted as ``EstimatedCountPaginator`` counts it (exactly, by the filter's index)."""

    @cached_property
    def by_status(self):
        """{status: n} of the whole table from the counters, or None when the list is narrowed."""
        return counted(statuses=Status.values) if _whole_table(self.object_list) else None

    @cached_property
    def count(self):
        if self.by_status is not None:
            return sum(self.by_status.values())
        return EstimatedCountPaginator.count.func(self)


class ApplicationAdmin(ExportAdminMixin, ReadOnlyAdmin):
    """The staff's application list and page (issue 14): city staff see every application, district
    staff their division's from their audit on (``rules.ADMIN_SCOPES``), in every list, search, filter,
    count, autocomplete and popup; another division's application is a 404. The page shows the timeline,
    the eligibility, the evidence, the nomination and the changes since the last submission, and the
    audit's buttons; the list's bulk actions (``services.bulk``) confirm first and keep a record.

    Every move goes through the services and ``application_transition``: the same guards, log and
    notices as the portal's pages. Nothing is edited in the form itself. 导出 Excel exports what the list
    selects, with the review's scores and vote (``applications.exports``, ``reviews.exports``)."""

    export_kind = "applications"
    paginator = StatusCountPaginator

    change_list_template = "admin/applications/application/change_list.html"
    change_form_template = "admin/applications/application/change_form.html"
    list_display = [
        "number",
        "applicant_name",
        "status",
        "batch",
        "division",
        "enterprise",
        "recognition_kinds",
        "channel",
        "eligibility",
        "waiting",
        "signed",
    ]
    list_filter = [
        "status",
        "batch",
        "batch__channel",
        ("enterprise__division", ScopedDivisionFilter),
        RecognitionKindFilter,
        EligibilityFilter,
        OverdueFilter,
        SignatureFilter,
        OpenCorrectionFilter,
        ("status_changed_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "number",
        "applicant__real_name",
        "enterprise__name",
        "=enterprise__credit_code",
        "specialty",
        "achievements__patent_number",
    ]
    search_help_text = _(
        "Application number, applicant's name, enterprise, credit code, specialty, patent number, or a whole ID number."
    )
    list_select_related = ["applicant", "enterprise__division", "batch"]
    fields = [
        "number",
        "batch",
        "applicant",
        "enterprise",
        "specialty",
        "summary",
        "status",
        "eligibility",
        "revision",
        "submitted_at",
        "status_changed_at",
        "portal_link",
    ]
    readonly_fields = fields
    inlines = []
    actions = []

    # --- What a reader sees -------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = visible(super().get_queryset(request), request.user, ADMIN_SCOPES)
        return queryset.annotate(
            valid_signature=Exists(NominationEntry.objects.filter(application=OuterRef("pk"), voided_at__isnull=True))
        ).prefetch_related(
            Prefetch(
                "enterprise__recognitions",
                queryset=Recognition.objects.only("id", "enterprise_id", "kind").order_by("kind", "id"),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """A whole ID number is looked up in its canonical form (full-width digits, a lower-case x, spaces
        typed): the list never shows it, and a part of one finds nothing."""
        term = canonical_code(search_term)
        if ID_NUMBER.fullmatch(term):
            return queryset.filter(applicant__id_number=term), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("applicant"), ordering="applicant__real_name")
    def applicant_name(self, obj):
        return obj.applicant.real_name

    @admin.display(description=_("division"), ordering="enterprise__division__code")
    def division(self, obj):
        return obj.enterprise.division

    @admin.display(description=_("recognition"))
    def recognition_kinds(self, obj):
        kinds = dict.fromkeys(RecognitionKind(r.kind).label for r in obj.enterprise.recognitions.all())
        return "、".join(str(kind) for kind in kinds) or "—"

    @admin.display(description=_("channel"), ordering="batch__channel")
    def channel(self, obj):
        return obj.batch.get_channel_display()

    @admin.display(description=_("eligibility"), ordering="eligibility")
    def eligibility(self, obj):
        return obj.get_eligibility_display() or gettext("not evaluated yet")

    @admin.display(description=_("working days at this step"), ordering="status_changed_at")
    def waiting(self, obj):
        waiting = getattr(obj, "waiting", None)
        if waiting is None:
            return "—"
        if waiting.overdue:
            return format_html(
                '<strong class="errornote" data-testid="overdue" title="{}">{} ⚠</strong>',
                gettext("Past the batch's limit of %(limit)d working days") % {"limit": waiting.limit},
                waiting.days,
            )
        return waiting.days

    @admin.display(description=_("nomination signed"), boolean=True)
    def signed(self, obj):
        if not obj.batch.is_dedicated:
            return None
        return obj.valid_signature

    @admin.display(description=_("in the portal"))
    def portal_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("applications:detail", args=[obj.pk]), _("open the application")
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is None:
            return response
        # The working days each shown row has waited, with one calendar for the page (``waiting`` column).
        rows = list(changelist.result_list)
        waiting = waiting_at_step(rows)
        for row in rows:
            row.waiting = waiting[row.pk]
        # The counts by status of what the list shows: the counters' for the whole table (the paginator
        # read them already), else one grouped count of the filtered rows (bounded by the filter); none
        # over an estimate.
        counts = getattr(changelist.paginator, "by_status", None)
        if counts is None and not getattr(changelist.paginator, "is_estimate", False):
            counts = status_counts(changelist.queryset)
        if counts is not None:
            response.context_data["status_summary"] = [
                {"status": value, "label": label, "count": counts[value]}
                for value, label in Application.Status.choices
                if counts.get(value)
            ]
            response.context_data["status_total"] = sum(counts.values())
        return response

    # --- Bulk actions -------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = {}
        if self.get_actions_allowed(request):
            for action in bulk_actions_for(request.user):
                actions[f"bulk_{action.key}"] = (
                    self._bulk_function(action.key),
                    f"bulk_{action.key}",
                    gettext("%(action)s the selected applications…") % {"action": action.label},
                )
        return actions

    def get_actions_allowed(self, request):
        return IS_POPUP_VAR not in request.GET and request.user.has_perm(AUDIT_PERMISSION)

    def _bulk_function(self, key):
        def run(model_admin, request, queryset):
            return model_admin.bulk_confirm(request, queryset, key)

        run.__name__ = f"bulk_{key}"
        return run

    def bulk_confirm(self, request, queryset, key):
        """The confirmation page of a bulk action: every selected application and what will happen to
        it, or why it is skipped; confirmed, the run is recorded and performed (``services.bulk``)."""
        action = bulk_action(key)
        applications = list(queryset.select_related("applicant", "enterprise__division", "batch"))
        confirmed = request.POST.get("confirm") == "yes"
        form = BulkConfirmForm(request.POST if "bulk_form" in request.POST else None, action=action, actor=request.user)
        params = form.params()
        if confirmed and form.is_valid():
            try:
                run = bulk_run_start(
                    action=action,
                    application_ids=[application.pk for application in applications],
                    actor=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                    params=params,
                    ip=client_ip(request),
                )
            except (ValidationError, PermissionDenied) as refusal:
                messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
            else:
                return redirect(reverse("admin:applications_application_bulk", args=[run.pk]))
        plan = bulk_plan(action=action, applications=applications, actor=request.user, params=params)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(action)s: confirm") % {"action": action.label},
            "opts": self.model._meta,
            "action": action,
            "action_name": f"bulk_{key}",
            "plan": plan,
            "will_count": sum(1 for row in plan if not row.skipped),
            "skip_count": sum(1 for row in plan if row.skipped),
            "background": len(plan) > settings.BULK_ACTION_TASK_ABOVE,
            "form": form,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/applications/application/bulk_confirm.html", context)

    def bulk_result_view(self, request, run_id):
        """The record of one bulk run: progress while its task works (htmx polls ``applications:bulk_status``),
        then how many were done and which were skipped or failed, and why."""
        run = visible(BulkRun.objects.select_related("actor"), request.user, BULK_RUN_SCOPES).filter(pk=run_id).first()
        if run is None:
            audit_denial(request, status=404)
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Bulk action: %(action)s") % {"action": bulk_action_label(run.action)},
            "opts": self.model._meta,
            "run": run,
            "summary": bulk_run_summary(run),
        }
        return TemplateResponse(request, "admin/applications/application/bulk_result.html", context)

    # --- One application: its page and its decisions --------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("bulk/<int:run_id>/", wrap(self.bulk_result_view), name="applications_application_bulk"),
            path(
                "<path:object_id>/decide/<slug:action>/",
                wrap(self.decide_view),
                name="applications_application_decide",
            ),
            path("<path:object_id>/return/", wrap(self.return_view), name="applications_application_return"),
            *super().get_urls(),
        ]

    def workspace_object(self, request, object_id):
        """The application of the URL within the reader's admin scope, with what its page shows; 404
        (logged) outside it, as on the portal."""
        try:
            return (
                self.get_queryset(request)
                .select_related("applicant__applicant_profile", "enterprise__division", "batch", "internal_notice")
                .prefetch_related(
                    "achievements", Prefetch("evidence", queryset=Evidence.objects.filter(removed_at__isnull=True))
                )
                .get(pk=object_id)
            )
        except (Application.DoesNotExist, ValueError, TypeError, ValidationError):
            audit_denial(request, status=404)
            raise Http404 from None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.workspace_object(request, object_id)
        context = {**(extra_context or {}), **application_workspace(application, request.user)}
        return super().change_view(request, object_id, form_url, context)

    def _back(self, application):
        return redirect(reverse("admin:applications_application_change", args=[application.pk]))

    def decide_view(self, request, object_id, action):
        """POST pass or reject (with a reason), as the portal's buttons: the same service, guards, log
        and notices; a refusal is shown as the portal shows it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(AUDIT_PERMISSION):
            raise PermissionDenied
        application = self.workspace_object(request, object_id)
        if action not in DECISIONS:
            raise Http404
        reason = ""
        if action == "reject":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors["reason"]))
                return self._back(application)
            reason = form.cleaned_data["reason"]
        observed = request.POST.get("status")
        if observed in Status.values:
            application.status = observed  # a move made meanwhile by someone else is reported, not repeated
        try:
            DECISIONS[action](application=application, actor=request.user, reason=reason, ip=client_ip(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                gettext("Application %(number)s is now “%(status)s”.")
                % {"number": application.number, "status": application.get_status_display()},
            )
        return self._back(application)

    def return_view(self, request, object_id):
        """退回补正 from admin: the portal's ``ReturnForm`` (marked fields, files and sections with their
        reasons, a deadline) and its service."""
        if not request.user.has_perm(AUDIT_PERMISSION):
            raise PermissionDenied
        application = self.workspace_object(request, object_id)
        if "return" not in available_actions(application, request.user):
            messages.error(
                request,
                gettext("The application is “%(status)s”; you cannot return it for correction now.")
                % {"status": application.get_status_display()},
            )
            return self._back(application)
        default = add_working_days(timezone.localdate(), application.batch.correction_working_days)
        items = correction_items(application)
        form = ReturnForm(request.POST or None, items=items, default_deadline=default.end)
        if request.method == "POST" and form.is_valid():
            try:
                correction = application_return(
                    application=application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    items=form.marked_items(),
                    deadline=form.chosen_deadline(),
                    ip=client_ip(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Application %(number)s is returned for correction; the applicant answers by %(date)s.")
                    % {"number": application.number, "date": correction.deadline.isoformat()},
                )
                return self._back(application)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Return %(number)s for correction") % {"number": application.number},
            "opts": self.model._meta,
            "original": application,
            "application": application,
            "form": form,
            "groups": form.rows(),
            "default": default,
        }
        return TemplateResponse(request, "admin/applications/application/return.html", context)


admin.site.register(Application, ApplicationAdmin)


#: The decisions of the application's page in admin, by the same services as the portal's buttons.
DECISIONS = {"pass": application_pass, "reject": application_reject}
AUDIT_PERMISSION = "applications.audit_in_admin"
ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")


def bulk_action_label(key):
    action = REGISTRY.get(key)
    return action.label if action is not None else key


def application_workspace(application, user):
    """What the application's page in admin shows besides its fields: the portal's pieces, by their
    selectors (timeline, eligibility, evidence, nomination, changes since the last submission) and the
    decisions ``user`` may make now."""
    signature = nomination_signatures([application])[application.pk]
    achievements, general_files = achievements_with_files(application)
    evaluation = application_eligibility(application)
    actions = [a for a in available_actions(application, user) if a in ("pass", "return", "reject")]
    return {
        "timeline": application_timeline(application),
        "eligibility_rows": eligibility_rows(evaluation),
        "eligible": evaluation.eligible,
        "eligibility_waiting": not evaluation.blocking and bool(evaluation.pending),
        "achievements": achievements,
        "general_files": general_files,
        "nomination": signature if signature.state != "not_needed" else None,
        "changes": diff_rows(last_diff(application)) if application.revision > 1 else None,
        "corrections": corrections_of(application),
        "workflow_actions": actions if user.has_perm(AUDIT_PERMISSION) else [],
        "pass_refused": why_not(application, user, "pass") if "pass" in actions else None,
    }


@admin.register(Transition)
class TransitionAdmin(TransitionLabels, ReadOnlyAdmin):
    list_display = ["at", "application", "action_name", "from_status", "to_status", "actor", "actor_role_name", "ip"]
    fields = [*list_display[:-1], "reason", "ip"]
    readonly_fields = fields
    list_filter = [
        ActionFilter,
        "from_status",
        "to_status",
        ActorRoleFilter,
        ("at", admin.DateFieldListFilter),
        # The statistics page links its counts of decisions here, by batch and division.
        "application__batch",
        "application__enterprise__division",
    ]
    search_fields = ["application__number", "actor__username", "actor__real_name"]
    list_select_related = ["application__applicant", "actor"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """The snapshots stored at each submission: their raw data (field keys, stored values) is not shown;
    the portal's changes page reads them as staff should (labels, masked numbers, what changed)."""

    list_display = ["application", "revision", "created_at", "sha256"]
    search_fields = ["application__number"]
    list_select_related = ["application__applicant"]
    fields = ["application", "revision", "transition", "created_at", "sha256", "changes_link"]
    readonly_fields = fields

    @admin.display(description=_("in the portal"))
    def changes_link(self, submission):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("applications:diff", args=[submission.application_id]),
            _("Changes between submissions"),
        )


class NominationEntryInline(ReadOnlyInline):
    model = NominationEntry
    fields = ["rank", "application", "recommendation", "content_sha256", "voided_at", "void_reason"]
    readonly_fields = fields


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "batch", "signed_by", "signed_at", "signed_ip"]
    list_filter = ["batch"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise", "batch", "signed_by"]
    inlines = [NominationEntryInline]


@admin.register(InternalNotice)
class InternalNoticeAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "batch", "starts_on", "ends_on", "provisional", "started_by"]
    list_filter = ["batch", "provisional"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise", "batch", "started_by"]


class CorrectionItemInline(ReadOnlyInline):
    model = CorrectionItem
    fields = ["target", "label", "reason"]
    readonly_fields = fields


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "returned_from", "deadline", "deadline_provisional", "answered_at"]
    list_filter = ["returned_from", "deadline_provisional", ("answered_at", admin.EmptyFieldListFilter)]
    search_fields = ["application__number", "application__applicant__real_name"]
    list_select_related = ["application__applicant"]
    inlines = [CorrectionItemInline]


@admin.register(BulkRun)
class BulkRunAdmin(ReadOnlyAdmin):
    """The record of each bulk action (批量操作): who ran what over how many applications, and what became
    of each (the result page). District staff see their own runs, city staff every run."""

    list_display = ["created_at", "action_name", "actor", "total_count", "done_count", "state", "result_link"]
    list_filter = ["state", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor__real_name", "actor__username", "reason"]
    list_select_related = ["actor"]
    fields = ["created_at", "action_name", "actor", "reason", "state", "in_background", "finished_at", "result_link"]
    readonly_fields = fields

    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user, BULK_RUN_SCOPES)

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, run):
        return bulk_action_label(run.action)

    @admin.display(description=_("applications"))
    def total_count(self, run):
        return run.total

    @admin.display(description=_("done"))
    def done_count(self, run):
        return run.count("done")

    @admin.display(description=_("result"))
    def result_link(self, run):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:applications_application_bulk", args=[run.pk]), _("open the result")
        )
