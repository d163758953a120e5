"""Benchmark of the filing's Excel 备案表: wall time and peak memory for 10,000 rows.

    DJANGO_SETTINGS_MODULE=zaozhuang_titles.test_settings .venv/bin/python -m benchmarks.filing [--rows N]

Three measurements:

1. ``writer``: the streaming writer (``results.documents.filing_excel.FilingWorkbookWriter``) fed by a
   generator of fake rows, so nothing but the writer is measured.
2. ``Excel only``: the selector's ``.values()`` query read with ``.iterator(chunk_size=2000)`` from a
   throwaway database into the writer, spooled to a temporary file.
3. ``build``: the whole ``results.services.filing.filing_build_files`` for the same filing of N applications
   (in Django's test database: in memory for SQLite, ``test_<name>`` created and dropped for
   PostgreSQL): the Excel as in 2, the summary PDF (per division and per enterprise, N/20
   enterprises) and storing both files.

``--baseline`` adds the naive way for comparison: every row loaded as model instances and written
to a normal (in-memory) workbook.

Each is run once for wall time and once under ``tracemalloc`` for the peak of Python allocations
(tracemalloc slows Python down, so its run is not timed). Not part of the test suite: the speed
target lives here.
"""

import argparse
import datetime
import gc
import io
import os
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaozhuang_titles.test_settings")

import django

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.validators import id_number_check_char  # noqa: E402
from results.documents.filing_excel import FilingWorkbookWriter  # noqa: E402

MB = 1024 * 1024


def measure(label, run):
    """Run ``run()`` once timed, once under tracemalloc; print and return (seconds, peak MB)."""
    gc.collect()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {seconds:.2f} s wall, {peak / MB:.1f} MB peak Python memory (tracemalloc) -> {result}")
    return seconds, peak / MB


def id_number(i):
    """A valid, distinct ID number for each ``i``: birth date from ``i // 1000``, serial ``i % 1000``."""
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=i // 1000)
    first17 = f"370402{birth:%Y%m%d}{i % 1000:03d}"
    return first17 + id_number_check_char(first17)


def fake_rows(count):
    for i in range(count):
        yield {
            "name": f"申报人{i}",
            "id_number": id_number(i),
            "enterprise_name": f"枣庄市某某精密机械制造有限公司{i % 500}",
            "credit_code": "91370400MA3C4XXXXX",
            "specialty": "机械设计制造及其自动化",
            "title_granted": "高级工程师",
            "held_on": datetime.date(2026, 11, 10),
            "publicity_starts_on": datetime.date(2026, 11, 16),
            "publicity_ends_on": datetime.date(2026, 11, 20),
        }


def bench_writer(count):
    def run():
        writer = FilingWorkbookWriter(committee="枣庄市工程技术高级职称评审委员会", default_title="高级工程师")
        rows = writer.write(fake_rows(count))
        buffer = io.BytesIO()
        writer.save(buffer)
        return f"{rows} rows, {len(buffer.getvalue()) / 1024:.0f} KiB"

    return measure(f"writer, {count} fake rows", run)


def arrange(count):
    """``count`` applications of one batch, published, cleared and filed, in bulk."""
    from applications.models import Application, Batch, Status
    from enterprises.models import Enterprise
    from results.models import Filing, FilingEntry, Publicity, PublicityEntry
    from reviews.models import Case, Committee, Meeting, Specialty
    from zaozhuang_titles.models import Division, User

    now = timezone.now()
    today = timezone.localdate()
    divisions = [
        Division.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("370402", "市中区"), ("370403", "薛城区"), ("370481", "滕州市"))
    ]
    staff = User.objects.create(username="bench_city", real_name="市局", mobile="13900000000")
    batch = Batch.objects.create(
        name="基准测试批次",
        year=2026,
        opens_at=now - datetime.timedelta(days=90),
        closes_at=now - datetime.timedelta(days=60),
        status=Batch.Status.CLOSED,
    )
    Committee.objects.create(batch=batch, name="枣庄市工程技术专业高级职称评审委员会")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"枣庄市某某精密机械制造有限公司{i}",
            credit_code=f"9137040{i:07d}XXXX",
            legal_representative="张三",
            division=divisions[i % len(divisions)],
            status=Enterprise.Status.ACTIVE,
            verified_at=now,
        )
        for i in range(max(1, count // 20))
    )
    users = User.objects.bulk_create(
        (
            User(username=f"bench{i}", real_name=f"申报人{i}", mobile=f"138{i:08d}", id_number=id_number(i))
            for i in range(count)
        ),
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                batch=batch,
                applicant=user,
                enterprise=enterprises[i % len(enterprises)],
                number=f"B{i:09d}",
                specialty="机械设计制造及其自动化",
                summary="基准测试",
                status=Status.FILED,
            )
            for i, user in enumerate(users)
        ),
        batch_size=2000,
    )
    publicity = Publicity.objects.create(
        batch=batch,
        title="基准测试公示",
        starts_on=today - datetime.timedelta(days=12),
        ends_on=today - datetime.timedelta(days=5),
        working_days=5,
        how_to_object="电话",
        committee_name="枣庄市工程技术专业高级职称评审委员会",
        published_by=staff,
    )
    PublicityEntry.objects.bulk_create(
        (
            PublicityEntry(
                publicity=publicity,
                application=application,
                name=application.applicant.real_name,
                enterprise_name=application.enterprise.name,
                specialty=application.specialty,
                title_granted="高级工程师",
                position=i,
                cleared_at=now,
            )
            for i, application in enumerate(applications)
        ),
        batch_size=2000,
    )
    meeting = Meeting.objects.create(
        batch=batch,
        specialty=Specialty.objects.create(name="机械设计制造及其自动化"),
        name="基准测试评审会",
        held_on=today - datetime.timedelta(days=20),
        scoring_deadline=now - datetime.timedelta(days=21),
        panel_size=5,
    )
    Case.objects.bulk_create((Case(meeting=meeting, application=a) for a in applications), batch_size=2000)
    filing = Filing.objects.create(batch=batch, created_by=staff)
    FilingEntry.objects.bulk_create((FilingEntry(filing=filing, application=a) for a in applications), batch_size=2000)
    return filing


def _baseline(filing_id):
    """What streaming avoids: every entry loaded as model instances, written to an in-memory workbook."""
    from openpyxl import Workbook

    from results.documents.filing_excel import COLUMNS, sex_name
    from results.models import FilingEntry

    entries = list(
        FilingEntry.objects.filter(filing_id=filing_id).select_related(
            "application__applicant", "application__enterprise", "application__batch"
        )
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for entry in entries:
        application = entry.application
        user = application.applicant
        sheet.append(
            [
                user.real_name,
                sex_name(user.id_number),
                user.id_number,
                application.enterprise.name,
                application.enterprise.credit_code,
                application.specialty,
                "高级工程师",
                "",
                "",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return f"{len(entries)} rows, Excel {len(buffer.getvalue()) / 1024:.0f} KiB"


def bench_build(count, *, baseline=False):
    from results.services.filing import filing_build_files

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        filing = arrange(count)
        print(f"arranged {count} filed applications in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        del filing

        from results.models import Filing

        filing_id = Filing.objects.get().pk

        def excel_only():
            from results.selectors import committee_name, granted_title
            from results.selectors import filing as selectors

            filing = Filing.objects.select_related("batch").get(pk=filing_id)
            writer = FilingWorkbookWriter(
                committee=committee_name(filing.batch), default_title=granted_title(filing.batch)
            )
            rows = writer.write(selectors.filing_rows(filing).iterator(chunk_size=selectors.CHUNK_SIZE))
            with tempfile.TemporaryFile() as spool:
                writer.save(spool)
                return f"{rows} rows, Excel {spool.tell() / 1024:.0f} KiB"

        measure(f"Excel only (query .iterator() + writer), {count} rows from {connection.vendor}", excel_only)

        if baseline:
            measure(
                f"baseline: list of model instances into a normal Workbook, {count} rows", lambda: _baseline(filing_id)
            )

        def run():
            built = filing_build_files(filing_id=filing_id)
            return f"{built.row_count} rows, Excel {default_storage.size(built.excel) / 1024:.0f} KiB"

        result = measure(f"filing_build_files, {count} rows from {connection.vendor}", run)
        built = Filing.objects.get()
        for name in (built.excel, built.pdf):
            if name and default_storage.exists(name):
                default_storage.delete(name)
        return result
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--writer-only", action="store_true", help="skip the database measurement")
    parser.add_argument(
        "--baseline", action="store_true", help="also measure the naive way: every row as a model instance, in memory"
    )
    args = parser.parse_args(argv)
    setup_test_environment()
    try:
        bench_writer(args.rows)
        if not args.writer_only:
            bench_build(args.rows, baseline=args.baseline)
    finally:
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
