"""Forms of questionnaires: building, sending, answering and following up. They parse input; the rules
(the version lock, branching, required answers, the deadline) are the services'."""

import decimal
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import RecognitionKind, RecognitionLevel, ServiceLog
from surveys.models import SCALE_POINTS, QuestionKind
from surveys.services import LONG_TEXT_MAX, SHORT_TEXT_MAX, field_name, number_text
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.identifiers import canonical_code
from zaozhuang_titles.models import Division


class QuestionnaireForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the enterprises above the questions: why you ask, and how the answers are used."),
    )


class QuestionForm(CleanTextMixin, forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Question kind"), choices=QuestionKind.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For single and multiple choice: one option per line, in the order shown."),
    )
    show_if = forms.ChoiceField(
        label=_("Show only when"),
        required=False,
        help_text=_("Leave empty to always show the question; or pick an answer of an earlier question."),
    )
    help_text = forms.CharField(label=_("Explanation"), max_length=300, required=False)
    min_value = forms.DecimalField(label=_("Smallest number"), required=False, max_digits=12, decimal_places=2)
    max_value = forms.DecimalField(label=_("Largest number"), required=False, max_digits=12, decimal_places=2)

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = {str(option.pk): option for option in conditions}
        self.fields["show_if"].choices = [("", _("Always show"))] + [
            (str(option.pk), f"{option.question.text} → {option.label}") for option in conditions
        ]

    def clean_show_if(self):
        value = self.cleaned_data.get("show_if")
        return self.conditions.get(value) if value else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in QuestionKind.CHOICES:
            cleaned["option_labels"] = (cleaned.get("options") or "").splitlines()
        else:
            cleaned["option_labels"] = []
        return cleaned

    def service_data(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "help_text": data.get("help_text") or "",
            "required": data.get("required", False),
            "show_if": data.get("show_if"),
            "min_value": data.get("min_value"),
            "max_value": data.get("max_value"),
            "options": data["option_labels"],
        }


CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


class DispatchForm(CleanTextMixin, forms.Form):
    """Send a questionnaire: a deadline, and the enterprises by criteria or by hand."""

    deadline = forms.DateField(label=_("Answer deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    divisions = forms.ModelMultipleChoiceField(
        label=_("Divisions"),
        queryset=Division.objects.order_by("ordering", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every division."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Recognition kind"),
        choices=RecognitionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A recognition valid today; none ticked: any or none."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Recognition level"),
        choices=RecognitionLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    key = forms.ChoiceField(
        label=_("Key enterprises"),
        choices=[("", _("Key or not")), ("yes", _("Key enterprises only")), ("no", _("Other enterprises only"))],
        required=False,
        widget=forms.RadioSelect,
    )
    codes = forms.CharField(
        label=_("Also these enterprises (credit codes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hand-picked enterprises: their unified social credit codes, one per line or separated by commas."),
    )
    note = forms.CharField(
        label=_("Message to the enterprises"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past; choose today or a later day."))
        return deadline

    def clean_codes(self):
        text = self.cleaned_data.get("codes") or ""
        codes = []
        for part in CODE_SEPARATORS.split(text):
            code = canonical_code(part)
            if code and code not in codes:
                codes.append(code)
        return codes

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("divisions")
            or cleaned.get("kinds")
            or cleaned.get("levels")
            or cleaned.get("key")
            or cleaned.get("codes")
        ):
            raise forms.ValidationError(
                _(
                    "Choose whom to send it to: tick divisions, recognitions or key enterprises, or list credit codes. "
                    "To send it to every enterprise, tick every division."
                )
            )
        return cleaned

    def criteria(self):
        data = self.cleaned_data
        return {
            "divisions": sorted(division.pk for division in data.get("divisions") or []),
            "kinds": list(data.get("kinds") or []),
            "levels": list(data.get("levels") or []),
            "key": data.get("key") or "",
            "codes": data.get("codes") or [],
        }


class AnswerForm(CleanTextMixin, forms.Form):
    """The questions of a questionnaire as fields ``q<id>``. Every field is optional here: which must be
    answered depends on the branching, which the service decides (``services.clean_answers``)."""

    def __init__(self, *args, questions, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = self._field(question, disabled)

    @staticmethod
    def _field(question, disabled):
        kind = question.kind
        common = {"label": question.text, "required": False, "disabled": disabled}
        check = {"class": "form-check-input"}
        if kind == QuestionKind.SINGLE:
            choices = [(str(option.pk), option.label) for option in question.options.all()]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs=check), **common)
        if kind == QuestionKind.MULTIPLE:
            choices = [(str(option.pk), option.label) for option in question.options.all()]
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple(attrs=check), **common
            )
        if kind == QuestionKind.SCALE:
            choices = [(str(point), str(point)) for point in SCALE_POINTS]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs=check), **common)
        if kind == QuestionKind.NUMBER:
            attrs = {"class": "form-control", "inputmode": "decimal"}
            return forms.CharField(max_length=20, widget=forms.TextInput(attrs=attrs), **common)
        if kind == QuestionKind.SHORT_TEXT:
            return forms.CharField(
                max_length=SHORT_TEXT_MAX, widget=forms.TextInput(attrs={"class": "form-control"}), **common
            )
        return forms.CharField(
            max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}), **common
        )

    def answers(self):
        """{question id: raw value} of what was filled in (for ``services.response_save``)."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    @staticmethod
    def initial_for(questions, saved):
        """The form's initial data from saved answers ({question id: value})."""
        initial = {}
        for question in questions:
            if question.pk not in saved:
                continue
            value = saved[question.pk]
            if isinstance(value, list):
                initial[field_name(question)] = [str(item) for item in value]
            elif value is not None:
                initial[field_name(question)] = number_text(value) if isinstance(value, decimal.Decimal) else str(value)
        return initial


class FollowUpForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Turn it into"),
        choices=[
            (ServiceLog.Kind.CONSULTATION.value, ServiceLog.Kind.CONSULTATION.label),
            (ServiceLog.Kind.PROBLEM.value, ServiceLog.Kind.PROBLEM.label),
        ],
        widget=forms.RadioSelect,
        initial=ServiceLog.Kind.PROBLEM.value,
    )
    question = forms.ChoiceField(label=_("About the answer to"), required=False)
    summary = forms.CharField(
        label=_("What to follow up"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the service log of the enterprise's commissioner, where it counts in the figures."),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {str(question.pk): question for question in questions}
        self.fields["question"].choices = [("", _("The whole answer"))] + [
            (str(question.pk), f"{number}. {question.text}") for number, question in enumerate(questions, start=1)
        ]

    def clean_question(self):
        value = self.cleaned_data.get("question")
        return self.questions.get(value) if value else None
