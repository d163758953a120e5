"""The documents of filing and certification, printed from templates (``zaozhuang_titles.documents``):
the title certificate (职称证书, ``templates/documents/certificate.html``) with the QR code of its public
verification page (码上看), and the filing's summary (备案汇总, ``templates/documents/filing_summary.html``).

Both are always in Chinese, since they are filed or handed to the holder. The QR code carries only
the absolute URL of the verification page, built from ``SITE_URL`` (in development without it: the
address of the request that issued it, ``zaozhuang_titles.links``) and the certificate's unguessable
token (never its key), so that it works wherever the PDF is printed or scanned. The certificate shows
the holder's ID number masked and the photo of its profile (a placeholder when it has none); the service
that stores it signs it (``zaozhuang_titles.signing``).
"""

import base64
import io
import logging

import qrcode
import qrcode.constants
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from applications.models import Level, Series
from applications.selectors import photo_of
from zaozhuang_titles.documents import ISSUING_ORGAN, document_number, render_pdf
from zaozhuang_titles.links import absolute_url
from zaozhuang_titles.masking import mask_id_number

logger = logging.getLogger(__name__)

QR_BOX_SIZE = 6
QR_BORDER = 2


def verification_url(certificate, *, request=None, base=None):
    """The absolute URL of the certificate's public verification page: what its QR code holds."""
    path = reverse("results:certificate_verify", kwargs={"token": certificate.token})
    return absolute_url(path, request=request, base=base)


def qr_image(payload):
    """The QR code of ``payload`` as a black-and-white PIL image (medium error correction)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=QR_BOX_SIZE, border=QR_BORDER)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def qr_png(payload):
    buffer = io.BytesIO()
    qr_image(payload).convert("1").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def data_uri(content, content_type):
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def holder_photo(certificate):
    """The holder's photo as a ``data:`` URI (the JPEG the profile stores, already re-encoded and small:
    ``zaozhuang_titles.uploads.portrait_jpeg``), or "" for the template's placeholder."""
    name = photo_of(certificate.application.applicant)
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as stored:
            return data_uri(stored.read(), "image/jpeg")
    except OSError:
        logger.warning(
            "certificate %s: the holder's photo %s cannot be read; printed without it", certificate.number, name
        )
        return ""


def certificate_context(certificate, *, site_url=None):
    """What the certificate template shows (``templates/documents/certificate.html``)."""
    url = verification_url(certificate, base=site_url)
    return {
        "certificate": certificate,
        "holder_id_number": mask_id_number(certificate.application.applicant.id_number),
        "series": Series(certificate.series).label,
        "level": Level(certificate.level).label,
        "photo": holder_photo(certificate),
        "qr": data_uri(qr_png(url), "image/png"),
        "verify_url": url,
        "organ": ISSUING_ORGAN,
        "issued_on": timezone.localdate(certificate.issued_at),
    }


def certificate_pdf(certificate, *, invariant=False, site_url=None):
    """The certificate as (unsigned) PDF bytes: who holds which title since when, granted by which
    committee, its number, the issuing organ and the QR code of its verification page (under
    ``site_url``, else ``SITE_URL``)."""
    return render_pdf("documents/certificate.html", certificate_context(certificate, site_url=site_url))


def filing_summary_pdf(*, filing, committee, summary, row_count, invariant=False):
    """The filing's summary: the batch, the committee, the publicity dates, the filing number and
    date (once entered), and the counts per division and per enterprise."""
    batch = filing.batch
    return render_pdf(
        "documents/filing_summary.html",
        {
            "filing": filing,
            "batch": batch,
            "series": Series(batch.series).label,
            "level": Level(batch.level).label,
            "committee": committee,
            "summary": summary,
            "row_count": row_count,
            "organ": ISSUING_ORGAN,
            "doc_number": document_number("filing", filing.created_at.year, filing.pk),
            "prepared_at": timezone.localtime(filing.created_at),
        },
    )
