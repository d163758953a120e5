"""Demo hours (继续教育学时): the demo applicant's last three years, imported from a workbook of the
training platform through the real import and recognised by city staff, and one entry of its own with a
certificate still waiting for recognition. ``give_hours`` gives the other demo applicants their years
(called by ``applications.demo``, which creates them after this module has run). Idempotent."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from training import excel, services
from training.models import Category, EntryStatus, Source, TrainingDecision, TrainingEntry, TrainingImport
from zaozhuang_titles.models import User

#: (category, hours, course, provider) of each year of the demo applicant: 100 hours, 68 in specialty.
APPLICANT_COURSES = [
    ("公需科目", 20, "专业技术人员职业道德与诚信建设", "山东省专业技术人员继续教育公共服务平台"),
    ("公需科目", 12, "数字经济与创新驱动发展", "山东省专业技术人员继续教育公共服务平台"),
    ("专业科目", 40, "数控机床精度检测与误差补偿技术", "枣庄市工程技术人员继续教育基地"),
    ("专业科目", 28, "智能制造与工业互联网应用", "枣庄市工程技术人员继续教育基地"),
]
DEMO_IMPORT_NAME = "继续教育学时导出（演示）.xlsx"
OTHERS_IMPORT_NAME = "继续教育学时导出（演示，其他申报人）.xlsx"


def _tiny_pdf(text):
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


@transaction.atomic
def seed(*, stdout=None):
    city = User.objects.filter(username="city").first()
    applicant = User.objects.filter(username="applicant").first()
    if city is None or applicant is None or not applicant.id_number:
        return
    if TrainingEntry.objects.filter(person=applicant).exists():
        return
    today = timezone.localdate()
    rows = [
        {
            "record": f"{year}{applicant.pk:06d}{index:02d}",
            "id_number": applicant.id_number,
            "name": applicant.real_name,
            "year": str(year),
            "category": category,
            "hours": str(hours),
            "course": course,
            "provider": provider,
        }
        for year in range(today.year - 3, today.year)
        for index, (category, hours, course, provider) in enumerate(APPLICANT_COURSES, start=1)
    ]
    raw_rows = excel.parse_workbook(excel.workbook_of(rows))
    training_import = services.entries_import(raw_rows=raw_rows, file_name=DEMO_IMPORT_NAME, actor=city)
    services.import_recognise_pending(
        training_import=training_import, actor=city, reason="平台学时记录核对无误，予以认定。"
    )
    services.entry_add(
        person=applicant,
        year=today.year - 1,
        category=Category.SPECIALTY,
        hours=16,
        course="中国机械工程学会年会（线下）",
        provider="中国机械工程学会",
        certificate=SimpleUploadedFile(
            "学时证明.pdf", _tiny_pdf("certificate of hours"), content_type="application/pdf"
        ),
    )
    if stdout is not None:
        stdout.write(f"Continuing-education hours: {len(rows)} imported and recognised for {applicant.real_name}.")


def give_hours(*, person, years):
    """Recognised hours for a demo applicant created by another app's demo: ``years`` maps a year to
    (total, specialty). Written as one import of the platform, recognised by city staff; nothing when the
    person has hours already."""
    if not years or TrainingEntry.objects.filter(person=person).exists():
        return
    city = User.objects.filter(username="city").first()
    if city is None:
        return
    training_import = TrainingImport.objects.filter(file_name=OTHERS_IMPORT_NAME).first()
    if training_import is None:
        training_import = TrainingImport.objects.create(file_name=OTHERS_IMPORT_NAME, imported_by=city)
    now = timezone.now()
    entries = []
    for year, (total, specialty) in sorted(years.items()):
        for index, category, hours, course in (
            (1, Category.SPECIALTY, specialty, "专业科目学时（平台汇总）"),
            (2, Category.PUBLIC, total - specialty, "公需科目学时（平台汇总）"),
        ):
            if hours:
                entries.append(
                    TrainingEntry(
                        person=person,
                        year=year,
                        category=category,
                        hours=hours,
                        course=course,
                        source=Source.IMPORTED,
                        training_import=training_import,
                        platform_record=f"{year}{person.pk:06d}{index:02d}",
                        status=EntryStatus.RECOGNISED,
                        decided_by=city,
                        decided_at=now,
                        created_by=city,
                    )
                )
    for entry in entries:
        entry.full_clean(
            exclude=["person", "training_import", "created_by", "decided_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    created = TrainingEntry.objects.bulk_create(entries)
    TrainingDecision.objects.bulk_create(
        TrainingDecision(entry=entry, from_status=EntryStatus.PENDING, to_status=EntryStatus.RECOGNISED, actor=city)
        for entry in created
    )
    TrainingImport.objects.filter(pk=training_import.pk).update(
        row_count=TrainingEntry.objects.filter(training_import=training_import).count()
    )
