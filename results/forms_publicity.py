"""Forms of the publicity pages: staff publishing a batch's results, the public's real-name objection,
and staff settling an objection. They check input; the rules stay in ``services_publicity``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms_enterprise import DateInput
from results.models import Objection
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.identifiers import CodeField
from zaozhuang_titles.models import mobile_validator


class PublishForm(CleanTextMixin, forms.Form):
    """评审结果公示: title, first day and how to object; the batch comes from the page."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day"),
        widget=DateInput,
        help_text=_(
            "The notice lasts the batch's working days from this day; weekends and public holidays do not count."
        ),
    )
    how_to_object = forms.CharField(
        label=_("How to object"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        help_text=_("Shown on the notice and in its PDF: where and how the public raises an objection."),
    )


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.enterprise_name} · {obj.specialty}"

    def to_python(self, value):
        # A key no row can have is an invalid choice, not an overflow in the database driver.
        text = str(value or "")
        if text and (not (text.isascii() and text.isdigit()) or int(text) > 2**63 - 1):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ObjectionForm(CleanTextMixin, forms.Form):
    """异议 — a real-name objection to one person of a notice."""

    #: The line objected to, chosen by its "object" link on the notice (a notice lists thousands of
    #: people, a page at a time: no drop-down of them all).
    entry = EntryChoiceField(
        label=_("The person you object to"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _(
                "Choose the person you object to: find them in the list above and click “Object” on their line."
            ),
            "invalid_choice": _(
                "That person is not on this notice: find them in the list above and click “Object” on their line."
            ),
        },
    )
    name = forms.CharField(
        label=_("Your real name"),
        max_length=50,
        error_messages={"required": _("Give your real name: anonymous objections are not accepted.")},
    )
    mobile = CodeField(
        label=_("Your mobile number"),
        max_length=11,
        min_length=11,
        validators=[mobile_validator],
        help_text=_("11 digits; staff may call you about the facts. It is never published."),
        error_messages={"required": _("Give your mobile number so that staff can reach you.")},
    )
    relation = forms.CharField(
        label=_("Your relation to the person"),
        max_length=100,
        help_text=_("For example colleague, former colleague, peer in the trade, or none."),
        error_messages={"required": _("Say how you know the person (or write none).")},
    )
    facts = forms.CharField(
        label=_("Facts and grounds"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("What you know, when and where it happened, and how it can be checked."),
        error_messages={"required": _("Write the facts of your objection.")},
    )
    evidence = forms.FileField(
        label=_("Evidence file (optional)"),
        required=False,
        help_text=_("One PDF, JPEG or PNG file."),
    )

    def __init__(self, *args, publicity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = publicity.entries.order_by("position", "id")


class DecideForm(CleanTextMixin, forms.Form):
    """Settle an objection: dismiss it, or uphold it with what happens to the application."""

    DISMISS = "dismiss"
    CHOICES = [
        (DISMISS, _("Dismiss: the objection is not founded (异议不成立)")),
        (Objection.Outcome.REVIEW_AGAIN, _("Uphold, and send the application back to review (异议成立，重新评审)")),
        (Objection.Outcome.REJECT, _("Uphold, and reject the application (异议成立，不予通过)")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=CHOICES, widget=forms.RadioSelect)
    conclusion = forms.CharField(
        label=_("Written conclusion"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "What the investigation found and why; it is kept with the objection and, when upheld, "
            "given to the applicant as the reason."
        ),
        error_messages={"required": _("Write the conclusion: the objector and the file will show it.")},
    )


class CloseForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing before the end of the period"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required before the period's last day; kept in the log and shown on the notice."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that this notice is to be closed now"),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, early=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not early:  # after the last day nothing needs explaining
            del self.fields["reason"]
