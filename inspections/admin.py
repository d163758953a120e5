"""Django admin of inspections: city staff keep the relations inspectors declare to enterprises (回避).
Plans, draws and findings are made on the staff pages, through the services."""

from django.contrib import admin

from inspections.models import InspectorDeclaration
from zaozhuang_titles.admin import PortalModelAdmin


@admin.register(InspectorDeclaration)
class InspectorDeclarationAdmin(PortalModelAdmin):
    list_display = ["user", "enterprise", "reason", "declared_at"]
    list_select_related = ["user", "enterprise"]
    search_fields = ["user__real_name", "enterprise__name", "reason"]
    raw_id_fields = ["user", "enterprise"]
    fields = ["user", "enterprise", "reason", "declared_at"]

    def has_delete_permission(self, request, obj=None):
        return False
