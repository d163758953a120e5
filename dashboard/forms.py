"""The statistics page's filters: a batch (the latest by default, or all) and, for city staff, a division."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zaozhuang_titles.forms import CleanTextMixin

ALL_BATCHES = "all"


class StatisticsFilterForm(CleanTextMixin, forms.Form):
    """``batches`` and ``divisions`` are loaded by the view (they are the choices); a value that is not
    one of them is refused with a sentence naming it, and the page falls back to the default."""

    batch = forms.ChoiceField(
        label=_("Batch"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no batch “%(value)s”: choose a batch of the list, or all batches.")
        },
    )
    division = forms.ChoiceField(
        label=_("Division"),
        required=False,
        error_messages={"invalid_choice": _("There is no division “%(value)s”: choose a division of the list.")},
    )

    def __init__(self, *args, batches, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches = {str(batch.pk): batch for batch in batches}
        self.divisions = {str(division.pk): division for division in divisions}
        self.fields["batch"].choices = [
            *[(key, batch.name) for key, batch in self.batches.items()],
            (ALL_BATCHES, _("All batches")),
        ]
        self.fields["division"].choices = [("", _("All divisions")), *[(k, d.name) for k, d in self.divisions.items()]]

    def chosen(self, default_batch):
        """(batch or None for all, division or None): each valid value, the default for a refused one."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        batch_key = data.get("batch") or ""
        batch = None if batch_key == ALL_BATCHES else self.batches.get(batch_key, default_batch)
        return batch, self.divisions.get(data.get("division") or "")
