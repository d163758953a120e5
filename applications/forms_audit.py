"""Forms of the audit pages: the queues' filters, the reason of a rejection, and the return for
correction (退回补正) with its items. They check input; the rules of the domain stay in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Batch
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.models import Division

#: The status tab that shows every application in the reader's scope.
ALL = "all"


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        # Browsers want ISO dates in <input type="date">, whatever the locale's format.
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value


class QueueFilterForm(CleanTextMixin, forms.Form):
    """Filters of a queue: search, batch, division (city staff only) and the status tab.

    ``statuses`` are the statuses the reader may see; the tab is one of them or ``all``."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Number, applicant or enterprise"), "type": "search"}),
    )
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none(), required=False)
    division = forms.ModelChoiceField(label=_("Division"), queryset=Division.objects.none(), required=False)
    status = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, statuses, with_division, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = Batch.objects.order_by("-year", "-opens_at")
        self.fields["batch"].empty_label = _("All batches")
        if with_division:
            self.fields["division"].queryset = Division.objects.order_by("code")
            self.fields["division"].empty_label = _("All divisions")
        else:
            del self.fields["division"]
        self.fields["status"].choices = [("", ""), (ALL, ALL), *[(s, s) for s in statuses]]

    def filters(self):
        """The valid filters; an invalid one (a stale batch id in a bookmark) is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", ""),
            "batch": data.get("batch"),
            "division": data.get("division"),
            "status": data.get("status", ""),
        }


class ReasonForm(CleanTextMixin, forms.Form):
    """The reason of a decision that needs one (a rejection, 不予受理)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the reason; the applicant and the log will show it.")},
    )


def item_key(target):
    """The form-field suffix of a correction target (``achievement:12`` → ``achievement-12``)."""
    return target.replace(":", "-")


class ReturnForm(CleanTextMixin, forms.Form):
    """退回补正: which fields, achievements, files and profile sections to correct, each with its reason,
    a general reason and a deadline.

    ``items`` lists ``(target, label, group)`` of the application; each gets a ``mark-<key>`` check box
    and a ``reason-<key>`` text box. ``default_deadline`` is the batch's working days from today."""

    reason = forms.CharField(
        label=_("General reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the applicant above the marked items, and kept in the log."),
        error_messages={"required": _("Please give the reason; the applicant and the log will show it.")},
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)

    def __init__(self, *args, items, default_deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.default_deadline = default_deadline
        self.fields["deadline"].initial = default_deadline
        for target, label, _group in self.items:
            key = item_key(target)
            self.fields[f"mark-{key}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"reason-{key}"] = forms.CharField(
                label=_("Reason for “%(item)s”") % {"item": label}, required=False, max_length=1000
            )

    def rows(self):
        """The items with their bound fields, grouped as the page shows them."""
        groups = {}
        for target, label, group in self.items:
            key = item_key(target)
            groups.setdefault(group, []).append(
                {"target": target, "label": label, "mark": self[f"mark-{key}"], "reason": self[f"reason-{key}"]}
            )
        return list(groups.items())

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("The deadline must be after today."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        marked = 0
        for target, _label, _group in self.items:
            key = item_key(target)
            reason = (cleaned.get(f"reason-{key}") or "").strip()
            if cleaned.get(f"mark-{key}"):
                marked += 1
                if not reason:
                    self.add_error(f"reason-{key}", _("Give the reason for this item."))
            elif reason:
                self.add_error(f"mark-{key}", _("Tick this item to return it, or clear its reason."))
        if not marked:
            raise forms.ValidationError(
                _("Mark at least one field or file to correct, with its reason."), code="no_items"
            )
        return cleaned

    def marked_items(self):
        """``[(target, label, reason)]`` of the ticked items, for ``services.application_return``."""
        return [
            (target, str(label), self.cleaned_data[f"reason-{item_key(target)}"].strip())
            for target, label, _group in self.items
            if self.cleaned_data.get(f"mark-{item_key(target)}")
        ]

    def chosen_deadline(self):
        """None when the default was kept (the service then records whether it is provisional)."""
        deadline = self.cleaned_data["deadline"]
        return None if deadline == self.default_deadline else deadline


class BulkConfirmForm(CleanTextMixin, forms.Form):
    """What a bulk action asks before it runs: the one reason of a return or a rejection, the meeting
    of "add to a meeting"."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The same reason for every application; the applicants and the log will show it."),
    )
    choice = forms.ModelChoiceField(label="", queryset=None, required=False)

    def __init__(self, *args, action, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action.needs_reason:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = gettext(
                "Please give the reason; the applicant and the log will show it."
            )
        else:
            del self.fields["reason"]
        if action.choices is not None:
            self.fields["choice"].queryset = action.choices(actor)
            self.fields["choice"].label = action.choice_label
            self.fields["choice"].required = True
        else:
            del self.fields["choice"]

    def params(self):
        """The parameters of the run ({"choice": pk}), from what was posted (valid or not, for the plan)."""
        if "choice" not in self.fields or not self.is_bound:
            return {}
        value = self.data.get("choice", "")
        return {"choice": int(value)} if str(value).isdigit() else {}
