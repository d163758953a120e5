"""Factories of continuing-education hours."""

import factory

from tests.applications.factories import ApplicantFactory
from tests.factories import UserFactory
from training.models import Category, EntryStatus, Source, TrainingEntry, TrainingImport
from zaozhuang_titles.models import Role


class TrainingImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingImport

    file_name = "学时导出.xlsx"
    imported_by = factory.SubFactory(UserFactory, roles=[Role.CITY_STAFF])
    row_count = 0


class EntryFactory(factory.django.DjangoModelFactory):
    """An entry the person entered with a certificate, awaiting recognition (``certificate_storage_name``
    names no stored file: pass one where a test opens it)."""

    class Meta:
        model = TrainingEntry

    person = factory.SubFactory(ApplicantFactory, roles=[Role.APPLICANT])
    year = 2023
    category = Category.SPECIALTY
    hours = 30
    course = "数控机床精度检测与误差补偿技术"
    provider = "枣庄市工程技术人员继续教育基地"
    source = Source.CERTIFICATE
    certificate_storage_name = "training/test/certificate.pdf"
    certificate_name = "学时证明.pdf"
    certificate_type = "application/pdf"
    created_by = factory.SelfAttribute("person")


def recognised_hours(person, year, *, specialty, public=0):
    """Recognised hours of ``person`` in ``year``, one entry per category that holds hours (arranged
    directly: no import, no staff user, so tests that count staff are not disturbed)."""
    for category, hours in ((Category.SPECIALTY, specialty), (Category.PUBLIC, public)):
        if hours:
            EntryFactory(
                person=person,
                year=year,
                category=category,
                hours=hours,
                source=Source.MIGRATED,
                certificate_storage_name="",
                certificate_name="",
                certificate_type="",
                status=EntryStatus.RECOGNISED,
            )
