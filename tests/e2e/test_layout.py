"""A screenshot review of every role's main pages at a laptop's width (1366 px, and 1200 px for the long
menus of staff and commissioners) and a phone's (390 px).

The demo data (``seed_demo``) fills the pages as a newcomer sees them, plus one publicity notice for
the public. Each page is saved as a full-page PNG under ``test-artifacts/<role>/<page>-<width>.png``
for a human to look at, and checked for what a screenshot shows at a glance:

- nothing sticks out to the right of the viewport (an element inside a ``.table-responsive`` scroller
  may: that box scrolls on purpose);
- the header is one row: at 1366 px the menu and the account's dropdown beside the brand (or folded
  behind the toggler where they would not fit), on a phone the brand and the toggler; and the account's
  dropdown opens with its logout button (screenshot ``menu-<width>.png``), and the 服务 dropdown opens
  from the keyboard and closes with Escape (screenshot ``services-<width>.png``).

Users are found by their role and the data they own, never by the demo's names (which may change).
One test walks every role, so the demo is seeded once (about 7 s); one browser context per role, resized
from one width to the other. Failures are collected and reported together, each with the page and the
offending elements.
"""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Nomination, Status
from applications.workflow import application_transition
from results.models import Publicity
from results.services.publicity import publicity_publish
from reviews.models import Assignment, Meeting
from tests.applications.factories import World
from tests.e2e.conftest import PageGuard, login
from zaozhuang_titles.demo import DEMO_PASSWORD
from zaozhuang_titles.models import Role, User

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The narrowest desktop where city staff's menu opens on one row (Bootstrap's xl container).
LAPTOP = {"width": 1200, "height": 900}
#: Roles whose menu is long (and holds the 服务 dropdown): walked at 1200 px too.
LONG_MENUS = {"city", "district", "commissioner", "city-en"}
#: A navbar of one row: Bootstrap's navbar is 56 px with its padding; a second row adds 40 px or more.
ONE_ROW_HEADER = 72

#: Elements sticking out to the right of the viewport, outside a horizontal scroller (``.table-responsive``
#: or any element whose overflow-x scrolls). Reported as "tag#id.class 'text' right=…".
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= width + 1) continue;
    if (inScroller(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    found.push(`${name} '${(el.innerText || '').trim().slice(0, 30)}' right=${Math.round(box.right)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, offenders: found.slice(0, 8)};
}
"""


def _user_with(role):
    return User.objects.filter(roles__role=role).order_by("pk").first()


def _public_notice():
    """One publicity notice with two entries (the demo has none): published as the publicity journey does."""
    world = World()
    for _ in range(2):
        application = world.accepted()
        for action in ("start_review", "review_pass"):
            application_transition(application=application, action=action, actor=world.city)
    publicity = publicity_publish(
        batch=world.batch, actor=world.city, title="", starts_on=timezone.localdate(), how_to_object=""
    )
    today = timezone.localdate()
    Publicity.objects.filter(pk=publicity.pk).update(
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=5)
    )
    return publicity


def _plan():
    """(role, user or None, [(page name, path)]) for every role, from the seeded data."""
    applicant_application = (
        Application.objects.filter(applicant__roles__role=Role.APPLICANT).exclude(status=Status.DRAFT).order_by("pk")
    ).first() or Application.objects.filter(applicant__roles__role=Role.APPLICANT).order_by("pk").first()
    resubmitted = Application.objects.filter(transitions__action="resubmit").order_by("pk").first()
    in_city = Application.objects.filter(status=Status.CITY_AUDIT).order_by("pk").first() or resubmitted
    in_district = Application.objects.filter(status=Status.DISTRICT_AUDIT).order_by("pk").first() or resubmitted
    nomination = Nomination.objects.order_by("pk").first()
    assignment = Assignment.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    publicity = _public_notice()

    # The pages worth a look need these; a demo without them must fail here, not skip pages quietly.
    assert None not in (applicant_application, resubmitted, nomination, assignment, meeting), "demo data missing"
    chairman = nomination.enterprise.chairman
    expert_user = assignment.expert.user
    return [
        (
            "applicant",
            applicant_application.applicant,
            [
                ("home", reverse("applications:applicant_home")),
                ("application", reverse("applications:my_application", args=[applicant_application.pk])),
                ("profile", reverse("applications:profile")),
                ("training", reverse("training:my_hours")),
                ("notices", reverse("notices")),
            ],
        ),
        (
            "contact",
            _user_with(Role.ENTERPRISE_CONTACT),
            [
                ("home", reverse("enterprises:contact_home")),
                ("applications", reverse("applications:enterprise_applications")),
            ],
        ),
        (
            "chairman",
            chairman,
            [
                ("home", reverse("applications:chairman_home")),
                ("sign", reverse("applications:nomination_sign", args=[nomination.batch_id])),
            ],
        ),
        (
            "district",
            in_district
            and User.objects.filter(
                roles__role=Role.DISTRICT_STAFF, roles__division=in_district.enterprise.division
            ).first(),
            [
                ("home", reverse("applications:district_queue")),
                ("audit", reverse("applications:detail", args=[in_district.pk])),
                ("training", reverse("training:staff_entries") + "?status="),
            ],
        ),
        (
            "city",
            _user_with(Role.CITY_STAFF),
            [
                ("home", reverse("applications:city_queue")),
                ("audit", reverse("applications:detail", args=[in_city.pk])),
                ("diff", reverse("applications:diff", args=[resubmitted.pk])),
                ("meetings", reverse("reviews:staff_meetings")),
                ("meeting", reverse("reviews:staff_meeting", args=[meeting.pk])),
                ("publicity", reverse("results:publicity_staff")),
                ("questionnaires", reverse("surveys:questionnaires")),
                ("inspections", reverse("inspections:plans")),
            ],
        ),
        (
            "expert",
            expert_user,
            [
                ("home", reverse("reviews:expert_home")),
                ("scoring", reverse("reviews:scoring", args=[assignment.pk])),
                ("voting", reverse("reviews:vote_expert_home")),
            ],
        ),
        (
            "commissioner",
            _user_with(Role.COMMISSIONER),
            [
                ("home", reverse("enterprises:commissioner_home")),
                ("notices", reverse("notices")),
            ],
        ),
        (
            # English labels are longer: the city staff's menu must still fit one row (or fold away).
            "city-en",
            _user_with(Role.CITY_STAFF),
            [("home", reverse("applications:city_queue"))],
        ),
        (
            "public",
            None,
            [
                ("login", reverse("login")),
                ("publicity", reverse("results:publicity_list")),
                ("notice", reverse("results:publicity_notice", args=[publicity.pk])),
            ],
        ),
    ]


def _review_service_menu(page, role, viewport, folder, problems):
    """Open the 服务 dropdown (the toggler first on a phone) by the keyboard: focus its button, Enter; its
    entries must show and fit the screen (screenshot ``services-<width>.png``); Escape closes it."""
    if page.locator("[data-testid=service-menu-toggle]").count() == 0:
        return
    if page.locator(".navbar-toggler").is_visible():
        page.locator(".navbar-toggler").click()
        page.locator("#portal-nav.show").wait_for()
    toggle = page.locator("[data-testid=service-menu-toggle]")
    toggle.focus()
    page.keyboard.press("Enter")
    entries = page.locator("[data-testid=service-menu] .dropdown-item")
    entries.first.wait_for(state="visible")
    page.screenshot(path=folder / f"services-{viewport['width']}.png", full_page=True)
    found = page.evaluate(OVERFLOW_JS)
    if found["offenders"]:
        problems.append(f"{role} open 服务 menu at {viewport['width']} px: " + "; ".join(found["offenders"]))
    if toggle.get_attribute("aria-expanded") != "true":
        problems.append(f"{role} 服务 menu at {viewport['width']} px: aria-expanded is not true once open")
    page.keyboard.press("Escape")
    if entries.first.is_visible():
        problems.append(f"{role} 服务 menu at {viewport['width']} px: Escape does not close it")
    page.reload()


def _review_account_menu(page, role, viewport, folder, problems):
    """Open the menu (the toggler first on a phone) and the account's dropdown; its logout must show and
    the open menu must fit the screen too."""
    if page.locator(".navbar-toggler").is_visible():
        page.locator(".navbar-toggler").click()
        page.locator("#portal-nav.show").wait_for()
    page.locator("[data-testid=account-menu]").click()
    logout = page.locator("[data-testid=logout]")
    logout.wait_for(state="visible")
    page.screenshot(path=folder / f"menu-{viewport['width']}.png", full_page=True)
    found = page.evaluate(OVERFLOW_JS)
    if found["offenders"]:
        problems.append(f"{role} open menu at {viewport['width']} px: " + "; ".join(found["offenders"]))


def _check_page(page, where, folder, stem, problems):
    page.screenshot(path=folder / f"{stem}.png", full_page=True)
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] > found["clientWidth"] or found["offenders"]:
        problems.append(
            f"{where}: wider than the viewport (scrollWidth {found['scrollWidth']} > "
            f"{found['clientWidth']}): " + "; ".join(found["offenders"])
        )
    # One row at both widths: on a phone the brand's short form and the toggler.
    height = page.locator("nav.navbar").first.bounding_box()["height"]
    if height > ONE_ROW_HEADER:
        problems.append(f"{where}: the header is {height:.0f} px tall, more than one row")


def _review(browser, live_server, role, user, pages, problems):
    """One context for the role: log in once, walk its pages at the laptop's width (and at 1200 px for the
    long menus), then at the phone's.
    (The layout follows the width alone, media queries; the phone's own emulation is test_role_journeys'.)"""
    locale = "en" if role.endswith("-en") else "zh-CN"
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=DESKTOP)
    context.set_default_timeout(20_000)
    guard = PageGuard(live_server.url)
    guard.watch(context)
    page = context.new_page()
    folder = ARTIFACTS / role
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if user is not None:
            # Accounts of the apps' demos have passwords of their own: one known password for the walk.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            login(page, live_server, user.username, DEMO_PASSWORD)
            if page.locator("[data-testid=account-menu]").count() == 0:
                problems.append(f"{role}: could not log in as {user.username}")
                return
        for viewport in (DESKTOP, LAPTOP, PHONE) if role in LONG_MENUS else (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            width = viewport["width"]
            for name, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                where = f"{role} {name} {path} at {width} px"
                if response is None or response.status != 200:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                _check_page(page, where, folder, f"{name}-{width}", problems)
            if user is not None:
                _review_service_menu(page, role, viewport, folder, problems)
                _review_account_menu(page, role, viewport, folder, problems)
        problems.extend(f"{role}: {problem}" for problem in guard.problems)
    finally:
        context.close()


def test_layout_every_role_main_pages_fit_the_viewport_with_a_one_row_header(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=StringIO())  # quiet: the demo prints its logins
    problems = []

    for role, user, pages in _plan():
        _review(browser, live_server, role, user, pages, problems)

    assert problems == [], "Layout problems (screenshots in test-artifacts/<role>/):\n" + "\n".join(problems)
