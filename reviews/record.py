"""The meeting record (评审会议记录): the panel, attendance and quorum, the rule of the vote in words, per
application the recusals, the counts and the result, and who closed the vote when — a PDF in Chinese
with the embedded CJK font, built once when the vote closes and stored with its SHA-256 (immutable)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm

from reviews.models import PanelMember
from reviews.voting import outcome_text, quorum_text, result_word, rule_text
from zaozhuang_titles import pdf


def _name(expert):
    return expert.user.real_name or expert.user.username


def _seat_label(member):
    if member.kind == PanelMember.Kind.SUBSTITUTE and member.replaced_id:
        return _("Substitute, replacing %(name)s") % {"name": _name(member.replaced.expert)}
    return member.get_kind_display()


def meeting_record_pdf(*, meeting, attendance, tallies, invariant=False):
    """The record's bytes. ``attendance`` is the ``AttendanceState`` and ``tallies`` the unsealed
    ``CaseTally`` list the close counted; ``meeting.closed_by`` and ``voting_closed_at`` are set."""
    with translation.override("zh-hans"):
        s = pdf.styles()
        closed_at = timezone.localtime(meeting.voting_closed_at).strftime("%Y-%m-%d %H:%M:%S")
        title = _("Review meeting record")
        flowables = [
            pdf.paragraph(title, s["Title"]),
            pdf.table(
                [
                    [_("Meeting"), meeting.name],
                    [_("Batch"), meeting.batch.name],
                    [_("Specialty"), meeting.specialty.name],
                    [_("Meeting date"), meeting.held_on.isoformat()],
                    [
                        _("Attendance"),
                        quorum_text(
                            min(attendance.attending, attendance.panel_size),
                            attendance.panel_size,
                            attendance.numerator,
                            attendance.denominator,
                        ),
                    ],
                    [_("Rule of the vote"), rule_text()],
                ],
                [35 * mm, 125 * mm],
                header=False,
            ),
            pdf.paragraph(_("Panel and attendance"), s["Heading"]),
            pdf.table(
                [
                    [
                        _("Order"),
                        _("Expert"),
                        pgettext("professional title", "Title"),
                        _("Employer"),
                        _("Seat"),
                        _("Attendance"),
                    ]
                ]
                + [
                    [
                        str(seat.member.order),
                        _name(seat.expert),
                        seat.expert.title_name,
                        seat.expert.employer_name,
                        _seat_label(seat.member),
                        _("present") if seat.present else _("absent"),
                    ]
                    for seat in attendance.seats
                ],
                [10 * mm, 30 * mm, 28 * mm, 42 * mm, 28 * mm, 22 * mm],
            ),
            pdf.paragraph(_("Results by application"), s["Heading"]),
            pdf.table(
                [
                    [
                        _("No."),
                        _("Applicant"),
                        _("Present, not recused"),
                        pgettext("vote", "Agree"),
                        pgettext("vote", "Disagree"),
                        pgettext("vote", "Abstain"),
                        _("Did not vote"),
                        _("Result"),
                    ]
                ]
                + [
                    [
                        tally.case.application.number,
                        tally.case.application.applicant.real_name,
                        str(tally.present),
                        str(tally.yes),
                        str(tally.no),
                        str(tally.abstain),
                        str(tally.not_voted),
                        result_word(tally.passed),
                    ]
                    for tally in tallies
                ],
                [30 * mm, 22 * mm, 18 * mm, 14 * mm, 14 * mm, 14 * mm, 18 * mm, 30 * mm],
                style=s["Small"],
            ),
        ]
        for tally in tallies:
            flowables.append(
                pdf.paragraph(
                    " ".join(
                        (
                            tally.case.application.number,
                            tally.case.application.applicant.real_name,
                            outcome_text(tally.yes, tally.present),
                        )
                    ),
                    s["Small"],
                )
            )
        flowables.append(pdf.paragraph(_("Recusals (回避)"), s["Heading"]))
        recusals = [
            [
                tally.case.application.number,
                _name(expert),
                reason or (_("conflict declared") if reason is not None else _("not assigned at the draw (recusal)")),
            ]
            for tally in tallies
            for expert, reason in tally.recused
        ]
        if recusals:
            flowables.append(pdf.table([[_("No."), _("Expert"), _("Reason")], *recusals], [35 * mm, 30 * mm, 95 * mm]))
        else:
            flowables.append(pdf.paragraph(_("No expert present was recused from any application.")))
        if meeting.seed_sha256:
            flowables.append(
                pdf.paragraph(
                    _("Panel draw: seed %(seed)s, SHA-256 of the seed %(sha)s.")
                    % {"seed": meeting.seed or "—", "sha": meeting.seed_sha256},
                    s["Small"],
                )
            )
        flowables += [
            pdf.paragraph(""),
            pdf.paragraph(
                _(
                    "The vote was closed by %(name)s (city HR staff) at %(time)s; this record was produced then "
                    "and is final."
                )
                % {"name": meeting.closed_by.real_name or meeting.closed_by.username, "time": closed_at}
            ),
            pdf.paragraph(_("Signed off by staff: ____________________")),
        ]
        return pdf.build(flowables, title=title, author=_("Zaozhuang HR Bureau"), invariant=invariant)
