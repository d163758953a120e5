"""The PDF of a publicity notice (评审结果公示): the same title, list, period and way to object as the
public page, in Chinese with the embedded CJK font (``zaozhuang_titles.pdf``)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from zaozhuang_titles import pdf
from zaozhuang_titles.formats import date_text


def publicity_pdf(publicity, *, invariant=False):
    """The notice as a PDF (bytes). Reads its lines in order (one query)."""
    entries = list(publicity.entries.order_by("position", "id"))
    with translation.override("zh-hans"):
        s = pdf.styles()
        values = {
            "committee": publicity.committee_name,
            "batch": publicity.batch.name,
            "count": len(entries),
            "start": date_text(publicity.starts_on),
            "end": date_text(publicity.ends_on),
            "days": publicity.working_days,
        }
        flowables = [
            pdf.paragraph(publicity.title, s["Title"]),
            pdf.paragraph(
                _(
                    "After review by %(committee)s, the following %(count)s persons of “%(batch)s” passed. "
                    "They are made public for objections as follows."
                )
                % values
            ),
            pdf.table(
                [
                    [_("No."), _("Name"), _("Employer"), _("Specialty"), _("Title granted")],
                    *[
                        [str(index), entry.name, entry.enterprise_name, entry.specialty, entry.title_granted]
                        for index, entry in enumerate(entries, start=1)
                    ],
                ],
                [14 * mm, 26 * mm, 60 * mm, 30 * mm, 30 * mm],
            ),
            pdf.paragraph(_("Publicity period"), s["Heading"]),
            pdf.paragraph(_("From %(start)s to %(end)s (%(days)s working days).") % values),
        ]
        if publicity.provisional:
            flowables.append(
                pdf.paragraph(
                    _(
                        "The last day is provisional: the official holiday schedule of that year is not known "
                        "yet, so it may move once city staff enter it."
                    ),
                    s["Small"],
                )
            )
        flowables += [
            pdf.paragraph(_("How to object"), s["Heading"]),
            pdf.paragraph(publicity.how_to_object),
            pdf.paragraph(
                _("Published on %(date)s") % {"date": date_text(timezone.localdate(publicity.published_at))}, s["Small"]
            ),
        ]
        return pdf.build(flowables, title=publicity.title, author=publicity.committee_name, invariant=invariant)
