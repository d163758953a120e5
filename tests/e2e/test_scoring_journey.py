"""Issue 5's scoring in a real browser: an expert opens its task list, scores an application (every
change autosaved by static/js/autosave.js, the total kept live by static/js/scoring.js, a score above the maximum
answered with the message), reloads the page and finds its scores kept, opens an evidence file, and
submits; the task list then shows the application submitted. No CSP violation or script error (the
page guard of conftest)."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from reviews.models import Assignment, Score
from tests.e2e.conftest import login, snapshot
from tests.factories import PASSWORD
from tests.reviews.factories import ReviewWorld

POINTS = ["26.5", "18", "24", "15"]


def zh(message, **values):
    with translation.override("zh-hans"):
        text = str(translation.gettext(message))
    return text % values if values else text


def test_expert_scores_reloads_and_submits(page, live_server):
    review = ReviewWorld(cases=1, panel_size=3)
    expert = review.experts[0]
    assignment = Assignment.objects.get(case=review.cases[0], expert=expert)
    application = review.applications[0]

    login(page, live_server, expert.user.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}{reverse('reviews:expert_home')}")
    expect(page.locator("[data-testid=meeting]")).to_contain_text(review.meeting.name)
    expect(page.locator("[data-testid=assigned]")).to_have_text("1")
    expect(page.locator("[data-testid=remaining]")).to_have_text("1")
    with page.expect_navigation():
        page.locator("[data-testid=score-link]").click()
    expect(page.locator("[data-testid=applicant]")).to_have_text(application.applicant.real_name)
    expect(page.locator("body")).not_to_contain_text(application.applicant.id_number)

    # Above the maximum: the server answers with the criterion's message and saves nothing.
    first = review.criteria[0]
    page.locator(f"#points-{first.pk}").fill("35")
    expect(page.locator(f"#status-{first.pk} [data-testid=save-error]")).to_contain_text(
        zh("%(criterion)s gives at most %(max)d points.", criterion=first.name, max=first.max_points)
    )
    expect(page.locator(f"#points-{first.pk}")).to_have_class("form-control is-invalid")
    assert not Score.objects.filter(assignment=assignment, points__isnull=False).exists()

    for criterion, points in zip(review.criteria, POINTS, strict=True):
        page.locator(f"#points-{criterion.pk}").fill(points)
        page.locator(f"#comment-{criterion.pk}").fill(f"{criterion.name}：较好")
        page.locator(f"#comment-{criterion.pk}").blur()
        expect(page.locator(f"#status-{criterion.pk} [data-testid=saved]")).to_be_visible()
    expect(page.locator("[data-testid=total]")).to_have_text("83.5")
    expect(page.locator(f"#status-{first.pk} [data-testid=saved]")).to_be_visible()

    page.reload()
    for criterion, points in zip(review.criteria, POINTS, strict=True):
        expect(page.locator(f"#points-{criterion.pk}")).to_have_value(points if "." in points else f"{points}.0")
        expect(page.locator(f"#comment-{criterion.pk}")).to_have_value(f"{criterion.name}：较好")
    expect(page.locator("[data-testid=total]")).to_have_text("83.5")
    snapshot(page, "scoring-page")
    assert sorted(Score.objects.filter(assignment=assignment).values_list("points", flat=True)) == sorted(
        Decimal(p) for p in POINTS
    )

    # The evidence opens in the browser through the expert's own scoped link.
    link = page.locator("[data-testid=evidence-link]").first
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

    with page.expect_navigation():
        page.locator("[data-testid=submit]").click()
    expect(page.locator("[data-testid=submitted]")).to_have_text("1")
    expect(page.locator("[data-testid=remaining]")).to_have_text("0")
    snapshot(page, "scoring-task-list")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
