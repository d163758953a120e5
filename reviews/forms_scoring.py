"""Forms of scoring: one criterion's points and comment (autosaved), the submission, a conflict."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zaozhuang_titles.forms import CleanTextMixin


class ScoreForm(CleanTextMixin, forms.Form):
    """Points stay text here: the service checks them against the criterion and names it in errors."""

    points = forms.CharField(label=_("Points"), required=False, max_length=10)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea)


class SubmitForm(CleanTextMixin, forms.Form):
    comment = forms.CharField(label=_("Overall comment"), required=False, max_length=3000, widget=forms.Textarea)


class ConflictForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the conflict"),
        max_length=200,
        help_text=_("For example: a relative, a former colleague, joint research with the applicant."),
    )
