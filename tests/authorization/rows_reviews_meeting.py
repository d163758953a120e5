"""Matrix rows of reviews: the meeting and its secret ballot.

Staff pages are for city staff and administrators. The expert pages need an expert who sits on the
meeting: each setup gives the matrix's expert the seat of the panel's first expert (present, assigned
every case), so the expert gets its pages and every other role is refused by permission. Roles are
tried in order, administrator first: its POST may change the meeting (record attendance, open or
close the vote); the city staff's POST after it then meets the new state and is sent back with a
message (a redirect as well)."""

from reviews.models import Expert
from reviews.services.voting import attendance_record, vote_close, vote_open
from tests.authorization.matrix import REDIRECT, Row, hidden, outcome
from tests.reviews.factories import ReviewWorld
from tests.reviews.voting_helpers import officers
from zaozhuang_titles.models import Role

STAFF = [Role.CITY_STAFF, Role.ADMINISTRATOR]


def _world(ctx, *, present=False, voting=False, closed=False):
    world = ReviewWorld(cases=1, panel_size=3)
    expert = world.experts[0]
    Expert.objects.filter(pk=expert.pk).update(user=ctx["users"][Role.EXPERT.value])
    if present or voting or closed:
        attendance_record(meeting=world.meeting, actor=world.city, present_expert_ids=[e.pk for e in world.experts])
    if voting or closed:
        vote_open(meeting=world.meeting, actor=world.city, confirm_early=True)
    if closed:
        vote_close(meeting=world.meeting, actor=world.city, confirm_early=True, **officers(world))
    ctx["world"] = world
    ctx["meeting"] = world.meeting
    ctx["case"] = world.cases[0]


def scoring(ctx):
    _world(ctx)


def quorate(ctx):
    _world(ctx, present=True)


def voting(ctx):
    _world(ctx, voting=True)


def closed(ctx):
    _world(ctx, closed=True)


def meeting_pk(ctx):
    return {"pk": ctx["meeting"].pk}


def case_pk(ctx):
    return {"pk": ctx["case"].pk}


ROWS = [
    Row(
        "reviews:vote_meetings",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        setup=scoring,
    ),
    # GET: attendance and quorum. POST: record attendance (the whole panel present).
    Row(
        "reviews:vote_meeting",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        kwargs=meeting_pk,
        setup=scoring,
        data={"present": []},
    ),
    Row(
        "reviews:vote_open",
        get=outcome(allowed=STAFF, ok=405),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        kwargs=meeting_pk,
        setup=quorate,
        data={"confirm_early": "on"},  # the meeting is a week ahead: staff confirm the early vote
    ),
    Row(
        "reviews:vote_close",
        get=outcome(allowed=STAFF, ok=405),
        post=outcome(allowed=STAFF, ok=REDIRECT),
        kwargs=meeting_pk,
        setup=voting,
        data={"confirm_early": "on"},  # the meeting is a week ahead: staff confirm the early vote
    ),
    Row(
        "reviews:vote_record",
        get=outcome(allowed=STAFF),
        post=outcome(allowed=STAFF, ok=405),
        kwargs=meeting_pk,
        setup=closed,
    ),
    Row(
        "reviews:vote_expert_home",
        get=outcome(allowed=[Role.EXPERT]),
        post=outcome(allowed=[Role.EXPERT], ok=405),
    ),
    Row(
        "reviews:vote_ballots",
        get=outcome(allowed=[Role.EXPERT]),
        post=outcome(allowed=[Role.EXPERT], ok=405),
        kwargs=meeting_pk,
        setup=voting,
        outsiders=hidden(Role.EXPERT, post=405),
    ),
    Row(
        "reviews:vote_cast",
        get=outcome(allowed=[Role.EXPERT], ok=405),
        post=outcome(allowed=[Role.EXPERT], ok=REDIRECT),
        kwargs=case_pk,
        setup=voting,
        data={"choice": "yes", "confirmed": "on"},  # the confirmed second step: the ballot is cast
        outsiders=hidden(Role.EXPERT, get=405),
    ),
]
