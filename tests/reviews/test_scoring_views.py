"""The expert's pages (task list, scoring page, autosave, submission, conflict, evidence) and the
staff's ranking page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Evidence
from reviews.models import Assignment, Criterion, Meeting, Score
from reviews.services.scoring import assignment_submit, conflict_declare, score_save
from tests.applications.factories import AchievementFactory, evidence_for
from tests.helpers import assert_constant_queries
from tests.reviews.factories import ExpertFactory, ReviewWorld
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_outside_requests():
    with translation.override("en"):
        yield


def login(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


@pytest.fixture
def review():
    return ReviewWorld(cases=2, panel_size=3)


@pytest.fixture
def expert(review):
    return review.experts[0]


@pytest.fixture
def client(expert):
    return login(expert.user)


def assignment_of(review, expert_index=0, case_index=0):
    return Assignment.objects.get(case=review.cases[case_index], expert=review.experts[expert_index])


def score_all(assignment, points=(25, 15, 20, 10)):
    criteria = Criterion.objects.filter(batch=assignment.case.meeting.batch)
    for criterion, value in zip(criteria, points, strict=True):
        score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points=value)


def autosave_url(assignment, criterion):
    return reverse("reviews:score_autosave", kwargs={"pk": assignment.pk, "criterion_pk": criterion.pk})


# --- Task list -------------------------------------------------------------------------------------


def test_task_list_shows_the_meeting_with_progress_and_deadline(review, expert, client):
    done = assignment_of(review, case_index=0)
    score_all(done)
    assignment_submit(assignment=done, expert=expert)
    page = client.get(reverse("reviews:expert_home")).content.decode()
    assert review.meeting.name in page
    assert page.count('data-testid="assignment"') == 2
    assert 'data-testid="assigned">2<' in page
    assert 'data-testid="submitted">1<' in page
    assert 'data-testid="remaining">1<' in page
    assert timezone.localtime(review.meeting.scoring_deadline).strftime("%Y-%m-%d %H:%M") in page
    assert 'data-testid="overdue"' not in page
    assert review.applications[1].applicant.real_name in page
    assert review.applications[1].applicant.id_number not in page


def test_task_list_says_overdue(review, client):
    Meeting.objects.filter(pk=review.meeting.pk).update(scoring_deadline=timezone.now() - datetime.timedelta(hours=2))
    page = client.get(reverse("reviews:expert_home")).content.decode()
    assert 'data-testid="overdue"' in page


def test_task_list_without_an_expert_profile_is_the_empty_state(review):
    from tests.factories import UserFactory
    from zaozhuang_titles.models import Role

    page = login(UserFactory(roles=[Role.EXPERT])).get(reverse("reviews:expert_home")).content.decode()
    assert 'data-testid="empty-state"' in page
    assert review.meeting.name not in page


def test_task_list_shows_only_the_experts_own_assignments(review, client):
    other = ExpertFactory(specialties=[review.specialty])
    unrelated = ReviewWorld(cases=1, panel_size=3)
    Assignment.objects.create(case=unrelated.cases[0], expert=other)
    page = client.get(reverse("reviews:expert_home")).content.decode()
    assert page.count('data-testid="assignment"') == 2
    assert unrelated.meeting.name not in page


def test_conflict_declared_mid_way_removes_the_assignment_from_list_counts_and_page(review, expert, client):
    assignment = assignment_of(review, case_index=0)
    score_save(assignment=assignment, expert=expert, criterion=review.criteria[0], points=20)
    scoring_url = reverse("reviews:scoring", kwargs={"pk": assignment.pk})
    assert client.get(scoring_url).status_code == 200

    response = client.post(reverse("reviews:conflict_declare", kwargs={"pk": assignment.pk}), {"reason": "同一课题组"})

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:expert_home")
    assignment.refresh_from_db()
    assert assignment.conflict_reason == "同一课题组"
    page = client.get(reverse("reviews:expert_home")).content.decode()
    assert page.count('data-testid="assignment"') == 1
    assert 'data-testid="assigned">1<' in page
    assert review.applications[0].number not in page
    assert client.get(scoring_url).status_code == 404
    assert client.post(autosave_url(assignment, review.criteria[0]), {"points": "5"}).status_code == 404
    assert Score.objects.get(assignment=assignment).points == Decimal(20)


def test_conflict_form_needs_a_reason(review, client):
    assignment = assignment_of(review)
    response = client.post(reverse("reviews:conflict_declare", kwargs={"pk": assignment.pk}), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.conflict_declared_at is None


def test_task_list_constant_queries(review, expert, client, django_assert_num_queries):
    """1 vs 3 assignments (in as many meetings as possible: each new one in a new meeting)."""
    Assignment.objects.filter(expert=expert).delete()
    worlds = []

    def add_item():
        world = ReviewWorld(cases=1, panel_size=3)
        worlds.append(world)
        Assignment.objects.create(case=world.cases[0], expert=expert)

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("reviews:expert_home")),
        add_item,
        expected=TASK_LIST_QUERIES,
    )
    assert count == TASK_LIST_QUERIES


#: The frame of every page (session, user, roles, unread notices, the session's save in a savepoint: 7),
#: then one query: the assignments with their meetings, applicants and counts.
TASK_LIST_QUERIES = 8


# --- Scoring page -----------------------------------------------------------------------------------


def test_scoring_page_shows_the_application_without_the_id_number(review, expert, client):
    assignment = assignment_of(review)
    application = review.applications[0]
    page = client.get(reverse("reviews:scoring", kwargs={"pk": assignment.pk})).content.decode()
    assert application.applicant.real_name in page
    assert application.applicant.id_number not in page
    assert application.applicant.masked_id_number not in page
    assert application.specialty in page
    assert 'data-testid="eligibility"' in page
    achievement = application.achievements.get()
    assert achievement.title in page
    evidence = application.evidence.get()
    assert reverse("reviews:evidence", kwargs={"pk": assignment.pk, "evidence_pk": evidence.pk}) in page
    assert reverse("applications:evidence_download", kwargs={"pk": evidence.pk}) not in page
    assert page.count('data-testid="criterion"') == 4
    for criterion in review.criteria:
        assert autosave_url(assignment, criterion) in page
    assert page.count("data-autosave data-autosave-retrying=") == 4  # static/js/autosave.js saves them
    assert "js/scoring.js" in page and "js/autosave.js" in page
    assert "<script>" not in page


def test_autosave_saves_one_score_and_a_reload_shows_it(review, expert, client):
    assignment = assignment_of(review)
    criterion = review.criteria[0]
    response = client.post(
        autosave_url(assignment, criterion), {"points": "27.5", "comment": "创新性强"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    score = Score.objects.get()
    assert (score.assignment, score.criterion, score.points, score.comment) == (
        assignment,
        criterion,
        Decimal("27.5"),
        "创新性强",
    )
    assert 'data-testid="saved"' in body
    assert f"Saved {timezone.localtime(score.updated_at):%H:%M:%S}" in body
    assert "<html" not in body

    page = client.get(reverse("reviews:scoring", kwargs={"pk": assignment.pk})).content.decode()
    assert 'value="27.5"' in page
    assert "创新性强" in page
    assert 'data-testid="total">27.5<' in page


#: What one autosave costs through the view, measured on SQLite and PostgreSQL alike: the session, the
#: user, the one read of role, scope, lock and criterion, the upsert, and the session's refresh
#: (SESSION_SAVE_EVERY_REQUEST keeps the idle timeout sliding while an expert types). Issue 13: at most 5.
AUTOSAVE_QUERIES = 5
#: Transaction control is not a query of the save: the harness adds savepoints (the test transaction)
#: and SQLite logs its BEGIN/COMMIT, where PostgreSQL's driver sends them without a statement of ours.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.mark.parametrize("existing", [False, True], ids=["first save", "later save"])
def test_autosave_costs_at_most_five_queries_and_answers_the_status_alone(review, client, existing):
    assignment = assignment_of(review)
    criterion = review.criteria[0]
    client.post(autosave_url(assignment, review.criteria[1]), {"points": "1"}, HTTP_HX_REQUEST="true")  # warm
    if existing:
        score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points="3")

    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            autosave_url(assignment, criterion), {"points": "12.5", "comment": "扎实"}, HTTP_HX_REQUEST="true"
        )

    statements = [query["sql"] for query in captured if not query["sql"].startswith(TRANSACTION_CONTROL)]
    assert len(statements) == AUTOSAVE_QUERIES <= 5, "\n".join(statements)
    assert sum(sql.startswith("INSERT") for sql in statements) == 1  # the upsert, never a read first
    score = Score.objects.get(assignment=assignment, criterion=criterion)
    assert (score.points, score.comment) == (Decimal("12.5"), "扎实")
    body = response.content.decode()
    assert body.startswith('<span class="text-success small" data-testid="saved">')
    assert body.count("<span") == 1 and f"Saved {timezone.localtime(score.updated_at):%H:%M:%S}" in body


def test_autosave_answers_the_error_and_saves_nothing(review, client):
    assignment = assignment_of(review)
    criterion = review.criteria[1]  # 专利与知识产权, at most 20
    response = client.post(autosave_url(assignment, criterion), {"points": "21"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="save-error"' in body
    assert "专利与知识产权 gives at most 20 points." in body
    response = client.post(autosave_url(assignment, criterion), {"points": "-3"}, HTTP_HX_REQUEST="true")
    assert "专利与知识产权: points cannot be negative (0 to 20)." in response.content.decode()
    assert not Score.objects.exists()


def test_autosave_without_htmx_redirects_back_with_a_message(review, client):
    assignment = assignment_of(review)
    response = client.post(autosave_url(assignment, review.criteria[0]), {"points": "10"}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("reviews:scoring", kwargs={"pk": assignment.pk}))
    assert "Saved " in response.content.decode()
    assert Score.objects.get().points == Decimal(10)


def test_autosave_refuses_a_criterion_of_another_batch(review, client):
    assignment = assignment_of(review)
    other = ReviewWorld(cases=1, panel_size=3).criteria[0]
    assert client.post(autosave_url(assignment, other), {"points": "10"}, HTTP_HX_REQUEST="true").status_code == 404
    assert not Score.objects.exists()


def test_autosave_on_another_experts_assignment_is_404_audited_and_saves_nothing(review, client):
    others = assignment_of(review, expert_index=1)
    response = client.post(autosave_url(others, review.criteria[0]), {"points": "10"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert not Score.objects.exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION_DENIED)
    assert event.detail["status"] == 404


def test_autosave_by_an_expert_whose_role_was_withdrawn_is_403_and_saves_nothing(review, expert, client):
    expert.user.roles.filter(role=Role.EXPERT).delete()
    assignment = assignment_of(review)
    response = client.post(autosave_url(assignment, review.criteria[0]), {"points": "10"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_autosave_with_invalid_input_on_another_experts_assignment_is_still_404(review, client):
    others = assignment_of(review, expert_index=1)
    response = client.post(autosave_url(others, review.criteria[0]), {"points": "1" * 11}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_submit_locks_and_the_page_is_read_only(review, expert, client):
    assignment = assignment_of(review)
    score_all(assignment)
    response = client.post(reverse("reviews:assignment_submit", kwargs={"pk": assignment.pk}), {"comment": "推荐"})
    assert response["Location"] == reverse("reviews:expert_home")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert assignment.comment == "推荐"

    page = client.get(reverse("reviews:scoring", kwargs={"pk": assignment.pk})).content.decode()
    assert 'data-testid="submitted"' in page
    assert "data-autosave-retrying" not in page
    assert 'data-testid="submit-form"' not in page
    before = list(Score.objects.order_by("id").values_list("points", "updated_at"))
    response = client.post(autosave_url(assignment, review.criteria[0]), {"points": "1"}, HTTP_HX_REQUEST="true")
    assert "Your scores of this application are submitted and can no longer change." in response.content.decode()
    assert list(Score.objects.order_by("id").values_list("points", "updated_at")) == before


def test_submit_with_a_missing_criterion_says_which(review, client):
    assignment = assignment_of(review)
    response = client.post(reverse("reviews:assignment_submit", kwargs={"pk": assignment.pk}), follow=True)
    assert "Give points on every criterion before submitting; missing: 技术创新与研发" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_others_scores_are_never_shown_to_an_expert(review, expert, client):
    """No page shows an expert another expert's scores, not even once the others submitted: the
    scoring page shows its own, the ranking page is for staff only."""
    mine = assignment_of(review, expert_index=0)
    theirs = assignment_of(review, expert_index=1)
    score_save(
        assignment=theirs, expert=theirs.expert, criterion=review.criteria[0], points="17.5", comment="别人的意见"
    )
    score_save(assignment=mine, expert=expert, criterion=review.criteria[0], points="22", comment="")
    page = client.get(reverse("reviews:scoring", kwargs={"pk": mine.pk})).content.decode()
    assert "17.5" not in page
    assert "别人的意见" not in page
    assert client.get(reverse("reviews:scoring", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("reviews:meeting_ranking", kwargs={"pk": review.meeting.pk})).status_code == 403
    home = client.get(reverse("reviews:expert_home")).content.decode()
    assert "17.5" not in home


def test_scoring_page_constant_queries(review, expert, client, django_assert_num_queries):
    """1 vs 3 criteria and achievements (each achievement with its evidence), scores saved on each."""
    assignment = assignment_of(review)
    application = review.applications[0]
    application.achievements.all().delete()
    Evidence.objects.filter(application=application).delete()
    Criterion.objects.filter(batch=review.batch).delete()
    added = []

    def add_item():
        n = len(added)
        criterion = Criterion.objects.create(batch=review.batch, name=f"标准{n}", max_points=10, position=n)
        achievement = AchievementFactory(application=application)
        evidence_for(application, achievement, name=f"证明{n}.pdf")
        score_save(assignment=assignment, expert=expert, criterion=criterion, points=n)
        added.append(criterion)

    url = reverse("reviews:scoring", kwargs={"pk": assignment.pk})
    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(url), add_item, expected=SCORING_PAGE_QUERIES
    )
    assert count == SCORING_PAGE_QUERIES


#: The frame (7), the assignment with its case, meeting, application and applicant, the criteria, the
#: scores, the achievements, their evidence, then the eligibility: the profile with its four record
#: lists (5) and whether a valid nomination exists: its entries, and the content it must match (the
#: application, its achievements and evidence, the profile with its five record lists: 9).
SCORING_PAGE_QUERIES = 26


# --- Evidence ---------------------------------------------------------------------------------------


def test_expert_opens_evidence_in_the_browser_and_it_is_logged(review, expert, client):
    assignment = assignment_of(review)
    evidence = review.applications[0].evidence.get()
    response = client.get(reverse("reviews:evidence", kwargs={"pk": assignment.pk, "evidence_pk": evidence.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert (event.user, event.object_id) == (expert.user, str(evidence.pk))
    assert event.detail["assignment"] == assignment.pk


def test_evidence_of_another_application_is_404(review, client):
    mine = assignment_of(review, case_index=0)
    other_evidence = review.applications[1].evidence.get()
    url = reverse("reviews:evidence", kwargs={"pk": mine.pk, "evidence_pk": other_evidence.pk})
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).exists()


def test_removed_evidence_is_404(review, client):
    mine = assignment_of(review)
    evidence = review.applications[0].evidence.get()
    Evidence.objects.filter(pk=evidence.pk).update(removed_at=timezone.now())
    url = reverse("reviews:evidence", kwargs={"pk": mine.pk, "evidence_pk": evidence.pk})
    assert client.get(url).status_code == 404


# --- Ranking ----------------------------------------------------------------------------------------


def ranked_world(cases=2):
    """A panel of 5 scoring ``cases`` cases; totals per expert and case set with one criterion."""
    review = ReviewWorld(cases=cases, panel_size=5)
    Criterion.objects.filter(batch=review.batch).exclude(pk=review.criteria[0].pk).delete()
    review.criteria = review.criteria[:1]
    return review


def give(review, expert_index, case_index, points, *, submit=True):
    assignment = assignment_of(review, expert_index, case_index)
    score_save(assignment=assignment, expert=assignment.expert, criterion=review.criteria[0], points=points)
    if submit:
        assignment_submit(assignment=assignment, expert=assignment.expert)
    return assignment


def test_ranking_orders_by_trimmed_mean_and_counts_only_submitted_non_recused(django_assert_num_queries):
    review = ranked_world()
    # Case 0: 10 20 22 24 30 → trimmed mean 22, mean 21.2. Case 1: 21 21 21 21 (one not submitted)
    # → mean = trimmed mean 21, n 4. Case 0 ranks first.
    for index, points in enumerate([10, 20, 22, 24, 30]):
        give(review, index, 0, points)
    for index in range(4):
        give(review, index, 1, 21)
    give(review, 4, 1, 5, submit=False)
    city = login(review.city)

    page = city.get(reverse("reviews:meeting_ranking", kwargs={"pk": review.meeting.pk})).content.decode()

    first, second = page.index(review.applications[0].number), page.index(review.applications[1].number)
    assert first < second
    assert 'data-testid="trimmed-mean">22.00<' in page
    assert 'data-testid="mean">21.20<' in page
    assert 'data-testid="trimmed-mean">21.00<' in page
    assert 'data-testid="n">4 / 5<' in page
    # sd of 10 20 22 24 30: mean 21.2, squares 125.44 1.44 0.64 7.84 77.44 = 212.8, / 5 = 42.56 → 6.52.
    assert 'data-testid="sd">6.52<' in page

    # A recusal removes that expert's score from the case.
    conflict_declare(assignment=assignment_of(review, 0, 0), expert=review.experts[0], reason="同事")
    page = city.get(reverse("reviews:meeting_ranking", kwargs={"pk": review.meeting.pk})).content.decode()
    assert 'data-testid="n">4 / 4<' in page
    assert 'data-testid="trimmed-mean">24.00<' in page  # 20 22 24 30: nothing dropped, mean 24


def test_ranking_flags_an_expert_far_from_its_own_scoring():
    review = ranked_world(cases=5)
    # Expert 0 gives 10 on case 0 and 30 on cases 1..4: mean 26, sd 8, z = −2 on case 0 → flagged.
    give(review, 0, 0, 10)
    for case in range(1, 5):
        give(review, 0, case, 30)
    for case in range(5):
        give(review, 1, case, 20 + case)
    page = login(review.city).get(reverse("reviews:meeting_ranking", kwargs={"pk": review.meeting.pk})).content.decode()
    assert page.count('data-testid="far"') == 1
    assert 'data-testid="mean-abs-z">0.80<' in page  # (2 + 4 × 0.5) / 5


def test_ranking_constant_queries(django_assert_num_queries):
    """1 vs 3 cases, each scored by the whole panel."""
    review = ReviewWorld(cases=1, panel_size=3)
    Criterion.objects.filter(batch=review.batch).exclude(pk=review.criteria[0].pk).delete()
    criterion = review.criteria[0]
    cases = list(review.cases)

    def score_case(case):
        for assignment in Assignment.objects.filter(case=case):
            score_save(assignment=assignment, expert=assignment.expert, criterion=criterion, points=15)
            assignment_submit(assignment=assignment, expert=assignment.expert)

    def add_item():
        if cases:
            score_case(cases.pop())
            return
        from reviews.models import Case

        application = review.world.accepted()
        from applications.workflow import application_transition

        application_transition(application=application, action="start_review", actor=review.city)
        case = Case.objects.create(meeting=review.meeting, application=application)
        Assignment.objects.bulk_create([Assignment(case=case, expert=e) for e in review.experts])
        score_case(case)

    city = login(review.city)
    url = reverse("reviews:meeting_ranking", kwargs={"pk": review.meeting.pk})
    count = assert_constant_queries(
        django_assert_num_queries, lambda: city.get(url), add_item, expected=RANKING_QUERIES
    )
    assert count == RANKING_QUERIES


#: The frame (7), the meeting, the submitted scores, the cases with their counts, the experts.
RANKING_QUERIES = 11


def test_ranking_of_an_unknown_meeting_is_404(review):
    assert login(review.city).get(reverse("reviews:meeting_ranking", kwargs={"pk": 999999})).status_code == 404


def test_scoring_page_before_scoring_starts_and_after_the_vote_is_read_only(review, client):
    assignment = assignment_of(review)
    url = reverse("reviews:scoring", kwargs={"pk": assignment.pk})
    Meeting.objects.filter(pk=review.meeting.pk).update(status=Meeting.Status.DRAWN)
    page = client.get(url).content.decode()
    assert 'data-testid="not-started"' in page
    assert "data-autosave-retrying" not in page
    Meeting.objects.filter(pk=review.meeting.pk).update(status=Meeting.Status.VOTING)
    page = client.get(url).content.decode()
    assert 'data-testid="closed"' in page
    assert "data-autosave-retrying" not in page
    assert 'data-testid="conflict-link"' not in page
