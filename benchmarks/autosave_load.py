"""Load of the scoring page's autosave: many experts logged in, each saving every 1–3 seconds.

    DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.autosave_load \
        --base-url http://127.0.0.1:8000 --experts 86 --duration 60

against a server already running on the same database (gunicorn on loopback; ``make bench`` starts it).
The CLI first prepares ``--experts`` experts (``bench-expert-001``…, password ``--password``) with an
assignment on every case of a meeting in its scoring phase (``--meeting``, default the first one), then
calls ``run``. ``run`` is the runner's entry point:

- each expert logs in through the login page (GET for the CSRF cookie, POST of the form), as a browser;
- then saves one (assignment, criterion) of its targets every 1–3 seconds (random) for ``duration``
  seconds, as ``static/js/autosave.js`` does (POST with ``HX-Request``, the status fragment back), with
  increasing values: the n-th save of an expert sends n/10 points (modulo the criterion's maximum)
  and the comment ``bench <expert> #<n>``;
- afterwards the stored scores are read through the ORM (the same settings, the same database) and
  compared with the last value the server acknowledged for each target: ``lost_writes`` counts the
  targets that hold anything else.

Standard library only (``urllib``, threads): one thread and one cookie jar per expert. Targets (p95
≤ 50 ms, no lost write) are the runner's to judge; here they are only reported.
"""

import argparse
import http.cookies
import json
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaozhuang_titles.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from reviews.models import Assignment, Criterion, Expert, Meeting, Score, Specialty  # noqa: E402
from zaozhuang_titles.models import Role, RoleAssignment, User  # noqa: E402

DEFAULT_PASSWORD = "Bench-autosave-2026"
TIMEOUT = 30
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A save answered with a redirect (the login page: the session ended) is an error, not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


def _percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _points(n, max_points):
    """The n-th save's points: n/10, wrapping below the criterion's maximum."""
    return Decimal(n % (max_points * 10)) / 10


class _Expert:
    """One expert's browser: its cookies (kept by hand, so that the ``Secure`` cookies of a server
    configured for production behind TLS are still sent back on loopback) and what it sent."""

    def __init__(self, base_url, spec, max_points, *, https_proxy=False):
        self.base_url = base_url.rstrip("/")
        self.username = spec["username"]
        self.password = spec["password"]
        self.targets = [tuple(target) for target in spec["targets"]]
        self.max_points = max_points
        self.cookies = {}
        self.opener = urllib.request.build_opener(_NoRedirect)
        # Behind the TLS proxy of production (X-Forwarded-Proto), the origin the browser shows is https.
        host = urllib.parse.urlsplit(self.base_url).netloc
        self.origin = f"https://{host}" if https_proxy else self.base_url
        self.extra_headers = {"X-Forwarded-Proto": "https"} if https_proxy else {}
        self.latencies = []
        self.errors = []
        self.last_sent = {}
        self.last_acknowledged = {}

    def _request(self, path, data=None, headers=None):
        """(status, body) of one request with the expert's cookies; a redirect is an answer, not followed."""
        headers = {
            **self.extra_headers,
            **(headers or {}),
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        if data is not None:
            headers.update(Origin=self.origin, Referer=f"{self.origin}{path}")
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=None if data is None else urllib.parse.urlencode(data).encode(),
            headers=headers,
        )
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, answer_headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, body = error.code, error.headers, error.read()
        for header in answer_headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return status, body.decode(errors="replace")

    def login(self):
        path = reverse("login")
        status, page = self._request(path)
        match = _CSRF_INPUT.search(page)
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        data = {"csrfmiddlewaretoken": token, "username": self.username, "password": self.password}
        status, page = self._request(path, data)
        if status != 302 or "sessionid" not in self.cookies:  # success is the redirect to the home page
            raise RuntimeError(f"{self.username}: the login page answered {status}, not logged in")

    def save(self, target, n):
        assignment_id, criterion_id = target
        points = _points(n, self.max_points[criterion_id])
        comment = f"bench {self.username} #{n}"
        path = reverse("reviews:score_autosave", args=[assignment_id, criterion_id])
        token = self.cookies.get("csrftoken", "")
        self.last_sent[target] = (points, comment)
        started = time.perf_counter()
        try:
            status, body = self._request(
                path,
                {"csrfmiddlewaretoken": token, "points": str(points), "comment": comment},
                {"HX-Request": "true", "X-CSRFToken": token},
            )
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200 or 'data-testid="saved"' not in body:
                raise RuntimeError(f"HTTP {status}: {body[:200]}")
        except Exception as error:  # every failure is counted and sampled, the expert goes on
            self.errors.append(f"{self.username} {path}: {error}")
            return
        self.latencies.append(elapsed)
        self.last_acknowledged[target] = (points, comment)

    def work(self, start, stop, rng, pause):
        """Save, pause (1–3 s), save again… until ``stop``; the first save falls within the first pause."""
        n = 0
        next_at = start + rng.uniform(0.0, pause[1])
        while True:
            time.sleep(max(0.0, min(next_at, stop) - time.monotonic()))
            if next_at >= stop:
                return
            n += 1
            self.save(self.targets[(n - 1) % len(self.targets)], n)
            next_at = time.monotonic() + rng.uniform(*pause)


def run(*, base_url, experts, duration=60.0, seed=13, https_proxy=False, pause=(1.0, 3.0)):
    """Log ``experts`` in at ``base_url`` and let each save every 1–3 s for ``duration`` seconds.

    ``experts``: ``[{"username": …, "password": …, "targets": [(assignment_id, criterion_id), …]}]``,
    the targets being the expert's own assignments and criteria of their meeting's rubric (saved in
    turn). Returns a dict: ``experts``, ``duration_s``, ``saves``, ``saves_per_s``, ``p50_ms``,
    ``p95_ms``, ``p99_ms``, ``max_ms``, ``errors`` (count), ``error_samples`` (up to 5),
    ``login_errors``, ``targets``, ``lost_writes`` (acknowledged values not found stored).
    ``https_proxy``: the server runs with production settings (``DJANGO_DEBUG`` off), which expect a
    TLS proxy in front: requests then carry ``X-Forwarded-Proto: https`` and an https origin.
    ``pause``: the range of seconds between two saves of one expert (the issue's 1–3 s)."""
    criterion_ids = {criterion_id for spec in experts for _, criterion_id in spec["targets"]}
    max_points = dict(Criterion.objects.filter(pk__in=criterion_ids).values_list("pk", "max_points"))
    clients = [_Expert(base_url, spec, max_points, https_proxy=https_proxy) for spec in experts]

    login_errors = []

    def login(client):
        try:
            client.login()
        except Exception as error:
            login_errors.append(f"{client.username}: {error}")

    _in_threads(login, clients, limit=8)  # the login page hashes a password: a few at a time
    logged_in = [client for client in clients if "sessionid" in client.cookies]

    rng = random.Random(seed)  # noqa: S311 - pauses between saves, not secrets
    start = time.monotonic() + 0.5
    stop = start + duration
    threads = [
        threading.Thread(target=client.work, args=(start, stop, random.Random(rng.random()), pause), daemon=True)  # noqa: S311
        for client in logged_in
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 2 * TIMEOUT)
    elapsed = max(time.monotonic() - start, 1e-9)

    latencies = sorted(ms for client in logged_in for ms in client.latencies)
    errors = [message for client in logged_in for message in client.errors]
    acknowledged = {target: value for client in logged_in for target, value in client.last_acknowledged.items()}
    stored = {
        (assignment_id, criterion_id): (points, comment)
        for assignment_id, criterion_id, points, comment in Score.objects.filter(
            assignment_id__in={target[0] for target in acknowledged}
        ).values_list("assignment_id", "criterion_id", "points", "comment")
    }
    lost = sorted(target for target, value in acknowledged.items() if stored.get(target) != value)
    unacknowledged_last = sum(
        1
        for client in logged_in
        for target, value in client.last_sent.items()
        if client.last_acknowledged.get(target) != value
    )

    def ms(value):
        return None if value is None else round(value, 1)

    return {
        "experts": len(experts),
        "logged_in": len(logged_in),
        "login_errors": len(login_errors),
        "duration_s": round(elapsed, 1),
        "saves": len(latencies),
        "saves_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": ms(_percentile(latencies, 0.50)),
        "p95_ms": ms(_percentile(latencies, 0.95)),
        "p99_ms": ms(_percentile(latencies, 0.99)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "errors": len(errors) + len(login_errors),
        "error_samples": (login_errors + errors)[:5],
        "targets": len(acknowledged),
        "lost_writes": len(lost),
        "lost_samples": [list(target) for target in lost[:5]],
        "last_save_unacknowledged": unacknowledged_last,
    }


def _in_threads(function, items, *, limit):
    items = list(items)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not items:
                    return
                item = items.pop()
            function(item)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(limit, len(items)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- Preparation (the CLI) -------------------------------------------------------------------------


def prepare(*, experts, meeting_id=None, password=DEFAULT_PASSWORD, cases=None):
    """``experts`` bench experts (``bench-expert-NNN``, created when missing, ``password`` set on
    creation) with an open assignment on every case (or the first ``cases``) of a meeting in its
    scoring phase; returns the ``experts`` argument of ``run``. Idempotent."""
    meetings = Meeting.objects.filter(status=Meeting.Status.SCORING).order_by("pk")
    meeting = meetings.filter(pk=meeting_id).first() if meeting_id else meetings.first()
    if meeting is None:
        raise SystemExit(
            "No meeting in its scoring phase in this database"
            + (f" with id {meeting_id}" if meeting_id else "")
            + ": run `manage.py seed_demo` (its meeting scores) or name one with --meeting."
        )
    case_ids = list(meeting.cases.order_by("position", "pk").values_list("pk", flat=True)[:cases])
    criterion_ids = list(
        Criterion.objects.filter(batch_id=meeting.batch_id).order_by("position", "pk").values_list("pk", flat=True)
    )
    if not case_ids or not criterion_ids:
        raise SystemExit(f"Meeting {meeting.pk} has no case or its batch no rubric: nothing to score.")
    specialty = meeting.specialty or Specialty.objects.first()
    today = timezone.localdate()
    result = []
    with transaction.atomic():
        for index in range(1, experts + 1):
            username = f"bench-expert-{index:03d}"
            user, created = User.objects.get_or_create(
                username=username, defaults={"real_name": f"压测专家{index}", "email": f"{username}@bench.invalid"}
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            RoleAssignment.objects.get_or_create(user=user, role=Role.EXPERT)
            expert, created = Expert.objects.get_or_create(
                user=user,
                defaults={
                    "title_name": "正高级工程师",
                    "employer_name": f"压测单位{index}",
                    "term_starts": today.replace(year=today.year - 1),
                    "term_ends": today.replace(year=today.year + 1),
                },
            )
            if created and specialty is not None:
                expert.specialties.set([specialty])
            assignments = []
            for case_id in case_ids:
                assignment, _ = Assignment.objects.get_or_create(case_id=case_id, expert=expert)
                if assignment.submitted_at or assignment.conflict_declared_at:
                    Assignment.objects.filter(pk=assignment.pk).update(submitted_at=None, conflict_declared_at=None)
                assignments.append(assignment.pk)
            result.append(
                {
                    "username": username,
                    "password": password,
                    "targets": [(a, c) for a in assignments for c in criterion_ids],
                }
            )
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--experts", type=int, default=86)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of saving")
    parser.add_argument("--meeting", type=int, help="a meeting in its scoring phase (default: the first)")
    parser.add_argument("--cases", type=int, help="assign only the first N cases of the meeting")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument(
        "--https-proxy", action="store_true", help="the server runs with DJANGO_DEBUG off (behind TLS in production)"
    )
    options = parser.parse_args(argv)
    specs = prepare(experts=options.experts, meeting_id=options.meeting, password=options.password, cases=options.cases)
    result = run(base_url=options.base_url, experts=specs, duration=options.duration, https_proxy=options.https_proxy)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 1 if result["errors"] or result["lost_writes"] else 0


if __name__ == "__main__":
    sys.exit(main())
