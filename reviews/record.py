"""The meeting record (评审会议纪要): the panel, attendance and quorum, the rule of the vote in words, per
application the recusals, the counts and the result, who closed the vote when, and the signature areas
of the panel's chair and recorder — printed from ``templates/documents/meeting_record.html``
(``zaozhuang_titles.documents``), built once when the vote closes and stored signed with its SHA-256
(immutable)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reviews.models import PanelMember
from reviews.voting import outcome_text, quorum_text, result_word, rule_text
from zaozhuang_titles.documents import ISSUING_ORGAN, document_number, render_pdf


def _name(expert):
    return expert.user.real_name or expert.user.username


def _seat_label(member):
    if member.kind == PanelMember.Kind.SUBSTITUTE and member.replaced_id:
        return _("Substitute, replacing %(name)s") % {"name": _name(member.replaced.expert)}
    return member.get_kind_display()


def _recusal_reason(reason):
    if reason:
        return reason
    return _("conflict declared") if reason is not None else _("not assigned at the draw (recusal)")


def meeting_record_context(*, meeting, attendance, tallies):
    """What the record shows, its words in Chinese (the record is filed)."""
    with translation.override("zh-hans"):
        closed_by = meeting.closed_by
        return {
            "meeting": meeting,
            "organ": ISSUING_ORGAN,
            "doc_number": document_number("record", meeting.voting_closed_at.year, meeting.pk),
            "attendance_text": quorum_text(
                min(attendance.attending, attendance.panel_size),
                attendance.panel_size,
                attendance.numerator,
                attendance.denominator,
            ),
            "rule": rule_text(),
            "seats": [
                {
                    "order": seat.member.order,
                    "name": _name(seat.expert),
                    "title": seat.expert.title_name,
                    "employer": seat.expert.employer_name,
                    "seat": _seat_label(seat.member),
                    "attendance": _("present") if seat.present else _("absent"),
                }
                for seat in attendance.seats
            ],
            "results": [
                {
                    "number": tally.case.application.number,
                    "name": tally.case.application.applicant.real_name,
                    "present": tally.present,
                    "yes": tally.yes,
                    "no": tally.no,
                    "abstain": tally.abstain,
                    "not_voted": tally.not_voted,
                    "result": result_word(tally.passed),
                    "outcome": outcome_text(tally.yes, tally.present),
                }
                for tally in tallies
            ],
            "recusals": [
                {"number": tally.case.application.number, "expert": _name(expert), "reason": _recusal_reason(reason)}
                for tally in tallies
                for expert, reason in tally.recused
            ],
            "closed_at": timezone.localtime(meeting.voting_closed_at),
            "closed_by": closed_by.real_name or closed_by.username,
            "chair": _name(meeting.chair) if meeting.chair else "",
            "recorder": (meeting.recorder.real_name or meeting.recorder.username) if meeting.recorder else "",
        }


def meeting_record_pdf(*, meeting, attendance, tallies, invariant=False):
    """The record's (unsigned) bytes. ``attendance`` is the ``AttendanceState`` and ``tallies`` the unsealed
    ``CaseTally`` list the close counted; ``meeting.closed_by`` and ``voting_closed_at`` are set."""
    return render_pdf(
        "documents/meeting_record.html", meeting_record_context(meeting=meeting, attendance=attendance, tallies=tallies)
    )
