"""Forms of filing and certificates: the filing number and date the province gave, and the reason to
revoke a certificate. They check input; the rules stay in ``results.services.filing``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.forms_audit import DateInput
from results.models import RevokeCategory
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
    category = forms.ChoiceField(
        label=pgettext_lazy("revocation", "Category"),
        choices=[("", "---------"), *RevokeCategory.choices],
        help_text=_("Shown with the date on the register and the public verification page."),
    )
    reason = forms.CharField(
        label=_("Why it is revoked"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For staff and the log: the verification page shows the category and the date, not these words."),
    )


class CertificateCheckForm(CleanTextMixin, forms.Form):
    """The public check of a certificate's PDF file (码上看 by file)."""

    file = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("The PDF as it was downloaded from the portal; it is checked and not kept."),
    )
