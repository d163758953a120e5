"""Forms of continuing-education hours: the person's entry with its certificate, the staff's decision,
the import of the platform's workbook and the staff list's filter."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models import FIRST_YEAR, MAX_ENTRY_HOURS, Category, EntryStatus
from training.services import MAX_REASON
from zaozhuang_titles.forms import CleanTextMixin

CERTIFICATE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class EntryForm(CleanTextMixin, forms.Form):
    """Hours the person entered itself, with the certificate that proves them."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    hours = forms.IntegerField(
        label=_("Hours (学时)"),
        min_value=1,
        max_value=MAX_ENTRY_HOURS,
        help_text=_("Whole hours, as the certificate states them."),
    )
    course = forms.CharField(label=_("Course or programme"), max_length=200)
    provider = forms.CharField(label=_("Training provider"), max_length=200, required=False)
    certificate = forms.FileField(
        label=_("Certificate (学时证明)"),
        help_text=_("PDF, JPEG or PNG, at most 20 MB: the certificate or the provider's statement of hours."),
        widget=forms.ClearableFileInput(attrs={"accept": CERTIFICATE_ACCEPT}),
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if year > this_year:
            raise ValidationError(
                _("Hours are entered once earned: the year is at most %(year)d.") % {"year": this_year}
            )
        return year


class DecisionForm(CleanTextMixin, forms.Form):
    """Recognise or refuse an entry; a refusal says why."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("recognise", _("Recognise")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a refusal; the person reads it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the hours are refused; the person reads it."))
        return cleaned


class ImportForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx) of the training platform"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook ending in .xlsx (save older .xls files as .xlsx)."))
        return upload


class StaffFilterForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *list(EntryStatus.choices)], required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=2100)
    q = forms.CharField(label=_("Name, course or record number"), required=False, max_length=100)
    batch = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
