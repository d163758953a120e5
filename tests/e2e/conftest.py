"""Browser journeys: Playwright (sync API) driving the machine's own headless Chromium.

Every test under tests/e2e is marked ``e2e`` (``make test-e2e`` runs them alone). Each test gets a
fresh browser context bound to pytest-django's ``live_server``; one Chromium serves the whole session.
Each page is watched while the test runs, and the test fails at teardown if the browser reported a
Content-Security-Policy violation or a JavaScript error, or if the page asked anything of a host other
than the live server (government intranets have no internet: every asset must be served by us).
On failure a full-page screenshot and the page's HTML go to ``test-artifacts/e2e/<test-name>.png/.html``.

Chromium is Debian's (``CHROMIUM_PATH``, default /usr/bin/chromium); Playwright never downloads one.
Without it the tests skip, except under CI (env ``CI`` set), where a missing browser is a failure.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# (factories, assertions on the database) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR.parent.parent / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # No name but the live server's resolves, so a stray CDN link fails at once instead of hanging on a
    # network without internet (the guard still reports it). Cheaper than intercepting every request.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
#: Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e ``e2e`` before ``-m`` selects on marks (hence tryfirst)."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (``item.rep_call``) so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session", autouse=True)
def _live_server_without_media(django_db_setup, request):
    """Start pytest-django's live server with a MEDIA_URL its media handler can parse.

    The portal sets ``MEDIA_URL = None`` on purpose (evidence is served only by permission-checking
    views), but Django's LiveServerThread wraps every request in a media-files handler that parses
    MEDIA_URL once, at start-up; None breaks every request ("startswith first arg must be str").
    A URL on another host makes that handler never serve anything. The override lasts only while the
    server starts, so no other test sees it.
    """
    from django.test import override_settings

    with override_settings(MEDIA_URL="http://private-media.invalid/"):
        request.getfixturevalue("live_server")


@pytest.fixture(scope="session")
def chromium_executable():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        reason = (
            f"Chromium not found at {path} (set CHROMIUM_PATH, or apt-get install chromium); "
            "browser journeys need it and Playwright must not download one."
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageGuard:
    """Collects what a page must never do: console errors (CSP violations included), uncaught JS
    exceptions, and requests to any host but the live server."""

    def __init__(self, origin):
        self.origin = origin
        self.console_errors = []
        self.page_errors = []
        self.external_requests = []
        self.allowed_console = []

    def allow_console_error(self, pattern):
        """Let a test expect a console error matching the regular expression ``pattern``."""
        self.allowed_console.append(re.compile(pattern))

    def is_external(self, url):
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            return False
        return f"{parts.scheme}://{parts.netloc}" != self.origin

    def watch(self, context):
        context.on("request", self.on_request)
        context.on("page", self.watch_page)

    def watch_page(self, page):
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def on_request(self, request):
        if self.is_external(request.url):
            self.external_requests.append(request.url)

    def on_console(self, message):
        if message.type != "error":
            return
        text, url = message.text, message.location.get("url", "")
        # Chromium asks for /favicon.ico by itself on pages that name no icon (Django admin's); that
        # 404 is the browser's habit, not the page's fault. A broken asset the page links still fails.
        if urlsplit(url).path == "/favicon.ico":
            return
        if any(pattern.search(text) for pattern in self.allowed_console):
            return
        self.console_errors.append(f"{url}: {text}")

    @property
    def problems(self):
        found = []
        if self.console_errors:
            found.append("console errors (CSP violations included):\n  " + "\n  ".join(self.console_errors))
        if self.page_errors:
            found.append("uncaught JavaScript errors:\n  " + "\n  ".join(self.page_errors))
        if self.external_requests:
            found.append(
                f"requests to hosts other than the live server {self.origin}:\n  " + "\n  ".join(self.external_requests)
            )
        return found


def _artifact_stem(item):
    return re.sub(r"[^\w.-]+", "_", item.name).strip("_")


def _save_artifacts(page, item):
    """Full-page screenshot and HTML of the page, named after the test."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS_DIR / _artifact_stem(item)
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # a crashed page must not hide the test's own failure
        Path(f"{stem}.html").write_text(f"<!-- could not capture the page: {error} -->", encoding="utf-8")


def _open_page(browser, live_server, request, **context_options):
    guard = PageGuard(live_server.url)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **context_options)
    context.set_default_timeout(20_000)
    guard.watch(context)
    page = context.new_page()
    page.guard = guard
    return context, page, guard


def _close_page(context, page, guard, request):
    item = request.node
    failed = getattr(item, "rep_call", None) is not None and item.rep_call.failed
    problems = guard.problems
    if failed or problems:
        _save_artifacts(page, item)
    context.close()
    if problems and not failed:
        pytest.fail("The browser saw what it must not:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(browser, live_server, request):
    """A desktop page (1280x800, zh-CN) in a fresh context; ``page.guard`` holds what it watched."""
    context, page, guard = _open_page(browser, live_server, request, viewport={"width": 1280, "height": 800})
    yield page
    _close_page(context, page, guard, request)


@pytest.fixture
def mobile_page(browser, live_server, request):
    """A phone page (390x844, touch, mobile) in a fresh context, watched like ``page``."""
    context, page, guard = _open_page(
        browser,
        live_server,
        request,
        viewport=PHONE_VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_USER_AGENT,
    )
    yield page
    _close_page(context, page, guard, request)


def snapshot(page, name):
    """Save a full-page screenshot for a human to look at, only when ``E2E_SCREENSHOTS`` is set."""
    if os.environ.get("E2E_SCREENSHOTS"):
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS_DIR / f"{name}.png", full_page=True)


def login(page, live_server, username, password):
    """Log in through the login form; the page ends wherever the portal sends the user."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    # The form posts and the server answers with a redirect (success) or the form again (failure):
    # both are one navigation of the main frame, which this waits for.
    with page.expect_navigation():
        page.locator("[data-testid=login-form] [type=submit]").click()


def logout(page):
    """Log out with the account menu's button (opening the collapsed navbar first on a phone, then the
    account dropdown), or with Django admin's own logout button on admin pages; the portal then shows
    the login page."""
    from playwright.sync_api import expect

    button = page.locator("[data-testid=logout]")
    if button.count() == 0:
        button = page.locator("#logout-form [type=submit]")
    toggler = page.locator(".navbar-toggler")
    account = page.locator("[data-testid=account-menu]")
    if toggler.count() and toggler.is_visible() and not button.is_visible() and not account.is_visible():
        toggler.click()
        expect(account).to_be_visible()
    if account.count() and not button.is_visible():
        account.click()
        expect(button).to_be_visible()
    with page.expect_navigation():
        button.click()
