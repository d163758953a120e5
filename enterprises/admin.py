"""Django admin of the registry for city staff: enterprises with their recognitions and contacts,
commissioners and the service log. Scoped like the portal's lists, with history and no deletes."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsTabularInline
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import Enterprise, EnterpriseContact, Recognition, ServiceCommissioner, ServiceLog
from enterprises.selectors import enterprises_for_staff
from enterprises.services import (
    commissioner_assign,
    commissioner_create,
    commissioner_update,
    enterprise_set_status,
    enterprise_status_reason_validate,
)
from zaozhuang_titles.admin import CleanTextInlineMixin, ExportAdminMixin, PortalModelAdmin
from zaozhuang_titles.audit import audit_denial
from zaozhuang_titles.db import subquery_count
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.models import Division


def divisions_for_staff(user):
    """The divisions whose enterprises ``user`` sees (``enterprises_for_staff``): every division for city
    staff, their own for district staff. What a division filter of an admin list offers."""
    return Division.objects.filter(pk__in=enterprises_for_staff(user).values("division_id")).order_by(
        "ordering", "code"
    )


class ScopedDivisionFilter(admin.RelatedFieldListFilter):
    """A filter on a division (``enterprise__division`` or ``division``) offering only the divisions of
    the reader's scope: district staff see their own division in it, not the city's other six. The
    parameter stays Django's (``enterprise__division__id__exact``)."""

    def field_choices(self, field, request, model_admin):
        return [(division.pk, str(division)) for division in divisions_for_staff(request.user)]

    def has_output(self):
        # Shown with one division too (Django hides a filter of a single choice): district staff see
        # which division the list holds.
        return bool(self.lookup_choices)


class PortalHistoryAdmin(SimpleHistoryAdmin, PortalModelAdmin):
    """Portal admin with the change history (一企一档) of each object.

    simple_history shows the history of an object the list does not hold (one deleted) from its
    records: here an object outside the reader's scope is a 404 first, as its change page is."""

    def _in_scope_or_404(self, request, object_id):
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
            audit_denial(request, status=404)
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class RecognitionInline(CleanTextInlineMixin, ObjectPermissionsTabularInline):
    model = Recognition
    extra = 0
    fields = ["kind", "level", "year_granted", "certificate_number", "expires_on", "policy_version"]

    def has_delete_permission(self, request, obj=None):
        return False


class EnterpriseContactInline(CleanTextInlineMixin, ObjectPermissionsTabularInline):
    model = EnterpriseContact
    extra = 0
    fields = ["name", "mobile", "email", "user", "is_active"]
    raw_id_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return False


class EnterpriseAdminForm(CleanTextMixin, forms.ModelForm):
    """Asks for the reason of a change of status, as the service does, before anything is saved."""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and "status" in self.changed_data:
            enterprise_status_reason_validate(reason=cleaned_data.get("status_reason"))
        return cleaned_data


@admin.register(Enterprise)
class EnterpriseAdmin(ExportAdminMixin, PortalHistoryAdmin):
    export_kind = "enterprises"
    form = EnterpriseAdminForm
    inlines = [RecognitionInline, EnterpriseContactInline]
    list_display = ["name", "credit_code", "division", "town", "is_key", "commissioner", "status", "recognition_count"]
    list_filter = [
        "status",
        "is_key",
        "service_tier",
        ("division", ScopedDivisionFilter),
        "recognitions__kind",
        "recognitions__level",
        ("commissioner", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["division", "town", "commissioner__user"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["chairman", "town"]
    readonly_fields = ["registered_by", "verified_by", "verified_at", "public_token", "created_at"]
    fieldsets = (
        (None, {"fields": ("name", "credit_code", "credit_code_override_reason", "outside_region_accepted")}),
        (_("People"), {"fields": ("legal_representative", "chairman_name", "chairman")}),
        (_("Where"), {"fields": ("address", "division", "town")}),
        (
            _("Service"),
            {"fields": ("industry", "professional_staff_count", "is_key", "service_tier", "commissioner")},
        ),
        (_("Status"), {"fields": ("status", "status_reason", "registered_by", "verified_by", "verified_at")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(pk__in=enterprises_for_staff(request.user).values("pk")).annotate(
            _recognition_count=subquery_count(Recognition.objects.filter(enterprise=OuterRef("pk")), key="enterprise")
        )

    @admin.display(description=_("recognitions"), ordering="_recognition_count")
    def recognition_count(self, obj):
        return obj._recognition_count

    def save_model(self, request, obj, form, change):
        """A change of status goes through ``enterprise_set_status`` (its reason in the archive, the
        verification of a reactivated registration), a change of commissioner through
        ``commissioner_assign`` (city staff only, an active commissioner, the earlier one kept in the
        archive), as on the staff pages; the other fields are saved as they are."""
        status_changed = change and "status" in form.changed_data
        commissioner_changed = change and "commissioner" in form.changed_data
        if not (status_changed or commissioner_changed):
            super().save_model(request, obj, form, change)
            return
        routed = set()
        status, reason, commissioner = obj.status, obj.status_reason, obj.commissioner
        if status_changed:
            routed |= {"status", "status_reason"}
            obj.status, obj.status_reason = form.initial["status"], form.initial["status_reason"]
        if commissioner_changed:
            routed.add("commissioner")
            obj.commissioner_id = form.initial["commissioner"]
        if set(form.changed_data) - routed:
            super().save_model(request, obj, form, change)
        if commissioner_changed:
            commissioner_assign(enterprise=obj, commissioner=commissioner, actor=request.user)
        if status_changed:
            enterprise_set_status(enterprise=obj, actor=request.user, status=status, reason=reason)
        obj.refresh_from_db()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commissioner":
            kwargs["queryset"] = ServiceCommissioner.objects.select_related("user", "division")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Recognition)
class RecognitionAdmin(PortalHistoryAdmin):
    list_display = ["enterprise", "kind", "level", "year_granted", "certificate_number", "expires_on"]
    list_filter = ["kind", "level", "year_granted", ("expires_on", admin.DateFieldListFilter)]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "certificate_number"]
    raw_id_fields = ["enterprise"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(enterprise__in=enterprises_for_staff(request.user).values("pk"))


@admin.register(ServiceCommissioner)
class ServiceCommissionerAdmin(PortalHistoryAdmin):
    list_display = ["__str__", "division", "work_phone", "is_active", "enterprise_count"]
    list_filter = ["division", "is_active"]
    list_select_related = ["user", "division"]
    search_fields = ["user__real_name", "user__username"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _enterprise_count=subquery_count(
                    Enterprise.objects.filter(commissioner=OuterRef("pk")), key="commissioner"
                )
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # The enterprises served and the service log are the commissioner's account's: fixed once added.
        return [*super().get_readonly_fields(request, obj), "user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Adds and changes go through ``commissioner_create`` (the account must hold the commissioner
        role) and ``commissioner_update`` (the new area must cover the enterprises it serves)."""
        fields = {name: form.cleaned_data[name] for name in ("division", "work_phone", "is_active")}
        if change:
            commissioner_update(commissioner=obj, actor=request.user, **fields)
            return
        commissioner = commissioner_create(actor=request.user, user=form.cleaned_data["user"], **fields)
        # The admin goes on with the form's instance (the log entry, the redirect): make it the
        # commissioner the service saved.
        obj.pk = commissioner.pk
        obj._state.adding = False
        obj._state.db = commissioner._state.db

    @admin.display(description=_("enterprises served"), ordering="_enterprise_count")
    def enterprise_count(self, obj):
        return obj._enterprise_count


@admin.register(ServiceLog)
class ServiceLogAdmin(ExportAdminMixin, PortalHistoryAdmin):
    export_kind = "service_logs"
    list_display = ["occurred_on", "kind", "enterprise", "commissioner", "people_count", "solved_on"]
    list_filter = [
        "kind",
        ("enterprise__division", ScopedDivisionFilter),
        ("commissioner", admin.RelatedOnlyFieldListFilter),
        ("occurred_on", admin.DateFieldListFilter),
    ]
    list_select_related = ["enterprise", "commissioner__user"]
    search_fields = ["enterprise__name", "summary"]
    raw_id_fields = ["enterprise", "commissioner"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(enterprise__in=enterprises_for_staff(request.user).values("pk"))
