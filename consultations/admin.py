"""Django admin of consultations, for city staff: questions, problems, progress notes, FAQ entries and the
log are records of the work, shown read-only with filters (they are written on the portal's pages,
through the services, which log every step). The attachment is opened from the question's page, where
the opening is audited; its stored name is never shown."""

from django.contrib import admin

from consultations.models import Consultation, ConsultationEvent, FaqEntry, Problem, ProblemNote
from zaozhuang_titles.admin import CleanTextInlineMixin, PortalModelAdmin


class ReadOnlyAdmin(PortalModelAdmin):
    """A record of the work: listed and opened, never added or changed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProblemNoteInline(CleanTextInlineMixin, admin.TabularInline):
    model = ProblemNote
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("consultations.view_problemnote")


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "status", "asker", "enterprise", "created_at", "answered_by", "answered_at"]
    list_filter = [
        "status",
        "category",
        "asked_as",
        ("enterprise__division", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "body", "enterprise__name", "asker__real_name"]
    list_select_related = ["asker", "enterprise", "answered_by"]
    exclude = ["attachment_storage_name"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "status", "owner", "enterprise", "due_on", "solved_at"]
    list_filter = [
        "status",
        "category",
        ("owner", admin.RelatedOnlyFieldListFilter),
        ("enterprise__division", admin.RelatedOnlyFieldListFilter),
        ("due_on", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "description", "enterprise__name"]
    list_select_related = ["owner", "enterprise"]
    inlines = [ProblemNoteInline]


@admin.register(FaqEntry)
class FaqEntryAdmin(ReadOnlyAdmin):
    list_display = ["question", "category", "status", "published_by", "published_at", "updated_at"]
    list_filter = ["status", "category", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["question", "answer"]
    list_select_related = ["published_by"]
    exclude = ["search_text"]


@admin.register(ConsultationEvent)
class ConsultationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "consultation", "problem", "faq_entry", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["detail", "consultation__title", "problem__title"]
    list_select_related = ["actor", "consultation", "problem", "faq_entry"]
