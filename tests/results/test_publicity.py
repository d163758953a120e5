"""Publishing results (评审结果公示), its period on the working-day calendar, its PDF, the notices to the
applicant and its enterprise, and closing it (by hand, by the beat task, twice)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from applications.models import Status
from applications.workflow import application_transition
from results.models import Objection, Publicity, PublicityEntry
from results.selectors import committee_name
from results.selectors.publicity import publicities_due
from results.services import publicity as services
from tests.applications.factories import World
from tests.results.filing_factories import EARLY
from zaozhuang_titles.models import Notice
from zaozhuang_titles.workdays import period_end

pytestmark = pytest.mark.django_db


# --- Helpers shared by the publicity and objection tests -------------------------------------------


def passed(world):
    """An application of ``world`` that the review passed (through the real transition function)."""
    application = world.accepted()
    application_transition(application=application, action="start_review", actor=world.city)
    application_transition(application=application, action="review_pass", actor=world.city)
    return application


def at(day, hour=10):
    """An aware datetime on ``day`` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def publish(world, *, starts_on=None, count=1, applications=None):
    """Publish ``count`` passed applications of ``world``; by default a notice that is running today
    (begun two days ago, so it cannot have ended: five working days span at least a week)."""
    applications = applications or [passed(world) for _ in range(count)]
    starts_on = starts_on or timezone.localdate() - datetime.timedelta(days=2)
    publicity = services.publicity_publish(
        batch=world.batch,
        actor=world.city,
        title="",
        starts_on=starts_on,
        how_to_object="",
        now=at(starts_on, 9),
    )
    return publicity, applications


def objection(entry, *, ip="203.0.113.7", now=None, **kwargs):
    data = {"name": "王五", "mobile": "13912345678", "relation": "同事", "facts": "论文与专利材料造假。"}
    data.update(kwargs)
    return services.objection_submit(entry=entry, ip=ip, now=now, **data)


# --- Publish --------------------------------------------------------------------------------------


def test_publish_creates_the_notice_its_lines_and_moves_each_application():
    world = World()
    first, second = passed(world), passed(world)
    start = timezone.localdate() - datetime.timedelta(days=2)

    publicity, _apps = publish(world, applications=[first, second], starts_on=start)

    period = period_end(start, world.batch.publicity_working_days)
    assert (publicity.starts_on, publicity.ends_on) == (period.first_day, period.end)
    assert publicity.working_days == world.batch.publicity_working_days
    assert world.batch.name in publicity.title
    assert publicity.published_by == world.city
    lines = list(publicity.entries.order_by("position"))
    assert sorted(line.application_id for line in lines) == sorted([first.pk, second.pk])
    assert [line.position for line in lines] == [1, 2]
    line = publicity.entries.get(application=first)
    assert line.name == first.applicant.real_name
    assert line.enterprise_name == world.enterprise.name
    assert line.specialty == first.specialty
    assert line.title_granted == "高级工程师"
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Status.PUBLICITY
        assert application.transitions.filter(action="publish", actor=world.city).count() == 1


def test_publish_writes_the_pdf():
    world = World()
    publicity, _apps = publish(world)

    assert publicity.pdf
    with default_storage.open(publicity.pdf, "rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-")


def test_publish_tells_the_applicant_and_the_enterprise_contact():
    world = World()
    publicity, (application,) = publish(world)

    transition = application.transitions.get(action="publish")
    applicant_notice = Notice.objects.get(key=f"transition:{transition.pk}:applicant")
    contact_notice = Notice.objects.get(key=f"transition:{transition.pk}:contact:{world.contact.pk}")
    assert applicant_notice.recipient == application.applicant
    assert contact_notice.recipient == world.contact
    assert publicity.title in applicant_notice.body
    assert publicity.title in contact_notice.body
    assert application.number in contact_notice.subject


def test_publish_refuses_a_batch_without_passed_applications():
    world = World()
    world.accepted()
    with pytest.raises(ValidationError):
        services.publicity_publish(
            batch=world.batch, actor=world.city, title="", starts_on=timezone.localdate(), how_to_object=""
        )
    assert Publicity.objects.count() == 0


def test_publish_refuses_a_first_day_in_the_past_and_changes_nothing():
    world = World()
    application = passed(world)
    with pytest.raises(ValidationError) as error:
        services.publicity_publish(
            batch=world.batch,
            actor=world.city,
            title="",
            starts_on=timezone.localdate() - datetime.timedelta(days=1),
            how_to_object="",
        )
    assert "starts_on" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.PASSED
    assert Publicity.objects.count() == 0


def test_publish_by_someone_other_than_city_staff_is_refused():
    from django.core.exceptions import PermissionDenied

    world = World()
    passed(world)
    with pytest.raises(PermissionDenied):
        services.publicity_publish(
            batch=world.batch, actor=world.district, title="", starts_on=timezone.localdate(), how_to_object=""
        )
    assert Publicity.objects.count() == 0


# --- The period on the working-day calendar ---------------------------------------------------------


def test_period_across_national_day_2026_is_the_calendar_period():
    world = World()
    start = datetime.date(2026, 9, 29)
    period = period_end(start, 5)

    publicity, _apps = publish(world, starts_on=start)

    assert publicity.ends_on == period.end
    assert publicity.ends_on > datetime.date(2026, 10, 7)  # the National Day holiday does not count
    assert publicity.provisional is False


def test_period_in_a_year_without_holiday_data_is_provisional():
    world = World()
    start = datetime.date(2031, 9, 29)
    period = period_end(start, 5)

    publicity, (application,) = publish(world, starts_on=start)

    assert period.provisional
    assert publicity.provisional is True
    assert publicity.ends_on == period.end
    transition = application.transitions.get(action="publish")
    assert "2031" in Notice.objects.get(key=f"transition:{transition.pk}:applicant").body


# --- Close ----------------------------------------------------------------------------------------


def test_close_clears_lines_without_open_objections_and_holds_the_others():
    world = World()
    publicity, (free, held) = publish(world, count=2)
    held_entry = publicity.entries.get(application=held)
    objection(held_entry)

    result = services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)

    publicity.refresh_from_db()
    assert publicity.closed_at is not None
    assert publicity.closed_by == world.city
    assert [entry.application_id for entry in result.cleared] == [free.pk]
    assert [entry.application_id for entry in result.held] == [held.pk]
    assert publicity.entries.get(application=free).cleared_at is not None
    assert publicity.entries.get(application=held).cleared_at is None
    free_entry = publicity.entries.get(application=free)
    assert Notice.objects.filter(key=f"publicity-entry:{free_entry.pk}:cleared:applicant").exists()
    assert Notice.objects.filter(key=f"publicity-entry:{free_entry.pk}:cleared:contact:{world.contact.pk}").exists()
    assert Notice.objects.filter(key=f"publicity-entry:{held_entry.pk}:held:applicant").exists()


def test_close_twice_is_refused_and_changes_nothing():
    world = World()
    publicity, _apps = publish(world)
    services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)
    publicity.refresh_from_db()
    closed_at, cleared = publicity.closed_at, list(publicity.entries.values_list("cleared_at", flat=True))
    notices = Notice.objects.count()

    with pytest.raises(ValidationError) as error:
        services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)

    assert error.value.code == "already_closed"
    publicity.refresh_from_db()
    assert publicity.closed_at == closed_at
    assert list(publicity.entries.values_list("cleared_at", flat=True)) == cleared
    assert Notice.objects.count() == notices


def test_close_by_the_system_before_the_end_is_refused():
    world = World()
    publicity, _apps = publish(world)
    with pytest.raises(ValidationError):
        services.publicity_close(publicity=publicity, actor=None)
    publicity.refresh_from_db()
    assert publicity.closed_at is None


def test_dismissing_after_close_clears_the_held_line():
    world = World()
    publicity, (application,) = publish(world)
    entry = publicity.entries.get()
    raised = objection(entry)
    services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)
    entry.refresh_from_db()
    assert entry.cleared_at is None

    services.objection_dismiss(objection=raised, actor=world.city, conclusion="经核实，材料真实。")

    entry.refresh_from_db()
    assert entry.cleared_at is not None
    assert Notice.objects.filter(key=f"publicity-entry:{entry.pk}:cleared:applicant").exists()
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY  # filing moves it on, not the close


def test_publicities_due_and_close_due_are_idempotent():
    world = World()
    start = timezone.localdate() - datetime.timedelta(days=30)
    publicity, _apps = publish(world, starts_on=start)
    running, _apps = publish(World())

    due = list(publicities_due(timezone.localdate()))
    assert publicity in due
    assert running not in due

    first = services.publicity_close_due(publicity_id=publicity.pk)
    notices = Notice.objects.count()
    second = services.publicity_close_due(publicity_id=publicity.pk)

    assert first is not None and len(first.cleared) == 1
    assert second is None
    assert Notice.objects.count() == notices
    publicity.refresh_from_db()
    assert publicity.closed_at is not None and publicity.closed_by is None
    assert PublicityEntry.objects.filter(publicity=publicity, cleared_at__isnull=False).count() == 1
    assert list(publicities_due(timezone.localdate())) == []
    assert services.publicity_close_due(publicity_id=running.pk) is None  # not due: left alone
    assert services.publicity_close_due(publicity_id=10**9) is None  # gone: left alone


def test_upheld_objection_reopens_only_that_case_and_close_clears_the_others():
    world = World()
    publicity, (kept, reopened) = publish(world, count=2)
    raised = objection(publicity.entries.get(application=reopened))

    services.objection_uphold(
        objection=raised,
        actor=world.city,
        conclusion="经核实，专利非本人成果。",
        outcome=Objection.Outcome.REVIEW_AGAIN,
    )
    result = services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)

    reopened.refresh_from_db()
    kept.refresh_from_db()
    assert reopened.status == Status.IN_REVIEW
    assert kept.status == Status.PUBLICITY
    assert [entry.application_id for entry in result.cleared] == [kept.pk]
    assert result.held == []


def test_upholding_a_held_objection_after_close_revokes_that_case_and_clears_nothing():
    world = World()
    publicity, (application,) = publish(world)
    entry = publicity.entries.get()
    raised = objection(entry)
    services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)

    services.objection_uphold(
        objection=raised, actor=world.city, conclusion="经核实，业绩不实。", outcome=Objection.Outcome.REJECT
    )

    application.refresh_from_db()
    entry.refresh_from_db()
    assert application.status == Status.REJECTED
    assert entry.cleared_at is None


def test_a_batch_is_published_once():
    world = World()
    publish(world)
    with pytest.raises(ValidationError):
        services.publicity_publish(
            batch=world.batch, actor=world.city, title="", starts_on=timezone.localdate(), how_to_object=""
        )
    assert Publicity.objects.count() == 1


def test_the_pdf_lists_the_published_lines():
    from results.documents.publicity_pdf import publicity_pdf

    publicity, _apps = publish(World(), count=2)

    data = publicity_pdf(publicity, invariant=True)

    assert data.startswith(b"%PDF-") and data == publicity_pdf(publicity, invariant=True)


def test_the_committee_is_the_batch_committee_or_the_usual_name():
    from reviews.models import Committee

    world = World()
    assert committee_name(world.batch) == "枣庄市工程技术高级职称评审委员会"
    Committee.objects.create(batch=world.batch, name="枣庄市专精特新企业工程技术高级职称评审委员会")
    publicity, _apps = publish(world)
    assert publicity.committee_name == "枣庄市专精特新企业工程技术高级职称评审委员会"


def test_the_default_way_to_object_names_the_bureau_contact_when_set(settings):
    settings.PUBLICITY_OBJECTION_CONTACT = "枣庄市光明大道1号，0632-1234567"
    assert "0632-1234567" in services.default_how_to_object()
    settings.PUBLICITY_OBJECTION_CONTACT = ""
    assert "0632" not in services.default_how_to_object()


def test_a_provisional_end_is_computed_again_once_staff_enter_the_holidays():
    from zaozhuang_titles.models import CalendarDay, CalendarDayKind

    world = World()
    start = datetime.date(2031, 9, 29)  # Monday; 国庆节 falls in the period
    publicity, _apps = publish(world, starts_on=start)
    assert publicity.provisional
    provisional_end = publicity.ends_on
    # City staff enter 2031's schedule: a whole week off for 国庆节.
    for day in range(1, 8):
        CalendarDay.objects.create(date=datetime.date(2031, 10, day), kind=CalendarDayKind.HOLIDAY, name="国庆节")
    expected = period_end(start, 5)
    assert not expected.provisional and expected.end != provisional_end

    assert publicity in publicities_due(provisional_end - datetime.timedelta(days=3))  # offered early
    assert services.publicity_close_due(publicity_id=publicity.pk, now=at(provisional_end + ONE_DAY)) is None

    publicity.refresh_from_db()
    assert (publicity.ends_on, publicity.provisional) == (expected.end, False)
    assert publicity.closed_at is None
    result = services.publicity_close_due(publicity_id=publicity.pk, now=at(expected.end + ONE_DAY))
    assert result is not None and len(result.cleared) == 1


ONE_DAY = datetime.timedelta(days=1)


# --- Closing before the end of the period -------------------------------------------------------------


def test_publicity_close_before_the_end_without_a_reason_is_refused():
    world = World()
    publicity, _applications = publish(world)

    with pytest.raises(ValidationError) as refused:
        services.publicity_close(publicity=publicity, actor=world.city, reason="  ")

    assert "runs until" in refused.value.message_dict["reason"][0]
    publicity.refresh_from_db()
    assert (publicity.closed_at, publicity.close_reason) == (None, "")
    assert not PublicityEntry.objects.filter(publicity=publicity, cleared_at__isnull=False).exists()


def test_publicity_close_before_it_started_without_a_reason_is_refused():
    world = World()
    publicity, _applications = publish(world, starts_on=services.next_working_day())

    with pytest.raises(ValidationError) as refused:
        services.publicity_close(publicity=publicity, actor=world.city)

    assert "has not started yet" in refused.value.message_dict["reason"][0]
    publicity.refresh_from_db()
    assert publicity.closed_at is None


def test_publicity_close_before_the_end_with_a_reason_stores_it():
    world = World()
    publicity, _applications = publish(world, starts_on=services.next_working_day())

    services.publicity_close(publicity=publicity, actor=world.city, reason="  " + EARLY + " ")

    publicity.refresh_from_db()
    assert publicity.close_reason == EARLY
    assert publicity.closed_early is True
    assert publicity.entries.get().cleared_at is not None


def test_publicity_close_after_the_end_needs_no_reason():
    world = World()
    start = timezone.localdate() - datetime.timedelta(days=30)
    publicity, _applications = publish(world)
    Publicity.objects.filter(pk=publicity.pk).update(starts_on=start, ends_on=start + datetime.timedelta(days=7))
    publicity.refresh_from_db()

    services.publicity_close(publicity=publicity, actor=world.city)

    publicity.refresh_from_db()
    assert publicity.closed_at is not None and publicity.close_reason == ""
    assert publicity.closed_early is False


def test_closing_costs_the_same_queries_for_2_and_40_lines():
    """Closing writes the lines' notices at once: its query count does not grow with the notice (10,000
    lines took 26 s written one by one; the benchmark times it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 40):
        world = World()
        publicity, _applications = publish(world, count=size)
        with CaptureQueriesContext(connection) as captured:
            result = services.publicity_close(publicity=publicity, actor=world.city, reason=EARLY)
        counts.append(len(captured))
        assert len(result.cleared) == size
        keys = set(Notice.objects.filter(key__startswith="publicity-entry:").values_list("key", flat=True))
        assert all(f"publicity-entry:{entry.pk}:cleared:applicant" in keys for entry in result.cleared)
    assert counts[0] == counts[1]
