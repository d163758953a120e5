"""Django admin of reviews for city staff: the expert pool with declared relations, specialties, the
committee with its size rules, review settings and the rubric; meetings (read mostly: they are
created and drawn on the staff pages), and the draw's records read only. Nothing is deleted."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsTabularInline
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    Case,
    Committee,
    Criterion,
    DrawExclusion,
    Expert,
    ExpertRelation,
    Meeting,
    PanelMember,
    ReviewSettings,
    Specialty,
)
from reviews.selectors.pool import committee_problems
from reviews.services.draw import meeting_update
from reviews.services.pool import EXPERT_FIELDS, committee_create, committee_update, expert_create, expert_update
from reviews.services.scoring import rubric_check_editable, rubric_locked
from zaozhuang_titles.admin import CleanTextInlineMixin, ExportAdminMixin, PortalModelAdmin
from zaozhuang_titles.forms import CleanTextMixin


class PortalHistoryAdmin(SimpleHistoryAdmin, PortalModelAdmin):
    """Portal admin with the change history of each object."""


class ReadOnlyAdmin(PortalModelAdmin):
    """Records the portal writes itself (the draw): listed and opened, never added or changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ExpertRelationInline(CleanTextInlineMixin, ObjectPermissionsTabularInline):
    model = ExpertRelation
    extra = 0
    fields = ["applicant", "enterprise", "reason", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["applicant", "enterprise"]

    def has_delete_permission(self, request, obj=None):
        return False


class TermFilter(admin.SimpleListFilter):
    title = _("term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("running", _("Running today")), ("ended", _("Ended")), ("future", _("Not started yet"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "running":
            return queryset.filter(term_starts__lte=today, term_ends__gte=today)
        if self.value() == "ended":
            return queryset.filter(term_ends__lt=today)
        if self.value() == "future":
            return queryset.filter(term_starts__gt=today)
        return queryset


@admin.register(Expert)
class ExpertAdmin(ExportAdminMixin, PortalHistoryAdmin):
    export_kind = "experts"
    inlines = [ExpertRelationInline]
    list_display = ["__str__", "title_name", "employer_name", "specialty_list", "term_starts", "term_ends", "is_active"]
    list_filter = ["is_active", TermFilter, "specialties", "title_level"]
    list_select_related = ["user"]
    search_fields = ["user__real_name", "user__username", "user__mobile", "employer_name", "employer_credit_code"]
    raw_id_fields = ["user", "employer"]
    filter_horizontal = ["specialties"]
    fieldsets = (
        (None, {"fields": ("user", "title_series", "title_level", "title_name", "specialties")}),
        (_("Employer"), {"fields": ("employer_name", "employer", "employer_credit_code")}),
        (_("Term (at most 3 years, 人社部令第40号)"), {"fields": ("term_starts", "term_ends", "is_active")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("specialties")

    def get_readonly_fields(self, request, obj=None):
        # An expert's scores, votes and assignments are its account's: the account is fixed once added.
        return [*super().get_readonly_fields(request, obj), "user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Adds and changes go through the pool's services, as the staff pages and the import do: the
        account gets the expert role, the employer is linked to the registry by its credit code."""
        fields = {name: form.cleaned_data[name] for name in EXPERT_FIELDS if name in form.cleaned_data}
        specialties = list(form.cleaned_data["specialties"])
        if change:
            expert_update(expert=obj, actor=request.user, specialties=specialties, **fields)
            return
        expert = expert_create(actor=request.user, user=form.cleaned_data["user"], specialties=specialties, **fields)
        # The admin goes on with the form's instance (its inline relations, the redirect): make it the
        # expert the service saved.
        obj.pk = expert.pk
        obj._state.adding = False
        obj._state.db = expert._state.db

    @admin.display(description=_("specialties"))
    def specialty_list(self, obj):
        return "、".join(specialty.name for specialty in obj.specialties.all())


@admin.register(Specialty)
class SpecialtyAdmin(PortalModelAdmin):
    list_display = ["name", "expert_count"]
    search_fields = ["name"]
    list_select_related = []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_expert_count=Count("experts", distinct=True))

    @admin.display(description=_("experts"), ordering="_expert_count")
    def expert_count(self, obj):
        return obj._expert_count


@admin.register(Committee)
class CommitteeAdmin(PortalHistoryAdmin):
    list_display = ["name", "batch", "kind", "member_count", "size_rules"]
    list_select_related = ["batch"]
    autocomplete_fields = ["members"]
    fields = ["batch", "name", "kind", "members", "size_rule_check", "size_override_reason"]
    readonly_fields = ["size_rule_check"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_member_count=Count("members", distinct=True))
            .prefetch_related(Prefetch("members", queryset=Expert.objects.select_related("user")))
        )

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count

    @admin.display(description=_("size rules (人社部令第40号)"))
    def size_rules(self, obj):
        problems = committee_problems(obj)
        if not problems:
            return gettext("Met")
        if obj.size_override_reason:
            return gettext("Not met; proceeding for a recorded reason")
        return gettext("Not met")

    @admin.display(description=_("size rules (人社部令第40号)"))
    def size_rule_check(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Checked once the committee is saved.")
        problems = committee_problems(obj)
        if not problems:
            return gettext("An odd number of members, enough of them, and terms of at most 3 years: the rules are met.")
        return format_html_join("", "<p>{}</p>", ((problem,) for problem in problems))

    def get_readonly_fields(self, request, obj=None):
        # A committee belongs to its batch: the batch's meetings draw their panels from it.
        return [*super().get_readonly_fields(request, obj), "batch"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Adds and changes go through ``committee_create`` / ``committee_update``, members included."""
        fields = {name: form.cleaned_data[name] for name in ("name", "kind", "members", "size_override_reason")}
        if change:
            committee = committee_update(committee=obj, actor=request.user, **fields)
        else:
            committee = committee_create(actor=request.user, batch=form.cleaned_data["batch"], **fields)
            # The admin goes on with the form's instance (the log entry, the redirect): make it the
            # committee the service saved.
            obj.pk = committee.pk
            obj._state.adding = False
            obj._state.db = committee._state.db
        obj.problems, obj.size_override_reason = committee.problems, committee.size_override_reason

    def save_related(self, request, form, formsets, change):
        # The members were set by the service (``save_model``); only the inlines, if any, are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        committee = form.instance
        problems = committee.problems
        if problems and not committee.size_override_reason:
            for problem in problems:
                messages.warning(request, problem)
            messages.warning(
                request,
                gettext("Meetings cannot be planned for this committee until the reason to proceed is recorded."),
            )


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(PortalHistoryAdmin):
    list_display = ["batch", "quorum_numerator", "quorum_denominator", "reminder_days"]
    list_select_related = ["batch"]


class CriterionForm(CleanTextMixin, forms.ModelForm):
    """A criterion added or changed in admin: refused once its batch's rubric is fixed (``rubric_locked``,
    the rule the scoring service states), whichever batch the form names."""

    class Meta:
        model = Criterion
        fields = ["batch", "name", "description", "max_points", "position"]

    def clean(self):
        cleaned = super().clean()
        batches = {cleaned.get("batch"), self.instance.batch if self.instance.batch_id else None} - {None}
        for batch in batches:
            rubric_check_editable(batch)
        return cleaned


@admin.register(Criterion)
class CriterionAdmin(PortalModelAdmin):
    form = CriterionForm
    list_display = ["name", "batch", "max_points", "position"]
    list_filter = ["batch"]
    list_select_related = ["batch"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and rubric_locked(obj.batch):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and rubric_locked(obj.batch):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # The delete page and the bulk action both ask this: a criterion of a fixed rubric blocks them.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(rubric_locked(batch) for batch in {criterion.batch for criterion in objs}):
            perms_needed = {*perms_needed, gettext("criteria of a rubric fixed since scoring started")}
        return to_delete, model_count, perms_needed, protected


@admin.register(Meeting)
class MeetingAdmin(PortalModelAdmin):
    """Meetings are planned and drawn on the staff pages; here staff correct the name and deadline."""

    list_display = ["name", "batch", "specialty", "held_on", "status", "panel_size", "substitutes", "seed_sha256"]
    list_filter = ["status", "specialty", "batch"]
    list_select_related = ["batch", "specialty"]
    search_fields = ["name"]
    fields = [
        "name",
        "scoring_deadline",
        "batch",
        "specialty",
        "held_on",
        "panel_size",
        "substitutes",
        "status",
        "seed_sha256",
        "revealed_seed",
        "drawn_at",
        "drawn_by",
        "voting_closed_at",
        "closed_by",
        "record_sha256",
    ]
    readonly_fields = [field for field in fields if field not in ("name", "scoring_deadline")]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """The name and the deadline go through ``meeting_update``, which checks the deadline as the
        staff page that plans the meeting does."""
        meeting_update(
            meeting=obj,
            actor=request.user,
            name=form.cleaned_data["name"],
            scoring_deadline=form.cleaned_data["scoring_deadline"],
        )

    @admin.display(description=_("seed"))
    def revealed_seed(self, obj):
        # The seed stays secret until the draw; only its SHA-256 is shown before.
        return obj.seed if obj.drawn_at else gettext("Revealed after the draw")


@admin.register(PanelMember)
class PanelMemberAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "order", "expert", "kind", "replaced", "withdrawn_reason"]
    list_filter = ["kind", "meeting"]
    list_select_related = ["meeting", "expert__user", "replaced__expert__user"]
    search_fields = ["expert__user__real_name", "meeting__name"]


@admin.register(DrawExclusion)
class DrawExclusionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "expert", "reason", "detail"]
    list_filter = ["reason", "meeting"]
    list_select_related = ["meeting", "expert__user"]
    search_fields = ["expert__user__real_name", "meeting__name"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "position", "application", "result", "yes", "no", "abstain", "present"]
    list_filter = ["result", "meeting"]
    list_select_related = ["meeting", "application__applicant"]
    search_fields = ["application__number", "application__applicant__real_name"]
