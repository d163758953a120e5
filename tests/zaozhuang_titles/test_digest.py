"""The staff's daily digest (每日待办提醒): what each staff member is told against a hand-made fixture,
district staff only of their division, the opt-out and its audit, once a day, working days only, and a
fixed number of queries however many staff and applications."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Status
from results.models import Objection, Publicity, PublicityEntry
from reviews.models import Assignment, Case, Meeting, ReviewSettings
from tests.applications.factories import ApplicationFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import BatchFactory, DivisionFactory, UserFactory
from tests.reviews.factories import ExpertFactory, MeetingFactory
from zaozhuang_titles.digest import digest_build, digest_key, staff_digest_send
from zaozhuang_titles.models import AuditEvent, Notice, Role, User
from zaozhuang_titles.tasks import send_staff_digest

pytestmark = pytest.mark.django_db

#: A Monday. Five working days before it is Monday 30 November: a step reached before that day has
#: waited past a limit of 5 working days (its deadline, 5 working days on, is 4 December at the latest).
MONDAY = datetime.date(2026, 12, 7)
NOW = timezone.make_aware(datetime.datetime(2026, 12, 7, 7, 30))
SATURDAY = datetime.date(2026, 12, 5)
NATIONAL_DAY = datetime.date(2026, 10, 1)  # a Thursday off
MAKEUP_SATURDAY = datetime.date(2026, 10, 10)  # 调休: a Saturday worked


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def application(*, batch, division, status, since):
    return ApplicationFactory(
        batch=batch, enterprise=EnterpriseFactory(division=division), status=status, status_changed_at=at(since)
    )


class Fixture:
    """Two divisions, two batches (limits of 5 and 10 working days), applications at every staff step
    on both sides of the limit, two open objections and a settled one, three meetings of which one is
    behind; one city staff member and one district staff member per division."""

    def __init__(self):
        self.tengzhou = DivisionFactory(code="370481", name="滕州市")
        self.shizhong = DivisionFactory(code="370402", name="市中区")
        self.batch = BatchFactory(name="第一批", step_time_limit_days=5)
        self.slow_batch = BatchFactory(name="第二批", step_time_limit_days=10)
        self.city = UserFactory(username="digest_city", roles=[Role.CITY_STAFF])
        self.district = UserFactory(
            username="digest_tengzhou", roles=[Role.DISTRICT_STAFF], roles__division=self.tengzhou
        )
        self.other_district = UserFactory(
            username="digest_shizhong", roles=[Role.DISTRICT_STAFF], roles__division=self.shizhong
        )
        d = datetime.date
        # 滕州市, first batch: two late at the district audit (the longest since 20 November), one not yet.
        application(batch=self.batch, division=self.tengzhou, status=Status.DISTRICT_AUDIT, since=d(2026, 11, 20))
        application(batch=self.batch, division=self.tengzhou, status=Status.DISTRICT_AUDIT, since=d(2026, 11, 27))
        application(batch=self.batch, division=self.tengzhou, status=Status.DISTRICT_AUDIT, since=d(2026, 11, 30))
        # 滕州市, second batch (10 working days: reached before 23 November): one late, one not.
        application(batch=self.slow_batch, division=self.tengzhou, status=Status.DISTRICT_AUDIT, since=d(2026, 11, 20))
        application(batch=self.slow_batch, division=self.tengzhou, status=Status.DISTRICT_AUDIT, since=d(2026, 11, 24))
        # 市中区: one late at the district audit.
        application(batch=self.batch, division=self.shizhong, status=Status.DISTRICT_AUDIT, since=d(2026, 11, 25))
        # The city audit: one late in each division, one in time; an accepted one waits for no staff step.
        application(batch=self.batch, division=self.tengzhou, status=Status.CITY_AUDIT, since=d(2026, 11, 26))
        application(batch=self.batch, division=self.shizhong, status=Status.CITY_AUDIT, since=d(2026, 11, 16))
        application(batch=self.batch, division=self.shizhong, status=Status.CITY_AUDIT, since=d(2026, 12, 1))
        application(batch=self.batch, division=self.tengzhou, status=Status.ACCEPTED, since=d(2026, 10, 9))
        self.add_objections()
        self.add_meetings()

    def add_objections(self, title="第一批评审结果公示"):
        publicity = Publicity.objects.create(
            batch=self.batch,
            title=title,
            starts_on=datetime.date(2026, 11, 23),
            ends_on=datetime.date(2026, 11, 27),
            working_days=5,
            how_to_object="电话 0632-1234567",
            committee_name="评审委员会",
            published_by=self.city,
        )
        published = application(
            batch=self.batch, division=self.tengzhou, status=Status.PUBLICITY, since=datetime.date(2026, 11, 23)
        )
        entry = PublicityEntry.objects.create(
            publicity=publicity,
            application=published,
            name="陈志远",
            enterprise_name="某公司",
            specialty="机械",
            title_granted="高级工程师",
        )
        for status, deadline in [
            (Objection.Status.OPEN, datetime.date(2026, 12, 10)),
            (Objection.Status.INVESTIGATING, datetime.date(2026, 12, 4)),
            (Objection.Status.DISMISSED, datetime.date(2026, 12, 1)),
        ]:
            Objection.objects.create(
                reference=f"YY{Objection.objects.count():06d}",
                entry=entry,
                name="张三",
                mobile="13800000000",
                relation="同事",
                facts="业绩不实。",
                deadline=deadline,
                status=status,
                conclusion="不成立" if status == Objection.Status.DISMISSED else "",
            )

    def add_meetings(self):
        ReviewSettings.objects.create(batch=self.batch, reminder_days=2)
        experts = [ExpertFactory() for _ in range(3)]
        # Behind: its deadline is tomorrow (within the 2 days of reminders) and 1 of 3 scorings is in.
        self.behind = self.meeting("机械设计评审会", at(datetime.date(2026, 12, 8), 18), experts, submitted=1)
        # Not behind: the deadline is far, or every score is in.
        self.meeting("电气评审会", at(datetime.date(2026, 12, 20), 18), experts, submitted=0)
        self.meeting("化工评审会", at(datetime.date(2026, 12, 4), 18), experts, submitted=3)

    def meeting(self, name, deadline, experts, *, submitted):
        meeting = MeetingFactory(
            batch=self.batch,
            name=name,
            scoring_deadline=deadline,
            held_on=deadline.date(),
            status=Meeting.Status.SCORING,
        )
        case = Case.objects.create(
            meeting=meeting,
            application=application(
                batch=self.batch, division=self.tengzhou, status=Status.IN_REVIEW, since=datetime.date(2026, 11, 2)
            ),
        )
        for index, expert in enumerate(experts):
            Assignment.objects.create(case=case, expert=expert, submitted_at=NOW if index < submitted else None)
        return meeting


@pytest.fixture
def fixture():
    return Fixture()


def told(user):
    """{section title: [lines]} of ``user``'s digest on MONDAY."""
    for reader, sections in digest_build(today=MONDAY, now=NOW):
        if reader.user == user:
            return {section.title: list(section.lines) for section in sections}
    return {}


def test_district_staff_hear_only_of_their_divisions_district_audit(fixture):
    assert told(fixture.district) == {
        "Applications of 滕州市 waiting past their time limit": [
            "第一批, District audit (区县初审): 2 waiting more than 5 working days (the longest since Nov. 20, 2026)",
            "第二批, District audit (区县初审): 1 waiting more than 10 working days (the longest since Nov. 20, 2026)",
        ]
    }
    assert told(fixture.other_district) == {
        "Applications of 市中区 waiting past their time limit": [
            "第一批, District audit (区县初审): 1 waiting more than 5 working days (the longest since Nov. 25, 2026)",
        ]
    }


def test_city_staff_hear_of_the_city_audit_objections_and_meetings_behind(fixture):
    assert told(fixture.city) == {
        "Applications waiting past their time limit, whole city": [
            "第一批, City audit (市级复审): 2 waiting more than 5 working days (the longest since Nov. 16, 2026)",
        ],
        "Meetings whose scoring is behind": [
            "机械设计评审会: 1 of 3 scorings submitted; deadline 2026-12-08 18:00",
        ],
        "Objections awaiting a decision": [
            "第一批评审结果公示: 2 awaiting a decision, 1 of them past their deadline",
        ],
    }


def test_a_meeting_past_its_deadline_says_so(fixture):
    Meeting.objects.filter(pk=fixture.behind.pk).update(scoring_deadline=at(datetime.date(2026, 12, 4), 18))

    assert told(fixture.city)["Meetings whose scoring is behind"] == [
        "机械设计评审会: 1 of 3 scorings submitted; the deadline 2026-12-04 18:00 has passed"
    ]


def test_staff_at_both_levels_hear_of_both(fixture):
    both = UserFactory(roles=[Role.CITY_STAFF, Role.DISTRICT_STAFF], roles__division=fixture.shizhong)

    assert list(told(both)) == [
        "Applications of 市中区 waiting past their time limit",
        "Applications waiting past their time limit, whole city",
        "Meetings whose scoring is behind",
        "Objections awaiting a decision",
    ]


def test_the_digest_is_one_notice_per_staff_member_with_its_email(fixture, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_digest_send(today=MONDAY, now=NOW) == 3

    notices = Notice.objects.filter(key__startswith="staff-digest:")
    assert sorted(notices.values_list("recipient__username", flat=True)) == [
        "digest_city",
        "digest_shizhong",
        "digest_tengzhou",
    ]
    district = notices.get(recipient=fixture.district)
    assert district.key == digest_key(fixture.district, MONDAY) == f"staff-digest:{fixture.district.pk}:20261207"
    assert district.url == reverse("applications:district_queue")
    assert "2026年12月7日" in district.subject
    assert "滕州市" in district.body and "市中区" not in district.body
    assert "区县初审" in district.body and "市级复审" not in district.body
    assert "异议" not in district.body
    city = notices.get(recipient=fixture.city)
    assert city.url == reverse("applications:city_queue")
    assert "机械设计评审会" in city.body and "第一批评审结果公示" in city.body
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        user.email for user in (fixture.city, fixture.district, fixture.other_district)
    )


def test_nothing_is_sent_to_staff_with_nothing_to_be_told(fixture):
    quiet = DivisionFactory(code="370405", name="台儿庄区")
    idle = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=quiet)

    staff_digest_send(today=MONDAY, now=NOW)

    assert not Notice.objects.filter(recipient=idle).exists()


def test_nothing_at_all_is_sent_when_nothing_waits(db):
    UserFactory(roles=[Role.CITY_STAFF])
    UserFactory(roles=[Role.DISTRICT_STAFF])

    assert staff_digest_send(today=MONDAY, now=NOW) == 0
    assert not Notice.objects.exists()


def test_a_second_run_the_same_day_sends_nothing_new(fixture):
    assert staff_digest_send(today=MONDAY, now=NOW) == 3
    assert staff_digest_send(today=MONDAY, now=NOW + datetime.timedelta(hours=3)) == 0
    assert Notice.objects.filter(key__startswith="staff-digest:").count() == 3
    # The next working day is another digest.
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert staff_digest_send(today=tuesday, now=NOW + datetime.timedelta(days=1)) == 3


@pytest.mark.parametrize("day", [SATURDAY, NATIONAL_DAY], ids=["weekend", "holiday"])
def test_no_digest_on_a_day_off(fixture, day):
    assert staff_digest_send(today=day, now=at(day, 7)) == 0
    assert not Notice.objects.exists()


def test_a_makeup_working_day_gets_its_digest(fixture):
    assert staff_digest_send(today=MAKEUP_SATURDAY, now=at(MAKEUP_SATURDAY, 7)) > 0


def test_the_daily_task_sends_todays_digest_once(fixture, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)

    assert send_staff_digest.delay().get() == 3
    assert send_staff_digest.delay().get() == 0


def test_the_beat_schedule_sends_the_digest_each_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["send-staff-digest"]

    assert entry["task"] == "zaozhuang_titles.send_staff_digest" == send_staff_digest.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})


# --- Opting out ------------------------------------------------------------------------------------


def test_staff_who_turned_it_off_get_nothing(fixture):
    User.objects.filter(pk=fixture.district.pk).update(staff_digest=False)

    staff_digest_send(today=MONDAY, now=NOW)

    assert not Notice.objects.filter(recipient=fixture.district).exists()
    assert Notice.objects.filter(recipient=fixture.other_district).exists()


def test_staff_turn_the_digest_off_and_on_from_the_notices_page(client_for, db):
    staff = UserFactory(roles=[Role.DISTRICT_STAFF])
    client = client_for(staff)
    page = client.get(reverse("notices")).content.decode()
    assert 'data-testid="staff-digest"' in page
    assert f'action="{reverse("notices_digest")}"' in page

    response = client.post(reverse("notices_digest"))

    assert response.status_code == 302 and response["Location"] == reverse("notices")
    staff.refresh_from_db()
    assert staff.staff_digest is False
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PREFERENCE_CHANGED)
    assert (event.user, event.object_id, event.detail) == (staff, str(staff.pk), {"staff_digest": False})

    client.post(reverse("notices_digest"), {"staff_digest": "on"})
    staff.refresh_from_db()
    assert staff.staff_digest is True
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PREFERENCE_CHANGED).count() == 2
    # Setting what is already set changes nothing and logs nothing.
    client.post(reverse("notices_digest"), {"staff_digest": "on"})
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PREFERENCE_CHANGED).count() == 2


def test_other_roles_have_no_digest_switch(client_for, db):
    expert = UserFactory(roles=[Role.EXPERT])
    client = client_for(expert)

    assert 'data-testid="staff-digest"' not in client.get(reverse("notices")).content.decode()
    assert client.post(reverse("notices_digest")).status_code == 403
    expert.refresh_from_db()
    assert expert.staff_digest is True
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PREFERENCE_CHANGED).exists()


# --- Cost --------------------------------------------------------------------------------------------


def grow(fixture, n):
    """``n`` more of everything: staff of both kinds, late applications, objections and meetings behind."""
    for i in range(n):
        division = DivisionFactory(code=f"37049{i}", name=f"区{i}")
        UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=division)
        UserFactory(roles=[Role.CITY_STAFF])
        batch = BatchFactory(step_time_limit_days=3 + i)
        for status in (Status.DISTRICT_AUDIT, Status.CITY_AUDIT):
            application(batch=batch, division=division, status=status, since=datetime.date(2026, 11, 2))
        fixture.meeting(f"评审会{i}", at(datetime.date(2026, 12, 8), 18), [ExpertFactory()], submitted=0)
        fixture.add_objections(title=f"公示{i}")


def test_the_digest_costs_a_fixed_number_of_queries(fixture, django_assert_num_queries):
    # One staff member of each kind with something to be told, then many more of everything.
    with django_assert_num_queries(15):
        assert staff_digest_send(today=MONDAY, now=NOW) == 3
    grow(fixture, 6)
    tuesday = MONDAY + datetime.timedelta(days=1)

    with django_assert_num_queries(15):
        assert staff_digest_send(today=tuesday, now=NOW + datetime.timedelta(days=1)) == 15
