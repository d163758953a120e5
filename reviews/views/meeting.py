"""Pages of the meeting and its secret ballot.

Staff (city HR staff and administrators): the list of meetings, a meeting's page with attendance and
the quorum, the buttons that open and close the vote, the results once closed, and the meeting record
PDF. Experts: the meetings they sit on, and a meeting's ballot page listing the applications they may
vote on (present, not recused) with 同意/不同意/弃权, "voted" afterwards and no count before the close.

Every meeting and case is loaded through ``reviews.selectors.voting`` (404 outside the reader's scope);
every write goes through ``reviews.services.voting``; domain errors come back as messages.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.evidence import file_response
from applications.views.common import error_messages
from reviews.forms_staff import CloseVoteForm, EarlyVoteForm
from reviews.models import Ballot, Meeting
from reviews.selectors.voting import (
    attendance_state,
    ballot_cases_for_expert,
    case_for_ballot,
    case_tallies,
    expert_of,
    is_present,
    meeting_for_expert,
    meeting_for_staff,
    meetings_for_expert,
    meetings_for_staff,
    recorder_candidates,
)
from reviews.services.voting import attendance_record, ballot_cast, ballot_why_not, vote_close, vote_open
from reviews.voting import outcome_text, quorum_text, rule_text
from reviews.workflow import before_meeting_date
from zaozhuang_titles.audit import audit_record
from zaozhuang_titles.forms import CleanTextMixin
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.permissions import ObjectPermissionMixin
from zaozhuang_titles.rules import is_city_admin, is_expert

STAFF_PERMISSION = "reviews.run_meeting_vote"


class AttendanceForm(CleanTextMixin, forms.Form):
    """Who of the panel is present; the choices are the meeting's seat holders (passed in)."""

    present = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Experts present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(seat.expert.pk, str(seat.expert)) for seat in seats]
        if not self.is_bound:
            self.initial["present"] = [seat.expert.pk for seat in seats if seat.present]


class BallotForm(CleanTextMixin, forms.Form):
    choice = forms.ChoiceField(choices=Ballot.Choice.choices)
    #: Set by the confirmation page's button: the first POST only shows what will be cast.
    confirmed = forms.BooleanField(required=False)


# --- Staff ---------------------------------------------------------------------------------------


class MeetingListView(PermissionRequiredMixin, TemplateView):
    """评审会议 — every meeting with its status, linking to its attendance and vote."""

    permission_required = STAFF_PERMISSION
    template_name = "reviews/meeting/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meetings"] = meetings_for_staff(self.request.user).order_by("-held_on", "-id")
        return context


def close_form(meeting, state, data=None):
    return CloseVoteForm(data, meeting=meeting, attendance=state, recorders=recorder_candidates(meeting, state))


class StaffMeetingMixin(ObjectPermissionMixin):
    role_required = is_city_admin
    permission_required = STAFF_PERMISSION

    def load_object(self):
        return meeting_for_staff(self.request.user, self.kwargs["pk"])

    @property
    def meeting(self):
        return self.permission_object

    def back(self):
        return redirect("reviews:vote_meeting", pk=self.meeting.pk)


class MeetingView(StaffMeetingMixin, TemplateView):
    """A meeting for staff: attendance and quorum (editable until the vote opens), the vote's buttons,
    turnout while it is open, each case's counts and result once it is closed, and the record."""

    template_name = "reviews/meeting/staff.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        state = attendance_state(meeting)
        closed = meeting.status == Meeting.Status.CLOSED
        tallies = case_tallies(meeting, attendance=state, unseal=closed)
        rows = []
        for tally in tallies:
            row = {"tally": tally, "case": tally.case, "application": tally.case.application}
            if closed:
                row["outcome"] = outcome_text(tally.yes, tally.present)
            rows.append(row)
        context.update(
            meeting=meeting,
            state=state,
            quorum=quorum_text(
                min(state.attending, state.panel_size), state.panel_size, state.numerator, state.denominator
            ),
            rule=rule_text(),
            rows=rows,
            closed=closed,
            attendance_open=meeting.panel_open,
            can_open=meeting.status == Meeting.Status.SCORING,
            can_close=meeting.status == Meeting.Status.VOTING,
            early=before_meeting_date(meeting),
            log=list(meeting.transitions.select_related("actor").order_by("at", "id")),
            form=form or AttendanceForm(seats=state.seats),
        )
        if meeting.status == Meeting.Status.VOTING:
            # The options from what is loaded already (one query for the recorders), not the form's
            # querysets, which a template would count and read again.
            context.update(
                close_form=close_form(meeting, state),
                chair_options=[seat.expert for seat in state.seats if seat.present],
                recorder_options=list(recorder_candidates(meeting, state)),
            )
        return context

    def post(self, request, pk):
        """Record attendance."""
        state = attendance_state(self.meeting)
        form = AttendanceForm(request.POST, seats=state.seats)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            state = attendance_record(
                meeting=self.meeting, actor=request.user, present_expert_ids=form.cleaned_data["present"]
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                _("Attendance recorded: %(quorum)s.")
                % {
                    "quorum": quorum_text(
                        min(state.attending, state.panel_size), state.panel_size, state.numerator, state.denominator
                    )
                },
            )
        return self.back()


class VoteOpenView(StaffMeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = EarlyVoteForm(request.POST)
        form.is_valid()  # one optional box: always valid
        try:
            vote_open(meeting=self.meeting, actor=request.user, confirm_early=form.cleaned_data["confirm_early"])
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The vote is open. Experts present can now cast their secret ballots."))
        return self.back()


class VoteCloseView(StaffMeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = close_form(self.meeting, attendance_state(self.meeting), data=request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return self.back()
        try:
            vote_close(
                meeting=self.meeting,
                actor=request.user,
                confirm_early=form.cleaned_data["confirm_early"],
                chair=form.cleaned_data["chair"],
                recorder=form.cleaned_data["recorder"],
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request, _("The vote is closed; the results are recorded and the meeting record is ready.")
            )
        return self.back()


class MeetingRecordView(StaffMeetingMixin, View):
    """The meeting record PDF (评审会议记录), once the vote is closed; every download is audited."""

    http_method_names = ["get"]

    def get(self, request, pk):
        meeting = self.meeting
        if meeting.status != Meeting.Status.CLOSED or not meeting.record:
            raise Http404
        audit_record(
            kind=AuditEvent.Kind.FILE_DOWNLOADED,
            request=request,
            obj=meeting,
            detail={"file": "meeting_record", "storage_name": meeting.record, "sha256": meeting.record_sha256},
        )
        name = _("Meeting record %(meeting)s %(date)s.pdf") % {
            "meeting": meeting.name,
            "date": timezone.localtime(meeting.voting_closed_at).strftime("%Y%m%d"),
        }
        return file_response(meeting.record, download_name=name, content_type="application/pdf")


# --- Experts -------------------------------------------------------------------------------------


class ExpertMixin(PermissionRequiredMixin):
    permission_required = "reviews.view_expert_home"

    @cached_property
    def expert(self):
        return expert_of(self.request.user)


class ExpertObjectMixin(ObjectPermissionMixin, ExpertMixin):
    """An expert's page about one meeting or case, loaded in its scope (404 otherwise)."""

    role_required = is_expert


class ExpertMeetingListView(ExpertMixin, TemplateView):
    """The meetings the expert sits on, with the state of their vote."""

    template_name = "reviews/meeting/expert_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meetings"] = meetings_for_expert(self.expert).order_by("-held_on", "-id")
        return context


class ExpertBallotView(ExpertObjectMixin, TemplateView):
    """The expert's ballot page of one meeting: the applications it may vote on, each with the three
    choices, or "voted"; no count is shown before the close; the results once closed."""

    permission_required = "reviews.open_ballot"
    template_name = "reviews/meeting/ballot.html"

    def load_object(self):
        return meeting_for_expert(self.expert, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.permission_object
        closed = meeting.status == Meeting.Status.CLOSED
        cases = list(ballot_cases_for_expert(self.expert, meeting))
        context.update(
            meeting=meeting,
            cases=cases,
            present=is_present(self.expert, meeting),
            voting=meeting.status == Meeting.Status.VOTING,
            closed=closed,
            rule=rule_text(),
            choices=Ballot.Choice.choices,
        )
        if closed:
            for case in cases:
                case.outcome = outcome_text(case.yes or 0, case.present or 0)
        return context


class BallotCastView(ExpertObjectMixin, View):
    """POST: cast the expert's ballot on one case, in two steps. The first POST (a choice) stores nothing
    and shows what will be cast, with the rule that a vote cannot be changed; the confirmation page's
    button posts the same choice with ``confirmed``, which casts it. Works without JavaScript."""

    permission_required = "reviews.cast_ballot"
    http_method_names = ["post"]
    confirm_template_name = "reviews/meeting/ballot_confirm.html"

    def load_object(self):
        return case_for_ballot(self.expert, self.kwargs["pk"])

    def post(self, request, pk):
        case = self.permission_object
        back = f"{reverse('reviews:vote_ballots', kwargs={'pk': case.meeting_id})}#case-{case.pk}"
        form = BallotForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose agree, disagree or abstain."))
            return redirect(back)
        choice = form.cleaned_data["choice"]
        if not form.cleaned_data["confirmed"]:
            refused = ballot_why_not(case=case, expert=self.expert)
            if refused is not None:  # say so now, not after a confirmation that could not be kept
                error_messages(request, refused)
                return redirect(back)
            return render(
                request,
                self.confirm_template_name,
                {
                    "case": case,
                    "meeting": case.meeting,
                    "application": case.application,
                    "choice": choice,
                    "choice_label": Ballot.Choice(choice).label,
                    "back": back,
                },
            )
        try:
            ballot_cast(case=case, expert=self.expert, choice=choice)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                _("Your secret ballot on %(number)s is recorded.") % {"number": case.application.number},
            )
        return redirect(back)
