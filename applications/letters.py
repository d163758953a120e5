"""The nomination letter (举荐信): the chairman's signed ranking of the enterprise's nominees on the
enterprise's letterhead, printed from ``templates/documents/nomination_letter.html``
(``zaozhuang_titles.documents``). Always in Chinese, since it is filed; the service that stores it signs
it as a PDF (``zaozhuang_titles.signing``)."""

from django.utils import timezone

from zaozhuang_titles.documents import render_pdf


def nomination_letter_pdf(*, nomination, entries):
    """The letter's (unsigned) PDF bytes: the letterhead, the ranked table, the chairman's attestation of
    the moment signed with the SMS code, the closing block with the seal area, the SHA-256 lines."""
    chairman = nomination.signed_by
    return render_pdf(
        "documents/nomination_letter.html",
        {
            "nomination": nomination,
            "enterprise": nomination.enterprise,
            "batch": nomination.batch,
            "entries": entries,
            "chairman": chairman.real_name or chairman.username,
            "signed_at": timezone.localtime(nomination.signed_at),
        },
    )
