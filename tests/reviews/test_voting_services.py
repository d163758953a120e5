"""reviews.services.voting: attendance, quorum, opening the vote, ballots and their refusals (nothing
written), secrecy, and closing with results, transitions and the meeting record, once only."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from applications.models import Status, Transition
from reviews.models import Attendance, Ballot, Case, Meeting, PanelMember, ReviewSettings, VoteCast
from reviews.services.voting import attendance_record, ballot_cast, vote_close, vote_open
from tests.factories import UserFactory
from tests.reviews.factories import ExpertFactory, ReviewWorld
from tests.reviews.voting_helpers import cast_all, officers, voting_world
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def codes(error):
    return [item.code for item in error.value.error_list]


def nothing_written(case):
    return VoteCast.objects.filter(case=case).count() == 0 and Ballot.objects.filter(case=case).count() == 0


# --- Attendance and quorum -----------------------------------------------------------------------


def test_attendance_record_marks_present_and_absent_seats():
    world = ReviewWorld(cases=1, panel_size=5)
    state = attendance_record(
        meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:3]]
    )
    assert state.attending == 3
    rows = dict(Attendance.objects.filter(meeting=world.meeting).values_list("expert_id", "present"))
    assert rows == {e.pk: i < 3 for i, e in enumerate(world.experts)}
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {world.city.pk}


def test_attendance_record_corrects_earlier_attendance():
    world = ReviewWorld(cases=1, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[world.experts[0].pk])
    state = attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    assert state.attending == 3
    assert Attendance.objects.filter(meeting=world.meeting, present=True).count() == 3
    assert Attendance.objects.filter(meeting=world.meeting).count() == 3


def test_attendance_record_refuses_an_expert_off_the_panel():
    world = ReviewWorld(cases=1, panel_size=3)
    stranger = ExpertFactory()
    with pytest.raises(ValidationError) as error:
        attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[stranger.pk])
    assert codes(error) == ["not_on_panel"]
    assert Attendance.objects.count() == 0


def test_attendance_counts_a_substitute_who_replaced_a_member_not_the_member():
    world = ReviewWorld(cases=1, panel_size=3)
    member = PanelMember.objects.get(meeting=world.meeting, expert=world.experts[0])
    member.withdrawn_reason = "生病"
    member.save()
    substitute = ExpertFactory(specialties=[world.specialty])
    PanelMember.objects.create(
        meeting=world.meeting, expert=substitute, kind=PanelMember.Kind.SUBSTITUTE, order=9, replaced=member
    )
    idle = ExpertFactory(specialties=[world.specialty])
    PanelMember.objects.create(meeting=world.meeting, expert=idle, kind=PanelMember.Kind.SUBSTITUTE, order=10)
    with pytest.raises(ValidationError):
        attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[world.experts[0].pk])
    with pytest.raises(ValidationError):
        attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[idle.pk])
    state = attendance_record(
        meeting=world.meeting, actor=world.city, present_expert_ids=[substitute.pk, world.experts[1].pk]
    )
    assert state.attending == 2
    assert {seat.expert.pk for seat in state.seats} == {substitute.pk, world.experts[1].pk, world.experts[2].pk}


@pytest.mark.parametrize("role", [Role.EXPERT, Role.DISTRICT_STAFF, Role.APPLICANT])
def test_only_city_staff_record_attendance_and_run_the_vote(role):
    world = ReviewWorld(cases=1, panel_size=3)
    outsider = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        attendance_record(meeting=world.meeting, actor=outsider, present_expert_ids=[])
    with pytest.raises(PermissionDenied):
        vote_open(meeting=world.meeting, actor=outsider, confirm_early=True)
    with pytest.raises(PermissionDenied):
        vote_close(meeting=world.meeting, actor=outsider, confirm_early=True)
    assert Attendance.objects.count() == 0
    assert Meeting.objects.get().status == Meeting.Status.SCORING


def test_vote_open_refused_without_quorum_says_the_counts():
    world = ReviewWorld(cases=1, panel_size=7)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:4]])
    with pytest.raises(ValidationError) as error:
        vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    assert codes(error) == ["no_quorum"]
    message = error.value.messages[0]
    assert "4" in message and "7" in message and "5" in message and "2/3" in message
    assert Meeting.objects.get().status == Meeting.Status.SCORING


def test_vote_open_at_exact_quorum():
    world = ReviewWorld(cases=1, panel_size=7)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:5]])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    assert Meeting.objects.get().status == Meeting.Status.VOTING


def test_vote_open_follows_the_batch_quorum_setting():
    world = ReviewWorld(cases=1, panel_size=7)
    ReviewSettings.objects.filter(batch=world.batch).update(quorum_numerator=1, quorum_denominator=2)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:3]])
    with pytest.raises(ValidationError) as error:
        vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    assert "1/2" in error.value.messages[0]
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts[:4]])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    assert Meeting.objects.get().status == Meeting.Status.VOTING


def test_vote_open_without_any_attendance_is_not_quorate():
    world = ReviewWorld(cases=1, panel_size=3)
    with pytest.raises(ValidationError) as error:
        vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    assert codes(error) == ["no_quorum"]


def test_vote_open_twice_refused_and_attendance_then_frozen():
    world = voting_world(cases=1, panel_size=3)
    with pytest.raises(ValidationError) as error:
        vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    assert codes(error) == ["not_scoring"]
    with pytest.raises(ValidationError) as error:
        attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[])
    assert codes(error) == ["frozen"]
    assert Attendance.objects.filter(present=True).count() == 3


# --- Ballots -------------------------------------------------------------------------------------


def test_ballot_cast_writes_who_voted_and_an_anonymous_ballot():
    world = voting_world(cases=1, panel_size=3)
    case = world.cases[0]
    ballot_cast(case=case, expert=world.experts[0], choice=Ballot.Choice.YES)
    assert list(VoteCast.objects.values_list("case_id", "expert_id")) == [(case.pk, world.experts[0].pk)]
    assert list(Ballot.objects.values_list("case_id", "choice")) == [(case.pk, "yes")]


def test_ballot_has_no_link_to_its_voter():
    fields = {field.name for field in Ballot._meta.get_fields()}
    assert fields == {"id", "case", "choice"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"


def test_ballot_second_vote_refused_and_nothing_written():
    world = voting_world(cases=1, panel_size=3)
    case, expert = world.cases[0], world.experts[0]
    ballot_cast(case=case, expert=expert, choice=Ballot.Choice.NO)
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=case, expert=expert, choice=Ballot.Choice.YES)
    assert codes(error) == ["twice"]
    assert VoteCast.objects.count() == 1
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["no"]


def test_ballot_from_an_absent_expert_refused():
    world = voting_world(cases=1, panel_size=3, present=2)
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=world.experts[2], choice=Ballot.Choice.YES)
    assert codes(error) == ["absent"]
    assert nothing_written(world.cases[0])


def test_ballot_from_a_recused_expert_refused():
    world = ReviewWorld(cases=2, panel_size=3)
    world.cases[0].assignments.filter(expert=world.experts[0]).update(
        conflict_declared_at=timezone.now(), conflict_reason="同一单位"
    )
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=world.experts[0], choice=Ballot.Choice.YES)
    assert codes(error) == ["recused"]
    assert nothing_written(world.cases[0])
    ballot_cast(case=world.cases[1], expert=world.experts[0], choice=Ballot.Choice.YES)  # its other case


def test_ballot_from_an_expert_never_assigned_the_case_refused():
    world = ReviewWorld(cases=1, panel_size=3)
    world.cases[0].assignments.filter(expert=world.experts[1]).delete()
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=world.experts[1], choice=Ballot.Choice.YES)
    assert codes(error) == ["recused"]
    assert nothing_written(world.cases[0])


def test_ballot_from_an_expert_off_the_panel_refused():
    world = voting_world(cases=1, panel_size=3)
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=ExpertFactory(), choice=Ballot.Choice.YES)
    assert codes(error) == ["not_on_panel"]
    assert nothing_written(world.cases[0])


def test_ballot_before_the_vote_opens_refused():
    world = ReviewWorld(cases=1, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=world.experts[0], choice=Ballot.Choice.YES)
    assert codes(error) == ["not_open"]
    assert nothing_written(world.cases[0])


def test_ballot_after_the_close_refused():
    world = voting_world(cases=1, panel_size=3)
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=world.experts[0], choice=Ballot.Choice.YES)
    assert codes(error) == ["closed"]
    assert nothing_written(world.cases[0])


def test_ballot_with_an_unknown_choice_refused():
    world = voting_world(cases=1, panel_size=3)
    with pytest.raises(ValidationError) as error:
        ballot_cast(case=world.cases[0], expert=world.experts[0], choice="maybe")
    assert codes(error) == ["choice"]
    assert nothing_written(world.cases[0])


# --- Closing -------------------------------------------------------------------------------------


def test_vote_close_records_counts_results_and_transitions():
    world = voting_world(cases=2, panel_size=7, present=6)
    passing, failing = world.cases
    # 6 present: 4 needed. Passing: 4 yes, 1 no, 1 abstain. Failing: 3 yes, 1 no, 2 did not vote.
    cast_all(world, passing, ["yes", "yes", "yes", "yes", "no", "abstain"])
    cast_all(world, failing, ["yes", "yes", "yes", "no"])
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))

    passing.refresh_from_db()
    failing.refresh_from_db()
    assert (passing.present, passing.yes, passing.no, passing.abstain, passing.result) == (6, 4, 1, 1, "passed")
    assert (failing.present, failing.yes, failing.no, failing.abstain, failing.result) == (6, 3, 1, 0, "not_passed")
    passing.application.refresh_from_db()
    failing.application.refresh_from_db()
    assert passing.application.status == Status.PASSED
    assert failing.application.status == Status.NOT_PASSED
    log = Transition.objects.get(application=passing.application, action="review_pass")
    assert log.actor == world.city
    assert log.from_status == Status.IN_REVIEW
    assert "4" in log.reason and "6" in log.reason
    assert Transition.objects.filter(application=failing.application, action="review_fail").count() == 1

    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.CLOSED
    assert meeting.closed_by == world.city
    assert meeting.voting_closed_at is not None
    with default_storage.open(meeting.record, "rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == meeting.record_sha256


def test_vote_close_excludes_recused_experts_from_present():
    world = ReviewWorld(cases=1, panel_size=5)
    case = world.cases[0]
    case.assignments.filter(expert=world.experts[4]).update(conflict_declared_at=timezone.now(), conflict_reason="亲属")
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    # 4 present and not recused: 3 needed (2 of 5 would not be 2/3 of the whole panel: 3 yes pass here).
    cast_all(world, case, ["yes", "yes", "yes", "no"])
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    case.refresh_from_db()
    assert (case.present, case.yes, case.result) == (4, 3, Case.Result.PASSED)


def test_vote_close_counts_a_present_expert_who_did_not_vote_as_not_yes():
    world = voting_world(cases=1, panel_size=3)
    case = world.cases[0]
    cast_all(world, case, ["yes"])  # 1 of 3 present: 2 needed
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    case.refresh_from_db()
    assert (case.present, case.yes, case.no, case.abstain, case.result) == (3, 1, 0, 0, "not_passed")


def test_vote_close_twice_refused_and_nothing_changes():
    world = voting_world(cases=1, panel_size=3)
    cast_all(world, world.cases[0], ["yes", "yes", "yes"])
    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    before = Meeting.objects.values("record", "record_sha256", "voting_closed_at").get()
    with pytest.raises(ValidationError) as error:
        vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    assert codes(error) == ["closed"]
    assert Meeting.objects.values("record", "record_sha256", "voting_closed_at").get() == before
    assert Transition.objects.filter(action__in=["review_pass", "review_fail"]).count() == 1


def test_vote_close_before_the_vote_opens_refused():
    world = ReviewWorld(cases=1, panel_size=3)
    with pytest.raises(ValidationError) as error:
        vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    assert codes(error) == ["not_open"]
    assert Case.objects.get().result == Case.Result.PENDING


def test_vote_close_is_all_or_nothing():
    world = voting_world(cases=2, panel_size=3)
    cast_all(world, world.cases[0], ["yes", "yes", "yes"])
    # The second application left review meanwhile (an impossible move for the close): nothing is kept.
    world.applications[1].__class__.objects.filter(pk=world.applications[1].pk).update(status=Status.PASSED)
    with pytest.raises(ValidationError):
        vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    assert Meeting.objects.get().status == Meeting.Status.VOTING
    assert list(Case.objects.values_list("result", flat=True)) == ["pending", "pending"]
    world.applications[0].refresh_from_db()
    assert world.applications[0].status == Status.IN_REVIEW
    assert Transition.objects.filter(action="review_pass").count() == 0


# --- The vote before the meeting's scheduled date --------------------------------------------------


def quorate_world():
    world = ReviewWorld(cases=1, panel_size=3)
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    return world


def test_vote_open_before_the_meeting_date_refused_without_confirmation():
    world = quorate_world()
    assert world.meeting.held_on > timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        vote_open(meeting=world.meeting, actor=world.city)

    assert codes(refused) == ["before_meeting_date"]
    assert world.meeting.held_on.isoformat() in refused.value.messages[0]
    assert Meeting.objects.get(pk=world.meeting.pk).status == Meeting.Status.SCORING
    assert not world.meeting.transitions.filter(action="open_vote").exists()


def test_vote_open_before_the_meeting_date_with_confirmation_is_logged():
    world = quorate_world()

    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)

    log = world.meeting.transitions.get(action="open_vote")
    assert Meeting.objects.get(pk=world.meeting.pk).status == Meeting.Status.VOTING
    assert log.actor == world.city
    assert world.meeting.held_on.isoformat() in log.reason
    assert timezone.localdate().isoformat() in log.reason


def test_vote_close_before_the_meeting_date_refused_without_confirmation_counts_nothing():
    world = voting_world(cases=1, panel_size=3)
    cast_all(world, world.cases[0], ["yes", "yes", "yes"])

    with pytest.raises(ValidationError) as refused:
        vote_close(meeting=world.meeting, actor=world.city, **officers(world))

    assert codes(refused) == ["before_meeting_date"]
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    assert (meeting.status, meeting.voting_closed_at, meeting.record) == (Meeting.Status.VOTING, None, "")
    assert Case.objects.get(pk=world.cases[0].pk).result == Case.Result.PENDING
    assert not Transition.objects.filter(action="review_pass").exists()


def test_vote_close_before_the_meeting_date_with_confirmation_is_logged():
    world = voting_world(cases=1, panel_size=3)
    cast_all(world, world.cases[0], ["yes", "yes", "yes"])

    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))

    log = world.meeting.transitions.get(action="close_vote")
    assert Meeting.objects.get(pk=world.meeting.pk).status == Meeting.Status.CLOSED
    assert world.meeting.held_on.isoformat() in log.reason


def test_vote_on_the_meeting_date_needs_no_confirmation():
    world = quorate_world()
    today = timezone.localdate()
    Meeting.objects.filter(pk=world.meeting.pk).update(held_on=today, scoring_deadline=timezone.now())
    world.meeting.refresh_from_db()

    vote_open(meeting=world.meeting, actor=world.city)
    vote_close(meeting=world.meeting, actor=world.city, **officers(world))

    assert Meeting.objects.get(pk=world.meeting.pk).status == Meeting.Status.CLOSED
    reasons = dict(world.meeting.transitions.values_list("action", "reason"))
    # No confirmation recorded; the close names its chair and recorder only.
    assert reasons["open_vote"] == ""
    assert reasons["close_vote"] == f"评审组组长：{officers(world)['chair']}；记录人：{world.city.real_name}。"


# --- Chair and recorder ---------------------------------------------------------------------------


def test_vote_close_names_the_chair_and_the_recorder_and_logs_them():
    world = voting_world(cases=1, panel_size=5)
    chair, recorder = world.experts[1], world.experts[2].user

    vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, chair=chair, recorder=recorder)

    meeting = Meeting.objects.get(pk=world.meeting.pk)
    assert (meeting.chair, meeting.recorder, meeting.status) == (chair, recorder, Meeting.Status.CLOSED)
    log = meeting.transitions.get(action="close_vote")
    assert f"评审组组长：{chair}" in log.reason and f"记录人：{recorder.real_name}" in log.reason


@pytest.mark.parametrize(
    ("who", "field", "says"),
    [
        ("no_chair", "chair", "Name the chair"),
        ("absent_chair", "chair", "must be an expert of the panel recorded as present"),
        ("stranger_chair", "chair", "must be an expert of the panel recorded as present"),
        ("no_recorder", "recorder", "Name the recorder"),
        ("district_recorder", "recorder", "the recorder is city HR staff or an expert"),
        ("absent_recorder", "recorder", "the recorder is city HR staff or an expert"),
        ("chair_records", "recorder", "two different people"),
    ],
)
def test_vote_close_refuses_a_chair_or_recorder_who_cannot_sign_and_writes_nothing(who, field, says):
    world = voting_world(cases=1, panel_size=5, present=4)
    present, absent = world.experts[0], world.experts[4]
    chair, recorder = {
        "no_chair": (None, world.city),
        "absent_chair": (absent, world.city),
        "stranger_chair": (ExpertFactory(), world.city),
        "no_recorder": (present, None),
        "district_recorder": (present, UserFactory(roles=[Role.DISTRICT_STAFF])),
        "absent_recorder": (present, absent.user),
        "chair_records": (present, present.user),
    }[who]

    with pytest.raises(ValidationError) as refused:
        vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, chair=chair, recorder=recorder)

    assert says in " ".join(refused.value.message_dict[field])
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    assert (meeting.status, meeting.chair, meeting.recorder, meeting.record) == (Meeting.Status.VOTING, None, None, "")
    assert Case.objects.get(pk=world.cases[0].pk).result == Case.Result.PENDING
