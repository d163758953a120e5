"""A batch in publicity, arranged with the real transition function, for the tests of filing and
certificates (publicity itself is arranged directly in the database: it is another area's service)."""

import datetime

from django.utils import timezone

from applications.workflow import application_transition
from results.models import Objection, Publicity, PublicityEntry
from results.services.filing import filing_record_number
from tests.applications.factories import World


class FilingWorld:
    """``World`` with ``count`` applications taken through review to publicity, one publicity notice
    listing them all, and each line cleared for filing unless ``cleared=False``."""

    def __init__(self, *, count=2, cleared=True, world=None, division=None):
        self.world = world or World(division=division)
        self.batch = self.world.batch
        self.city = self.world.city
        today = timezone.localdate()
        self.publicity = Publicity.objects.create(
            batch=self.batch,
            title=f"{self.batch.name}评审结果公示",
            starts_on=today - datetime.timedelta(days=12),
            ends_on=today - datetime.timedelta(days=5),
            working_days=5,
            how_to_object="电话 0632-1234567",
            committee_name="枣庄市工程技术专业高级职称评审委员会",
            published_by=self.city,
        )
        self.applications = []
        self.entries = []
        for _ in range(count):
            self.add(cleared=cleared)

    def add(self, *, cleared=True, applicant=None):
        application = self.world.accepted(applicant)
        for action in ("start_review", "review_pass", "publish"):
            application_transition(application=application, action=action, actor=self.city)
        entry = PublicityEntry.objects.create(
            publicity=self.publicity,
            application=application,
            name=application.applicant.real_name,
            enterprise_name=application.enterprise.name,
            specialty=application.specialty,
            title_granted="高级工程师",
            position=len(self.entries),
            cleared_at=timezone.now() if cleared else None,
        )
        self.applications.append(application)
        self.entries.append(entry)
        return application

    def object_to(self, application, *, status=Objection.Status.OPEN, reference=None):
        entry = next(e for e in self.entries if e.application_id == application.pk)
        PublicityEntry.objects.filter(pk=entry.pk).update(cleared_at=None)
        return Objection.objects.create(
            reference=reference or f"YY{entry.pk:06d}",
            entry=entry,
            name="张三",
            mobile="13800000000",
            relation="同事",
            facts="业绩材料与实际不符。",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
            status=status,
            conclusion="" if status in (Objection.Status.OPEN, Objection.Status.INVESTIGATING) else "不成立",
        )


#: The filing number (备案文号) the tests' province gives; a certificate needs one.
FILING_NUMBER = "鲁人社职备〔2026〕1号"


def number_filing(filing, actor, *, number=FILING_NUMBER, filed_on=None):
    """Record the number and date the province gave ``filing`` (today unless said), as staff do."""
    return filing_record_number(filing=filing, actor=actor, number=number, filed_on=filed_on or timezone.localdate())


#: The written reason staff give to close a notice before the end of its period.
EARLY = "公示名单有误，提前结束后重新公示。"
