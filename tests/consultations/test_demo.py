"""The demo: ten questions, seven answered, three problems in each state (one overdue), four FAQ entries,
all through the services, counted in the demo commissioner's figures; idempotent."""

import pytest
from django.utils import timezone

from consultations import demo
from consultations.models import Consultation, FaqEntry, Problem, ProblemStatus
from enterprises import demo as enterprises_demo
from enterprises.models import Enterprise, EnterpriseContact, ServiceLog
from tests.applications.factories import ProfileFactory
from tests.factories import UserFactory
from zaozhuang_titles import demo as foundation_demo
from zaozhuang_titles.models import Role, User

pytestmark = pytest.mark.django_db


def other_contacts_with_accounts(count):
    """What the applications demo gives the other enterprises: a contact with an account."""
    rows = EnterpriseContact.objects.exclude(enterprise__name=enterprises_demo.DEMO_ENTERPRISE_NAME).filter(
        enterprise__commissioner__isnull=False, user__isnull=True
    )
    for contact in rows.order_by("enterprise__name", "id")[:count]:
        contact.user = UserFactory(roles=[Role.ENTERPRISE_CONTACT])
        contact.save(update_fields=["user"])


def test_demo_holds_ten_consultations_three_problems_and_four_faq_entries_and_is_idempotent():
    foundation_demo.seed()
    enterprises_demo.seed()
    other_contacts_with_accounts(4)
    demo_enterprise = Enterprise.objects.get(name=enterprises_demo.DEMO_ENTERPRISE_NAME)
    ProfileFactory(user=User.objects.get(username="applicant"), enterprise=demo_enterprise)
    before = ServiceLog.objects.filter(kind=ServiceLog.Kind.CONSULTATION).count()
    demo.seed()
    demo.seed()

    assert Consultation.objects.count() == 10
    assert Consultation.objects.filter(status=Consultation.Status.ANSWERED).count() == 7
    contact, applicant = User.objects.get(username="contact"), User.objects.get(username="applicant")
    assert Consultation.objects.filter(asker__in=[contact, applicant]).count() == 5
    assert Consultation.objects.exclude(asker__in=[contact, applicant]).values("enterprise").distinct().count() >= 2
    today = timezone.localdate()
    assert Consultation.objects.filter(created_at__date__lt=today).count() == 10
    states = {problem.status: problem for problem in Problem.objects.all()}
    assert set(states) == {ProblemStatus.SOLVED, ProblemStatus.IN_PROGRESS, ProblemStatus.OPEN}
    assert states[ProblemStatus.OPEN].is_overdue(today)
    assert states[ProblemStatus.SOLVED].service_log.solved_on is not None
    assert FaqEntry.objects.filter(status=FaqEntry.Status.PUBLISHED).count() == 4
    assert ServiceLog.objects.filter(kind=ServiceLog.Kind.CONSULTATION).count() - before == 7
