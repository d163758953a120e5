"""The demo pool, committee, rubric and the drawn 机械设计 meeting: valid, and seeded once."""

import pytest
from django.urls import reverse

from applications import demo as applications_demo
from enterprises import demo as enterprises_demo
from reviews import demo
from reviews.models import Assignment, Committee, Criterion, DrawExclusion, Expert, Meeting, PanelMember, ReviewSettings
from reviews.selectors.pool import committee_problems
from reviews.services.draw import draw_verify
from zaozhuang_titles import demo as foundation_demo
from zaozhuang_titles.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_the_pool_and_a_drawn_meeting_and_is_idempotent(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    foundation_demo.seed()
    enterprises_demo.seed()
    applications_demo.seed()
    demo.seed()
    counts = (Expert.objects.count(), PanelMember.objects.count(), Assignment.objects.count(), Meeting.objects.count())
    demo.seed()
    assert (
        Expert.objects.count(),
        PanelMember.objects.count(),
        Assignment.objects.count(),
        Meeting.objects.count(),
    ) == counts

    assert Expert.objects.count() == 86
    assert Expert.objects.filter(employer__isnull=False).count() >= 60
    assert Expert.objects.filter(employer__isnull=True, employer_credit_code="").exists()
    for expert in Expert.objects.all():
        expert.full_clean()  # every term within 3 years
    committee = Committee.objects.get(batch__name=applications_demo.FIRST_BATCH_NAME)
    assert committee.members.count() == 85
    assert committee_problems(committee) == []
    assert ReviewSettings.objects.filter(batch=committee.batch).exists()
    assert list(Criterion.objects.filter(batch=committee.batch).values_list("name", "max_points")) == [
        ("技术创新与研发", 30),
        ("专利与知识产权", 20),
        ("成果转化与经济效益", 30),
        ("工作绩效与团队贡献", 20),
    ]

    meeting = Meeting.objects.get(name=demo.MEETING_NAME)
    assert meeting.status == Meeting.Status.SCORING
    assert draw_verify(meeting).matches
    assert meeting.panel.filter(kind=PanelMember.Kind.MEMBER).count() == 7
    assert meeting.panel.filter(kind=PanelMember.Kind.SUBSTITUTE).count() == 2
    reasons = set(DrawExclusion.objects.filter(meeting=meeting).values_list("reason", flat=True))
    assert {"inactive", "term", "specialty"} <= reasons
    assert 1 <= meeting.cases.count() <= demo.CASES

    # The demo expert sits on the panel and has scoring tasks.
    expert = Expert.objects.get(user__username="expert")
    assert meeting.panel.get(expert=expert).kind == PanelMember.Kind.MEMBER
    assert Assignment.objects.filter(expert=expert).count() == meeting.cases.count()
    # Nobody is assigned an applicant of its own employer.
    for assignment in Assignment.objects.select_related("expert", "case__application__enterprise"):
        enterprise = assignment.case.application.enterprise
        assert assignment.expert.employer_id != enterprise.pk
        assert assignment.expert.employer_credit_code != enterprise.credit_code

    # The demo city account finds the meeting with its panel, exclusions and the draw verified.
    client.force_login(User.objects.get(username="city"), backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    page = client.get(reverse("reviews:staff_meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="verify-ok"' in page
    assert page.count('data-testid="exclusion"') == DrawExclusion.objects.filter(meeting=meeting).count()
    assert page.count('data-testid="case"') == meeting.cases.count()
