"""Forms of the inspection pages. They validate input; the rules live in the services."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.models import RecognitionKind, RecognitionLevel
from inspections.models import Finding, InspectionPlan
from inspections.selectors import expert_candidates, staff_candidates
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.models import Division

SEED_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.real_name or obj.username


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.real_name} · {obj.title_name} · {obj.employer_name}"


class PlanForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("Plan name"), max_length=200)
    subject = forms.CharField(
        label=_("What is inspected"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    divisions = forms.ModelMultipleChoiceField(
        label=_("Divisions"),
        queryset=Division.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole city."),
    )
    recognition_kind = forms.ChoiceField(
        label=_("Recognition"), choices=[("", _("Any")), *RecognitionKind.choices], required=False
    )
    recognition_level = forms.ChoiceField(
        label=_("Recognition level"), choices=[("", _("Any")), *RecognitionLevel.choices], required=False
    )
    key_filter = forms.ChoiceField(label=_("Key enterprises"), choices=InspectionPlan.KeyFilter.choices)
    sample_ratio = forms.IntegerField(
        label=_("Sampling ratio (%)"), min_value=1, max_value=100, required=False, help_text=_("Or a number below.")
    )
    sample_count = forms.IntegerField(label=_("Number of enterprises"), min_value=1, max_value=10000, required=False)
    team_size = forms.IntegerField(label=_("Inspectors per enterprise"), min_value=1, max_value=10, initial=2)
    rectification_days = forms.IntegerField(label=_("Working days to rectify"), min_value=1, max_value=120, initial=15)
    staff = StaffChoiceField(
        label=_("HR staff in the inspector pool"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    experts = ExpertChoiceField(
        label=_("Experts in the inspector pool"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    items = forms.CharField(
        label=_("Checklist (one item a line)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example 专业技术人员花名册建立情况, one item a line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_candidates()
        self.fields["experts"].queryset = expert_candidates()

    def clean(self):
        data = super().clean()
        if (data.get("sample_ratio") is None) == (data.get("sample_count") is None) and not self.errors.get(
            "sample_ratio"
        ):
            self.add_error(
                "sample_count", _("Give either a sampling ratio or a number of enterprises (one of the two).")
            )
        data["items"] = [line.strip() for line in (data.get("items") or "").splitlines() if line.strip()]
        if any(len(line) > 300 for line in data["items"]):
            self.add_error("items", _("A checklist item has at most 300 characters."))
        return data


class FindingsForm(CleanTextMixin, forms.Form):
    """One result and note per checklist item of the plan."""

    def __init__(self, *args, items, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        by_item = {finding.item_id: finding for finding in findings}
        for item in self.items:
            finding = by_item.get(item.pk)
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=[("", _("Not checked yet")), *Finding.Result.choices],
                required=False,
                initial=finding.result if finding else "",
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=finding.note if finding else "",
            )

    def rows(self):
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def results(self):
        """{item pk: (result, note)} for the items given a result."""
        return {
            item.pk: (self.cleaned_data[f"result_{item.pk}"], self.cleaned_data[f"note_{item.pk}"])
            for item in self.items
            if self.cleaned_data.get(f"result_{item.pk}")
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not self.results():
            raise ValidationError(_("Choose a result for at least one item."))
        return data


class FindingFileForm(CleanTextMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Checklist item"), queryset=None)
    file = forms.FileField(label=_("Photo or file (PDF, JPEG or PNG)"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class ConcludeForm(CleanTextMixin, forms.Form):
    summary = forms.CharField(
        label=pgettext_lazy("inspection", "Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    requirement = forms.CharField(
        label=_("What must be rectified"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when a problem was found; the deadline is set in working days."),
    )


class ReplyForm(CleanTextMixin, forms.Form):
    reply = forms.CharField(
        label=_("What was rectified and how"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG or PNG)"))


class ReviewForm(CleanTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept: rectified")), ("return", _("Return to the enterprise"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RerunForm(CleanTextMixin, forms.Form):
    """The public re-run of a draw: any seed of 64 hexadecimal characters."""

    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        help_text=_("64 characters 0-9 and a-f: the revealed seed, or any other to compare."),
    )

    def clean_seed(self):
        seed = self.cleaned_data["seed"].strip().lower()
        if not SEED_PATTERN.match(seed):
            raise ValidationError(
                _("A seed is 64 characters, each a digit 0-9 or a letter a-f; %(count)d characters were given.")
                % {"count": len(seed)}
            )
        return seed
