"""Bulk actions on applications (``applications.services.bulk``) and their pages in Django admin: the plan
over mixed states, each application whole, the Celery path over the threshold, a run cut short, the
confirmation and result pages, and the progress endpoint."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, BulkRun, CorrectionRequest, Status, Transition
from applications.services.bulk import (
    REGISTRY,
    BulkAction,
    bulk_action,
    bulk_action_register,
    bulk_plan,
    bulk_run_execute,
    bulk_run_start,
    bulk_run_summary,
)
from reviews.models import Case
from tests.applications.factories import World
from tests.reviews.factories import MeetingFactory
from zaozhuang_titles.models import Notice

pytestmark = pytest.mark.django_db

URL = reverse("admin:applications_application_changelist")


@pytest.fixture
def world(division):
    return World(division=division)


def returned(world):
    application = world.at_district()
    services.application_return(
        application=application, actor=world.district, reason="补正", items=[("field:summary", "综述", "补充")]
    )
    application.refresh_from_db()
    return application


def loaded(*applications):
    return list(
        Application.objects.select_related("applicant", "enterprise__division", "batch")
        .filter(pk__in=[a.pk for a in applications])
        .order_by("id")
    )


def test_plan_over_mixed_states_says_what_happens_and_why_others_are_skipped(world):
    ready, also_ready, wrong = world.at_district(), world.at_district(), returned(world)

    plan = bulk_plan(action=bulk_action("pass"), applications=loaded(ready, also_ready, wrong), actor=world.district)

    assert [(row.application.pk, bool(row.will), bool(row.skipped)) for row in plan] == [
        (ready.pk, True, False),
        (also_ready.pk, True, False),
        (wrong.pk, False, True),
    ]
    assert "退回补正" in plan[2].skipped or "Returned" in plan[2].skipped
    assert Transition.objects.filter(action="pass").count() == 0  # the plan writes nothing


def test_run_passes_the_ready_and_skips_the_others_each_with_its_reason(world):
    ready, also_ready, wrong = world.at_district(), world.at_district(), returned(world)

    run = bulk_run_start(
        action=bulk_action("pass"), application_ids=[ready.pk, also_ready.pk, wrong.pk], actor=world.district
    )
    summary = bulk_run_summary(run)

    assert (run.state, run.in_background, summary["done"]) == (BulkRun.State.FINISHED, False, 2)
    assert [row["number"] for row in summary["skipped"]] == [wrong.number]
    assert summary["skipped"][0]["reason"]
    assert set(Application.objects.filter(status=Status.CITY_AUDIT).values_list("pk", flat=True)) == {
        ready.pk,
        also_ready.pk,
    }
    logs = Transition.objects.filter(action="pass")
    assert {(log.application_id, log.actor_id) for log in logs} == {
        (ready.pk, world.district.pk),
        (also_ready.pk, world.district.pk),
    }


def test_reject_and_return_need_one_reason_and_give_it_to_each(world):
    first, second = world.at_district(), world.at_district()

    with pytest.raises(ValidationError):
        bulk_run_start(action=bulk_action("reject"), application_ids=[first.pk], actor=world.district, reason=" ")
    bulk_run_start(
        action=bulk_action("return"), application_ids=[first.pk, second.pk], actor=world.district, reason="材料不全"
    )

    for application in (first, second):
        correction = CorrectionRequest.objects.get(application=application)
        assert correction.transition.reason == "材料不全"
        assert [item.reason for item in correction.items.all()] == ["材料不全"]
    assert Application.objects.filter(status=Status.RETURNED).count() == 2


def test_another_divisions_application_is_skipped_not_touched(world, other_division):
    other = World(division=other_division)
    theirs = other.at_district()

    run = bulk_run_start(action=bulk_action("pass"), application_ids=[theirs.pk], actor=world.district)

    theirs.refresh_from_db()
    assert theirs.status == Status.DISTRICT_AUDIT
    assert bulk_run_summary(run)["skipped"][0]["number"] == ""  # not even its number is told


def test_each_application_succeeds_or_fails_whole(world):
    """An action whose second application fails after its transition was written: that application is
    rolled back entirely (status and log), the others are done, and the result names the failure."""
    applications = [world.at_district() for _ in range(3)]
    doomed = applications[1].pk

    def perform(application, actor, params, reason, ip):
        services.application_pass(application=application, actor=actor)
        if application.pk == doomed:
            raise RuntimeError("disk full")

    key = "test_pass_then_fail"
    bulk_action_register(BulkAction(key, "测试", "applications.audit_in_admin", lambda *args: "通过", perform))
    try:
        run = bulk_run_start(
            action=bulk_action(key), application_ids=[a.pk for a in applications], actor=world.district
        )
    finally:
        REGISTRY.pop(key)

    summary = bulk_run_summary(run)
    assert summary["done"] == 2
    assert [row["id"] for row in summary["failed"]] == [doomed]
    assert "RuntimeError" in summary["failed"][0]["reason"]
    assert Application.objects.get(pk=doomed).status == Status.DISTRICT_AUDIT
    assert not Transition.objects.filter(application_id=doomed, action="pass").exists()


def test_over_the_threshold_it_runs_as_a_celery_task_after_commit(world, settings, django_capture_on_commit_callbacks):
    settings.BULK_ACTION_TASK_ABOVE = 2
    applications = [world.at_district() for _ in range(2)] + [returned(world)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = bulk_run_start(
            action=bulk_action("pass"), application_ids=[a.pk for a in applications], actor=world.district
        )
        assert BulkRun.objects.get(pk=run.pk).state == BulkRun.State.QUEUED  # nothing done before the commit

    run.refresh_from_db()
    assert len(callbacks) >= 1
    assert (run.in_background, run.state) == (True, BulkRun.State.FINISHED)
    assert (run.count("done"), run.count("skipped")) == (2, 1)


def test_a_run_cut_short_goes_on_where_it_stopped_and_a_finished_one_does_nothing(world):
    first, second = world.at_district(), world.at_district()
    services.application_pass(application=first, actor=world.district)
    run = BulkRun.objects.create(
        action="pass",
        actor=world.district,
        application_ids=[first.pk, second.pk],
        results={str(first.pk): {"outcome": "done", "number": first.number, "reason": ""}},
        state=BulkRun.State.RUNNING,
        in_background=True,
    )

    bulk_run_execute(run_id=run.pk)
    bulk_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.count("done"), run.count("skipped"), run.state) == (2, 0, BulkRun.State.FINISHED)
    assert Transition.objects.filter(application=second, action="pass").count() == 1
    assert bulk_run_execute(run_id=0) is None


def test_remind_tells_the_applicants_of_returned_applications_once(world):
    waiting, at_district = returned(world), world.at_district()

    first = bulk_run_start(
        action=bulk_action("remind"), application_ids=[waiting.pk, at_district.pk], actor=world.district
    )
    again = bulk_run_start(action=bulk_action("remind"), application_ids=[waiting.pk], actor=world.district)

    assert (first.count("done"), first.count("skipped"), again.count("skipped")) == (1, 1, 1)
    assert Notice.objects.filter(recipient=waiting.applicant, key__startswith="correction-reminder").count() == 1


def test_add_to_meeting_puts_accepted_applications_on_the_agenda(world):
    accepted, at_district = world.accepted(), world.at_district()
    meeting = MeetingFactory(batch=world.batch)
    action = bulk_action("add_to_meeting")

    district_plan = bulk_plan(
        action=action, applications=loaded(accepted), actor=world.district, params={"choice": meeting.pk}
    )
    run = bulk_run_start(
        action=action, application_ids=[accepted.pk, at_district.pk], actor=world.city, params={"choice": meeting.pk}
    )

    assert district_plan[0].skipped
    assert (run.count("done"), run.count("skipped")) == (1, 1)
    assert Case.objects.filter(meeting=meeting).get().application_id == accepted.pk
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_REVIEW


def test_add_to_meeting_says_why_each_application_is_skipped(world):
    from reviews.bulk import check

    accepted = world.accepted()
    meeting = MeetingFactory(batch=world.batch)
    elsewhere = MeetingFactory()  # another batch's meeting
    action = bulk_action("add_to_meeting")
    bulk_run_start(action=action, application_ids=[accepted.pk], actor=world.city, params={"choice": meeting.pk})

    def reason(application, actor, params):
        with pytest.raises(ValidationError) as refused:
            check(application, actor, params)
        return " ".join(refused.value.messages)

    accepted.refresh_from_db()
    assert "already on this meeting" in reason(accepted, world.city, {"choice": meeting.pk}) or "not accepted" in (
        reason(accepted, world.city, {"choice": meeting.pk})
    )
    fresh = world.accepted()
    assert "another batch" in reason(fresh, world.city, {"choice": elsewhere.pk})
    assert "still takes cases" in reason(fresh, world.city, {"choice": 0})
    assert "city HR staff" in reason(fresh, world.district, {"choice": meeting.pk})
    assert "not accepted" in reason(world.at_district(), world.city, {"choice": meeting.pk})
    assert "Put on the agenda" in str(check(fresh, world.city, {"choice": meeting.pk}))


# --- The admin pages --------------------------------------------------------------------------------


def client_of(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def test_admin_bulk_pass_confirms_first_then_shows_done_and_skipped(world):
    ready, also_ready, wrong = world.at_district(), world.at_district(), returned(world)
    client = client_of(world.district)
    selection = {"action": "bulk_pass", "_selected_action": [ready.pk, also_ready.pk, wrong.pk]}

    confirm = client.post(URL, selection)
    assert confirm.status_code == 200
    plan = {row.application.pk: row for row in confirm.context["plan"]}
    assert set(plan) == {ready.pk, also_ready.pk, wrong.pk}
    assert plan[wrong.pk].skipped and not plan[ready.pk].skipped
    assert Transition.objects.filter(action="pass").count() == 0

    done = client.post(URL, {**selection, "bulk_form": "1", "confirm": "yes"}, follow=True)

    run = BulkRun.objects.get()
    assert done.redirect_chain[-1][0] == reverse("admin:applications_application_bulk", args=[run.pk])
    page = done.content.decode()
    assert 'data-testid="bulk-summary"' in page
    assert wrong.number in page
    assert (run.count("done"), run.count("skipped")) == (2, 1)


def test_admin_bulk_reject_without_reason_is_asked_again(world):
    application = world.at_district()
    client = client_of(world.district)

    response = client.post(
        URL,
        {
            "action": "bulk_reject",
            "_selected_action": [application.pk],
            "bulk_form": "1",
            "confirm": "yes",
            "reason": "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not BulkRun.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT


def test_district_staff_are_not_offered_add_to_meeting(world):
    world.at_district()

    district_actions = client_of(world.district).get(URL).context["action_form"].fields["action"].choices
    city_actions = client_of(world.city).get(URL).context["action_form"].fields["action"].choices

    assert "bulk_add_to_meeting" not in {value for value, _label in district_actions}
    assert "bulk_add_to_meeting" in {value for value, _label in city_actions}


def test_progress_endpoint_polls_while_running_and_shows_the_result_when_finished(world, other_division):
    application = world.at_district()
    run = BulkRun.objects.create(
        action="pass", actor=world.district, application_ids=[application.pk], in_background=True
    )
    url = reverse("applications:bulk_status", args=[run.pk])
    client = client_of(world.district)

    running = client.get(url).content.decode()
    bulk_run_execute(run_id=run.pk)
    finished = client.get(url).content.decode()
    outsider = World(division=other_division).district

    assert 'hx-trigger="every 1s"' in running
    assert "hx-trigger" not in finished and 'data-testid="bulk-summary"' in finished
    assert client_of(outsider).get(url).status_code == 404
    assert client_of(outsider).get(reverse("admin:applications_application_bulk", args=[run.pk])).status_code == 404
    assert client_of(world.city).get(url).status_code == 200
