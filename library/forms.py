"""Forms of the library: the public search, the staff's documents and versions, the package editor."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Channel, Level, Series
from library.models import DocumentKind, Visibility
from zaozhuang_titles.forms import CleanTextMixin

DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,video/mp4,.pdf,.jpg,.jpeg,.png,.mp4"


class LibrarySearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *DocumentKind.choices], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All levels")), *Level.choices], required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False)


class DocumentForm(CleanTextMixin, forms.Form):
    """What describes a document: its kind (fixed once created), title, summary, visibility and tags."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("document", "Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect
    )
    series = forms.MultipleChoiceField(
        label=_("Series"),
        choices=Series.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when it suits every series."),
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels"),
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when it suits every level."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when it suits both channels."),
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]


class VersionForm(CleanTextMixin, forms.Form):
    """A version: its file or link, its dates, and the text searched when the PDF has none."""

    label = forms.CharField(label=_("Version"), max_length=50, required=False, help_text=_("For example 2022年版."))
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_until = forms.DateField(
        label=_("Effective until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: no end."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("PDF, JPEG or PNG up to 50 MB; a training video as MP4 up to 1 GB."),
    )
    link = forms.URLField(
        label=_("Intranet link"),
        required=False,
        assume_scheme="https",
        help_text=_("Training videos only: the address of a video kept on the intranet, instead of a file."),
    )
    text = forms.CharField(
        label=_("Text for search"),
        required=False,
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Left empty, the text of a PDF is extracted. Fill it for a scan, an image or a video."),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_until")
        if start and end and end < start:
            self.add_error(
                "effective_until",
                _("A version cannot end (%(until)s) before it takes effect (%(start)s); check both dates.")
                % {"until": end.isoformat(), "start": start.isoformat()},
            )
        return cleaned

    def version_data(self):
        data = self.cleaned_data
        return {
            "label": data["label"],
            "effective_from": data["effective_from"],
            "effective_until": data.get("effective_until"),
            "upload": data.get("file") or None,
            "link": data.get("link") or "",
            "text": data.get("text") or "",
            "change_note": data.get("change_note") or "",
        }


class DocumentCreateForm(DocumentForm, VersionForm):
    """A new document and its first version, on one page."""


class PackageForm(CleanTextMixin, forms.Form):
    """The commissioner's selection and note; ``documents`` are the library's current documents."""

    documents = forms.MultipleChoiceField(label=_("Documents"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("Note to the enterprise"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you want its contacts to read first, and whom to call."),
    )

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(str(document.pk), document.title) for document in documents]

    def document_ids(self):
        return [int(pk) for pk in self.cleaned_data["documents"]]
