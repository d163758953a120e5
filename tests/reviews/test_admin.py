"""Django admin of reviews: experts, committees and meetings are added and changed through the services."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from reviews.models import Committee, Expert, ExpertRelation
from reviews.selectors.pool import committee_problems
from reviews.services.draw import meeting_update
from reviews.services.pool import committee_create
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import BatchFactory, UserFactory
from tests.helpers import admin_form_data, refusal_of
from tests.reviews.factories import ExpertFactory, MeetingFactory, SpecialtyFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_user():
    return UserFactory(roles=[Role.CITY_STAFF])


@pytest.fixture
def city_client(client_for, city_user):
    return client_for(city_user)


def add_data(*, user, specialty, **fields):
    today = timezone.localdate()
    return {
        "user": user.pk,
        "title_series": "engineering",
        "title_level": "senior",
        "title_name": "正高级工程师",
        "specialties": [specialty.pk],
        "employer_name": "枣庄某机械有限公司",
        "employer_credit_code": "",
        "term_starts": today.isoformat(),
        "term_ends": (today + datetime.timedelta(days=700)).isoformat(),
        "is_active": "on",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
        **fields,
    }


def test_expert_admin_add_links_the_employer_on_the_registry(city_client, division):
    enterprise = EnterpriseFactory(division=division)
    person = UserFactory()

    response = city_client.post(
        reverse("admin:reviews_expert_add"),
        add_data(user=person, specialty=SpecialtyFactory(), employer_credit_code=enterprise.credit_code.lower()),
    )

    assert response.status_code == 302
    expert = Expert.objects.get(user=person)
    assert (expert.employer, expert.employer_credit_code) == (enterprise, enterprise.credit_code)
    assert person.roles.filter(role=Role.EXPERT).count() == 1


def test_expert_admin_add_saves_the_declared_relations(city_client, division):
    enterprise = EnterpriseFactory(division=division)
    person = UserFactory()
    data = add_data(user=person, specialty=SpecialtyFactory())
    data.update(
        {
            "relations-TOTAL_FORMS": "1",
            "relations-0-enterprise": enterprise.pk,
            "relations-0-reason": "曾任职",
        }
    )

    response = city_client.post(reverse("admin:reviews_expert_add"), data)

    assert response.status_code == 302
    expert = Expert.objects.get(user=person)
    assert list(ExpertRelation.objects.values_list("expert", "enterprise", "reason")) == [
        (expert.pk, enterprise.pk, "曾任职")
    ]
    assert response["Location"] == reverse("admin:reviews_expert_changelist")


def test_expert_admin_change_saves_through_the_service_and_keeps_the_account(city_client):
    expert = ExpertFactory()
    account = expert.user
    url = reverse("admin:reviews_expert_change", args=[expert.pk])
    data = admin_form_data(city_client.get(url))
    data.update({"title_name": "研究员", "user": UserFactory().pk})

    response = city_client.post(url, data)

    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.title_name, expert.user) == ("研究员", account)
    assert expert.history.latest().title_name == "研究员"


def _deadline_fields(when):
    local = timezone.localtime(when)
    return {"scoring_deadline_0": local.date().isoformat(), "scoring_deadline_1": local.strftime("%H:%M:%S")}


def test_meeting_admin_deadline_change_saves_through_the_service_and_is_logged(city_client):
    meeting = MeetingFactory(held_on=timezone.localdate() + datetime.timedelta(days=7))
    new_deadline = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=6), datetime.time(18, 0))
    )
    url = reverse("admin:reviews_meeting_change", args=[meeting.pk])

    response = city_client.post(url, {"name": "机械专业评审会（更正）", **_deadline_fields(new_deadline)})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.name, meeting.scoring_deadline) == ("机械专业评审会（更正）", new_deadline)
    entry = LogEntry.objects.get(object_id=str(meeting.pk), content_type__model="meeting")
    assert (entry.action_flag, entry.user) == (CHANGE, response.wsgi_request.user)


def test_meeting_admin_refuses_a_deadline_after_the_meeting_date_and_writes_nothing(city_client, city_user):
    meeting = MeetingFactory(held_on=timezone.localdate() + datetime.timedelta(days=7))
    before = (meeting.name, meeting.scoring_deadline)
    late = timezone.now() + datetime.timedelta(days=9)
    url = reverse("admin:reviews_meeting_change", args=[meeting.pk])
    refused = refusal_of(meeting_update, meeting=meeting, actor=city_user, name="改名", scoring_deadline=late)

    response = city_client.post(url, {"name": "改名", **_deadline_fields(late)})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["scoring_deadline"] == refused["scoring_deadline"]
    assert refused["scoring_deadline"] == ["评分截止时间不能晚于会议日期。"]
    meeting.refresh_from_db()
    assert (meeting.name, meeting.scoring_deadline) == before
    assert not LogEntry.objects.filter(object_id=str(meeting.pk), content_type__model="meeting").exists()


def committee_data(*, batch, members, **fields):
    return {
        "batch": batch.pk,
        "name": "枣庄市工程技术专业高级职称评审委员会",
        "kind": Committee.Kind.SPECIALTY,
        "members": [expert.pk for expert in members],
        "size_override_reason": "",
        **fields,
    }


def test_committee_admin_add_forms_the_committee_through_the_service_with_its_history(city_client):
    batch = BatchFactory()
    experts = ExpertFactory.create_batch(3)

    response = city_client.post(
        reverse("admin:reviews_committee_add"), committee_data(batch=batch, members=experts), follow=True
    )

    committee = Committee.objects.get(batch=batch)
    assert set(committee.members.all()) == set(experts)
    latest = committee.history.latest()
    assert latest.history_user == response.wsgi_request.user
    assert {member.expert_id for member in latest.members.all()} == {expert.pk for expert in experts}
    # 3 members by specialty: under the 11 of 人社部令第40号, said as a warning (the meeting is what is refused).
    warnings = [str(message) for message in response.context["messages"]]
    assert committee_problems(committee)[0] in warnings
    assert "登记仍予组建的理由之前，该评审委员会不能安排评审会议。" in warnings


def test_committee_admin_change_sets_members_and_keeps_the_batch(city_client):
    batch, other_batch = BatchFactory(), BatchFactory()
    committee = Committee.objects.create(batch=batch, name="旧名", kind=Committee.Kind.SPECIALTY)
    committee.members.set(ExpertFactory.create_batch(2))
    experts = ExpertFactory.create_batch(3)
    url = reverse("admin:reviews_committee_change", args=[committee.pk])

    response = city_client.post(
        url, committee_data(batch=other_batch, members=experts, size_override_reason="  本专业在库专家不足  ")
    )

    assert response.status_code == 302
    committee.refresh_from_db()
    assert (committee.batch, committee.size_override_reason) == (batch, "本专业在库专家不足")
    assert set(committee.members.all()) == set(experts)
    assert committee.history.latest().history_user.roles.filter(role=Role.CITY_STAFF).exists()


def test_committee_admin_refuses_a_second_committee_for_a_batch_and_writes_nothing(city_client, city_user):
    batch = BatchFactory()
    Committee.objects.create(batch=batch, name="已有委员会")
    data = committee_data(batch=batch, members=ExpertFactory.create_batch(3))
    refused = refusal_of(
        committee_create, actor=city_user, batch=batch, name=data["name"], kind=data["kind"], members=[]
    )

    response = city_client.post(reverse("admin:reviews_committee_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["batch"] == refused["batch"]
    assert list(Committee.objects.values_list("name", flat=True)) == ["已有委员会"]
