"""Django admin of applications, for city staff: batches are kept here; applications, nominations,
the transition log and the snapshots are shown read-only (every move goes through the portal's pages
and the transition function, so that each is checked and logged)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Achievement,
    Application,
    Batch,
    CorrectionRequest,
    Evidence,
    InternalNotice,
    Nomination,
    NominationEntry,
    Submission,
    Transition,
)
from zaozhuang_titles.admin import PortalModelAdmin


class ReadOnlyAdmin(PortalModelAdmin):
    """A record of the work: listed and opened, never added or changed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
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


class AchievementInline(ReadOnlyInline):
    model = Achievement
    fields = ["kind", "title", "occurred_on", "patent_number", "patent_type", "inventor_rank", "level", "role"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at", "removed_at"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ["at", "action", "from_status", "to_status", "actor", "actor_role", "reason", "ip"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "applicant_name", "enterprise", "division", "batch", "status", "status_changed_at"]
    list_filter = ["status", "batch", "enterprise__division"]
    search_fields = ["number", "applicant__real_name", "enterprise__name", "specialty"]
    list_select_related = ["applicant", "enterprise__division", "batch"]
    fields = ["number", "batch", "applicant", "enterprise", "specialty", "summary", "status", "revision"]
    readonly_fields = fields
    inlines = [AchievementInline, EvidenceInline, TransitionInline]
    date_hierarchy = "status_changed_at"

    @admin.display(description=_("applicant"), ordering="applicant__real_name")
    def applicant_name(self, obj):
        return obj.applicant.real_name

    @admin.display(description=_("division"), ordering="enterprise__division__code")
    def division(self, obj):
        return obj.enterprise.division


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "application", "action", "from_status", "to_status", "actor", "actor_role", "ip"]
    list_filter = ["action", "to_status", "actor_role"]
    search_fields = ["application__number", "actor__username", "actor__real_name"]
    list_select_related = ["application__applicant", "actor"]
    date_hierarchy = "at"


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


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "returned_from", "deadline", "answered_at"]
    list_filter = ["returned_from"]
    search_fields = ["application__number"]
    list_select_related = ["application__applicant"]
