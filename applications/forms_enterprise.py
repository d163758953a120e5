"""Forms of the enterprise's pages: the contact's list filters, internal notice and objections, and
the chairman's ranked nomination. They check input; the rules of the domain stay in the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Batch, Status
from zaozhuang_titles.forms import CleanTextMixin

#: The rank and recommendation inputs of one nominee are named after its application's pk.
RANK_PREFIX = "rank_"
RECOMMENDATION_PREFIX = "recommendation_"


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        # Browsers want ISO dates in <input type="date">, whatever the locale's format.
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value


class ApplicationFilterForm(CleanTextMixin, forms.Form):
    """Filters of the contact's list: the batch and the status."""

    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches
        self.fields["batch"].empty_label = _("All batches")
        self.fields["status"].choices = [("", _("All statuses")), *[c for c in Status.choices if c[0] != Status.DRAFT]]


class ApplicationChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # A key no database row can have (not a number, or beyond 64 bits) is an invalid choice, not
        # an overflow inside the database driver.
        for key in value:
            text = str(key)
            if not (text.isascii() and text.isdigit()) or int(text) > 2**63 - 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return f"{obj.applicant.real_name} · {obj.specialty} · {obj.number}"


class InternalNoticeForm(CleanTextMixin, forms.Form):
    """单位内部公示: which applications, from which day, posted where. The last day is computed."""

    applications = ApplicationChoiceField(
        label=_("Applications to make known"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one application to make known.")},
    )
    starts_on = forms.DateField(
        label=_("First day"),
        widget=DateInput,
        help_text=_(
            "The notice lasts the batch's working days from this day; weekends and public holidays do not count."
        ),
    )
    location = forms.CharField(
        label=_("Where it is posted"),
        max_length=200,
        help_text=_("For example the notice board of the main building, or the enterprise's intranet."),
    )

    def __init__(self, *args, applications, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise ValidationError(_("The notice cannot start in the past."))
        return starts_on


class NoticePreviewForm(CleanTextMixin, forms.Form):
    """The first day typed so far, to show the last day before the notice is started."""

    starts_on = forms.DateField(widget=DateInput)


class ObjectionForm(CleanTextMixin, forms.Form):
    """An objection raised inside the enterprise during its internal notice."""

    application = forms.ModelChoiceField(label=_("Application objected to"), queryset=None)
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput)
    raised_by = forms.CharField(
        label=_("Raised by"),
        max_length=100,
        help_text=_("Name and department, or “anonymous” when the person asked not to be named."),
    )
    content = forms.CharField(label=_("Objection"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, notice, applications, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("raised_on", min(max(today, notice.starts_on), notice.ends_on))
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda obj: f"{obj.applicant.real_name} · {obj.number}"


class ObjectionResolveForm(CleanTextMixin, forms.Form):
    """How an internal objection was settled."""

    upheld = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[
            ("no", _("Not upheld: the application goes on")),
            ("yes", pgettext_lazy("objection", "Upheld: the application cannot be forwarded")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("How it was settled"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was checked, with whom, and the conclusion. The district may read it."),
    )


class NominationForm(CleanTextMixin, forms.Form):
    """董事长署名举荐: a strict ranking of the nominees by contribution, a recommendation for each, and
    the one-time code that signs it.

    ``candidates`` are the applications to rank (from ``services.nomination_candidates``); one rank and
    one recommendation field per candidate. The code is required only to sign, not to request one."""

    code = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "size": 8}
        ),
        help_text=_("The 6-digit code texted to your mobile."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        count = len(self.candidates)
        for application in self.candidates:
            name = application.applicant.real_name
            self.fields[f"{RANK_PREFIX}{application.pk}"] = forms.IntegerField(
                label=_("Rank of %(name)s") % {"name": name},
                min_value=1,
                max_value=count,
                widget=forms.NumberInput(attrs={"class": "nomination-rank", "inputmode": "numeric"}),
                error_messages={
                    "required": _("Give a rank."),
                    "min_value": _("Ranks run from 1 to %(count)d.") % {"count": count},
                    "max_value": _("Ranks run from 1 to %(count)d.") % {"count": count},
                },
            )
            self.fields[f"{RECOMMENDATION_PREFIX}{application.pk}"] = forms.CharField(
                label=_("Recommendation for %(name)s") % {"name": name},
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Write a recommendation for this nominee.")},
            )

    @staticmethod
    def named_applications(data):
        """The application pks that ``data`` names in rank or recommendation fields."""
        pks = set()
        for key in data:
            for prefix in (RANK_PREFIX, RECOMMENDATION_PREFIX):
                if key.startswith(prefix):
                    pks.add(key[len(prefix) :])
        return pks

    def nominees(self):
        """(application, rank field, recommendation field) in the order to show them: by the rank
        typed (or saved) so far, then as listed."""

        def typed_rank(application):
            field = self[f"{RANK_PREFIX}{application.pk}"]
            try:
                return int(field.value())
            except (TypeError, ValueError):
                return len(self.candidates) + 1

        ordered = sorted(self.candidates, key=typed_rank)
        return [(a, self[f"{RANK_PREFIX}{a.pk}"], self[f"{RECOMMENDATION_PREFIX}{a.pk}"]) for a in ordered]

    def clean(self):
        cleaned = super().clean()
        ranks = {}
        for application in self.candidates:
            rank = cleaned.get(f"{RANK_PREFIX}{application.pk}")
            if rank is not None:
                ranks.setdefault(rank, []).append(application)
        duplicates = {rank: apps for rank, apps in ranks.items() if len(apps) > 1}
        for rank, apps in sorted(duplicates.items()):
            raise ValidationError(
                _(
                    "Rank %(rank)d is given to %(names)s. Each rank from 1 to %(count)d is used exactly once: "
                    "the ranking by contribution is a strict order."
                )
                % {
                    "rank": rank,
                    "names": "、".join(a.applicant.real_name for a in apps),
                    "count": len(self.candidates),
                },
                code="duplicate_rank",
            )
        return cleaned

    def ranking(self):
        """[(application, recommendation), ...] in rank order, first the greatest contribution."""
        data = self.cleaned_data
        ordered = sorted(self.candidates, key=lambda a: data[f"{RANK_PREFIX}{a.pk}"])
        return [(a, data[f"{RECOMMENDATION_PREFIX}{a.pk}"].strip()) for a in ordered]

    def draft(self):
        """What the chairman typed (ranks and recommendations, never the code), to keep in the session."""
        keys = [f"{p}{a.pk}" for a in self.candidates for p in (RANK_PREFIX, RECOMMENDATION_PREFIX)]
        return {key: str(self.data.get(self.add_prefix(key), ""))[:2000] for key in keys}
