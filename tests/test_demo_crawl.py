"""The demo, crawled: every demo login follows every same-site link breadth-first and meets no error.

The demo is seeded as ``make run`` seeds it, then each demo account (one per role, and every panel
expert of the drawn meeting) opens its landing page and follows the links it finds (menus, lists,
detail pages, tabs, admin for staff) up to a bound. Every page answers 200, a redirect, or an intended
403/404; none answers 500, none renders an undefined template variable (``string_if_invalid`` raises
here), and no Chinese page shows English words outside an allow-list. Repeated URL shapes (the same
path with other ids) are visited at most three times, so the crawl covers every kind of page without
opening all hundred applications.
"""

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command

from reviews.models import Meeting
from tests.documents import use_stand_in_printer
from zaozhuang_titles.demo import ACCOUNTS, DEMO_PASSWORD
from zaozhuang_titles.models import User

pytestmark = pytest.mark.django_db

#: Pages visited per login at most, and pages of one URL shape.
MAX_PAGES = 150
#: Django admin's pages share one frame and differ by model: fewer are enough.
MAX_ADMIN_PAGES = 100
PER_SHAPE = 3
#: Links never followed: they change the session or the language, or are files served as they are.
SKIP = re.compile(r"^/(accounts/logout|i18n/|static/|media/|favicon\.ico)")
#: Answers a link may get: a page, a redirect (followed as a link), or an intended refusal.
EXPECTED = {200, 301, 302, 403, 404}
#: English words a Chinese page may show: names, formats and codes.
ALLOWED_ENGLISH = {
    "PDF",
    "Excel",
    "QR",
    "ID",
    "SMS",
    "URL",
    "CSV",
    "XLSX",
    "xlsx",
    "pdf",
    "csv",
    "jpg",
    "png",
    "zip",
    "English",
    "SHA",
    "GB",
    "ZL",
    "Django",
    "admin",
    "demo",
    "titles",
    "example",
    # Django's own Chinese: "按住 Control 键或 Mac 上的 Command 键来选择多项。"
    "Control",
    "Command",
    "Mac",
    # HTTP headers named in the login log (django-axes)
    "HTTP",
    "Accept",
    "GET",
    "POST",
    "JPEG",
    "PNG",
    # django-axes records "<unknown>" for a path it did not see
    "unknown",
}


@pytest.fixture(autouse=True)
def stand_in_printer(request, monkeypatch):
    """The demo's documents (letters, evidence, policy files) from the stand-in printer: the walk reads
    pages, not paper (tests/documents.py)."""
    use_stand_in_printer(request, monkeypatch)


class InvalidTemplateVariable(str):
    """``string_if_invalid`` that fails the page: an undefined variable in a template is a bug."""

    def __mod__(self, variable):
        raise AssertionError(f"undefined template variable {variable!r}")


class _Page(HTMLParser):
    """The links and the visible text of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.text = [], []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "code", "pre", "svg"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code", "pre", "svg") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"\d+")
#: An English word: three letters or more, not part of an identifier, a number, a mail or a file name.
ENGLISH_WORD = re.compile(r"(?<![\w@.\-/:(])[A-Za-z]{3,}(?![\w@.\-/(])")


def shape(url):
    """The URL with its ids and query values replaced: pages of one shape are one kind of page."""
    parts = urlsplit(url)
    path = NUMBER.sub("N", UUID.sub("U", parts.path))
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def same_site(base, href):
    """The site-relative URL of ``href`` on ``base``, or None for another site, an anchor or a scheme."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.match(path) else path


#: An address shown as data (a webhook's target in the audit log): its scheme and host are not prose.
WEB_ADDRESS = re.compile(r"\bhttps?://\S+")


def english_words(text):
    text = WEB_ADDRESS.sub(" ", text)
    return sorted({word for word in ENGLISH_WORD.findall(text) if word not in ALLOWED_ENGLISH})


def crawl(client, start, *, admin, allowed=frozenset()):
    """Visit same-site links breadth-first from ``start``, in Django admin or outside it: (URLs visited,
    problems found). ``allowed`` are more English words the pages may show (the demo's usernames)."""
    queue, seen, shapes, problems = deque([start]), {start}, {}, []
    visited = []
    while queue and len(visited) < (MAX_ADMIN_PAGES if admin else MAX_PAGES):
        url = queue.popleft()
        key = shape(url)
        if shapes.get(key, 0) >= PER_SHAPE:
            continue
        shapes[key] = shapes.get(key, 0) + 1
        visited.append(url)
        try:
            response = client.get(url)
        except Exception as error:  # every failure of a page is what the crawl reports
            problems.append(f"{url}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
            continue
        if response.status_code not in EXPECTED:
            problems.append(f"{url}: answered {response.status_code}")
            continue
        links = []
        if response.status_code in (301, 302):
            links = [response["Location"]]
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            page = _Page()
            page.feed(response.content.decode())
            links = page.links
            words = [word for word in english_words(" ".join(page.text)) if word not in allowed]
            if words:
                problems.append(f"{url}: untranslated {words}")
        for href in links:
            target = same_site(url, href)
            if target and target.startswith("/admin/") == admin and target not in seen:
                seen.add(target)
                queue.append(target)
    return visited, problems


def test_demo_crawl_every_login_meets_no_error(settings, tmp_path, client):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": InvalidTemplateVariable("%s")}}
        for engine in settings.TEMPLATES
    ]
    call_command("seed_demo", stdout=io.StringIO())
    usernames = [username for username, *_rest in ACCOUNTS]
    panel = [
        member.expert.user
        for meeting in Meeting.objects.all()
        for member in meeting.panel.select_related("expert__user").order_by("kind", "order")
    ]
    # Every demo login and every expert drawn for the demo meeting logs in with the demo password (a vote
    # reaches its quorum only when the panel can log in); one panel member besides ``expert`` is crawled.
    assert [user.username for user in panel if not user.check_password(DEMO_PASSWORD)] == []
    assert [name for name in usernames if not User.objects.get(username=name).check_password(DEMO_PASSWORD)] == []
    assert len(panel) >= 7
    usernames += [next(user.username for user in panel if user.username not in usernames)]

    allowed = frozenset(User.objects.values_list("username", flat=True))
    pages, problems = {}, []
    client.cookies.load({"django_language": "zh-hans"})
    pages["anonymous"], found = crawl(client, "/", admin=False)
    problems += [f"anonymous {problem}" for problem in found]
    for username in usernames:
        user = User.objects.get(username=username)
        client.force_login(user)
        pages[username], found = crawl(client, "/", admin=False, allowed=allowed)
        problems += [f"{username} {problem}" for problem in found]
        if user.is_staff:
            pages[f"{username} (admin)"], found = crawl(client, "/admin/", admin=True, allowed=allowed)
            problems += [f"{username} {problem}" for problem in found]
        client.logout()
    counts = {login: len(urls) for login, urls in pages.items()}
    print("pages crawled per login:", counts)  # the report of the crawl (pytest -s shows it)

    assert problems == [], "\n".join(problems)
    # The crawl reached every role's pages, not only its landing page: admin lands in Django admin.
    assert min(count for login, count in counts.items() if login not in ("anonymous", "admin")) >= 5, counts
    # District staff work in Django admin too (issue 14), on their own division: the crawl went there.
    assert counts.get("district (admin)", 0) >= 5, counts
    # ... and the pages the walk needs: a resubmission's changes (a 500 once), the publicity notices and
    # the public objection form, filing and certificates.
    reached = {url for urls in pages.values() for url in urls}
    for wanted in (r"/applications/audit/applications/\d+/changes/", r"/applications/publicity/\d+/", "/filing/"):
        assert any(re.search(wanted, url) for url in reached), wanted
    # The 服务 dropdown's pages (issue 15) for city and district staff and the commissioner, and what they
    # lead to: a questionnaire's results, a plan, a document, a package in admin, the hours.
    service_pages = {
        "city": [
            "/surveys/",
            r"/surveys/sent/\d+/results/",
            "/library/manage/",
            r"/inspections/plans/\d+/",
            "/training/staff/",
        ],
        "city (admin)": ["/admin/library/package/", "/admin/surveys/response/", "/admin/inspections/inspectionplan/"],
        "district": ["/training/staff/", "/inspections/mine/"],
        "district (admin)": ["/admin/library/package/", "/admin/training/trainingentry/"],
        "commissioner": ["/library/packages/"],
    }
    for login, wanted_pages in service_pages.items():
        for wanted in wanted_pages:
            assert any(re.search(wanted, url) for url in pages[login]), (login, wanted)
