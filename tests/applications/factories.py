"""Factories of applications and a builder that takes an application through its life with the real
services, for tests of every layer."""

import datetime
import hashlib
import io

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from applications import services
from applications.counters import status_count_add
from applications.models import (
    Achievement,
    ApplicantProfile,
    Application,
    EducationRecord,
    Evidence,
    InternalNotice,
    Nomination,
    NominationEntry,
    Status,
    TitleRecord,
)
from applications.workflow import application_transition
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import BatchFactory, UserFactory, make_id_number
from zaozhuang_titles.models import Role

#: A valid modern patent number (ZL + 12 digits + check) with its computed check character.
VALID_PATENT = "ZL201910123456.X"


def valid_patent(serial=1234567, year=2019, kind=1):
    digits = f"{year}{kind}{serial:07d}"
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


def tiny_pdf(text="evidence"):
    """A small but real PDF (what the evidence inspector accepts)."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


class ApplicantFactory(UserFactory):
    """A user with the applicant role (pass ``roles=[Role.APPLICANT]``) and a valid ID number."""

    id_number = factory.LazyFunction(lambda: make_id_number(region="370481"))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(ApplicantFactory, roles=[Role.APPLICANT])
    enterprise = factory.SubFactory(EnterpriseFactory)
    department = "技术部"
    position = "主任工程师"
    specialty = "机械设计"


def give_regular_qualification(profile, *, years=6, on=None):
    from tests.training.factories import recognised_hours  # the training factories build on these

    """A bachelor's degree and the 工程师 title held ``years`` years, plus 90 hours a year of training."""
    on = on or timezone.localdate()
    EducationRecord.objects.create(
        profile=profile,
        degree="bachelor",
        school="山东科技大学",
        major="机械工程",
        graduated_on=datetime.date(2008, 7, 1),
    )
    TitleRecord.objects.create(
        profile=profile,
        level="intermediate",
        name="工程师",
        granted_on=on.replace(year=on.year - years),
        certificate_number="鲁中职-0001",
    )
    for year in range(on.year - 4, on.year):
        recognised_hours(profile.user, year, specialty=64, public=32)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    batch = factory.SubFactory(BatchFactory)
    applicant = factory.SubFactory(ApplicantFactory, roles=[Role.APPLICANT])
    enterprise = factory.SubFactory(EnterpriseFactory)
    number = factory.Sequence(lambda n: f"2022{n:07d}")
    specialty = "机械设计"
    summary = "主持数控机床主轴系统研发，获发明专利2项，成果转化创造效益800万元。"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Arranged in a status directly (not through the services): counted as the services would.
        application = super()._create(model_class, *args, **kwargs)
        status_count_add(
            batch_id=application.batch_id, division_id=application.enterprise.division_id, status=application.status
        )
        return application


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    application = factory.SubFactory(ApplicationFactory)
    kind = Achievement.Kind.PATENT
    title = factory.Sequence(lambda n: f"一种高精度主轴装置{n}")
    occurred_on = datetime.date(2021, 5, 20)
    patent_number = factory.Sequence(lambda n: valid_patent(serial=1000 + n))
    patent_type = "invention"
    inventor_rank = 1
    description = "解决主轴热变形问题"


def evidence_for(application, achievement=None, *, name="专利证书.pdf", content=None):
    """An evidence row with a real stored PDF (bypasses upload inspection: for arranging tests)."""
    content = content or tiny_pdf(name)
    storage_name = default_storage.save(
        f"evidence/test/{hashlib.sha256(content).hexdigest()[:12]}.pdf", ContentFile(content)
    )
    return Evidence.objects.create(
        application=application,
        achievement=achievement,
        storage_name=storage_name,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=application.applicant,
    )


class World:
    """One enterprise with its contact and chairman, district and city staff, an open dedicated batch,
    and helpers to create applications and move them on with the real transition function."""

    def __init__(self, *, division=None, channel="dedicated"):
        kwargs = {"division": division} if division is not None else {}
        self.enterprise = EnterpriseFactory(**kwargs)
        self.division = self.enterprise.division
        self.contact = ContactFactory(enterprise=self.enterprise).user
        self.chairman = UserFactory(roles=[Role.CHAIRMAN])
        self.enterprise.chairman = self.chairman
        self.enterprise.save(update_fields=["chairman"])
        self.district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=self.division)
        self.city = UserFactory(roles=[Role.CITY_STAFF])
        self.batch = BatchFactory(channel=channel)

    def applicant(self, **kwargs):
        profile = ProfileFactory(enterprise=self.enterprise, **kwargs)
        give_regular_qualification(profile)
        return profile.user

    def draft(self, applicant=None, *, achievements=1):
        applicant = applicant or self.applicant()
        application = services.application_create(
            applicant=applicant, batch=self.batch, specialty="机械设计", summary="主持数控机床主轴系统研发。"
        )
        for _ in range(achievements):
            achievement = AchievementFactory(application=application)
            evidence_for(application, achievement)
        return application

    def submitted(self, applicant=None):
        application = self.draft(applicant)
        services.application_submit(application=application, actor=application.applicant)
        return application

    def notice_ended(self, *applications):
        today = timezone.localdate()
        notice = InternalNotice.objects.create(
            enterprise=self.enterprise,
            batch=self.batch,
            starts_on=today - datetime.timedelta(days=14),
            ends_on=today - datetime.timedelta(days=1),
            working_days=5,
            location="公司公告栏",
            started_by=self.contact,
        )
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(internal_notice=notice)
        for application in applications:
            application.internal_notice = notice
        return notice

    def sign(self, *applications):
        """A valid signed nomination of ``applications`` in this order (without the one-time code)."""
        from applications.snapshots import application_sha256

        nomination = Nomination.objects.create(enterprise=self.enterprise, batch=self.batch, signed_by=self.chairman)
        for rank, application in enumerate(applications, start=1):
            NominationEntry.objects.filter(application=application, voided_at__isnull=True).update(
                voided_at=timezone.now(), void_reason="superseded"
            )
            NominationEntry.objects.create(
                nomination=nomination,
                application=application,
                rank=rank,
                recommendation="技术骨干，贡献突出。",
                content_sha256=application_sha256(application.pk),
            )
            application.refresh_from_db()
            if application.status == Status.ENTERPRISE_REVIEW:
                application_transition(application=application, action="nominate", actor=self.chairman)
        return nomination

    def at_district(self, applicant=None):
        application = self.submitted(applicant)
        self.notice_ended(application)
        if self.batch.is_dedicated:
            self.sign(application)
        services.application_forward(application=application, actor=self.contact)
        return application

    def at_city(self, applicant=None):
        application = self.at_district(applicant)
        services.application_pass(application=application, actor=self.district)
        return application

    def accepted(self, applicant=None):
        application = self.at_city(applicant)
        services.application_pass(application=application, actor=self.city)
        return application


def pdf_bytes():
    return io.BytesIO(tiny_pdf()).getvalue()
