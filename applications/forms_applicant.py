"""Forms of the applicant's pages: the profile and its records, the application, its achievements and
evidence files, and the withdrawal. They check input; the rules live in the models and the services,
which the views call with ``cleaned_data``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Achievement,
    AchievementKind,
    Application,
    EducationRecord,
    SkillRecord,
    TitleRecord,
    WorkRecord,
)
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.identifiers import CodeField
from zaozhuang_titles.models import mobile_validator

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: What a browser offers in its file picker; the inspector decides by content, not by this.
EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class LockableMixin:
    """A form shown read-only (every field disabled) when ``locked`` is true: the profile under audit."""

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            for field in self.fields.values():
                field.disabled = True


class EmployerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.division.name}）"


class ProfileForm(CleanTextMixin, LockableMixin, forms.Form):
    """个人档案 — employer, post and contact data. Name and ID number are fixed at registration."""

    enterprise = EmployerChoiceField(
        label=_("Employer"),
        queryset=None,
        empty_label=_("— choose your employer —"),
        help_text=_(
            "An active enterprise registered on the portal. If yours is missing, ask its contact to register it."
        ),
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    specialty = forms.CharField(label=_("Specialty"), max_length=100, required=False)
    mobile = CodeField(
        label=_("Mobile number"),
        max_length=11,
        required=False,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class EducationForm(CleanTextMixin, LockableMixin, forms.ModelForm):
    class Meta:
        model = EducationRecord
        fields = ["degree", "school", "major", "graduated_on"]
        widgets = {"graduated_on": DATE_INPUT}


class TitleForm(CleanTextMixin, LockableMixin, forms.ModelForm):
    class Meta:
        model = TitleRecord
        fields = ["series", "level", "name", "granted_on", "certificate_number"]
        widgets = {"granted_on": DATE_INPUT}


class SkillForm(CleanTextMixin, LockableMixin, forms.ModelForm):
    class Meta:
        model = SkillRecord
        fields = ["level", "occupation", "granted_on", "certificate_number"]
        widgets = {"granted_on": DATE_INPUT}


class WorkForm(CleanTextMixin, LockableMixin, forms.ModelForm):
    class Meta:
        model = WorkRecord
        fields = ["employer", "position", "started_on", "ended_on"]
        widgets = {"started_on": DATE_INPUT, "ended_on": DATE_INPUT}


class ApplicationForm(CleanTextMixin, forms.ModelForm):
    """The application's own text: the specialty it is made in and the summary of achievements."""

    class Meta:
        model = Application
        fields = ["specialty", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}


#: The fields each kind of achievement asks for, in order: its required ones (``Achievement.REQUIRED``)
#: first, then the optional ones that make sense for it.
ACHIEVEMENT_OPTIONAL = {
    AchievementKind.PATENT: [],
    AchievementKind.PROJECT: ["amount"],
    AchievementKind.TRANSFORMATION: ["role"],
    AchievementKind.AWARD: [],
    AchievementKind.STANDARD: [],
    AchievementKind.PRODUCT: ["benefit"],
    AchievementKind.PERFORMANCE: ["role"],
}


def achievement_fields(kind):
    return ["title", "occurred_on", *Achievement.REQUIRED[kind], *ACHIEVEMENT_OPTIONAL[kind], "description"]


class AchievementForm(CleanTextMixin, forms.ModelForm):
    """One achievement of one kind, with only the fields that kind needs (see ``achievement_form``)."""

    kind = None

    class Meta:
        model = Achievement
        fields = ["title", "occurred_on", "description"]
        widgets = {"occurred_on": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's clean() checks the fields of the kind: it must know the kind before validation.
        self.instance.kind = self.kind
        for name in Achievement.REQUIRED[self.kind]:
            self.fields[name].required = True
        if "patent_number" in self.fields:
            self.fields["patent_number"].widget.attrs.update(
                {"placeholder": "ZL201910123456.X", "autocapitalize": "characters"}
            )
        if "amount" in self.fields and self.kind == AchievementKind.PROJECT:
            self.fields["amount"].label = _("funding (万元)")

    def achievement_data(self):
        return {"kind": self.kind, **self.cleaned_data}


def achievement_form(kind):
    """The form class of an achievement of ``kind``."""
    meta = type("Meta", (AchievementForm.Meta,), {"fields": achievement_fields(kind)})
    return type(f"{kind.title()}AchievementForm", (AchievementForm,), {"kind": kind, "Meta": meta})


class KindForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of achievement"), choices=AchievementKind.choices, widget=forms.RadioSelect)


class EvidenceForm(CleanTextMixin, forms.Form):
    """One evidence file (PDF, JPEG or PNG); the inspector decides what it really is."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 20 MB. Scans of certificates, contracts, award letters."),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class PhotoForm(CleanTextMixin, forms.Form):
    """The holder's photo (证件照) printed on the certificate; the uploads module decides what it really is."""

    photo = forms.FileField(
        label=_("Photo"),
        error_messages={"required": _("Choose a photo file (JPEG or PNG) to upload.")},
        help_text=_(
            "A recent front-facing photo, JPEG or PNG, at most 5 MB; it is cut to the certificate's 33 × 45 mm "
            "photo area and stored without its metadata (camera, place)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class WithdrawForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the application?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your enterprise and the HR staff will see the reason on the application's record."),
    )
