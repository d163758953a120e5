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


def test_reminder_sent_once_when_run_twice(review, django_capture_on_commit_callbacks):
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=timezone.now() + datetime.timedelta(days=1))
    submitted = assignment_of(review, expert_index=0, case_index=0)
    score_all(submitted, review)
    assignment_submit(assignment=submitted, expert=submitted.expert)
    conflicted = assignment_of(review, expert_index=1, case_index=0)
    conflict_declare(assignment=conflicted, expert=conflicted.expert, reason="同事")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_scoring_deadlines.delay().get() == 4  # 6 assignments − 1 submitted − 1 recused
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_scoring_deadlines.delay().get() == 0

    notices = Notice.objects.filter(key__startswith="scoring-reminder:")
    assert notices.count() == 4
    assert not notices.filter(recipient=submitted.expert.user, key__contains=f":{submitted.pk}:").exists()
    assert not notices.filter(key__contains=f":{conflicted.pk}:").exists()
    deadline = timezone.localtime(review.meeting.__class__.objects.get(pk=review.meeting.pk).scoring_deadline)
    expected_key = f"scoring-reminder:{assignment_of(review, 2, 1).pk}:{deadline:%Y%m%d}"
    assert notices.filter(key=expected_key, recipient=review.experts[2].user).exists()
    assert len(mail.outbox) == 4


def test_no_reminder_before_the_reminder_window_or_after_the_deadline(review):
    ReviewSettings.objects.filter(batch=review.batch).update(reminder_days=2)
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=timezone.now() + datetime.timedelta(days=3))
    assert scoring_reminders_send() == 0
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=timezone.now() - datetime.timedelta(hours=1))
    assert scoring_reminders_send() == 0
    ReviewSettings.objects.filter(batch=review.batch).update(reminder_days=4)
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=timezone.now() + datetime.timedelta(days=3))
    assert scoring_reminders_send() == 6


def test_a_moved_deadline_is_reminded_again(review):
    first = timezone.now() + datetime.timedelta(hours=1)
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=first)
    assert scoring_reminders_send() == 6
    # Moved by one day: another date in the key, so each expert is reminded of the new deadline.
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=first + datetime.timedelta(days=1))
    assert scoring_reminders_send() == 6
    assert scoring_reminders_send() == 0
