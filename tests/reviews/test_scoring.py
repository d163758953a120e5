"""reviews.services.scoring: autosaved scores, the submit lock, range checks, conflicts, the rubric
lock and the deadline reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from reviews.models import Assignment, Meeting, ReviewSettings, Score
from reviews.services.scoring import (
    assignment_submit,
    conflict_declare,
    rubric_check_editable,
    rubric_locked,
    score_save,
    scoring_reminders_send,
)
from reviews.tasks import remind_scoring_deadlines
from tests.reviews.factories import MeetingFactory, ReviewWorld, rubric_for
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield


@pytest.fixture
def review():
    return ReviewWorld(cases=2, panel_size=3)


def assignment_of(review, expert_index=0, case_index=0):
    return Assignment.objects.get(case=review.cases[case_index], expert=review.experts[expert_index])


def score_all(assignment, review, points=(25, 15, 20, 10)):
    for criterion, value in zip(review.criteria, points, strict=True):
        score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points=value, comment="好")


def test_score_save_creates_then_updates_one_score(review):
    assignment = assignment_of(review)
    criterion = review.criteria[0]
    score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points="25.5", comment="创新突出")
    score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points="26", comment="很突出")
    score = Score.objects.get(assignment=assignment)
    assert (score.criterion, score.points, score.comment) == (criterion, Decimal("26.0"), "很突出")


def test_score_save_keeps_a_comment_without_points(review):
    assignment = assignment_of(review)
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[1], points="", comment="待看")
    assert Score.objects.get(assignment=assignment).points is None


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("31", "技术创新与研发 gives at most 30 points."),
        ("30.1", "技术创新与研发 gives at most 30 points."),
        ("-1", "技术创新与研发: points cannot be negative (0 to 30)."),
        ("abc", "技术创新与研发: enter a number of points from 0 to 30."),
        ("NaN", "技术创新与研发: enter a number of points from 0 to 30."),
        ("12.25", "技术创新与研发: points have at most one decimal place."),
    ],
)
def test_score_save_refuses_points_out_of_range_with_the_criterion_named(review, points, message):
    assignment = assignment_of(review)
    with pytest.raises(ValidationError) as error:
        score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=points)
    assert error.value.messages == [message]
    assert not Score.objects.exists()


def test_score_save_accepts_the_bounds(review):
    assignment = assignment_of(review)
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points="0")
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[1], points="20")
    assert sorted(Score.objects.values_list("points", flat=True)) == [Decimal(0), Decimal(20)]


def test_score_save_refuses_another_experts_assignment(review):
    assignment = assignment_of(review, expert_index=0)
    with pytest.raises(ValidationError):
        score_save(assignment=assignment, expert=review.experts[1], criterion=review.criteria[0], points=10)
    assert not Score.objects.exists()


def test_score_save_refuses_a_criterion_of_another_batch(review):
    other = rubric_for(MeetingFactory().batch)[0]
    assignment = assignment_of(review)
    with pytest.raises(ValidationError) as error:
        score_save(assignment=assignment, expert=assignment.expert, criterion=other, points=10)
    assert error.value.messages == ["This criterion is not part of the rubric of this meeting."]


def test_submit_needs_every_criterion(review):
    assignment = assignment_of(review)
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=20)
    with pytest.raises(ValidationError) as error:
        assignment_submit(assignment=assignment, expert=assignment.expert)
    assert error.value.messages == [
        "Give points on every criterion before submitting; missing: "
        "专利与知识产权、成果转化与经济效益、工作绩效与团队贡献."
    ]
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_submit_locks_the_scores(review):
    assignment = assignment_of(review)
    score_all(assignment, review)
    assignment_submit(assignment=assignment, expert=assignment.expert, comment="总体良好")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert assignment.comment == "总体良好"
    before = list(Score.objects.order_by("id").values_list("points", "comment", "updated_at"))

    with pytest.raises(ValidationError) as error:
        score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=1, comment="x")
    assert error.value.messages == ["Your scores of this application are submitted and can no longer change."]
    with pytest.raises(ValidationError):
        assignment_submit(assignment=assignment, expert=assignment.expert)
    assert list(Score.objects.order_by("id").values_list("points", "comment", "updated_at")) == before


def test_saving_after_the_deadline_is_allowed_until_the_vote_starts(review):
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=timezone.now() - datetime.timedelta(hours=1))
    assignment = assignment_of(review)
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=10)
    Meeting.objects.filter(pk=review.meeting.pk).update(status=Meeting.Status.VOTING)
    with pytest.raises(ValidationError) as error:
        score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=12)
    assert error.value.messages == ["Scoring is closed: the meeting is not in its scoring phase."]
    assert Score.objects.get().points == Decimal(10)


def test_conflict_declared_mid_way_removes_the_assignment_and_refuses_scores(review):
    assignment = assignment_of(review)
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=10)
    conflict_declare(assignment=assignment, expert=assignment.expert, reason="申报人是我的学生")
    assignment.refresh_from_db()
    assert assignment.conflict_declared_at is not None
    assert assignment.conflict_reason == "申报人是我的学生"
    with pytest.raises(ValidationError) as error:
        score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=12)
    assert error.value.messages == ["This application is not assigned to you."]
    with pytest.raises(ValidationError):
        conflict_declare(assignment=assignment, expert=assignment.expert, reason="again")


def test_conflict_needs_a_reason(review):
    assignment = assignment_of(review)
    with pytest.raises(ValidationError) as error:
        conflict_declare(assignment=assignment, expert=assignment.expert, reason="  ")
    assert error.value.message_dict == {"reason": ["Say why you must recuse yourself."]}
    assignment.refresh_from_db()
    assert assignment.conflict_declared_at is None


def test_conflict_refused_once_the_vote_started(review):
    Meeting.objects.filter(pk=review.meeting.pk).update(status=Meeting.Status.VOTING)
    assignment = assignment_of(review)
    with pytest.raises(ValidationError):
        conflict_declare(assignment=assignment, expert=assignment.expert, reason="亲属")
    assignment.refresh_from_db()
    assert assignment.conflict_declared_at is None


def test_rubric_locked_once_scoring_starts():
    meeting = MeetingFactory(status=Meeting.Status.DRAWN)
    rubric_for(meeting.batch)
    assert rubric_locked(meeting.batch) is False
    rubric_check_editable(meeting.batch)
    meeting.status = Meeting.Status.SCORING
    meeting.save()
    assert rubric_locked(meeting.batch) is True
    with pytest.raises(ValidationError):
        rubric_check_editable(meeting.batch)


# --- Reminders --------------------------------------------------------------------------------------

#: A Wednesday morning, a working day (reminders are sent on working days only).
WEDNESDAY = timezone.make_aware(datetime.datetime(2026, 12, 2, 10, 5))


def scoring_deadline(review, deadline):
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=deadline)


def scoring_reminders():
    return Notice.objects.filter(key__startswith="scoring-reminder:")


def test_reminder_sent_once_when_run_twice(review, django_capture_on_commit_callbacks):
    scoring_deadline(review, WEDNESDAY + datetime.timedelta(days=1))
    submitted = assignment_of(review, expert_index=0, case_index=0)
    score_all(submitted, review)
    assignment_submit(assignment=submitted, expert=submitted.expert)
    conflicted = assignment_of(review, expert_index=1, case_index=0)
    conflict_declare(assignment=conflicted, expert=conflicted.expert, reason="同事")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert scoring_reminders_send(now=WEDNESDAY) == 3  # one per expert: each has a case left
    with django_capture_on_commit_callbacks(execute=True):
        assert scoring_reminders_send(now=WEDNESDAY + datetime.timedelta(hours=1)) == 0

    first, second = review.applications[0].number, review.applications[1].number
    bodies = {notice.recipient: notice.body for notice in scoring_reminders()}
    assert second in bodies[submitted.expert.user] and first not in bodies[submitted.expert.user]
    assert second in bodies[conflicted.expert.user] and first not in bodies[conflicted.expert.user]
    assert first in bodies[review.experts[2].user] and second in bodies[review.experts[2].user]
    expected_key = f"scoring-reminder:{review.meeting.pk}:{review.experts[2].pk}:202612031005"
    assert scoring_reminders().filter(key=expected_key, recipient=review.experts[2].user).exists()
    assert len(mail.outbox) == 3


def test_three_assignments_in_one_meeting_are_one_notice_listing_them():
    review = ReviewWorld(cases=3, panel_size=3)
    scoring_deadline(review, WEDNESDAY + datetime.timedelta(hours=20))

    assert scoring_reminders_send(now=WEDNESDAY) == 3

    expert = review.experts[0]
    notice = scoring_reminders().get(recipient=expert.user)
    assert [line for line in notice.body.splitlines() if line.startswith("- ")] == [
        f"- {application.number} {application.applicant.real_name}" for application in review.applications
    ]
    assert review.meeting.name in notice.subject
    assert notice.url == "/reviews/tasks/"


def test_no_reminder_before_the_reminder_window_or_after_the_deadline(review):
    ReviewSettings.objects.filter(batch=review.batch).update(reminder_days=2)
    scoring_deadline(review, WEDNESDAY + datetime.timedelta(days=3))
    assert scoring_reminders_send(now=WEDNESDAY) == 0
    scoring_deadline(review, WEDNESDAY - datetime.timedelta(hours=1))
    assert scoring_reminders_send(now=WEDNESDAY) == 0
    ReviewSettings.objects.filter(batch=review.batch).update(reminder_days=4)
    scoring_deadline(review, WEDNESDAY + datetime.timedelta(days=3))
    assert scoring_reminders_send(now=WEDNESDAY) == 3


def test_a_moved_deadline_is_reminded_again(review):
    first = WEDNESDAY + datetime.timedelta(hours=1)
    scoring_deadline(review, first)
    assert scoring_reminders_send(now=WEDNESDAY) == 3
    # Moved by one day: another date in the key, so each expert is reminded of the new deadline.
    scoring_deadline(review, first + datetime.timedelta(days=1))
    assert scoring_reminders_send(now=WEDNESDAY) == 3
    assert scoring_reminders_send(now=WEDNESDAY) == 0


def test_no_reminder_on_a_day_off_and_the_friday_before_covers_the_weekend(review):
    ReviewSettings.objects.filter(batch=review.batch).update(reminder_days=1)
    friday = timezone.make_aware(datetime.datetime(2026, 12, 4, 10, 5))
    # Due Monday noon: its reminder would fall on Sunday noon, a day off. Friday sends it instead.
    scoring_deadline(review, timezone.make_aware(datetime.datetime(2026, 12, 7, 12, 0)))

    assert scoring_reminders_send(now=friday - datetime.timedelta(days=1)) == 0  # Thursday: too early
    assert scoring_reminders_send(now=friday + datetime.timedelta(days=2)) == 0  # Sunday: a day off
    assert not scoring_reminders().exists()
    assert scoring_reminders_send(now=friday) == 3


def test_no_reminder_on_a_holiday(review):
    national_day = timezone.make_aware(datetime.datetime(2026, 10, 1, 10, 5))
    scoring_deadline(review, national_day + datetime.timedelta(hours=2))

    assert scoring_reminders_send(now=national_day) == 0


def test_the_hourly_task_reminds_on_a_working_day(review, monkeypatch):
    scoring_deadline(review, WEDNESDAY + datetime.timedelta(hours=5))
    monkeypatch.setattr("django.utils.timezone.now", lambda: WEDNESDAY)

    assert remind_scoring_deadlines.delay().get() == 3
    assert remind_scoring_deadlines.delay().get() == 0


def test_reminders_cost_a_fixed_number_of_queries(django_assert_num_queries):
    small = ReviewWorld(cases=1, panel_size=3)
    scoring_deadline(small, WEDNESDAY + datetime.timedelta(hours=5))
    with django_assert_num_queries(8):
        assert scoring_reminders_send(now=WEDNESDAY) == 3
    large = ReviewWorld(cases=3, panel_size=5)
    scoring_deadline(large, WEDNESDAY + datetime.timedelta(hours=5))
    with django_assert_num_queries(8):
        assert scoring_reminders_send(now=WEDNESDAY) == 5
