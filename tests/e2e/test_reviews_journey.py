"""Issue 5's review journey in a real browser: an expert opens its task list, scores an application
(autosaved), reloads the page and finds the scores kept, and submits; city staff record attendance on
the meeting page (the quorum stated with the counts) and open the vote; the expert casts its secret
ballot (同意) and sees "voted" with no count; staff close the vote, see the counts with the rule in
words, download the meeting record, and the application's own page shows its result (通过).

The two other experts of the panel score nothing and vote through ``reviews.services.voting`` (the
browser part is the same for every expert; one is enough to drive it)."""

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from applications.models import Status, Transition
from reviews.models import Assignment, Ballot, Meeting, VoteCast
from reviews.services.voting import ballot_cast
from tests.e2e.conftest import login, logout, snapshot
from tests.factories import PASSWORD
from tests.reviews.factories import ReviewWorld
from zaozhuang_titles.models import AuditEvent

POINTS = ["27", "18", "25.5", "17"]


def zh(message, **values):
    with translation.override("zh-hans"):
        text = str(translation.gettext(message))
    return text % values if values else text


def test_review_journey_score_reload_submit_vote_and_close(page, live_server):
    review = ReviewWorld(cases=1, panel_size=3)
    expert, *others = review.experts
    application = review.applications[0]
    case = review.cases[0]
    assignment = Assignment.objects.get(case=case, expert=expert)

    # 1. The expert opens its task list and scores the application; every change autosaves.
    login(page, live_server, expert.user.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}{reverse('reviews:expert_home')}")
    expect(page.locator("[data-testid=meeting]")).to_contain_text(review.meeting.name)
    with page.expect_navigation():
        page.locator("[data-testid=score-link]").click()
    for criterion, points in zip(review.criteria, POINTS, strict=True):
        page.locator(f"#points-{criterion.pk}").fill(points)
        page.locator(f"#points-{criterion.pk}").blur()
        expect(page.locator(f"#status-{criterion.pk} [data-testid=saved]")).to_be_visible()
    expect(page.locator("[data-testid=total]")).to_have_text("87.5")

    # 2. It reloads the page: the scores are kept.
    page.reload()
    for criterion, points in zip(review.criteria, POINTS, strict=True):
        expect(page.locator(f"#points-{criterion.pk}")).to_have_value(points if "." in points else f"{points}.0")
    expect(page.locator("[data-testid=total]")).to_have_text("87.5")

    # 3. It submits.
    with page.expect_navigation():
        page.locator("[data-testid=submit]").click()
    expect(page.locator("[data-testid=remaining]")).to_have_text("0")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    logout(page)

    # 4. City staff record attendance (all three present) and open the vote.
    meeting_url = f"{live_server.url}{reverse('reviews:vote_meeting', kwargs={'pk': review.meeting.pk})}"
    login(page, live_server, review.city.username, PASSWORD)
    page.goto(meeting_url)
    expect(page.locator("[data-testid=rule]")).to_be_visible()
    expect(page.locator("[data-testid=not-quorate]")).to_be_visible()
    for member in review.experts:
        page.locator(f"[data-testid=present-{member.pk}]").check()
    with page.expect_navigation():
        page.locator("[data-testid=record-attendance]").click()
    quorum = zh(
        "Present %(attending)d / expected %(panel)d, quorum %(needed)d (%(numerator)d/%(denominator)d of the panel)",
        attending=3,
        panel=3,
        needed=2,
        numerator=2,
        denominator=3,
    )
    expect(page.locator("[data-testid=quorum]")).to_contain_text(quorum)
    expect(page.locator("[data-testid=quorate]")).to_be_visible()
    # The meeting is scheduled a week ahead: opening the vote today needs the box ticked.
    expect(page.locator("[data-testid=early-warning]")).to_be_visible()
    page.locator("[data-testid=confirm-early-open]").check()
    with page.expect_navigation():
        page.locator("[data-testid=open-vote]").click()
    expect(page.locator("[data-testid=meeting-status]")).to_have_text(zh("Voting"))
    logout(page)

    # 5. The expert casts its secret ballot: agree. Afterwards "voted", and no count anywhere.
    login(page, live_server, expert.user.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('reviews:vote_ballots', kwargs={'pk': review.meeting.pk})}")
    expect(page.locator("[data-testid=ballot-case]")).to_contain_text(application.number)
    with page.expect_navigation():
        page.locator("[data-testid=vote-yes]").click()
    # Nothing is recorded until the expert confirms the choice on the next page.
    expect(page.locator("[data-testid=choice]")).to_have_text(zh("Agree (同意)"))
    assert VoteCast.objects.filter(case=case, expert=expert).count() == 0
    with page.expect_navigation():
        page.locator("[data-testid=confirm-vote]").click()
    expect(page.locator("[data-testid=voted]")).to_be_visible()
    expect(page.locator("[data-testid=ballot-form]")).to_have_count(0)
    expect(page.locator("[data-testid=outcome]")).to_have_count(0)
    snapshot(page, "reviews-ballot-voted")
    assert VoteCast.objects.filter(case=case, expert=expert).count() == 1
    logout(page)
    ballot_cast(case=case, expert=others[0], choice=Ballot.Choice.YES)
    ballot_cast(case=case, expert=others[1], choice=Ballot.Choice.NO)

    # 6. Staff see the turnout only, close the vote, and see the counts with the rule in words.
    login(page, live_server, review.city.username, PASSWORD)
    page.goto(meeting_url)
    expect(page.locator("[data-testid=turnout]")).to_have_text("3 / 3")
    expect(page.locator("[data-testid=yes]")).to_have_count(0)
    # Who chaired and who recorded: an expert present, and the city staff member.
    page.locator("[data-testid=close-chair]").select_option(str(expert.pk))
    page.locator("[data-testid=close-recorder]").select_option(str(review.city.pk))
    page.locator("[data-testid=confirm-early-close]").check()
    with page.expect_navigation():
        page.locator("[data-testid=close-vote]").click()
    expect(page.locator("[data-testid=meeting-status]")).to_have_text(zh("Closed"))
    outcome = zh(
        "%(yes)d yes / %(present)d present and not recused, at least %(needed)d needed: %(result)s",
        yes=2,
        present=3,
        needed=2,
        result=zh("passed (通过)"),
    )
    expect(page.locator("[data-testid=outcome]")).to_have_text(outcome)
    expect(page.locator("[data-testid=result]")).to_contain_text(zh("Passed (通过)"))
    snapshot(page, "reviews-meeting-closed")
    meeting = Meeting.objects.get(pk=review.meeting.pk)
    assert meeting.status == Meeting.Status.CLOSED and meeting.closed_by == review.city
    assert (meeting.chair, meeting.recorder) == (expert, review.city)

    # The record downloads (and the download is logged).
    response = page.request.get(f"{live_server.url}{reverse('reviews:vote_record', kwargs={'pk': meeting.pk})}")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED, object_id=str(meeting.pk)).count() == 1

    # 7. The application shows its result.
    page.goto(f"{live_server.url}{reverse('applications:detail', kwargs={'pk': application.pk})}")
    expect(page.locator("[data-testid=status]")).to_have_text(zh("Passed (通过)"))
    application.refresh_from_db()
    assert application.status == Status.PASSED
    assert Transition.objects.get(application=application, action="review_pass").actor == review.city
