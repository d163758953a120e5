"""Forms of the staff pages of reviews: planning a meeting, its cases, a substitute, the pool import."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Batch
from reviews.models import Expert, PanelMember, Specialty
from reviews.validators import validate_scoring_deadline
from zaozhuang_titles.forms import CleanTextMixin


class MeetingForm(CleanTextMixin, forms.Form):
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.filter(committee__isnull=False))
    specialty = forms.ModelChoiceField(label=_("Specialty"), queryset=Specialty.objects.all())
    name = forms.CharField(label=_("Name"), max_length=200)
    held_on = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    scoring_deadline = forms.DateTimeField(
        label=_("Scoring deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    panel_size = forms.IntegerField(
        label=_("Panel size"), min_value=3, max_value=51, initial=7, help_text=_("An odd number, at least 3.")
    )
    substitutes = forms.IntegerField(label=_("Substitutes (替补)"), min_value=0, max_value=20, initial=2)
    size_override_reason = forms.CharField(
        label=_("Reason to proceed despite the committee's size rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the committee breaks a rule of 人社部令第40号; it is kept with the committee."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["held_on"].initial = today + datetime.timedelta(days=14)
        self.fields["scoring_deadline"].initial = datetime.datetime.combine(
            today + datetime.timedelta(days=10), datetime.time(18, 0)
        )

    def clean_panel_size(self):
        size = self.cleaned_data["panel_size"]
        if size % 2 == 0:
            raise ValidationError(_("A panel has an odd number of experts (人社部令第40号)."))
        return size

    def clean(self):
        data = super().clean()
        try:
            validate_scoring_deadline(held_on=data.get("held_on"), scoring_deadline=data.get("scoring_deadline"))
        except ValidationError as error:
            self.add_error(None, error)
        return data


class CasesForm(CleanTextMixin, forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("Accepted applications"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, offered, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = offered
        field.label_from_instance = lambda a: f"{a.number} {a.applicant} · {a.enterprise.name} · {a.specialty}"
        # Offered ticked by default: those whose declared specialty is the meeting's.
        field.initial = [a.pk for a in offered if a.specialty == meeting.specialty.name]


class SubstituteForm(CleanTextMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Member who withdraws"), queryset=PanelMember.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = PanelMember.objects.filter(pk__in=[m.pk for m in members]).select_related(
            "expert__user"
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.order}. {m.expert}"


class ExpertImportForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook ending in .xlsx (save older .xls files as .xlsx)."))
        return upload


class EarlyVoteForm(CleanTextMixin, forms.Form):
    """The box that confirms opening or closing the vote before the meeting's date."""

    confirm_early = forms.BooleanField(required=False)


class CloseVoteForm(EarlyVoteForm):
    """Closing the vote: who chaired the meeting and who kept its record (both sign it), and the box
    that confirms closing before the meeting's date. The choices are the experts recorded present and,
    for the recorder, city staff too (``reviews.selectors.voting.recorder_candidates``); the service
    checks them again under the meeting's lock."""

    chair = forms.ModelChoiceField(
        label=_("Chair of the panel (主持人)"),
        queryset=Expert.objects.none(),
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Name the chair of the panel: an expert of the panel recorded as present."),
            "invalid_choice": _("Name the chair of the panel: an expert of the panel recorded as present."),
        },
    )
    recorder = forms.ModelChoiceField(
        label=_("Recorder (记录人)"),
        queryset=Expert.objects.none(),
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Name the recorder: city HR staff, or an expert of the panel recorded as present."),
            "invalid_choice": _("Name the recorder: city HR staff, or an expert of the panel recorded as present."),
        },
    )

    def __init__(self, *args, meeting, attendance, recorders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = Expert.objects.filter(pk__in=attendance.present_ids).select_related("user")
        self.fields["recorder"].queryset = recorders
        self.fields["recorder"].label_from_instance = lambda user: user.real_name or user.username
        if not self.is_bound:
            self.initial.update(chair=meeting.chair_id, recorder=meeting.recorder_id)
