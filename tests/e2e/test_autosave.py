"""Issue 12's autosave in a real browser (static/js/autosave.js on the expert's scoring page): one edit
sends one request, typing then leaving the field sends one, an unchanged value sends none, and a
request the server fails (or answers with the login page) shows 未保存，正在重试 and is sent again until
it is saved.

The page's timers run on Playwright's fake clock (``page.clock``), so that the pause after typing passes
when the test says, not after a sleep. POST requests are counted per criterion (each has its own URL)."""

from collections import Counter
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from reviews.models import Assignment, Score
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.reviews.factories import ReviewWorld

PAUSE_MS = 1000  # longer than the autosave's pause after typing (800 ms)


def open_scoring(page, live_server):
    review = ReviewWorld(cases=1, panel_size=3)
    expert = review.experts[0]
    assignment = Assignment.objects.get(case=review.cases[0], expert=expert)
    page.clock.install()
    login(page, live_server, expert.user.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('reviews:scoring', args=[assignment.pk])}")
    posts = Counter()
    urls = {
        reverse("reviews:score_autosave", args=[assignment.pk, criterion.pk]): criterion.pk
        for criterion in review.criteria
    }

    def count(request):
        path = request.url.removeprefix(live_server.url)
        if request.method == "POST" and path in urls:
            posts[urls[path]] += 1

    page.on("request", count)
    return review, assignment, posts


def saved(page, criterion):
    return page.locator(f"#status-{criterion.pk} [data-testid=saved]")


def test_autosave_sends_one_request_per_edit_and_none_for_an_unchanged_value(page, live_server):
    review, assignment, posts = open_scoring(page, live_server)
    first, second, third = review.criteria[:3]

    # One edit, then the pause: one request.
    page.locator(f"#points-{first.pk}").fill("20")
    assert posts[first.pk] == 0  # nothing before the pause
    page.clock.run_for(PAUSE_MS)
    expect(saved(page, first)).to_be_visible()

    # Typing then leaving the field at once (which also leaves the first field: its change event):
    # one request, sent on leaving; the pause after typing sends nothing more.
    page.locator(f"#points-{second.pk}").press_sequentially("18")
    page.locator(f"#points-{second.pk}").blur()
    expect(saved(page, second)).to_be_visible()
    page.clock.run_for(PAUSE_MS)

    # An unchanged value: typed over with the same number, a digit added and taken back, left.
    page.locator(f"#points-{first.pk}").fill("20")
    page.locator(f"#points-{first.pk}").press("End")
    page.locator(f"#points-{first.pk}").press_sequentially("5")
    page.locator(f"#points-{first.pk}").press("Backspace")
    page.locator(f"#points-{first.pk}").blur()
    page.clock.run_for(PAUSE_MS)

    # A last edit elsewhere: once it is answered, every request sent before it has been counted.
    page.locator(f"#points-{third.pk}").fill("7")
    page.locator(f"#points-{third.pk}").blur()
    expect(saved(page, third)).to_be_visible()

    assert posts == {first.pk: 1, second.pk: 1, third.pk: 1}
    assert dict(Score.objects.filter(assignment=assignment).values_list("criterion_id", "points")) == {
        first.pk: Decimal("20"),
        second.pk: Decimal("18"),
        third.pk: Decimal("7"),
    }


def test_autosave_failed_by_the_server_says_not_saved_retrying_then_saves(page, live_server):
    review, assignment, posts = open_scoring(page, live_server)
    first = review.criteria[0]
    page.guard.allow_console_error(r"status of 500")
    failures = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=500, body="Server Error")
        else:
            route.continue_()

    page.route(f"**{reverse('reviews:score_autosave', args=[assignment.pk, first.pk])}", fail_once)

    page.locator(f"#points-{first.pk}").fill("21")
    page.locator(f"#points-{first.pk}").blur()
    retrying = page.locator(f"#status-{first.pk} [data-testid=save-retrying]")
    expect(retrying).to_have_text("未保存，正在重试…")
    assert not Score.objects.filter(assignment=assignment, points__isnull=False).exists()

    page.clock.run_for(PAUSE_MS)  # the first retry comes after one second
    expect(saved(page, first)).to_be_visible()
    expect(retrying).to_have_count(0)

    assert len(failures) == 1
    assert posts[first.pk] == 2  # the failed request and its retry
    assert Score.objects.get(assignment=assignment, criterion=first).points == Decimal("21")


def test_autosave_answered_by_the_login_page_is_not_saved_and_retried(page, live_server):
    review, assignment, posts = open_scoring(page, live_server)
    first = review.criteria[0]
    redirected = []

    def login_once(route):
        if not redirected:
            redirected.append(route.request.url)
            route.fulfill(status=302, headers={"Location": reverse("login")})
        else:
            route.continue_()

    page.route(f"**{reverse('reviews:score_autosave', args=[assignment.pk, first.pk])}", login_once)

    page.locator(f"#points-{first.pk}").fill("9")
    page.locator(f"#points-{first.pk}").blur()
    status = page.locator(f"#status-{first.pk}")
    expect(status.locator("[data-testid=save-retrying]")).to_be_visible()
    expect(status.locator("form, input")).to_have_count(0)  # the login page is never put in the status

    page.clock.run_for(PAUSE_MS)
    expect(saved(page, first)).to_be_visible()
    assert posts[first.pk] == 2  # the one answered by the login page, and its retry
    assert Score.objects.get(assignment=assignment, criterion=first).points == Decimal("9")
