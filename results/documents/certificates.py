"""The documents of filing and certification, as PDFs with Chinese text in the embedded CJK font
(``zaozhuang_titles.pdf``): the title certificate (职称证书) with the QR code of its public
verification page (码上看), and the filing's summary (备案汇总).

Both are always in Chinese, since they are filed or handed to the holder. The QR code carries only
the absolute URL of the verification page, built from ``SITE_URL`` (in development without it: the
address of the request that issued it, ``zaozhuang_titles.links``) and the certificate's unguessable
token (never its key), so that it works wherever the PDF is printed or scanned.
"""

import io

import qrcode
import qrcode.constants
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Image, Spacer

from applications.models import Level, Series
from zaozhuang_titles import pdf
from zaozhuang_titles.links import absolute_url

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
    qr_image(payload).save(buffer, format="PNG")
    return buffer.getvalue()


def _date(value):
    return value.strftime("%Y-%m-%d") if value else ""


def certificate_pdf(certificate, *, invariant=False, site_url=None):
    """The certificate as PDF bytes: who holds which title since when, granted by which committee,
    its number, and the QR code of its verification page (under ``site_url``, else ``SITE_URL``)."""
    with translation.override("zh-hans"):
        s = pdf.styles()
        url = verification_url(certificate, base=site_url)
        qr = Image(io.BytesIO(qr_png(url)), width=40 * mm, height=40 * mm)
        rows = [
            [_("Holder"), certificate.holder_name],
            [_("Series"), str(Series(certificate.series).label)],
            [_("Level"), str(Level(certificate.level).label)],
            [_("Qualification"), certificate.title_name],
            [_("Date granted"), _date(certificate.granted_on)],
            [_("Issuing committee"), certificate.committee_name],
            [_("Certificate number"), certificate.number],
        ]
        flowables = [
            pdf.paragraph(_("Professional title certificate (职称证书)"), s["Title"]),
            pdf.paragraph(
                _("%(name)s has passed the review and holds the professional title of %(title)s.")
                % {"name": certificate.holder_name, "title": certificate.title_name},
                where=f"certificate {certificate.number}",
            ),
            Spacer(1, 4 * mm),
            pdf.table(rows, [40 * mm, 120 * mm], header=False, where=f"certificate {certificate.number}"),
            Spacer(1, 8 * mm),
            qr,
            pdf.paragraph(_("Scan the code to verify this certificate (码上看):"), s["Small"]),
            pdf.paragraph(url, s["Small"]),
            pdf.paragraph(
                _("Issued at %(time)s.") % {"time": timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")},
                s["Small"],
            ),
        ]
        return pdf.build(
            flowables,
            title=_("Professional title certificate (职称证书)"),
            author=certificate.committee_name,
            subject=certificate.number,
            invariant=invariant,
        )


def filing_summary_pdf(*, filing, committee, summary, row_count, invariant=False):
    """The filing's summary: the batch, the committee, the publicity dates, the filing number and
    date (once entered), and the counts per division and per enterprise."""
    with translation.override("zh-hans"):
        s = pdf.styles()
        batch = filing.batch
        periods = "; ".join(
            f"{_date(period['publicity__starts_on'])}至{_date(period['publicity__ends_on'])}"
            for period in summary["periods"]
        )
        facts = [
            [_("Batch"), batch.name],
            [_("Series and level"), f"{Series(batch.series).label} {Level(batch.level).label}"],
            [_("Review committee"), committee],
            [_("Publicity period"), periods or "—"],
            [_("Applications filed"), str(row_count)],
            [_("Filing number"), filing.number or _("to be entered")],
            [_("Filing date"), _date(filing.filed_on) or _("to be entered")],
            [_("Prepared at"), timezone.localtime(filing.created_at).strftime("%Y-%m-%d %H:%M")],
        ]
        flowables = [
            pdf.paragraph(_("Filing summary (备案汇总)"), s["Title"]),
            pdf.table(facts, [40 * mm, 120 * mm], header=False),
            pdf.paragraph(_("Per division"), s["Heading"]),
            pdf.table(
                [[_("Division"), _("Applications")]]
                + [[row["division"] or "—", str(row["count"])] for row in summary["divisions"]],
                [100 * mm, 60 * mm],
            ),
            pdf.paragraph(
                _("Per enterprise (%(count)d enterprises)") % {"count": summary.get("enterprise_count", 0)},
                s["Heading"],
            ),
            pdf.table(
                [[_("Enterprise"), _("Division"), _("Applications")]]
                + [[row["enterprise"], row["division"] or "—", str(row["count"])] for row in summary["enterprises"]],
                [90 * mm, 40 * mm, 30 * mm],
            ),
        ]
        if summary.get("more_enterprises"):
            flowables.append(
                pdf.paragraph(
                    _("And %(enterprises)d more enterprises with %(applications)d applications; the Excel lists all.")
                    % {"enterprises": summary["more_enterprises"], "applications": summary["more_applications"]},
                    s["Small"],
                )
            )
        return pdf.build(
            flowables,
            title=_("Filing summary (备案汇总)"),
            author=str(getattr(settings, "PORTAL_NAME", "")),
            subject=batch.name,
            invariant=invariant,
        )
