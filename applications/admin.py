"""Django admin of applications, for city staff: batches are kept here; applications, nominations,
the transition log and the snapshots are shown read-only (every move goes through the portal's pages
and the transition function, so that each is checked and logged)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Achievement,
    Application,
    Batch,
    CorrectionItem,
    CorrectionRequest,
    Evidence,
    InternalNotice,
    Nomination,
    NominationEntry,
    Submission,
    Transition,
)
from applications.selectors import status_counts
from applications.workflow import ACTION_LABELS, SYSTEM
from zaozhuang_titles.admin import CleanTextInlineMixin, ExportAdminMixin, PortalModelAdmin
from zaozhuang_titles.models import Role


class ReadOnlyAdmin(PortalModelAdmin):
    """A record of the work: listed and opened, never added or changed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(CleanTextInlineMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("applications.view_application")


@admin.register(Batch)
class BatchAdmin(PortalModelAdmin):
    list_display = ["name", "year", "level", "channel", "status", "opens_at", "closes_at"]
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


class SignatureFilter(admin.SimpleListFilter):
    """The chairman's signature (专项通道): valid, or none valid (never signed or voided)."""

    title = _("chairman's signature")
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        return [("yes", _("valid signature")), ("no", _("no valid signature"))]

    def queryset(self, request, queryset):
        valid = Exists(NominationEntry.objects.filter(application=OuterRef("pk"), voided_at__isnull=True))
        if self.value() == "yes":
            return queryset.filter(valid)
        if self.value() == "no":
            return queryset.filter(~valid)
        return queryset


class OpenCorrectionFilter(admin.SimpleListFilter):
    """A return for correction (退回补正) still waiting for the applicant's answer."""

    title = _("return for correction")
    parameter_name = "correction"

    def lookups(self, request, model_admin):
        return [("open", _("waiting for the applicant")), ("overdue", _("past its deadline"))]

    def queryset(self, request, queryset):

        waiting = CorrectionRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)
        if self.value() == "open":
            return queryset.filter(Exists(waiting))
        if self.value() == "overdue":
            return queryset.filter(Exists(waiting.filter(deadline__lt=timezone.localdate())))
        return queryset


@admin.register(Application)
class ApplicationAdmin(ExportAdminMixin, ReadOnlyAdmin):
    """Applications, read-only, with the count of each status of what the filters select above the list
    and a link to the portal's page of each (where the audit's moves are made); 导出 Excel exports what
    the list selects, with the review's scores and vote (``applications.exports``, ``reviews.exports``)."""

    export_kind = "applications"

    change_list_template = "admin/applications/application/change_list.html"
    list_display = [
        "number",
        "applicant_name",
        "enterprise",
        "division",
        "batch",
        "status",
        "revision",
        "status_changed_at",
        "portal_link",
    ]
    list_filter = [
        "status",
        "batch",
        "batch__channel",
        "enterprise__division",
        SignatureFilter,
        OpenCorrectionFilter,
        ("status_changed_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "number",
        "applicant__real_name",
        "=applicant__id_number",
        "enterprise__name",
        "=enterprise__credit_code",
        "specialty",
        "achievements__patent_number",
    ]
    list_select_related = ["applicant", "enterprise__division", "batch"]
    fields = [
        "number",
        "batch",
        "applicant",
        "enterprise",
        "specialty",
        "summary",
        "status",
        "revision",
        "submitted_at",
        "status_changed_at",
        "portal_link",
    ]
    readonly_fields = fields
    inlines = [AchievementInline, EvidenceInline, TransitionInline]

    @admin.display(description=_("applicant"), ordering="applicant__real_name")
    def applicant_name(self, obj):
        return obj.applicant.real_name

    @admin.display(description=_("division"), ordering="enterprise__division__code")
    def division(self, obj):
        return obj.enterprise.division

    @admin.display(description=_("in the portal"))
    def portal_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("applications:detail", args=[obj.pk]), _("open the application")
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        # The whole table's counts by status would read every row again (the count above it is an
        # estimate then): they are shown once a filter or search narrows the list.
        if changelist is not None and not getattr(changelist.paginator, "is_estimate", False):
            counts = status_counts(changelist.queryset)
            response.context_data["status_summary"] = [
                {"status": value, "label": label, "count": counts[value]}
                for value, label in Application.Status.choices
                if counts.get(value)
            ]
            response.context_data["status_total"] = sum(counts.values())
        return response


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
    list_display = ["application", "revision", "created_at", "sha256"]
    search_fields = ["application__number"]
    list_select_related = ["application__applicant"]


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
