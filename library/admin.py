"""Django admin of the library: city staff read the documents with their versions, HR staff the 一企一策
packages of their scope (city staff every one, district staff their division's: ``rules.PACKAGE_STAFF``).

Read only: documents are published and versioned on ``/library/manage/`` (files checked, text extracted,
holders told of a new version) and packages built, sent and acknowledged on the portal's pages, all
through ``library.services``; each admin page links there.
"""

from django.contrib import admin
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enterprises.admin import ScopedDivisionFilter
from library.models import Document, DocumentVersion, Package, PackageEvent, PackageItem
from library.rules import PACKAGE_STAFF
from zaozhuang_titles.admin import ReadOnlyAdmin, ReadOnlyInline
from zaozhuang_titles.db import subquery_count
from zaozhuang_titles.scopes import visible


class DocumentVersionInline(ReadOnlyInline):
    model = DocumentVersion
    fields = ["number", "label", "effective_from", "effective_until", "original_name", "link", "published_by"]
    readonly_fields = fields
    ordering = ["-number"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "visibility", "current_version_label", "created_at", "page_link"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "summary"]
    list_select_related = ["current_version"]
    fields = ["title", "kind", "summary", "visibility", "series", "levels", "channels", "created_by", "page_link"]
    readonly_fields = fields
    inlines = [DocumentVersionInline]

    @admin.display(description=_("current version"), ordering="current_version__number")
    def current_version_label(self, document):
        # Not the version's own str(), which names its document again (a query per row).
        version = document.current_version
        return f"v{version.number} {version.label}".strip() if version else "—"

    @admin.display(description=_("on the portal"))
    def page_link(self, document):
        return format_html(
            '<a href="{}">{}</a>', reverse("library:document_edit", args=[document.pk]), _("open its page")
        )


class PackageItemInline(ReadOnlyInline):
    model = PackageItem
    fields = ["document", "document_version", "proposed", "reason"]
    readonly_fields = fields


class PackageEventInline(ReadOnlyInline):
    model = PackageEvent
    fields = ["at", "action", "actor"]
    readonly_fields = fields


class AcknowledgedFilter(admin.SimpleListFilter):
    title = _("acknowledged")
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(status=Package.Status.SENT, acknowledged_at__isnull=True)
        return queryset


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    """一企一策 packages: every version, sent or being prepared, with who built it and whether the
    enterprise acknowledged it."""

    list_display = [
        "enterprise",
        "division",
        "version",
        "status",
        "commissioner",
        "item_count",
        "sent_at",
        "acknowledged_at",
        "page_link",
    ]
    list_filter = ["status", AcknowledgedFilter, ("enterprise__division", ScopedDivisionFilter)]
    search_fields = ["enterprise__name", "enterprise__credit_code", "commissioner__user__real_name"]
    list_select_related = ["enterprise__division", "commissioner__user"]
    fields = [
        "enterprise",
        "version",
        "status",
        "commissioner",
        "note",
        "created_at",
        "sent_at",
        "acknowledged_at",
        "acknowledged_by",
        "page_link",
    ]
    readonly_fields = fields
    inlines = [PackageItemInline, PackageEventInline]

    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user, PACKAGE_STAFF).annotate(
            item_total=subquery_count(PackageItem.objects.filter(package=OuterRef("pk")), key="package")
        )

    @admin.display(description=_("division"), ordering="enterprise__division")
    def division(self, package):
        return package.enterprise.division

    @admin.display(description=_("documents"), ordering="item_total")
    def item_count(self, package):
        return package.item_total

    @admin.display(description=_("on the portal"))
    def page_link(self, package):
        return format_html('<a href="{}">{}</a>', reverse("library:package", args=[package.pk]), _("open its page"))
