"""Django admin of the results, for city staff: publicity notices, objections, filings and
certificates are records of the work, shown read-only (they are made and settled on the portal's staff
pages, through the services, which log every decision)."""

from django.contrib import admin

from applications.admin import ReadOnlyAdmin, ReadOnlyInline
from results.models import Certificate, Filing, FilingEntry, Objection, Publicity, PublicityEntry


class PublicityEntryInline(ReadOnlyInline):
    model = PublicityEntry
    fields = ["position", "name", "enterprise_name", "specialty", "title_granted", "cleared_at"]
    readonly_fields = fields


@admin.register(Publicity)
class PublicityAdmin(ReadOnlyAdmin):
    """Publicity notices (公示): published and closed on the portal's staff pages, shown here as records."""

    list_display = ["title", "batch", "starts_on", "ends_on", "provisional", "published_by", "closed_at"]
    list_filter = ["batch", "provisional", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["batch", "published_by"]
    inlines = [PublicityEntryInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    """Objections (异议): settled on the portal's staff pages, which log every decision."""

    list_display = ["reference", "entry", "name", "status", "received_at", "deadline", "decided_at"]
    # The statistics page links its counts of objections here, by batch and division.
    list_filter = ["status", "outcome", "entry__application__batch", "entry__application__enterprise__division"]
    search_fields = ["reference", "name", "entry__name"]
    list_select_related = ["entry__publicity"]
    exclude = ["mobile", "ip"]


class FilingEntryInline(ReadOnlyInline):
    model = FilingEntry
    fields = ["application"]
    readonly_fields = fields


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ["batch", "number", "filed_on", "row_count", "created_by", "created_at"]
    list_filter = ["batch"]
    search_fields = ["number"]
    list_select_related = ["batch", "created_by"]
    inlines = [FilingEntryInline]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder_name", "title_name", "granted_on", "issued_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "level"]
    search_fields = ["number", "holder_name"]
    list_select_related = []
    exclude = ["token"]
