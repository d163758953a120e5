"""Forms of the enterprise pages: list filters, registration, verification, assignment, service log,
import. They validate input; the rules live in services and models."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import (
    Enterprise,
    RecognitionKind,
    RecognitionLevel,
    ServiceCommissioner,
    ServiceLog,
)
from enterprises.selectors import enterprises_for_staff
from enterprises.validators import normalize_credit_code, validate_credit_code
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.identifiers import CodeField
from zaozhuang_titles.models import Division, Town
from zaozhuang_titles.rules import is_city_admin

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class CommissionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.real_name} ({obj.area_label})"


class EnterpriseFilterForm(CleanTextMixin, forms.Form):
    """The filters of the staff list; ``user`` limits the division choices to what it may see."""

    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    division = forms.ModelChoiceField(label=_("Division"), queryset=Division.objects.none(), required=False)
    town = forms.ModelChoiceField(label=_("Town or subdistrict"), queryset=Town.objects.none(), required=False)
    recognition_kind = forms.ChoiceField(
        label=_("Recognition"), choices=[("", _("Any")), *RecognitionKind.choices], required=False
    )
    recognition_level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("Any")), *RecognitionLevel.choices], required=False
    )
    is_key = forms.ChoiceField(label=_("Key enterprise"), choices=YES_NO, required=False)
    commissioner = forms.ChoiceField(label=_("Commissioner"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Enterprise.Status.choices], required=False)
    expiring = forms.BooleanField(label=_("Recognition expires within 90 days"), required=False)

    def __init__(self, *args, divisions, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["town"].queryset = Town.objects.filter(division__in=divisions).select_related("division")
        self.fields["commissioner"].choices = [
            ("", _("Any")),
            ("none", _("None assigned")),
            *[(str(c.pk), f"{c.user.real_name} ({c.area_label})") for c in commissioners],
        ]


def staff_filter_form(user, data):
    """The registry's filters for ``user``: the divisions and commissioners offered are those of the
    enterprises it may see (city staff: all)."""
    if is_city_admin(user) or user.is_superuser:
        divisions = Division.objects.all()
        commissioners = ServiceCommissioner.objects.select_related("user", "division").order_by("user__real_name")
    else:
        visible = enterprises_for_staff(user)
        divisions = Division.objects.filter(pk__in=visible.values("division_id"))
        commissioners = (
            ServiceCommissioner.objects.select_related("user", "division")
            .filter(enterprises__in=visible)
            .distinct()
            .order_by("user__real_name")
        )
    return EnterpriseFilterForm(data, divisions=divisions, commissioners=list(commissioners))


class EnterpriseRegistrationForm(CleanTextMixin, forms.ModelForm):
    """An enterprise contact registers its enterprise with one recognition it holds."""

    recognition_kind = forms.ChoiceField(label=_("Recognition held"), choices=RecognitionKind.choices)
    recognition_level = forms.ChoiceField(label=_("Level of the recognition"), choices=RecognitionLevel.choices)
    recognition_year = forms.IntegerField(label=_("Year granted"), min_value=2000, max_value=2100)
    recognition_number = CodeField(label=_("Certificate or list number"), max_length=100, required=False)
    recognition_expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "legal_representative",
            "chairman_name",
            "address",
            "division",
            "town",
            "industry",
            "professional_staff_count",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.select_related("division")
        self.fields["town"].required = True

    def validate_unique(self):
        # A duplicate code is not a form error: the service leads the contact to the existing record.
        pass

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean(self):
        cleaned = super().clean()
        year, expires = cleaned.get("recognition_year"), cleaned.get("recognition_expires_on")
        if year and expires and expires.year < year:
            self.add_error(
                "recognition_expires_on",
                _("A recognition cannot expire before the year it was granted (%(year)s).") % {"year": year},
            )
        return cleaned

    def _post_clean(self):
        # Model validation (Enterprise.clean) runs in the service, with the registering user known.
        pass

    def enterprise_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def recognition_data(self):
        data = self.cleaned_data
        return {
            "kind": data["recognition_kind"],
            "level": data["recognition_level"],
            "year_granted": data["recognition_year"],
            "certificate_number": data["recognition_number"],
            "expires_on": data["recognition_expires_on"],
        }


class VerifyForm(CleanTextMixin, forms.Form):
    accept_outside_region = forms.BooleanField(
        label=_("I checked that this enterprise belongs to Zaozhuang although its code is registered elsewhere"),
        required=False,
    )


class AssignCommissionerForm(CleanTextMixin, forms.Form):
    commissioner = CommissionerChoiceField(
        label=_("Service commissioner"),
        queryset=ServiceCommissioner.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners


class ServiceLogForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ServiceLog
        fields = ["kind", "occurred_on", "people_count", "summary", "solution", "solved_on"]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "solved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "solution": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate

    def _post_clean(self):
        # ServiceLog.full_clean runs in the service, once the enterprise and commissioner are set.
        pass


class SolveProblemForm(CleanTextMixin, forms.Form):
    solution = forms.CharField(label=_("How it was solved"), widget=forms.Textarea(attrs={"rows": 3}))
    solved_on = forms.DateField(
        label=_("Solved on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ImportForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook ending in .xlsx (save older .xls files as .xlsx)."))
        return upload


class StatisticsFilterForm(CleanTextMixin, forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
