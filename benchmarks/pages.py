"""The pages measured, in process with Django's test ``Client`` (DEBUG off), each as the role that uses it:
query count (``CaptureQueriesContext``), p50/p95 of the response time over ``runs`` requests after
three warm-ups, for the first page and a deep page; for list pages a floor: one hand-written SQL
query fetching the same rows' displayed columns, rendered by a minimal template."""

import re
import statistics
import time
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from enterprises.models import Enterprise
from results.models import PublicityEntry
from reviews.models import Assignment, Case, Meeting, Score
from zaozhuang_titles.models import Division, User

WARMUPS = 3
PAGE_SIZE = 50
_HREF = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_ATTR = re.compile(r'href="([^"]*)"')
_LAST_WORDS = ("末页", "最后一页", "last")
_NEXT_WORDS = ("下一页", "next")
#: How many "next" links a deep page of a keyset-paginated list follows.
KEYSET_HOPS = 20


@dataclass(frozen=True)
class Page:
    name: str
    user: str  # the World attribute naming the username, or "" for an anonymous visitor
    url: object  # world -> URL
    floor: object = None  # (world, offset) -> (sql, params), for list pages
    paged: bool = False


def t(name):
    return connection.ops.quote_name(name)


def _tables():
    return {
        "app": t(Application._meta.db_table),
        "ent": t(Enterprise._meta.db_table),
        "usr": t(User._meta.db_table),
        "div": t(Division._meta.db_table),
        "mtg": t(Meeting._meta.db_table),
        "case": t(Case._meta.db_table),
        "asg": t(Assignment._meta.db_table),
        "score": t(Score._meta.db_table),
        "pub": t(PublicityEntry._meta.db_table),
    }


def _queue_floor(status, *, division):
    def floor(world, offset):
        where = "a.status = %s AND a.batch_id = %s"
        params = [status, world.batch_id]
        if division:
            where += " AND e.division_id = (SELECT id FROM {div} WHERE code = %s)"
            params.append("370481")
        sql = (
            "SELECT a.id, a.number, u.real_name, e.name, a.specialty, a.status, a.status_changed_at "
            "FROM {app} a JOIN {usr} u ON u.id = a.applicant_id JOIN {ent} e ON e.id = a.enterprise_id "
            f"WHERE {where} ORDER BY a.status_changed_at, a.id LIMIT 50 OFFSET %s"
        )
        return sql, [*params, offset]

    return floor


def _enterprise_floor(world, offset):
    return (
        "SELECT e.id, e.name, e.credit_code, d.name, e.status, e.is_key FROM {ent} e "
        "JOIN {div} d ON d.id = e.division_id ORDER BY e.name, e.id LIMIT 50 OFFSET %s",
        [offset],
    )


def _admin_floor(world, offset):
    return (
        "SELECT a.id, a.number, u.real_name, e.name, a.status, a.status_changed_at FROM {app} a "
        "JOIN {usr} u ON u.id = a.applicant_id JOIN {ent} e ON e.id = a.enterprise_id "
        "ORDER BY a.status_changed_at DESC, a.id DESC LIMIT 100 OFFSET %s",
        [offset * 2],
    )


def _meetings_floor(world, offset):
    return (
        "SELECT m.id, m.name, m.held_on, m.status, (SELECT count(*) FROM {case} c WHERE c.meeting_id = m.id) "
        "FROM {mtg} m ORDER BY m.held_on DESC, m.id DESC LIMIT 50 OFFSET %s",
        [offset],
    )


def _ranking_floor(world, offset):
    return (
        "SELECT c.id, a.number, u.real_name, count(s.id), avg(s.points) FROM {case} c "
        "JOIN {app} a ON a.id = c.application_id JOIN {usr} u ON u.id = a.applicant_id "
        "LEFT JOIN {asg} g ON g.case_id = c.id LEFT JOIN {score} s ON s.assignment_id = g.id "
        "WHERE c.meeting_id = %s GROUP BY c.id, a.number, u.real_name ORDER BY avg(s.points) DESC NULLS LAST",
        [world.meeting_id],
    )


def _tasks_floor(world, offset):
    return (
        "SELECT g.id, a.number, m.name, g.submitted_at FROM {asg} g JOIN {case} c ON c.id = g.case_id "
        "JOIN {app} a ON a.id = c.application_id JOIN {mtg} m ON m.id = c.meeting_id "
        "WHERE g.expert_id = (SELECT e.id FROM reviews_expert e JOIN {usr} u ON u.id = e.user_id "
        "WHERE u.username = %s) AND g.conflict_declared_at IS NULL ORDER BY m.held_on DESC, c.position, g.id",
        [world.expert_username],
    )


def _publicity_floor(world, offset):
    return (
        "SELECT p.position, p.name, p.enterprise_name, p.specialty, p.title_granted FROM {pub} p "
        "WHERE p.publicity_id = %s ORDER BY p.position, p.id LIMIT 50 OFFSET %s",
        [world.publicity_id, offset],
    )


PAGES = [
    Page(
        "district queue",
        "district_username",
        lambda w: reverse("applications:district_queue"),
        _queue_floor("district_audit", division=True),
        paged=True,
    ),
    Page(
        "city queue",
        "city_username",
        lambda w: reverse("applications:city_queue"),
        _queue_floor("city_audit", division=False),
        paged=True,
    ),
    Page("enterprise list", "city_username", lambda w: reverse("enterprises:list"), _enterprise_floor, paged=True),
    Page(
        "admin applications",
        "admin_username",
        lambda w: reverse("admin:applications_application_changelist"),
        _admin_floor,
        paged=True,
    ),
    Page("staff meetings", "city_username", lambda w: reverse("reviews:staff_meetings"), _meetings_floor, paged=True),
    Page(
        "ranking",
        "city_username",
        lambda w: reverse("reviews:meeting_ranking", kwargs={"pk": w.meeting_id}),
        _ranking_floor,
    ),
    Page("scoring page", "expert_username", lambda w: reverse("reviews:scoring", kwargs={"pk": w.assignment_id})),
    Page("applicant home", "applicant_username", lambda w: reverse("applications:applicant_home")),
    Page(
        "application staff page",
        "district_username",
        lambda w: reverse("applications:detail", kwargs={"pk": w.application_id}),
    ),
    Page("expert tasks", "expert_username", lambda w: reverse("reviews:expert_home"), _tasks_floor),
    Page(
        "publicity notice",
        "",
        lambda w: reverse("results:publicity_notice", kwargs={"pk": w.publicity_id}),
        _publicity_floor,
        paged=True,
    ),
    Page("statistics page", "city_username", lambda w: reverse("dashboard:statistics")),
    Page("statistics data", "city_username", lambda w: reverse("dashboard:data")),
    Page("statistics (district)", "district_username", lambda w: reverse("dashboard:statistics")),
    Page(
        "certificate check",
        "",
        lambda w: reverse("results:certificate_verify", kwargs={"token": w.certificate_token}),
    ),
]


def client_for(world, page):
    client = Client()
    if page.user:
        client.force_login(User.objects.get(username=getattr(world, page.user)))
    return client


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _with_query(url, **params):
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return f"{parts.path}?{urlencode(query)}"


def _links(html):
    """``(attributes, label, href)`` of every link of ``html``."""
    for attributes, text in _HREF.findall(html):
        href = _ATTR.search(attributes)
        if href:
            yield attributes, re.sub(r"<[^>]+>", "", text).strip().lower(), unescape(href.group(1))


def _is_keyset(href):
    return any(key not in ("page", "p", "status", "batch", "division", "q", "query") for key in _query(href))


def _query(href):
    return dict(parse_qsl(urlsplit(href).query))


def deep_url(client, url, *, hops=KEYSET_HOPS):
    """The URL of a deep page, as the page itself offers it: a link marked ``rel="last"`` or named
    末页/Last; else its largest ``page``/``p`` number (Django admin); else, for keyset pagination (a
    "next" link carrying a cursor rather than a page number), the page reached by following "next"
    ``hops`` times (a keyset page costs the same at any depth); else ``?page=<huge>``, which
    ``Paginator.get_page`` turns into the last page, or ``?page=last`` for a ``ListView``."""
    html = _get(client, url).content.decode()
    best = None
    next_href = None
    for attributes, label, href in _links(html):
        if 'rel="last"' in attributes or any(word in label for word in _LAST_WORDS):
            return _absolute(url, href)
        if 'rel="next"' in attributes or any(word in label for word in _NEXT_WORDS):
            next_href = next_href or href
        # Numbered links only (Django admin's "1 2 … 40"); a "next" link's page number is not deep.
        query = _query(href)
        for key in ("page", "p"):
            number = query.get(key, "")
            if label.isdigit() and number.isdigit() and (best is None or int(number) > best[0]):
                best = (int(number), href)
    if next_href is not None and _is_keyset(next_href):
        current = url
        for _ in range(hops):
            current = _absolute(current, next_href)
            next_href = next(
                (
                    href
                    for attributes, label, href in _links(_get(client, current).content.decode())
                    if 'rel="next"' in attributes or any(word in label for word in _NEXT_WORDS)
                ),
                None,
            )
            if next_href is None:
                break
        return current
    if best is not None:
        return _absolute(url, best[1])
    huge = _with_query(url, page="999999999")
    if client.get(huge).status_code == 200:
        return huge
    return _with_query(url, page="last")


def _absolute(url, href):
    if href.startswith("?"):
        return urlsplit(url).path + href
    return href


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(get, runs):
    for _ in range(WARMUPS):
        get()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(times), 1), "p95": round(percentile(times, 0.95), 1)}


def query_count(client, url):
    for _ in range(WARMUPS):
        _get(client, url)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured.captured_queries)


FLOOR_TEMPLATE = (
    "<table>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>"
)


def floor(page, world, offset, runs):
    template = engines["django"].from_string(FLOOR_TEMPLATE)
    sql, params = page.floor(world, offset)
    sql = sql.format(**_tables())

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return template.render({"rows": rows})

    return timed(run, runs)


def _offset_of(url):
    query = dict(parse_qsl(urlsplit(url).query))
    for key in ("page", "p"):
        if query.get(key, "").isdigit():
            return (min(int(query[key]), 10**6) - 1) * PAGE_SIZE
    return 0


def count_queries(world, pages=PAGES):
    """Query count of each page (its first page), after warm-ups."""
    counts = {}
    for page in pages:
        client = client_for(world, page)
        counts[page.name] = query_count(client, page.url(world))
    return counts


def measure(world, *, runs, pages=PAGES, log=print):
    """Every figure of every page: a dict per page name."""
    results = {}
    for page in pages:
        client = client_for(world, page)
        url = page.url(world)
        figures = {"url": url, "queries": query_count(client, url), **timed(lambda c=client, u=url: _get(c, u), runs)}
        if page.paged:
            deep = deep_url(client, url)
            figures["deep_url"] = deep
            figures["deep_queries"] = query_count(client, deep)
            deep_times = timed(lambda c=client, u=deep: _get(c, u), runs)
            figures["deep_p50"], figures["deep_p95"] = deep_times["p50"], deep_times["p95"]
        if page.floor:
            floor_times = floor(page, world, 0, runs)
            figures["floor_p50"] = floor_times["p50"]
            figures["ratio"] = round(figures["p50"] / max(floor_times["p50"], 0.01), 1)
        results[page.name] = figures
        log(f"  {page.name}: {figures['queries']} queries, p50 {figures['p50']} ms")
    return results


def gate(counts_at_one, counts_at_scale):
    """The pages whose query count at scale differs from their count at one row: ``[(page, one, scale)]``."""
    return [
        (name, counts_at_one[name], counts_at_scale.get(name))
        for name in counts_at_one
        if counts_at_scale.get(name) != counts_at_one[name]
    ]
