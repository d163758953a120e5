"""Django admin of questionnaires: city staff read the versions, the dispatches, the responses and the log.

Read only: a questionnaire's questions, a dispatch and an answer are made on the portal's pages through
``surveys.services`` (the version lock, the selection, the deadline, the contact who saved), so each
admin page links to the portal's page where the work is done. District staff and commissioners read the
results of their enterprises on the portal (``surveys:shared_results``), not here.
"""

from django.contrib import admin
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from enterprises.admin import ScopedDivisionFilter
from surveys.models import Dispatch, FollowUp, Question, Questionnaire, Recipient, Response, SurveyEvent
from zaozhuang_titles.admin import ReadOnlyAdmin, ReadOnlyInline
from zaozhuang_titles.db import subquery_count


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["position", "kind", "text", "required", "show_if"]
    readonly_fields = fields
    ordering = ["position", "id"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "created_by", "created_at", "question_count", "dispatch_count", "page_link"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["created_by"]
    fields = ["title", "introduction", "version", "previous", "created_by", "created_at", "page_link"]
    readonly_fields = fields
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_total=subquery_count(
                    Question.objects.filter(questionnaire=OuterRef("pk")), key="questionnaire"
                ),
                dispatch_total=subquery_count(
                    Dispatch.objects.filter(questionnaire=OuterRef("pk")), key="questionnaire"
                ),
            )
        )

    @admin.display(description=_("questions"), ordering="question_total")
    def question_count(self, questionnaire):
        return questionnaire.question_total

    @admin.display(description=_("times sent"), ordering="dispatch_total")
    def dispatch_count(self, questionnaire):
        return questionnaire.dispatch_total

    @admin.display(description=_("on the portal"))
    def page_link(self, questionnaire):
        return format_html(
            '<a href="{}">{}</a>', reverse("surveys:questionnaire", args=[questionnaire.pk]), _("open its page")
        )


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = [
        "questionnaire",
        "sent_at",
        "deadline",
        "sent_by",
        "recipient_count",
        "submitted_count",
        "page_link",
    ]
    list_filter = [("deadline", admin.DateFieldListFilter), ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["questionnaire__title", "note"]
    list_select_related = ["questionnaire", "sent_by"]
    fields = ["questionnaire", "note", "deadline", "criteria", "sent_by", "sent_at", "page_link"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                recipient_total=subquery_count(Recipient.objects.filter(dispatch=OuterRef("pk")), key="dispatch"),
                submitted_total=subquery_count(
                    Response.objects.filter(recipient__dispatch=OuterRef("pk"), status=Response.Status.SUBMITTED),
                    key="recipient__dispatch",
                ),
            )
        )

    @admin.display(description=_("enterprises"), ordering="recipient_total")
    def recipient_count(self, dispatch):
        return dispatch.recipient_total

    @admin.display(description=_("submitted"), ordering="submitted_total")
    def submitted_count(self, dispatch):
        return dispatch.submitted_total

    @admin.display(description=_("on the portal"))
    def page_link(self, dispatch):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("surveys:dispatch", args=[dispatch.pk]),
            _("open its page"),
            reverse("surveys:results", args=[dispatch.pk]),
            _("results"),
        )


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["question", "service_log", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "division", "questionnaire", "status", "contact", "updated_at", "submitted_at"]
    list_filter = [
        "status",
        ("recipient__enterprise__division", ScopedDivisionFilter),
        ("submitted_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "recipient__enterprise__name",
        "recipient__enterprise__credit_code",
        "recipient__dispatch__questionnaire__title",
    ]
    list_select_related = ["recipient__enterprise__division", "recipient__dispatch__questionnaire", "contact"]
    fields = ["recipient", "status", "contact", "created_at", "updated_at", "submitted_at", "page_link"]
    readonly_fields = fields
    inlines = [FollowUpInline]

    @admin.display(description=_("enterprise"), ordering="recipient__enterprise__name")
    def enterprise(self, response):
        return response.recipient.enterprise

    @admin.display(description=_("division"), ordering="recipient__enterprise__division")
    def division(self, response):
        return response.recipient.enterprise.division

    @admin.display(description=_("questionnaire"), ordering="recipient__dispatch__questionnaire__title")
    def questionnaire(self, response):
        return response.recipient.dispatch.questionnaire

    @admin.display(description=_("on the portal"))
    def page_link(self, response):
        return format_html('<a href="{}">{}</a>', reverse("surveys:response", args=[response.pk]), _("open its page"))


@admin.register(SurveyEvent)
class SurveyEventAdmin(ReadOnlyAdmin):
    """The log of questionnaires (操作记录): who did what, when."""

    list_display = ["at", "action", "actor", "questionnaire", "dispatch", "recipient_enterprise", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor__real_name", "actor__username", "questionnaire__title", "recipient__enterprise__name"]
    list_select_related = ["actor", "questionnaire", "dispatch__questionnaire", "recipient__enterprise"]
    fields = ["at", "action", "actor", "questionnaire", "dispatch", "recipient", "detail"]
    readonly_fields = fields

    @admin.display(description=_("enterprise"), ordering="recipient__enterprise__name")
    def recipient_enterprise(self, event):
        return event.recipient.enterprise if event.recipient_id else "—"
