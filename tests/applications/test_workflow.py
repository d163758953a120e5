"""The table of moves and the one transition function: every move for every role, allowed and
refused; the log, the snapshot, the notices, the guards."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications import services
from applications.models import Application, NominationEntry, Status, Submission, Transition
from applications.workflow import (
    MOVES,
    SYSTEM,
    TransitionConflict,
    application_transition,
    available_actions,
    why_not,
)
from tests.applications.factories import AchievementFactory, World, evidence_for
from tests.enterprises.factories import ContactFactory, EnterpriseFactory
from tests.factories import DivisionFactory, UserFactory
from zaozhuang_titles.models import Notice, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(division):
    return World(division=division)


def actors(world, application):
    """Every kind of user, related to the application or not."""
    other_enterprise = EnterpriseFactory(division=DivisionFactory(code="370402", name="市中区"))
    other_chairman = UserFactory(roles=[Role.CHAIRMAN])
    other_enterprise.chairman = other_chairman
    other_enterprise.save(update_fields=["chairman"])
    return {
        "applicant": application.applicant,
        "other_applicant": world.applicant(),
        "contact": world.contact,
        "other_contact": ContactFactory(enterprise=other_enterprise).user,
        "chairman": world.chairman,
        "other_chairman": other_chairman,
        "district_staff": world.district,
        "other_district_staff": UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=other_enterprise.division),
        "city_staff": world.city,
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "expert": UserFactory(roles=[Role.EXPERT]),
        "commissioner": UserFactory(roles=[Role.COMMISSIONER]),
    }


#: Which of ``actors`` each role of the table stands for.
ROLE_ACTOR = {
    Role.APPLICANT.value: "applicant",
    Role.ENTERPRISE_CONTACT.value: "contact",
    Role.CHAIRMAN.value: "chairman",
    Role.DISTRICT_STAFF.value: "district_staff",
    Role.CITY_STAFF.value: "city_staff",
    Role.ADMINISTRATOR.value: "administrator",
}

HUMAN_MOVES = [move for move in MOVES if move.roles - {SYSTEM}]


def application_in(world, status):
    application = world.draft()
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize("move", HUMAN_MOVES, ids=[f"{m.action}:{m.source}->{m.target}" for m in HUMAN_MOVES])
def test_each_move_is_allowed_exactly_to_its_roles(world, move):
    application = application_in(world, move.source)
    people = actors(world, application)
    allowed = {ROLE_ACTOR[role] for role in move.roles if role in ROLE_ACTOR}
    for name, user in people.items():
        Application.objects.filter(pk=application.pk).update(status=move.source)
        application.refresh_from_db()
        before = Transition.objects.count()
        refusal = why_not(application, user, move.action) if name in allowed and move.guards else None
        if refusal is not None:
            # A bare application may fail the move's guards (no notice, no signature): the role passes the
            # table's check and the transition refuses with the guard's reason, the one why_not gives.
            with pytest.raises(ValidationError) as error:
                application_transition(
                    application=application, action=move.action, actor=user, reason="理由", target=move.target
                )
            assert " ".join(error.value.messages) == refusal, name
            assert Transition.objects.count() == before, name
            assert Application.objects.get(pk=application.pk).status == move.source, name
        elif name in allowed:
            log = application_transition(
                application=application, action=move.action, actor=user, reason="理由", target=move.target
            )
            assert (log.from_status, log.to_status, log.actor, log.actor_role) == (
                move.source,
                move.target,
                user,
                next(role for role, actor in ROLE_ACTOR.items() if actor == name and role in move.roles),
            ), name
            assert Application.objects.get(pk=application.pk).status == move.target
        else:
            with pytest.raises(PermissionDenied):
                application_transition(
                    application=application, action=move.action, actor=user, reason="理由", target=move.target
                )
            assert Transition.objects.count() == before, name
            assert Application.objects.get(pk=application.pk).status == move.source, name


@pytest.mark.parametrize("status", Status.values)
def test_moves_outside_the_table_are_refused_with_the_state_named(world, status):
    application = application_in(world, status)
    possible = {move.action for move in MOVES if move.source == status}
    for action in {move.action for move in MOVES} - possible:
        with pytest.raises(ValidationError) as error:
            application_transition(application=application, action=action, actor=world.city, reason="x")
        assert str(Status(status).label) in str(error.value)
    assert not Transition.objects.filter(application=application).exists()


def test_every_status_can_be_left_or_is_final():
    final = {Status.REJECTED, Status.WITHDRAWN, Status.NOT_PASSED, Status.CERTIFIED}
    for status in Status.values:
        assert bool([m for m in MOVES if m.source == status]) != (status in final), status


def test_world_reaches_city_acceptance_through_the_real_services(world):
    application = world.accepted()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert list(application.transitions.values_list("action", "actor_role")) == [
        ("submit", "applicant"),
        ("nominate", "chairman"),
        ("forward", "enterprise_contact"),
        ("pass", "district_staff"),
        ("pass", "city_staff"),
    ]
    assert Submission.objects.filter(application=application).count() == 1


def test_submission_stores_an_immutable_snapshot(world):
    application = world.submitted()
    submission = Submission.objects.get(application=application)
    assert submission.revision == 1
    assert submission.data["application"]["summary"] == application.summary
    assert submission.data["achievements"][0]["patent_number"].startswith("ZL")
    assert len(submission.sha256) == 64
    submission.data = {}
    with pytest.raises(ValidationError):
        submission.save()
    with pytest.raises(ValidationError):
        submission.delete()


def test_transition_log_is_append_only(world):
    log = world.submitted().transitions.get()
    log.reason = "changed"
    with pytest.raises(ValidationError):
        log.save()
    with pytest.raises(ValidationError):
        log.delete()


def test_reason_is_required_for_return_reject_withdraw(world):
    application = world.at_district()
    for action in ("reject", "return"):
        with pytest.raises(ValidationError):
            application_transition(application=application, action=action, actor=world.district, reason="  ")
    assert Application.objects.get(pk=application.pk).status == Status.DISTRICT_AUDIT


def test_stale_status_gives_a_conflict_and_changes_nothing(world):
    application = world.at_district()
    stale = Application.objects.get(pk=application.pk)
    services.application_pass(application=application, actor=world.district)
    with pytest.raises(TransitionConflict) as error:
        services.application_reject(application=stale, actor=world.district, reason="重复")
    assert str(Status.CITY_AUDIT.label) in str(error.value)
    assert Transition.objects.filter(application=application, action="reject").count() == 0


def test_double_submit_creates_one_submission(world):
    application = world.draft()
    again = Application.objects.get(pk=application.pk)
    services.application_submit(application=application, actor=application.applicant)
    with pytest.raises(ValidationError):
        services.application_submit(application=again, actor=again.applicant)
    assert Submission.objects.filter(application=application).count() == 1


def test_submit_refused_without_evidence_and_names_the_achievement(world):
    application = world.draft(achievements=0)
    achievement = AchievementFactory(application=application, title="无证据的专利")
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, actor=application.applicant)
    assert "无证据的专利" in " ".join(error.value.messages)
    evidence_for(application, achievement)
    services.application_submit(application=application, actor=application.applicant)
    assert Application.objects.get(pk=application.pk).status == Status.ENTERPRISE_REVIEW


def test_submit_refused_outside_the_window_with_its_dates(world):
    application = world.draft()
    world.batch.status = world.batch.Status.CLOSED
    world.batch.save()
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, actor=application.applicant)
    assert world.batch.name in error.value.messages[0]
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_regular_channel_blocks_an_ineligible_applicant(division):
    world = World(division=division, channel="regular")
    applicant = world.applicant()
    applicant.applicant_profile.titles.all().delete()
    application = world.draft(applicant)
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, actor=applicant)
    assert any("Eligibility" in m or "资格" in m for m in error.value.messages)


def test_forward_waits_for_the_internal_notice_and_the_signature(world):
    application = world.submitted()
    with pytest.raises(ValidationError):
        services.application_forward(application=application, actor=world.contact)
    world.notice_ended(application)
    with pytest.raises(ValidationError) as error:
        services.application_forward(application=application, actor=world.contact)
    assert error.value.code == "not_nominated"
    world.sign(application)
    application.refresh_from_db()
    services.application_forward(application=application, actor=world.contact)
    assert Application.objects.get(pk=application.pk).status == Status.DISTRICT_AUDIT


def test_a_change_voids_the_signature_visibly_and_blocks_the_pass(world):
    application = world.at_district()
    services.application_return(
        application=application,
        actor=world.district,
        reason="请补充",
        items=[("field:summary", "业绩摘要", "请写明经济效益")],
    )
    application.refresh_from_db()
    services.application_update(
        application=application, actor=application.applicant, specialty="机械设计", summary="新的摘要：效益800万元"
    )
    entry = NominationEntry.objects.get(application=application)
    assert entry.voided_at is not None
    assert entry.void_reason
    services.application_resubmit(application=application, actor=application.applicant)
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    with pytest.raises(ValidationError) as error:
        services.application_pass(application=application, actor=world.district)
    assert error.value.code == "not_nominated"
    world.sign(application)
    application.refresh_from_db()
    services.application_pass(application=application, actor=world.district)
    assert Application.objects.get(pk=application.pk).status == Status.CITY_AUDIT


def test_a_change_behind_the_services_back_is_caught_by_the_hash(world):
    application = world.at_district()
    Application.objects.filter(pk=application.pk).update(summary="悄悄改过")
    application.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.application_pass(application=application, actor=world.district)
    assert error.value.code == "not_nominated"
    assert Application.objects.get(pk=application.pk).status == Status.DISTRICT_AUDIT


def test_resubmission_returns_to_the_step_that_returned_it(world):
    application = world.at_city()
    correction = services.application_return(
        application=application, actor=world.city, reason="证书不清", items=[("field:specialty", "专业", "请核实")]
    )
    assert correction.returned_from == Status.CITY_AUDIT
    application.refresh_from_db()
    world.sign(application)
    services.application_resubmit(application=application, actor=application.applicant)
    application.refresh_from_db()
    assert application.status == Status.CITY_AUDIT
    assert application.revision == 2
    correction.refresh_from_db()
    assert correction.answered_at is not None


def test_return_requires_items_with_reasons(world):
    application = world.at_district()
    with pytest.raises(ValidationError):
        services.application_return(application=application, actor=world.district, reason="x", items=[])
    with pytest.raises(ValidationError):
        services.application_return(
            application=application, actor=world.district, reason="x", items=[("field:summary", "摘要", " ")]
        )
    assert Application.objects.get(pk=application.pk).status == Status.DISTRICT_AUDIT


def test_each_step_notifies_the_applicant_in_site_and_by_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = world.submitted()
    notices = Notice.objects.filter(recipient=application.applicant)
    assert notices.count() == 1
    assert application.number in notices.get().subject
    assert notices.get().email == Notice.Email.SENT
    assert any(application.number in m.subject for m in mail.outbox)
    assert Notice.objects.filter(recipient=world.contact).count() == 1
    assert Notice.objects.filter(recipient=world.chairman).count() == 1


def test_notice_email_is_sent_once_however_often_delivery_runs(world, django_capture_on_commit_callbacks):
    from zaozhuang_titles.notices import notice_deliver

    with django_capture_on_commit_callbacks(execute=True):
        application = world.submitted()
    notice = Notice.objects.get(recipient=application.applicant)
    sent = len(mail.outbox)
    assert notice_deliver(notice_id=notice.pk) is False
    assert len(mail.outbox) == sent


def test_pending_notice_is_sent_by_the_sweep(world):
    from datetime import timedelta

    from django.utils import timezone

    from zaozhuang_titles.tasks import deliver_pending_notices

    application = world.submitted()  # on_commit never runs here: as if the broker were down
    Notice.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert Notice.objects.filter(email=Notice.Email.PENDING).count() == 3
    assert deliver_pending_notices() == 3
    assert Notice.objects.get(recipient=application.applicant).email == Notice.Email.SENT
    assert deliver_pending_notices() == 0


def test_available_actions_follow_the_table(world):
    application = world.at_district()
    assert available_actions(application, world.district) == ["return", "pass", "reject"]
    assert available_actions(application, application.applicant) == ["withdraw"]
    assert available_actions(application, world.contact) == []
