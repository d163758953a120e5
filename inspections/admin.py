"""Django admin of inspections: city staff keep the relations inspectors declare to enterprises (回避),
and read the plans with their log and the inspections with their outcome.

Plans, draws, findings and rectifications are made on the staff pages through ``inspections.services``
(the seed's hash before the draw, no redraw, the working-day deadlines): their admin is read only and
links there."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enterprises.admin import ScopedDivisionFilter
from inspections.models import Inspection, InspectionPlan, InspectorDeclaration, PlanEvent
from zaozhuang_titles.admin import PortalModelAdmin, ReadOnlyAdmin, ReadOnlyInline


@admin.register(InspectorDeclaration)
class InspectorDeclarationAdmin(PortalModelAdmin):
    list_display = ["user", "enterprise", "reason", "declared_at"]
    list_select_related = ["user", "enterprise"]
    search_fields = ["user__real_name", "enterprise__name", "reason"]
    raw_id_fields = ["user", "enterprise"]
    fields = ["user", "enterprise", "reason", "declared_at"]

    def has_delete_permission(self, request, obj=None):
        return False


class PlanEventInline(ReadOnlyInline):
    model = PlanEvent
    fields = ["at", "action", "actor", "inspection", "reason"]
    readonly_fields = fields


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "status", "sample_size", "team_size", "created_by", "created_at", "drawn_at", "page_link"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["name", "subject"]
    list_select_related = ["created_by"]
    fields = [
        "name",
        "subject",
        "status",
        "sample_ratio",
        "sample_count",
        "sample_size",
        "team_size",
        "rectification_days",
        "seed_sha256",
        "created_by",
        "created_at",
        "announced_at",
        "drawn_at",
        "drawn_by",
        "published_at",
        "page_link",
    ]
    readonly_fields = fields
    inlines = [PlanEventInline]

    @admin.display(description=_("on the portal"))
    def page_link(self, plan):
        return format_html('<a href="{}">{}</a>', reverse("inspections:plan", args=[plan.pk]), _("open its page"))


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "division", "plan", "position", "outcome", "concluded_at", "page_link"]
    list_filter = ["outcome", ("enterprise__division", ScopedDivisionFilter), "plan"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "plan__name"]
    list_select_related = ["enterprise__division", "plan"]
    fields = ["plan", "enterprise", "position", "outcome", "summary", "concluded_at", "concluded_by", "page_link"]
    readonly_fields = fields

    @admin.display(description=_("division"), ordering="enterprise__division")
    def division(self, inspection):
        return inspection.enterprise.division

    @admin.display(description=_("on the portal"))
    def page_link(self, inspection):
        return format_html(
            '<a href="{}">{}</a>', reverse("inspections:inspection", args=[inspection.pk]), _("open its page")
        )
