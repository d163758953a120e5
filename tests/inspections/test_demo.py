"""The demo's inspection plan: drawn through the services, verifiable, with the demo enterprise's
rectification open for the ``contact`` account; seeded once."""

import pytest
from django.urls import reverse

from applications import demo as applications_demo
from enterprises import demo as enterprises_demo
from enterprises.models import Enterprise
from inspections import demo
from inspections.models import DrawExclusion, Inspection, InspectionPlan, Rectification
from inspections.services.draw import draw_verify
from reviews import demo as reviews_demo
from zaozhuang_titles import demo as foundation_demo
from zaozhuang_titles.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_draws_one_plan_verifiably_and_is_idempotent(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    foundation_demo.seed()
    enterprises_demo.seed()
    applications_demo.seed()
    reviews_demo.seed()
    demo.seed()
    demo.seed()

    plan = InspectionPlan.objects.get()
    assert plan.status == InspectionPlan.Status.DRAWN
    assert draw_verify(plan).matches is True
    assert plan.inspections.count() == plan.sample_size == 9  # 10% of 滕州市's 82 key enterprises, rounded up
    demo_enterprise = Enterprise.objects.get(name=enterprises_demo.DEMO_ENTERPRISE_NAME)
    inspection = Inspection.objects.get(plan=plan, enterprise=demo_enterprise)
    assert inspection.rectification.status == Rectification.Status.OPEN
    assert DrawExclusion.objects.filter(plan=plan, reason=DrawExclusion.Reason.DECLARED).count() == 1
    assert DrawExclusion.objects.filter(plan=plan, reason=DrawExclusion.Reason.EMPLOYER).exists()
    assert plan.inspections.filter(concluded_at__isnull=False).count() == 3

    client.force_login(
        User.objects.get(username="contact"), backend="zaozhuang_titles.backends.UsernameOrMobileBackend"
    )
    page = client.get(reverse("inspections:inspection", args=[inspection.pk])).content.decode()
    assert 'data-testid="reply-link"' in page
