"""Forms of filing and certificates: the filing number and date the province gave, and the reason to
revoke a certificate. They check input; the rules stay in ``results.services.filing``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms_audit import DateInput
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.identifiers import CodeField


class FilingNumberForm(CleanTextMixin, forms.Form):
    number = CodeField(
        label=_("Filing number"),
        max_length=100,
        help_text=_("The number the provincial HR department gave this filing."),
    )
    filed_on = forms.DateField(label=_("Filing date"), widget=DateInput)


class RevokeForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it is revoked"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The verification page shows that the certificate is revoked and since when, not why."),
    )
