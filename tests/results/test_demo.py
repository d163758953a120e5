"""The demo lets the whole walk happen on the day it is seeded, whatever the weekday: a publicity notice
runs over the demo day (objections accepted), an ended one is cleared for filing, the drawn panel can
vote its cases through, and the people have plain names."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from applications.demo import FIRST_BATCH_NAME
from applications.models import Application, Batch, Status
from results import demo
from results.models import Publicity
from results.services.filing import filing_create
from results.services.publicity import objection_submit
from reviews.demo import MEETING_NAME
from reviews.models import Assignment, Ballot, Case, Meeting
from reviews.services.draw import active_panel, assignments_create
from reviews.services.voting import attendance_record, ballot_cast, vote_close, vote_open
from zaozhuang_titles.models import User
from zaozhuang_titles.workdays import is_working_day, period_end

pytestmark = pytest.mark.django_db

SATURDAY = datetime.date(2026, 12, 5)


@pytest.mark.parametrize("offset", range(21))
def test_demo_running_notice_covers_the_demo_day(offset):
    """Over three weeks around National Day (a week off, then two working weekend days), a notice begun
    two working days back still runs on the demo day."""
    today = datetime.date(2026, 9, 26) + datetime.timedelta(days=offset)
    first_day = demo.first_day_before(today, 2)
    end = period_end(first_day, 5).end

    assert is_working_day(first_day)
    assert first_day < today <= end


@pytest.fixture
def on_a_saturday(monkeypatch):
    """The clock of the demo day: a Saturday morning in Zaozhuang (Django's clock, not ours)."""
    moment = timezone.make_aware(datetime.datetime.combine(SATURDAY, datetime.time(10, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_demo_seeded_on_a_saturday_lets_the_walk_happen_that_day(on_a_saturday, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    batch = Batch.objects.get(name=FIRST_BATCH_NAME)
    running, ended = Publicity.objects.filter(batch=batch).order_by("-starts_on")
    anyone = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    # A notice runs over the Saturday: the public page takes objections today.
    assert running.starts_on < SATURDAY <= running.ends_on
    notice = anyone.get(f"/applications/publicity/{running.pk}/").content.decode()
    assert 'data-testid="objection-form"' in notice
    assert "起受理异议" not in notice
    # The other ended and was closed: its lines are cleared for filing, which city staff see.
    assert ended.closed_at is not None
    assert ended.ends_on < SATURDAY
    cleared = list(ended.entries.values_list("name", flat=True))
    assert len(cleared) == 2
    assert not ended.entries.filter(cleared_at__isnull=True).exists()
    assert set(Application.objects.filter(publicity_entries__publicity=ended).values_list("status", flat=True)) == {
        Status.PUBLICITY
    }
    city = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    city.force_login(User.objects.get(username="city"))
    filing_page = city.get(f"/applications/filing/batches/{batch.pk}/").content.decode()
    assert all(name in filing_page for name in cleared)

    # The panel can vote: every member logs in (the crawl checks the passwords), city records them present,
    # the vote opens with its quorum, each casts a ballot on each case it was not recused from, and closes.
    city_user = User.objects.get(username="city")
    meeting = Meeting.objects.get(name=MEETING_NAME)
    assignments_create(meeting=meeting, actor=city_user)
    members = [member.expert for member in active_panel(meeting)]
    assert all(expert.user.has_usable_password() for expert in members)
    attendance_record(meeting=meeting, actor=city_user, present_expert_ids=[expert.pk for expert in members])
    vote_open(meeting=meeting, actor=city_user, confirm_early=True)
    for case in meeting.cases.all():
        for expert in members:
            if Assignment.objects.filter(case=case, expert=expert, conflict_declared_at__isnull=True).exists():
                ballot_cast(case=case, expert=expert, choice=Ballot.Choice.YES)
    vote_close(meeting=meeting, actor=city_user, confirm_early=True, chair=members[0], recorder=city_user)
    assert set(meeting.cases.values_list("result", flat=True)) == {Case.Result.PASSED}

    # The walk's last steps work that day: city files the cleared lines, anyone objects to a running one.
    filing = filing_create(batch=batch, actor=User.objects.get(username="city"))
    assert sorted(filing.entries.values_list("application__applicant__real_name", flat=True)) == sorted(cleared)
    objection = objection_submit(
        entry=running.entries.order_by("position").first(),
        name="王某某",
        mobile="13912345678",
        relation="同事",
        facts="该同志申报的业绩与实际工作不符，请予核查。",
        ip="203.0.113.9",
    )
    assert objection.is_open

    # The call closes at the end of a day, not at the minute of the seeding.
    assert timezone.localtime(batch.closes_at).time() == datetime.time(23, 59)
    assert timezone.localtime(batch.opens_at).time() == datetime.time(8, 30)
    # People have plain names: no role in brackets, no "工" or "专员01".
    names = list(User.objects.values_list("real_name", flat=True))
    assert [name for name in names if re.search(r"[()（）0-9A-Za-z]|专员|^陈工$", name)] == []
    # The seed prints the panel's logins.
    assert "Panel of the meeting (password Zaozhuang@2022): expert_" in output.getvalue()
    # The applicant's home does not call its one application, a draft, submitted.
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username="applicant"))
    page = client.get("/applications/").content.decode()
    assert Application.objects.get(applicant__username="applicant").status == Status.DRAFT
    assert "您已在所有开放申报的批次中提交申报" not in page
    assert "您在每个开放申报的批次中都已有申报（见上方）。" in page
    assert "23:59" in page
