"""``make bench``: generate the data, measure the pages and the heavy tasks, drive the autosave load,
print one table and write ``benchmarks/results.json``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks run --scale small|province \
        [--compare] [--skip-load] [--runs 30]

The database is the benchmark's own (created when missing, claimed by a marker table, refused when it
holds other data) and is emptied on every run but ``--skip-load``, which measures the data left by
the last run. The query-count gate: every page is first measured on a tiny generation (one row in
each list), then on the scale asked for; a page whose query count differs fails the run (exit 1).
"""

import argparse
import dataclasses
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The committed figures are the province's; a small run (CI) writes beside them, ignored by git.
RESULTS = {"province": ROOT / "benchmarks" / "results.json", "small": ROOT / "benchmarks" / "results-small.json"}
WORLD_TABLE = "benchmark_world"
#: Rows of each heavy task at each scale.
HEAVY_ROWS = {
    # Certificates: 1,000 at province scale (about 0.6 s each: printed, signed, stored); 20 for CI.
    "small": {"filing": 1_000, "publicity_close": 1_000, "export": 10_000, "import": 500, "certificates": 20},
    "province": {
        "filing": 10_000,
        "publicity_close": 10_000,
        "export": 100_000,
        "import": 5_000,
        "certificates": 1_000,
    },
}
AUTOSAVE = {"small": {"experts": 20, "duration": 10}, "province": {"experts": 86, "duration": 60}}


def _setup_django():
    # The test settings (DEBUG off): the fast password hasher lets 105,000 generated accounts share one
    # hash, and tasks run in process; the heavy tasks and gunicorn inherit them.
    os.environ["DJANGO_SETTINGS_MODULE"] = "zaozhuang_titles.test_settings"
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()


def _save_world(connection, world, counts_at_one):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {WORLD_TABLE} (data text NOT NULL)")
        cursor.execute(f"DELETE FROM {WORLD_TABLE}")
        data = {"world": dataclasses.asdict(world), "counts_at_one": counts_at_one}
        cursor.execute(f"INSERT INTO {WORLD_TABLE} (data) VALUES (%s)", [json.dumps(data)])


def _load_world(connection):
    from benchmarks.generate import World

    if WORLD_TABLE not in connection.introspection.table_names():
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {WORLD_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None, None
    data = json.loads(row[0])
    return World(**data["world"]), data["counts_at_one"]


def heavy_tasks(scale, log=print):
    results = {}
    for task, rows in HEAVY_ROWS[scale].items():
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.heavy", task, str(rows)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        if done.returncode != 0:
            results[task] = {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
        else:
            results[task] = json.loads(done.stdout.strip().splitlines()[-1])
        results[task]["wall_seconds"] = round(time.perf_counter() - started, 1)
        log(f"  {task} ({rows} rows): {results[task]}")
    return results


def autosave_load(world, scale, log=print):
    """Drive ``benchmarks.autosave_load.run`` against gunicorn on loopback, when that module exists."""
    try:
        from benchmarks import autosave_load
    except ImportError:
        log("autosave load: not available")
        return {"status": "not available"}
    wanted = AUTOSAVE[scale]
    experts = autosave_experts(wanted["experts"])
    port = 8765
    env = os.environ.copy() | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(max(2, (os.cpu_count() or 1) * 2 + 1)),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "zaozhuang_titles.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        result = autosave_load.run(
            base_url=f"http://127.0.0.1:{port}",
            experts=experts,
            duration=wanted["duration"],
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    log(f"autosave load: {result}")
    return result


def autosave_experts(count, *, per_expert=10):
    """The ``experts`` argument of ``autosave_load.run``: up to ``count`` panel members of meetings in
    scoring, each with (assignment, criterion) targets of its own open assignments."""
    from benchmarks.generate import PASSWORD
    from reviews.models import Assignment, Criterion, PanelMember

    usernames = []
    for username in (
        PanelMember.objects.filter(meeting__status="scoring")
        .order_by("meeting_id", "order")
        .values_list("expert__user__username", flat=True)
    ):
        if username not in usernames:
            usernames.append(username)
        if len(usernames) == count:
            break
    criteria = {}
    experts = []
    for username in usernames:
        targets = []
        assignments = Assignment.objects.filter(
            expert__user__username=username, submitted_at__isnull=True, conflict_declared_at__isnull=True
        ).values_list("id", "case__meeting__batch_id")[:per_expert]
        for assignment_id, batch_id in assignments:
            if batch_id not in criteria:
                criteria[batch_id] = list(Criterion.objects.filter(batch_id=batch_id).values_list("id", flat=True))
            targets += [(assignment_id, criterion_id) for criterion_id in criteria[batch_id]]
        experts.append({"username": username, "password": PASSWORD, "targets": targets})
    return experts


def _wait_for(url, seconds=30):
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def table(pages):
    head = ("page", "queries", "p50 ms", "p95 ms", "deep p50", "deep p95", "floor", "ratio")
    rows = [
        (
            name,
            str(f["queries"]),
            f"{f['p50']}",
            f"{f['p95']}",
            _cell(f.get("deep_p50")),
            _cell(f.get("deep_p95")),
            _cell(f.get("floor_p50")),
            _cell(f.get("ratio"), suffix="x"),
        )
        for name, f in pages.items()
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)) for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value, suffix=""):
    return "-" if value is None else f"{value}{suffix}"


def previous_results():
    """The committed ``benchmarks/results.json`` (HEAD), or None."""
    done = subprocess.run(["git", "show", "HEAD:benchmarks/results.json"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout)


def compare(old, new):
    """Lines saying how each page's figures changed against ``old``."""
    if old is None:
        return ["--compare: no committed benchmarks/results.json to compare with."]
    lines = [f"Change against the committed results ({old.get('scale')}, {old.get('date')}):"]
    if old.get("scale") != new["scale"]:
        lines.append(f"  (the committed results are at scale {old.get('scale')}, these at {new['scale']})")
    for name, figures in new["pages"].items():
        before = old.get("pages", {}).get(name)
        if not before:
            lines.append(f"  {name}: new")
            continue
        parts = []
        for key in ("queries", "p50", "p95", "deep_p50", "deep_p95"):
            if key in figures and key in before and before[key]:
                change = (figures[key] - before[key]) / before[key] * 100
                parts.append(f"{key} {before[key]} -> {figures[key]} ({change:+.0f}%)")
        lines.append(f"  {name}: " + "; ".join(parts))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--scale", choices=["small", "province"], default="province")
    parser.add_argument("--compare", action="store_true", help="print the change against the committed results")
    parser.add_argument("--skip-load", action="store_true", help="measure the data the last run left")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (after 3 warm-ups)")
    parser.add_argument("--no-heavy", action="store_true", help="skip the heavy tasks")
    parser.add_argument("--output", type=Path, help="default benchmarks/results.json (small: results-small.json)")
    args = parser.parse_args(argv)

    args.output = args.output or RESULTS[args.scale]
    from benchmarks import database

    try:
        config = database.settings_of(os.environ.get("DATABASE_URL", ""))
        if database.ensure_database(config):
            print(f"Created database {config['NAME']!r}")
    except database.BenchmarkDatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2

    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import pages
    from benchmarks.generate import generate
    from zaozhuang_titles.models import User

    started = time.perf_counter()
    try:
        database.claim(connection, User._meta.db_table)
    except database.BenchmarkDatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Database {config['NAME']!r} migrated ({time.perf_counter() - started:.1f} s)")

    if args.skip_load:
        world, counts_at_one = _load_world(connection)
        if world is None or world.scale != args.scale:
            print(f"--skip-load: no {args.scale} data from an earlier run; run without it.", file=sys.stderr)
            return 2
        print(f"Measuring the {world.scale} data generated earlier")
    else:
        database.empty(connection)
        tiny = generate("tiny")
        counts_at_one = pages.count_queries(tiny)
        database.empty(connection)
        print(f"Generating {args.scale} ...", flush=True)
        world = generate(args.scale)
        print(f"Generated {args.scale} in {world.seconds:.1f} s: {world.counts}")
        _save_world(connection, world, counts_at_one)

    print(f"Measuring {len(pages.PAGES)} pages ({args.runs} requests each after {pages.WARMUPS} warm-ups)")
    measured = pages.measure(world, runs=args.runs)
    failures = pages.gate(counts_at_one, {name: f["queries"] for name, f in measured.items()})
    heavy = {} if args.no_heavy else (print("Heavy tasks") or heavy_tasks(args.scale))
    autosave = autosave_load(world, args.scale)

    results = {
        "scale": args.scale,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "postgresql": database.server_version(connection),
        "generation": {"seconds": round(world.seconds, 1), "rows": world.counts},
        "pages": measured,
        "queries_at_one_row": counts_at_one,
        "heavy": heavy,
        "autosave": autosave,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")

    print()
    print(f"Benchmark at scale {args.scale}: {os.cpu_count()} cores, PostgreSQL {results['postgresql']}")
    print(table(measured))
    for task, figures in heavy.items():
        print(f"{task}: {figures}")
    if args.compare:
        print("\n".join(compare(previous_results(), results)))
    print(f"Wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    print(f"Total {results['total_seconds']} s")
    if failures:
        for name, one, scale in failures:
            print(f"FAIL query count of {name!r}: {one} at one row, {scale} at {args.scale} scale", file=sys.stderr)
        return 1
    print("Query counts at one row and at scale agree on every page.")
    return 0
