"""Heavy tasks, each run in a subprocess of its own so that its peak memory is its own: the child's
peak resident set, ``VmHWM`` of ``/proc/self/status`` on Linux (it starts afresh at ``exec``), else
``resource.getrusage(RUSAGE_SELF).ru_maxrss``; the interpreter with Django loaded is reported as
``base_mb``. Not tracemalloc: it sees Python's allocations only, not pango's, cairo's or qpdf's, where a
document's memory goes.

    python -m benchmarks.heavy filing|publicity_close|export|import|certificates ROWS

Each arranges its data and runs the project's own code inside one transaction that is rolled back,
so the benchmark database keeps the generated data; what ``transaction.on_commit`` would queue (the
notices) is run inside it too. Prints one JSON line: seconds (the task alone, not the arranging),
rows, peak and base memory in MB, a note.
"""

import io
import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaozhuang_titles.test_settings")

TASKS = ("filing", "publicity_close", "export", "import", "certificates")


class _Rollback(Exception):
    pass


def _maxrss_mb():
    """Peak resident memory of this process. Linux: ``VmHWM``, which starts afresh at ``exec`` (the
    ``ru_maxrss`` of a child keeps the parent's size at fork, hiding a task smaller than the runner)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _filing(rows):
    from benchmarks.filing import arrange
    from results.services.filing import filing_build_files

    filing = arrange(rows)
    started = time.perf_counter()
    built = filing_build_files(filing_id=filing.pk)
    return time.perf_counter() - started, f"Excel 备案表 and summary PDF of {built.row_count} filed applications"


def _publicity_close(rows):
    import datetime

    from django.utils import timezone

    from applications.models import Application, Status
    from benchmarks.filing import arrange
    from results.models import Publicity, PublicityEntry
    from results.services.publicity import publicity_close

    filing = arrange(rows)
    Application.objects.filter(batch=filing.batch).update(status=Status.PUBLICITY)
    publicity = Publicity.objects.get(batch=filing.batch)
    PublicityEntry.objects.filter(publicity=publicity).update(cleared_at=None)
    now = timezone.now() + datetime.timedelta(days=1)
    started = time.perf_counter()
    result = publicity_close(publicity=publicity, actor=None, now=now)
    return time.perf_counter() - started, f"{len(result.cleared)} lines cleared, their notices queued"


def more_applications(count):
    """``count`` more applications in bulk (each its own applicant with an ID number and mobile), like
    the first application's, when the database holds fewer than a benchmark asks for."""
    from applications.models import Application
    from benchmarks.generate import id_number
    from zaozhuang_titles.models import User

    template = Application.objects.order_by("pk").first()
    start = 8_000_000
    made = 0
    while made < count:
        size = min(5_000, count - made)
        users = User.objects.bulk_create(
            User(
                username=f"bench_export_{start + made + i}",
                real_name=f"申报人{made + i}",
                id_number=id_number(start + made + i),
                mobile=f"147{start + made + i:08d}",
            )
            for i in range(size)
        )
        Application.objects.bulk_create(
            Application(
                batch_id=template.batch_id,
                applicant=user,
                enterprise_id=template.enterprise_id,
                number=f"E{start + made + i}",
                specialty=template.specialty,
                summary="",
                status=template.status,
                submitted_at=template.submitted_at,
                status_changed_at=template.status_changed_at,
            )
            for i, user in enumerate(users)
        )
        made += size


def _export(rows):
    """The applications export of city staff from the admin changelist (all applications, with the
    review's scores, votes and result), as the ``build_export`` task runs it: ``rows`` applications."""
    from applications.models import Application
    from zaozhuang_titles.exports import export_build
    from zaozhuang_titles.models import Export, Role, User

    present = Application.objects.count()
    if present < rows:
        more_applications(rows - present)
    city = User.objects.filter(roles__role=Role.CITY_STAFF).first()
    if city is None:
        city = User.objects.create(username="bench_export_city", real_name="市局经办")
        city.roles.create(role=Role.CITY_STAFF)
    count = Application.objects.count()
    export = Export.objects.create(
        user=city, kind="applications", source="admin:applications.application", row_count=count, language="zh-hans"
    )
    started = time.perf_counter()
    export = export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    if export.status != Export.Status.DONE:
        raise RuntimeError(f"the export failed: {export.error}")
    size = export.file.size
    export.file.delete(save=False)
    return (
        seconds,
        f"applications export (admin changelist, city staff, scores and votes): {export.progress} rows, "
        f"{size // 1024} KiB",
    )


def import_workbook(rows, *, start=5_000_000):
    """An Excel list of ``rows`` new enterprises in the import's own columns."""
    from openpyxl import Workbook

    from benchmarks.generate import credit_code
    from enterprises.excel import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([label for _key, label in COLUMNS])
    for i in range(rows):
        values = {
            "name": f"枣庄导入测试机械有限公司{i:05d}",
            "credit_code": credit_code(start + i, "370481"),
            "legal_representative": "王五",
            "chairman_name": "赵六",
            "division": "滕州市",
            "industry": "装备制造",
            "professional_staff_count": "30",
        }
        sheet.append([values.get(key, "") for key, _label in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _import(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.excel import parse_workbook
    from enterprises.services import enterprises_import
    from zaozhuang_titles.models import Role, User

    content = import_workbook(rows).getvalue()
    actor = User.objects.filter(roles__role=Role.CITY_STAFF).first()
    started = time.perf_counter()
    raw_rows = parse_workbook(SimpleUploadedFile("enterprises.xlsx", content))
    created = enterprises_import(raw_rows=raw_rows, actor=actor)
    count = len(created) if hasattr(created, "__len__") else rows
    return time.perf_counter() - started, f"{count} enterprises read from a workbook and created"


def _certificates(rows):
    """Issue ``rows`` certificates of one numbered filing as the Celery task does for city staff's button
    (``certificate_run_execute``: the run's progress written after each certificate): each printed by
    WeasyPrint, signed with the PKCS#12 of DOCUMENT_SIGNING_P12 (a demo CA made in a temporary directory
    when none is set) and stored in a temporary media directory."""
    import statistics
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.test import override_settings

    from applications.models import QualificationDateRule
    from benchmarks.filing import arrange
    from results.models import Certificate, CertificateRun
    from results.services.certificates import certificate_run_execute
    from zaozhuang_titles.models import Role
    from zaozhuang_titles.signing import demo_ca_write

    filing = arrange(rows)
    filing.number, filing.filed_on = "鲁人社职备〔2026〕1号", filing.created_at.date()
    filing.save(update_fields=["number", "filed_on"])
    batch = filing.batch
    batch.qualification_date_rule = QualificationDateRule.FILING_APPROVED
    batch.save(update_fields=["qualification_date_rule"])
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        signer = {}
        if not settings.DOCUMENT_SIGNING_P12:
            p12, _ca = demo_ca_write(Path(media) / "signing")
            signer = {"DOCUMENT_SIGNING_P12": str(p12), "DOCUMENT_SIGNING_PASSWORD": ""}
        with override_settings(**signer):
            # As city staff's button and the task do it: a run, its progress written after each certificate.
            staff = filing.created_by
            staff.roles.get_or_create(role=Role.CITY_STAFF)
            run = CertificateRun.objects.create(batch=batch, actor=staff, total=rows)
            started = time.perf_counter()
            run = certificate_run_execute(run_id=run.pk, site_url="https://titles.example.cn")
            seconds = time.perf_counter() - started
            if run.state != CertificateRun.State.FINISHED:
                raise RuntimeError(f"the issue run failed: {run.errors}")
            issued = run.issued
        issued_pdfs = Certificate.objects.filter(application__batch=batch).values_list("pdf", flat=True)
        sizes = [(Path(media) / name).stat().st_size for name in issued_pdfs]  # not the generated data's
    kb = [size / 1024 for size in sizes]
    note = (
        f"{issued} certificates printed, signed and stored as the Celery task does ({seconds / max(issued, 1):.2f} s "
        f"each); PDF size KB mean {statistics.mean(kb):.0f}, max {max(kb):.0f}"
    )
    return seconds, note


def run(task, rows):
    import django

    django.setup()
    from django.db import transaction
    from django.test import TestCase

    base = _maxrss_mb()
    outcome = {}
    try:
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                seconds, note = {
                    "filing": _filing,
                    "publicity_close": _publicity_close,
                    "export": _export,
                    "certificates": _certificates,
                }.get(task, _import)(rows)
            outcome = {"seconds": round(seconds, 2), "rows": rows, "note": note}
            raise _Rollback
    except _Rollback:
        pass
    outcome |= {"peak_mb": round(_maxrss_mb(), 1), "base_mb": round(base, 1)}
    return outcome


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in TASKS or not argv[1].isdigit():
        print(f"usage: python -m benchmarks.heavy {'|'.join(TASKS)} ROWS", file=sys.stderr)
        return 2
    print(json.dumps(run(argv[0], int(argv[1])), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
