"""Arrangements shared by the vote's tests: a meeting with attendance recorded and the vote open."""

from reviews.models import Attendance, Ballot, Meeting
from reviews.services.voting import attendance_record, ballot_cast, vote_open
from tests.reviews.factories import ReviewWorld


def voting_world(*, cases=2, panel_size=5, present=None, division=None):
    """A ReviewWorld whose first ``present`` experts (all by default) attend, with the vote open."""
    world = ReviewWorld(cases=cases, panel_size=panel_size, division=division)
    attending = world.experts if present is None else world.experts[:present]
    attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in attending])
    vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.VOTING
    return world


def cast_all(world, case, choices):
    """The first experts cast ``choices`` (``"yes"``, ``"no"``, ``"abstain"``) on ``case``, in order."""
    for expert, choice in zip(world.experts, choices, strict=False):
        ballot_cast(case=case, expert=expert, choice=Ballot.Choice(choice))


def officers(world):
    """Who chairs and who records the meeting when its vote closes: the first expert present and the
    city staff member running it (``vote_close``'s ``chair`` and ``recorder``); the first expert when
    nobody attends (a close refused before it looks at them)."""
    present = set(Attendance.objects.filter(meeting=world.meeting, present=True).values_list("expert_id", flat=True))
    return {"chair": next((e for e in world.experts if e.pk in present), world.experts[0]), "recorder": world.city}
