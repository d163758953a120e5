"""Staff pages of meetings and the pool import: what they show and what they change."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, Status
from reviews.models import Assignment, Case, Expert, Meeting, PanelMember
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from tests.reviews.factories import ExpertFactory
from tests.reviews.test_draw import DrawWorld
from tests.reviews.test_pool import row, workbook
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    def make(user):
        client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
        return client

    return make


def test_meeting_list_constant_queries(staff_client, django_assert_num_queries):
    w = DrawWorld(applications=0)
    template = Meeting.objects.get(pk=w.meeting.pk)
    template.delete()  # the list starts empty: 1 meeting, then 3
    client = staff_client(w.city)
    meetings = []

    def add():
        from reviews.services.draw import meeting_create

        meetings.append(
            meeting_create(
                actor=w.city,
                batch=w.batch,
                specialty=w.specialty,
                name=f"评审会{len(meetings)}",
                held_on=w.meeting.held_on,
                scoring_deadline=w.meeting.scoring_deadline,
                panel_size=3,
            )
        )

    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("reviews:staff_meetings")), add, expected=8
    )
    response = client.get(reverse("reviews:staff_meetings"))
    assert response.content.decode().count('data-testid="meeting-row"') == 3
    print("meeting list queries:", count)
    assert count <= 10


def test_meeting_detail_shows_the_hash_before_and_the_seed_after_the_draw(staff_client):
    w = DrawWorld()
    client = staff_client(w.city)
    url = reverse("reviews:staff_meeting", args=[w.meeting.pk])
    page = client.get(url).content.decode()
    seed = Meeting.objects.get(pk=w.meeting.pk).seed
    assert w.meeting.seed_sha256 in page
    assert seed not in page
    assert 'data-testid="draw-button"' in page

    response = client.post(reverse("reviews:staff_meeting_draw", args=[w.meeting.pk]))
    assert response.status_code == 302
    assert PanelMember.objects.filter(meeting=w.meeting).count() == 7
    page = client.get(url).content.decode()
    assert seed in page
    assert 'data-testid="verify-ok"' in page
    assert page.count('data-testid="panel-member"') == 5
    assert page.count('data-testid="substitute"') == 2


def test_meeting_detail_constant_queries_over_cases(staff_client, django_assert_num_queries):
    w = DrawWorld(applications=0)
    client = staff_client(w.city)
    client.post(reverse("reviews:staff_meeting_draw", args=[w.meeting.pk]))

    def add():
        from reviews.services.draw import cases_add

        cases_add(meeting=w.meeting, applications=[w.world.accepted()], actor=w.city)

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("reviews:staff_meeting", args=[w.meeting.pk])),
        add,
        expected=14,
    )
    print("meeting page queries:", count)
    assert count <= 20


def test_draw_with_too_few_shows_the_reason(staff_client):
    w = DrawWorld(experts=5, panel_size=5, substitutes=2)
    response = staff_client(w.city).post(reverse("reviews:staff_meeting_draw", args=[w.meeting.pk]), follow=True)
    text = response.content.decode()
    assert "5" in text and "7" in text
    assert not PanelMember.objects.filter(meeting=w.meeting).exists()


def test_meeting_create_page_plans_a_meeting(staff_client):
    w = DrawWorld()
    client = staff_client(w.city)
    page = client.get(reverse("reviews:staff_meeting_create")).content.decode()
    assert 'data-testid="committee-check"' in page
    response = client.post(
        reverse("reviews:staff_meeting_create"),
        {
            "batch": w.batch.pk,
            "specialty": w.specialty.pk,
            "name": "第二场评审会",
            "held_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            "scoring_deadline": (timezone.localdate() + datetime.timedelta(days=15)).isoformat() + "T18:00",
            "panel_size": 7,
            "substitutes": 2,
        },
    )
    meeting = Meeting.objects.get(name="第二场评审会")
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:staff_meeting", args=[meeting.pk])
    assert meeting.seed_sha256


def test_meeting_create_page_refuses_an_even_panel_and_a_broken_committee(staff_client):
    w = DrawWorld()
    w.committee.members.remove(w.experts[0])
    client = staff_client(w.city)
    data = {
        "batch": w.batch.pk,
        "specialty": w.specialty.pk,
        "name": "第二场评审会",
        "held_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "scoring_deadline": (timezone.localdate() + datetime.timedelta(days=15)).isoformat() + "T18:00",
        "panel_size": 6,
        "substitutes": 2,
    }
    assert client.post(reverse("reviews:staff_meeting_create"), data).status_code == 200
    assert not Meeting.objects.filter(name="第二场评审会").exists()
    data["panel_size"] = 7
    response = client.post(reverse("reviews:staff_meeting_create"), data)
    assert response.status_code == 200
    assert "人社部令第40号" in response.content.decode()
    assert not Meeting.objects.filter(name="第二场评审会").exists()
    data["size_override_reason"] = "经研究同意"
    assert client.post(reverse("reviews:staff_meeting_create"), data).status_code == 302
    assert Meeting.objects.filter(name="第二场评审会").exists()


def test_cases_page_offers_accepted_applications_and_adds_them(staff_client):
    w = DrawWorld()
    client = staff_client(w.city)
    url = reverse("reviews:staff_meeting_cases", args=[w.meeting.pk])
    page = client.get(url).content.decode()
    for application in w.applications:
        assert application.number in page
    response = client.post(url, {"applications": [a.pk for a in w.applications]})
    assert response.status_code == 302
    assert Case.objects.filter(meeting=w.meeting).count() == 2
    w.applications[0].refresh_from_db()
    assert w.applications[0].status == Status.IN_REVIEW


def test_cases_page_query_count_is_constant(staff_client, django_assert_num_queries):
    """The accepted applications offered to a meeting, with 1 and 3 of them."""
    w = DrawWorld(applications=0)
    client = staff_client(w.city)
    url = reverse("reviews:staff_meeting_cases", args=[w.meeting.pk])
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), w.world.accepted, expected=13)
    page = client.get(url).content.decode()
    accepted = Application.objects.filter(batch=w.batch, status=Status.ACCEPTED)
    assert accepted.count() == 3
    assert all(application.number in page for application in accepted)


def test_substitute_page_replaces_a_member(staff_client):
    w = DrawWorld()
    w.add_cases()
    w.draw()
    member = PanelMember.objects.filter(meeting=w.meeting).order_by("order").first()
    client = staff_client(w.city)
    url = reverse("reviews:staff_meeting_substitute", args=[w.meeting.pk])
    assert str(member.expert) in client.get(url).content.decode()
    response = client.post(url, {"member": member.pk, "reason": "因病无法参会"})
    assert response.status_code == 302
    first_sub = PanelMember.objects.get(meeting=w.meeting, order=6)
    assert first_sub.replaced == member
    assert Assignment.objects.filter(expert=first_sub.expert).count() == 2


def test_staff_pages_refuse_other_roles(client):
    w = DrawWorld(applications=0)
    client.force_login(
        UserFactory(roles=[Role.DISTRICT_STAFF]), backend="zaozhuang_titles.backends.UsernameOrMobileBackend"
    )
    assert client.get(reverse("reviews:staff_meeting", args=[w.meeting.pk])).status_code == 403
    assert client.post(reverse("reviews:staff_meeting_draw", args=[w.meeting.pk])).status_code == 403
    assert not PanelMember.objects.exists()


def test_unknown_meeting_is_404(staff_client):
    city = UserFactory(roles=[Role.CITY_STAFF])
    assert staff_client(city).get(reverse("reviews:staff_meeting", args=[999999])).status_code == 404


def test_import_page_previews_then_confirms(staff_client):
    city = UserFactory(roles=[Role.CITY_STAFF])
    client = staff_client(city)
    upload = workbook(row(), row(name="王海涛", mobile="13812345670"))
    upload.name = "experts.xlsx"
    response = client.post(reverse("reviews:staff_experts_import"), {"file": upload})
    assert 'data-testid="import-ready"' in response.content.decode()
    assert not Expert.objects.exists()
    response = client.post(reverse("reviews:staff_experts_import_confirm"))
    assert response.status_code == 302
    assert Expert.objects.count() == 2


def test_import_page_with_a_bad_row_imports_nothing(staff_client):
    city = UserFactory(roles=[Role.CITY_STAFF])
    client = staff_client(city)
    upload = workbook(row(), row(name="王海涛", mobile="12345"))
    upload.name = "experts.xlsx"
    page = client.post(reverse("reviews:staff_experts_import"), {"file": upload}).content.decode()
    assert 'data-testid="import-problems"' in page
    assert "12345" in page
    client.post(reverse("reviews:staff_experts_import_confirm"))
    assert not Expert.objects.exists()


def test_template_and_export_downloads(staff_client):
    w = DrawWorld(applications=0)
    client = staff_client(w.city)
    template = client.get(reverse("reviews:staff_experts_template"))
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value == "姓名"
    export = client.get(reverse("reviews:staff_experts_export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 1 + len(w.experts)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED, user=w.city).exists()


def test_admin_committee_page_shows_the_size_rules(staff_client):
    w = DrawWorld(applications=0)
    w.committee.members.remove(w.experts[0])
    admin = UserFactory(roles=[Role.CITY_STAFF])
    page = staff_client(admin).get(reverse("admin:reviews_committee_change", args=[w.committee.pk])).content.decode()
    assert "人社部令第40号" in page
    today = timezone.localdate()
    ExpertFactory(
        user__real_name="任期已满专家",
        term_starts=today - datetime.timedelta(days=900),
        term_ends=today - datetime.timedelta(days=1),
    )
    changelist = staff_client(admin).get(reverse("admin:reviews_expert_changelist") + "?term=running")
    assert changelist.status_code == 200
    listed = changelist.content.decode()
    assert str(w.experts[1]) in listed
    assert "任期已满专家" not in listed


def test_admin_pages_of_the_pool_and_the_draw_render(staff_client):
    w = DrawWorld()
    w.add_cases()
    w.draw()
    client = staff_client(UserFactory(roles=[Role.CITY_STAFF]))
    meeting = Meeting.objects.get(pk=w.meeting.pk)
    pages = [
        reverse("admin:reviews_expert_change", args=[w.experts[0].pk]),
        reverse("admin:reviews_meeting_change", args=[meeting.pk]),
        reverse("admin:reviews_panelmember_change", args=[PanelMember.objects.filter(meeting=meeting).first().pk]),
        reverse("admin:reviews_case_changelist"),
        reverse("admin:reviews_committee_changelist"),
        reverse("admin:reviews_specialty_changelist"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert meeting.seed in client.get(reverse("admin:reviews_meeting_change", args=[meeting.pk])).content.decode()


def test_admin_meeting_page_hides_the_seed_before_the_draw(staff_client):
    w = DrawWorld(applications=0)
    client = staff_client(UserFactory(roles=[Role.CITY_STAFF]))
    page = client.get(reverse("admin:reviews_meeting_change", args=[w.meeting.pk])).content.decode()
    meeting = Meeting.objects.get(pk=w.meeting.pk)
    assert meeting.seed_sha256 in page
    assert meeting.seed not in page


def test_admin_adding_an_expert_grants_the_expert_role(staff_client):
    from reviews.models import Specialty

    city = UserFactory(roles=[Role.CITY_STAFF])
    person = UserFactory()
    specialty = Specialty.objects.create(name="电气自动化")
    response = staff_client(city).post(
        reverse("admin:reviews_expert_add"),
        {
            "user": person.pk,
            "title_series": "engineering",
            "title_level": "senior",
            "title_name": "正高级工程师",
            "specialties": [specialty.pk],
            "employer_name": "枣庄学院",
            "employer_credit_code": "",
            "term_starts": "2024-01-01",
            "term_ends": "2026-12-31",
            "is_active": "on",
            "relations-TOTAL_FORMS": "0",
            "relations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person.__dict__.pop("role_set", None)
    person.__dict__.pop("role_assignments", None)
    assert person.has_role(Role.EXPERT)


def test_admin_refuses_a_term_over_three_years(staff_client):
    from reviews.models import Specialty

    city = UserFactory(roles=[Role.CITY_STAFF])
    specialty = Specialty.objects.create(name="电气自动化")
    response = staff_client(city).post(
        reverse("admin:reviews_expert_add"),
        {
            "user": UserFactory().pk,
            "title_series": "engineering",
            "title_level": "senior",
            "title_name": "正高级工程师",
            "specialties": [specialty.pk],
            "employer_name": "枣庄学院",
            "term_starts": "2024-01-01",
            "term_ends": "2027-01-02",
            "relations-TOTAL_FORMS": "0",
            "relations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Expert.objects.exists()
