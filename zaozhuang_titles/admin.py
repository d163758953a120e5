"""Django admin for city staff: people, roles, divisions, the holiday calendar, the audit log, the
text messages of the development SMS backend and the background tasks that failed for good."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin, ObjectPermissionsTabularInline

from zaozhuang_titles import workdays
from zaozhuang_titles.audit import audit_denial
from zaozhuang_titles.exports import ExportRefused, Source, describe, register_source
from zaozhuang_titles.failed_tasks import failed_task_retry
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.models import (
    AuditEvent,
    CalendarDay,
    Division,
    FailedTask,
    IdentifierIssue,
    Notice,
    RoleAssignment,
    SmsMessage,
    Town,
    User,
)
from zaozhuang_titles.notices import notice_email_retry
from zaozhuang_titles.otp import sms_purpose_label
from zaozhuang_titles.services import role_assignment_change, role_grant, role_grant_allowed


def with_clean_text(form_class):
    """``form_class`` with ``CleanTextMixin`` first among its bases (itself when it has it already)."""
    if issubclass(form_class, CleanTextMixin):
        return form_class
    return type(form_class.__name__, (CleanTextMixin, form_class), {"__module__": form_class.__module__})


class CleanTextAdminMixin:
    """The admin's forms (change form, list-editable form) refuse control characters and text
    direction controls like every form of the portal's pages."""

    def get_form(self, request, *args, **kwargs):
        return with_clean_text(super().get_form(request, *args, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return with_clean_text(super().get_changelist_form(request, **kwargs))


class CleanTextInlineMixin:
    """The same for an inline's forms."""

    def get_formset(self, request, *args, **kwargs):
        formset = super().get_formset(request, *args, **kwargs)
        formset.form = with_clean_text(formset.form)
        return formset


class EstimatedCountPaginator(Paginator):
    """The admin's paginator at province scale: the whole table's row count is PostgreSQL's estimate
    (``pg_class.reltuples``, kept by autovacuum and ANALYZE) instead of a ``COUNT(*)`` that reads every
    row, when the list shows the whole table (no filter, no search, no scoping ``WHERE``) and the estimate
    is at least ``settings.ADMIN_ESTIMATED_COUNT_ABOVE``. Anything narrower, a smaller table, a table
    never analysed (``reltuples`` -1) and SQLite are counted exactly. ``is_estimate`` says which, so the
    page can say "about". The pages listed stop at ``settings.ADMIN_MAX_PAGES`` (``is_capped``)."""

    is_estimate = False

    @cached_property
    def num_pages(self):
        """At most ``settings.ADMIN_MAX_PAGES`` pages: page 1,000 of a whole table is an ``OFFSET`` that
        reads and drops 100,000 rows, and nobody reads a list that far; the page says to filter."""
        pages = super().num_pages
        limit = settings.ADMIN_MAX_PAGES
        return min(pages, limit) if limit > 0 else pages

    @property
    def is_capped(self):
        return settings.ADMIN_MAX_PAGES > 0 and self.count > self.num_pages * self.per_page

    def validate_number(self, number):
        # A page past the last one listed (an old link, a guessed ``?p=``) shows the last one, not an error.
        try:
            return super().validate_number(number)
        except EmptyPage:
            return 1 if int(number) < 1 else self.num_pages

    @cached_property
    def count(self):
        estimate = self._estimate()
        if estimate is None:
            return super().count
        self.is_estimate = True
        return estimate

    def _estimate(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct or query.combinator or query.is_sliced:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        if row is None or row[0] < max(settings.ADMIN_ESTIMATED_COUNT_ABOVE, 0):
            return None
        return row[0]


#: Query parameters of a changelist that are not filters.
NOT_FILTERS = {ALL_VAR, ERROR_FLAG, IS_FACETS_VAR, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR, TO_FIELD_VAR}
#: The lookups a filter of the changelist may name after a field's path.
FILTER_LOOKUPS = {"exact", "iexact", "in", "isnull", "gt", "gte", "lt", "lte", "id"}
TRUE_FALSE = {"0", "1", "true", "false", "True", "False"}


def _value_fits(field, lookup, value):
    if lookup == "isnull":
        return value in TRUE_FALSE
    for part in value.split(",") if lookup == "in" else [value]:
        try:
            part = field.to_python(part)
        except ValidationError:
            return False
        if field.choices and part not in {key for key, _label in field.flatchoices}:
            return False
    return True


def bad_filter_params(model_admin, query):
    """{parameter: label} of the filters in ``query`` (a QueryDict) that the changelist cannot apply: a
    field the model does not have, a value its field refuses (a number that is no number, a status that
    does not exist). Django would answer those with its ``?e=1`` page in English; the portal ignores them
    and says so. A custom filter's own parameter is left to the filter, which ignores a value it does
    not offer."""
    own = {getattr(spec, "parameter_name", None) for spec in model_admin.list_filter if isinstance(spec, type)} - {None}
    bad = {}
    for key, values in query.lists():
        if key in NOT_FILTERS or key in own or key.startswith("_"):
            continue
        parts = key.split("__")
        lookup = parts.pop() if len(parts) > 1 and parts[-1] in FILTER_LOOKUPS else "exact"
        try:
            fields = get_fields_from_path(model_admin.model, "__".join(parts))
        except (FieldDoesNotExist, NotRelationField):
            bad[key] = key
            continue
        field = fields[-1]
        if field.is_relation:
            field = field.target_field
        if not all(_value_fits(field, lookup, value) for value in values):
            bad[key] = str(getattr(fields[0], "verbose_name", key))
    return bad


class PortalModelAdmin(CleanTextAdminMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    """Admin base of the portal: permissions come from django-rules, nothing is ever deleted, and saves
    go through the services.

    At scale (issue 13) a changelist costs what it shows: no second ``COUNT(*)`` of the whole table
    (``show_full_result_count``), the unfiltered list's count estimated (``EstimatedCountPaginator``),
    every admin names its ``list_select_related`` after its ``list_display``, and no ``date_hierarchy``
    on a growing table (its ``SELECT DISTINCT date_trunc(...)`` reads every row of the selection
    whatever the index); a date filter (``DateFieldListFilter``) takes its place, costing nothing
    until chosen.

    A service refuses with a ``ValidationError`` while the admin saves (``save_model``,
    ``save_related``). ``changeform_view`` runs in a transaction, so the refused save leaves nothing
    behind; the form is then shown again with what was posted and the service's message on it, as a
    form error, rather than a server error."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_delete_permission(self, request, obj=None):
        return False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django sends a missing object to the index with "perhaps it was deleted": an object outside
        # the reader's scope (``get_queryset``) is a 404 like on the portal's pages, no hint, and logged.
        audit_denial(request, status=404)
        raise Http404

    def changelist_view(self, request, extra_context=None):
        bad = bad_filter_params(self, request.GET)
        if bad:
            query = request.GET.copy()
            for key in bad:
                query.pop(key)
            request.GET = query
            messages.warning(
                request,
                gettext("The list cannot filter by “%(filters)s” with the value given; that filter was ignored.")
                % {"filters": "、".join(dict.fromkeys(bad.values()))},
            )
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or getattr(request, "service_refusal", None) is not None:
                raise
            request.service_refusal = refusal
            # The same POST once more: the form (built by get_form) now carries the refusal, is invalid,
            # and the page is rendered with the posted values and the message.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                add_refusal(self, refusal)
                return cleaned_data

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm


class ReadOnlyAdmin(PortalModelAdmin):
    """A record of the work: listed and opened, never added or changed by hand. The workflow owns its
    state: changes go through the app's services on the portal's pages (each admin links to them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(CleanTextInlineMixin, admin.TabularInline):
    """Rows of a record shown on its admin page, read only: whoever reads the parent object reads them
    (the parent admin's scoped ``get_queryset`` and object permission have let the reader in)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)


class ExportAdminMixin:
    """导出 Excel on a changelist: the button (``admin/change_list_object_tools.html``) posts to
    ``<changelist>/export/`` with the list's query string, and exports exactly what the changelist
    selects (``ChangeList.get_queryset``: its filters, search and order, scoped as ``get_queryset``
    scopes it for the user) as the rows of ``export_kind`` (``zaozhuang_titles.exports``). The Celery
    task builds the same changelist again for the same user and parameters."""

    export_kind = None

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        register_source(
            Source(
                name=self.export_source, kind=self.export_kind, select=self.export_select, back_url=self.export_back_url
            )
        )

    @property
    def export_source(self):
        return f"admin:{self.opts.label_lower}"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [path("export/", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        if self.has_export_permission(request):
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_export")
            query = request.GET.copy()
            for key in ("e", "p"):
                query.pop(key, None)
            extra_context = {**(extra_context or {}), "export_url": f"{url}?{query.urlencode()}" if query else url}
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        from zaozhuang_titles.views import export_response  # the views module imports this one (admin links)

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_export_permission(request):
            raise PermissionDenied
        return export_response(request, source=self.export_source)

    def export_back_url(self, params):
        query = params.copy()
        for key in ("e", "p"):
            query.pop(key, None)
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return f"{url}?{query.urlencode()}" if query else url

    def export_select(self, user, params):
        """The changelist's queryset for ``user`` with the query ``params``, and its filter in words."""
        request = HttpRequest()
        request.method = "GET"
        request.GET = params
        request.user = user
        request.path = request.path_info = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if not self.has_export_permission(request):
            raise ExportRefused(gettext("You may not see this list, so it cannot be exported."))
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, ValidationError):
            raise ExportRefused(
                gettext(
                    "A filter of the list is not valid (a value that no longer exists?): clear the filters and "
                    "filter again."
                )
            ) from None
        return changelist.get_queryset(request), describe(changelist_filters(changelist))


def changelist_filters(changelist):
    """[(filter title, chosen value)] of the filters in use on ``changelist``, and its search."""
    pairs = []
    for spec in changelist.filter_specs:
        if not getattr(spec, "used_parameters", None):
            continue
        chosen = [str(choice["display"]) for choice in spec.choices(changelist) if choice.get("selected")]
        pairs.append((str(spec.title), "、".join(chosen) or gettext("chosen")))
    if changelist.query:
        pairs.append((gettext("Search"), changelist.query))
    return pairs


def add_refusal(form, refusal):
    """Put a service's ``ValidationError`` on ``form``: on the field it names when the form has that
    field, above the form otherwise."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for field, errors in refusal.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class RoleAssignmentInline(CleanTextInlineMixin, ObjectPermissionsTabularInline):
    """The user's roles; ``UserAdmin.save_formset`` writes them through ``role_grant`` and
    ``role_assignment_change``, and the form refuses what those would."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "division", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]
    autocomplete_fields = []

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("zaozhuang_titles.grant_admin_roles")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        actor = request.user

        class RoleAssignmentForm(formset.form):
            def clean(self):
                cleaned_data = super().clean()
                role = cleaned_data.get("role")
                if role and "role" in self.changed_data and not role_grant_allowed(role=role, granted_by=actor):
                    self.add_error("role", gettext("Only administrators can grant this role."))
                return cleaned_data

        formset.form = RoleAssignmentForm
        return formset


@admin.register(User)
class UserAdmin(CleanTextAdminMixin, ObjectPermissionsModelAdminMixin, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    show_full_result_count = PortalModelAdmin.show_full_result_count
    paginator = PortalModelAdmin.paginator
    list_select_related = []
    list_display = ["username", "real_name", "masked_mobile", "masked_id", "is_active", "last_login"]
    list_filter = ["is_active", "roles__role", "roles__division"]
    search_fields = ["username", "real_name", "mobile", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("real_name", "mobile", "email", "id_number")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "real_name", "mobile", "email", "password1", "password2")},
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("zaozhuang_titles.grant_admin_roles"):
            fields += ["is_staff", "is_superuser"]
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for assignment in formset.deleted_objects:
            assignment.delete()  # administrators only (the inline's has_delete_permission)
        for assignment, _fields in formset.changed_objects:
            role_assignment_change(
                assignment=assignment,
                role=assignment.role,
                division=assignment.division,
                actor=request.user,
                request=request,
            )
        for assignment in formset.new_objects:
            role_grant(
                user=form.instance,
                role=assignment.role,
                division=assignment.division,
                granted_by=request.user,
                request=request,
            )

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def has_delete_permission(self, request, obj=None):
        return False


class TownInline(CleanTextInlineMixin, admin.TabularInline):
    model = Town
    extra = 0


@admin.register(Division)
class DivisionAdmin(PortalModelAdmin):
    list_display = ["code", "name", "has_standard_code", "ordering"]
    list_select_related = []
    inlines = [TownInline]


@admin.register(Town)
class TownAdmin(PortalModelAdmin):
    list_display = ["name", "division"]
    list_filter = ["division"]
    list_select_related = ["division"]
    search_fields = ["name"]


@admin.register(AuditEvent)
class AuditEventAdmin(PortalModelAdmin):
    list_display = ["at", "kind", "count", "username", "ip", "object_repr", "path"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "object_repr", "ip"]
    list_select_related = []  # the username is kept on the event

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SmsPurposeFilter(admin.SimpleListFilter):
    title = _("purpose")
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        purposes = model_admin.get_queryset(request).order_by("purpose").values_list("purpose", flat=True).distinct()
        return [(purpose, sms_purpose_label(purpose)) for purpose in purposes]

    def queryset(self, request, queryset):
        return queryset.filter(purpose=self.value()) if self.value() else queryset


@admin.register(SmsMessage)
class SmsMessageAdmin(PortalModelAdmin):
    """Text messages kept by the development SMS backend (a real gateway keeps none here). The purpose is
    shown by its label, and the backend (a Python path) is left out: staff read what was sent and why."""

    list_display = ["created_at", "mobile", "purpose_name", "text", "status"]
    fields = list_display
    readonly_fields = list_display
    list_filter = ["status", SmsPurposeFilter, ("created_at", admin.DateFieldListFilter)]
    search_fields = ["mobile", "purpose"]
    list_select_related = []

    @admin.display(description=_("purpose"), ordering="purpose")
    def purpose_name(self, message):
        return sms_purpose_label(message.purpose)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(date__year=self.value())
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(PortalModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "note"]
    list_filter = [YearListFilter, "kind"]
    search_fields = ["name", "note"]
    list_select_related = []
    # Kept: at most 366 rows a year, and the unique index on ``date`` serves its ranges.
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "note"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def changelist_view(self, request, extra_context=None):
        # Say which years' deadlines are only provisional, while staff can still do something about it.
        this_year = timezone.localdate().year
        missing = workdays.years_without_schedule(this_year, this_year + 1)
        if missing:
            messages.warning(
                request,
                gettext(
                    "No holiday schedule for %(years)s: working days there count statutory holidays and weekends "
                    "only, and deadlines are shown as provisional. Enter the State Council notice's holidays and "
                    "make-up working days for these years."
                )
                % {"years": ", ".join(str(year) for year in missing)},
            )
        return super().changelist_view(request, extra_context)


# Roles (RoleAssignment) replace Django's groups; an unused Group page would only confuse staff.
admin.site.unregister(Group)


@admin.register(Notice)
class NoticeAdmin(PortalModelAdmin):
    """Notices and the state of their emails; a failed email can be sent again."""

    list_display = ["created_at", "recipient", "subject", "email", "email_attempts", "email_error", "read_at"]
    list_filter = ["email", ("read_at", admin.EmptyFieldListFilter), ("created_at", admin.DateFieldListFilter)]
    search_fields = ["subject", "recipient__username", "recipient__real_name"]
    list_select_related = ["recipient"]
    actions = ["retry_email"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_email_permission(self, request):
        return request.user.has_perm("zaozhuang_titles.retry_notice_email")

    @admin.action(description=_("Send the email again"), permissions=["retry_email"])
    def retry_email(self, request, queryset):
        queued = notice_email_retry(notices=queryset, actor=request.user)
        messages.success(request, gettext("%(count)d emails queued again.") % {"count": queued})


@admin.register(FailedTask)
class FailedTaskAdmin(PortalModelAdmin):
    """Background tasks that failed after their last retry; city staff queue them again by name."""

    list_display = ["failed_at", "task_name", "kwargs", "exception", "retried_at", "retried_by"]
    list_filter = ["task_name", ("retried_at", admin.EmptyFieldListFilter), ("failed_at", admin.DateFieldListFilter)]
    search_fields = ["task_name", "task_id", "exception"]
    list_select_related = ["retried_by"]
    readonly_fields = [
        "task_name",
        "task_id",
        "kwargs",
        "exception",
        "traceback",
        "failed_at",
        "retried_at",
        "retried_by",
        "retry_task_id",
    ]
    fields = readonly_fields
    actions = ["retry"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Queue the selected tasks again"), permissions=["change"])
    def retry(self, request, queryset):
        queued = 0
        for failed_task in queryset.order_by("failed_at", "id"):
            try:
                failed_task_retry(failed_task=failed_task, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except Exception as error:  # the broker is down, or (run in process) the task failed again
                messages.error(
                    request,
                    gettext("%(task)s could not be queued again: %(error)s")
                    % {"task": failed_task.task_name, "error": error},
                )
            else:
                queued += 1
        if queued:
            messages.success(request, gettext("%(count)d tasks queued again.") % {"count": queued})


@admin.register(IdentifierIssue)
class IdentifierIssueAdmin(PortalModelAdmin):
    """Identifiers an older release stored in a non-canonical form (full-width or Arabic-Indic digits,
    spaces, lower case), as the data migration found them: staff open each record and correct it, or
    decide which of two accounts of one person stays. Read-only: nothing here changes a record."""

    list_display = ["model", "object_link", "field", "stored_value", "canonical_value", "same_as", "action"]
    list_filter = ["model", "field", "action"]
    search_fields = ["stored_value", "canonical_value", "object_id", "same_as"]
    list_select_related = []
    readonly_fields = [
        "found_at",
        "model",
        "object_id",
        "field",
        "stored_value",
        "canonical_value",
        "same_as",
        "action",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("record"), ordering="object_id")
    def object_link(self, issue):
        app_label, _dot, model_name = issue.model.partition(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[issue.object_id])
        except NoReverseMatch:
            return issue.object_id
        return format_html('<a href="{}">#{}</a>', url, issue.object_id)
