"""Django admin of continuing-education hours: HR staff read the entries of their scope (city staff
everyone's, district staff those of the people working in their division: ``rules.STAFF_SCOPES``), city
staff the platform's imports.

Read only: an entry is recognised or refused on the portal's page (``training:entry_detail``) and
imported on ``training:import``, through ``training.services`` (the reason, the decision log, the
row-level checks); each admin page links there. No ID number is shown.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from training.models import TrainingDecision, TrainingEntry, TrainingImport
from training.rules import STAFF_SCOPES
from zaozhuang_titles.admin import ReadOnlyAdmin, ReadOnlyInline
from zaozhuang_titles.scopes import visible


class TrainingDecisionInline(ReadOnlyInline):
    model = TrainingDecision
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


@admin.register(TrainingEntry)
class TrainingEntryAdmin(ReadOnlyAdmin):
    list_display = ["person_name", "year", "category", "hours", "source", "status", "decided_by", "decided_at"]
    list_filter = ["status", "category", "source", "year"]
    search_fields = ["person__real_name", "person__username", "course", "provider", "platform_record"]
    list_select_related = ["person", "decided_by"]
    fields = [
        "person_name",
        "year",
        "category",
        "hours",
        "course",
        "provider",
        "source",
        "training_import",
        "platform_record",
        "certificate_name",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
        "page_link",
    ]
    readonly_fields = fields
    inlines = [TrainingDecisionInline]

    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user, STAFF_SCOPES)

    @admin.display(description=_("person"), ordering="person__real_name")
    def person_name(self, entry):
        # The name, never the ID number (the user's own __str__ may carry the username only).
        return entry.person.real_name or entry.person.username

    @admin.display(description=_("on the portal"))
    def page_link(self, entry):
        return format_html('<a href="{}">{}</a>', reverse("training:entry_detail", args=[entry.pk]), _("open its page"))


@admin.register(TrainingImport)
class TrainingImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "imported_by", "imported_at", "row_count", "page_link"]
    list_filter = [("imported_at", admin.DateFieldListFilter)]
    search_fields = ["file_name"]
    list_select_related = ["imported_by"]
    fields = ["file_name", "imported_by", "imported_at", "row_count", "page_link"]
    readonly_fields = fields

    @admin.display(description=_("on the portal"))
    def page_link(self, training_import):
        query = urlencode({"batch": training_import.pk, "status": ""})
        return format_html('<a href="{}?{}">{}</a>', reverse("training:staff_entries"), query, _("its entries"))
