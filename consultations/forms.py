"""Forms of consultations: asking, answering, recording a problem and following it, the FAQ's public
wording, and the filters of the lists. They parse input; the rules live in ``consultations.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultations.models import DUE_DAYS_DEFAULT, DUE_DAYS_MAX, DUE_DAYS_MIN, TEXT_MAX, TITLE_MAX, AskedAs, Category
from zaozhuang_titles.forms import CleanTextMixin

ATTACHMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
CATEGORY_ANY = [("", pgettext_lazy("category filter", "All categories"))]


class AskForm(CleanTextMixin, forms.Form):
    """A question: what, in which category, the details, and a file if it helps."""

    title = forms.CharField(
        label=_("Your question"),
        max_length=TITLE_MAX,
        help_text=_("In one sentence, for example 专项通道申报是否需要论文？"),
    )
    category = forms.ChoiceField(label=pgettext_lazy("consultation", "Category"), choices=Category.choices)
    body = forms.CharField(
        label=_("Details"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you want to know and your situation. Do not write ID numbers: staff see your account."),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("A PDF, JPEG or PNG of at most 20 MB, for example a screenshot of an error."),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    asked_as = forms.ChoiceField(label=_("I ask as"), choices=AskedAs.choices, widget=forms.RadioSelect)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(value, label) for value, label in AskedAs.choices if value in roles]
        self.fields["asked_as"].choices = choices
        if len(choices) == 1:
            self.fields["asked_as"].initial = choices[0][0]
            self.fields["asked_as"].widget = forms.HiddenInput()


class AnswerForm(CleanTextMixin, forms.Form):
    answer = forms.CharField(
        label=pgettext_lazy("consultation", "Answer"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The asker reads it and is told by notice."),
    )


class ProblemForm(CleanTextMixin, forms.Form):
    """A problem to follow: what, its category, who owns it, and how many working days to solve it."""

    title = forms.CharField(label=_("Problem"), max_length=TITLE_MAX)
    category = forms.ChoiceField(label=pgettext_lazy("consultation", "Category"), choices=Category.choices)
    description = forms.CharField(label=_("Description"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        help_text=_("City HR staff, district HR staff of the enterprise's division, or its service commissioner."),
    )
    due_days = forms.IntegerField(
        label=_("Working days to solve it"),
        min_value=DUE_DAYS_MIN,
        max_value=DUE_DAYS_MAX,
        initial=DUE_DAYS_DEFAULT,
        help_text=_("Counted on the Chinese working-day calendar (holidays and make-up days), from tomorrow."),
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.real_name or user.username


class SurveyFollowUpForm(ProblemForm):
    """A questionnaire's answer taken up as a question (answered in the queue) or as a problem."""

    KINDS = [("consultation", _("A question to answer (咨询)")), ("problem", _("A problem to solve (难题)"))]

    kind = forms.ChoiceField(label=_("Take it up as"), choices=KINDS, widget=forms.RadioSelect, initial="problem")
    field_order = ["kind", "title", "category", "description", "owner", "due_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = _("Description or question")
        self.fields["owner"].required = False
        self.fields["due_days"].required = False
        self.fields["owner"].help_text = _("For a problem: who solves it.")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "problem":
            if not data.get("owner"):
                self.add_error("owner", _("Choose who owns the problem."))
            if not data.get("due_days"):
                self.add_error("due_days", _("Give the working days to solve it."))
        return data


class AssignForm(CleanTextMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=None)
    reason = forms.CharField(label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.real_name or user.username


class NoteForm(CleanTextMixin, forms.Form):
    text = forms.CharField(label=_("Progress note"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class SolveForm(CleanTextMixin, forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How it was solved; the asker reads it."),
    )


class FaqForm(CleanTextMixin, forms.Form):
    """The public wording of an FAQ entry: names nobody, numbers masked."""

    category = forms.ChoiceField(label=pgettext_lazy("consultation", "Category"), choices=Category.choices)
    question = forms.CharField(label=_("Public question"), max_length=200)
    answer = forms.CharField(label=_("Public answer"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}))


class WithdrawForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=500)


class QueueFilterForm(CleanTextMixin, forms.Form):
    category = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Category"), choices=CATEGORY_ANY + Category.choices, required=False
    )
    q = forms.CharField(label=_("Words"), max_length=100, required=False)


class ProblemFilterForm(CleanTextMixin, forms.Form):
    category = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Category"), choices=CATEGORY_ANY + Category.choices, required=False
    )


class FaqSearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(
        label=_("Search the questions"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("for example 学时 or 专利"), "type": "search"}),
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Category"), choices=CATEGORY_ANY + Category.choices, required=False
    )
