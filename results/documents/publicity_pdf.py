"""The PDF of a publicity notice (评审结果公示) in the form of an official notice: the same title, list,
period and way to object as the public page, printed from ``templates/documents/publicity_notice.html``
(``zaozhuang_titles.documents``)."""

from django.utils import timezone

from zaozhuang_titles.documents import ISSUING_ORGAN, document_number, render_pdf


def publicity_pdf(publicity, *, invariant=False):
    """The notice as a PDF (bytes). Reads its lines in order (one query)."""
    published = timezone.localtime(publicity.published_at)
    return render_pdf(
        "documents/publicity_notice.html",
        {
            "publicity": publicity,
            "entries": list(publicity.entries.order_by("position", "id")),
            "organ": ISSUING_ORGAN,
            "doc_number": document_number("notice", published.year, publicity.pk),
            "published_on": published.date(),
        },
    )
