"""The nomination letter (举荐信): the chairman's signed ranking of the enterprise's nominees, as a PDF
with Chinese text in an embedded CJK font. The letter is always in Chinese, since it is filed."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from zaozhuang_titles import pdf


def nomination_letter_pdf(*, nomination, entries):
    with translation.override("zh-hans"):
        s = pdf.styles()
        enterprise, batch = nomination.enterprise, nomination.batch
        signed_at = timezone.localtime(nomination.signed_at)
        flowables = [
            pdf.paragraph(_("Nomination letter"), s["Title"]),
            pdf.paragraph(_("To the Zaozhuang professional title review committee:")),
            pdf.paragraph(
                _(
                    "For “%(batch)s”, %(enterprise)s (unified social credit code %(code)s) nominates the "
                    "following %(count)d employees, ranked by their contribution to the enterprise, first the "
                    "greatest."
                )
                % {
                    "batch": batch.name,
                    "enterprise": enterprise.name,
                    "code": enterprise.credit_code,
                    "count": len(entries),
                }
            ),
            pdf.table(
                [[_("Rank"), _("Name"), _("Specialty"), _("Application number"), _("Recommendation")]]
                + [
                    [
                        str(entry.rank),
                        entry.application.applicant.real_name,
                        entry.application.specialty,
                        entry.application.number,
                        entry.recommendation,
                    ]
                    for entry in entries
                ],
                [12 * mm, 22 * mm, 30 * mm, 30 * mm, 66 * mm],
            ),
            pdf.paragraph(""),
            pdf.paragraph(
                _("Signed by the chairman %(name)s with a one-time code sent to the chairman's mobile, at %(time)s.")
                % {"name": nomination.signed_by.real_name, "time": signed_at.strftime("%Y-%m-%d %H:%M:%S")}
            ),
            pdf.paragraph(
                _("SHA-256 of each application as signed:"),
                s["Small"],
            ),
            *[pdf.paragraph(f"{entry.application.number}: {entry.content_sha256}", s["Small"]) for entry in entries],
        ]
        return pdf.build(flowables, title=_("Nomination letter"), author=enterprise.name)
