"""The kept counts per (batch, division, status) behind the queues' tabs: equal to a recount after any
sequence of moves of the workflow table, carried along when an enterprise changes division, checked
and repaired by ``check_status_counters``, and the same numbers as counting each queue's scope."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from applications import services
from applications.counters import status_counts_differences, status_counts_kept, status_counts_recount
from applications.models import Application, Status, StatusCount
from applications.selectors import QUEUE_STATUSES, queue_counts, queue_scope, status_counts
from applications.workflow import (
    ADMIN,
    APPLICANT,
    CHAIRMAN,
    CITY,
    CONTACT,
    DISTRICT,
    MOVES,
    SYSTEM,
    application_transition,
    find_moves,
)
from tests.applications.factories import World
from tests.factories import DivisionFactory, UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(division):
    """Two enterprises in two divisions and two batches, three applications each, past their notice."""
    first = World(division=division, channel="regular")
    second = World(division=DivisionFactory(code="370402", name="市中区"), channel="regular")
    for world in (first, second):
        world.apps = [world.draft(), world.draft(), world.draft()]
        world.notice_ended(*world.apps)
    return first, second


def _actor(world, application, role, administrator):
    return {
        APPLICANT: application.applicant,
        CONTACT: world.contact,
        CHAIRMAN: world.chairman,
        DISTRICT: world.district,
        CITY: world.city,
        ADMIN: administrator,
        SYSTEM: None,
    }[role]


ACTIONS = sorted({move.action for move in MOVES})
#: One path through the whole life (and a return, a resubmission, a rejection), always tried.
LIFE = [
    (0, "submit", 0), (0, "forward", 0), (0, "pass", 0), (0, "return", 0), (0, "resubmit", 0),
    (0, "reject", 0), (2, "submit", 0), (2, "forward", 0), (2, "pass", 0), (2, "pass", 0),
    (2, "start_review", 0), (2, "review_pass", 0), (2, "publish", 0), (2, "file", 0), (2, "certify", 0),
    (1, "submit", 0), (1, "withdraw", 0),
    (3, "submit", 0), (3, "forward", 0), (3, "pass", 0), (3, "pass", 0), (3, "start_review", 0),
    (3, "review_pass", 0), (3, "publish", 0), (3, "reopen", 0), (3, "review_pass", 0), (3, "publish", 0),
    (3, "revoke", 0), (4, "submit", 0), (4, "forward", 0), (4, "pass", 0), (4, "pass", 0),
    (4, "start_review", 0), (4, "review_fail", 0),
]  # fmt: skip


def _act(application, action, actor):
    """The move through the service the pages call where there is one (a return writes its items)."""
    if action == "return":
        items = [("summary", "成果摘要", "请补充成果转化效益证明")]
        return services.application_return(application=application, actor=actor, reason="理由", items=items).transition
    if action == "resubmit":
        return services.application_resubmit(application=application, actor=actor)
    return application_transition(application=application, action=action, actor=actor, reason="理由")


def test_counts_equal_a_recount_after_any_sequence_of_moves(worlds):
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    targets = [(world, application) for world in worlds for application in world.apps]
    performed = set()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        steps=st.lists(
            st.tuples(st.integers(0, len(targets) - 1), st.sampled_from(ACTIONS), st.integers(0, 6)), max_size=16
        )
    )
    @example(steps=LIFE)
    def run(steps):
        with transaction.atomic():
            for index, action, role_choice in steps:
                world, application = targets[index]
                application = Application.objects.select_related("enterprise").get(pk=application.pk)
                moves = find_moves(action, application.status)
                roles = sorted(moves[0].roles) if moves else [CITY]
                actor = _actor(world, application, roles[role_choice % len(roles)], administrator)
                try:
                    log = _act(application, action, actor)
                    performed.add((action, log.from_status, log.to_status))
                except (ValidationError, PermissionDenied):
                    pass  # refused by the table, a guard or the role: nothing moved, nothing counted
                assert status_counts_differences() == []
            transaction.set_rollback(True)

    run()

    assert status_counts_differences() == []
    assert {action for action, _source, _target in performed} >= {a for _i, a, _r in LIFE}


def test_created_applications_are_counted_as_drafts(worlds):
    first, second = worlds

    assert status_counts_kept() == {
        (first.batch.pk, first.division.pk, Status.DRAFT): 3,
        (second.batch.pk, second.division.pk, Status.DRAFT): 3,
    }


def test_an_enterprise_changing_division_takes_its_counts_along(worlds):
    first, second = worlds
    first.enterprise.refresh_from_db()
    first.enterprise.division = second.division
    first.enterprise.save()

    assert status_counts_kept() == {
        (first.batch.pk, second.division.pk, Status.DRAFT): 3,
        (second.batch.pk, second.division.pk, Status.DRAFT): 3,
    }
    assert status_counts_differences() == []


def test_check_command_reports_a_drift_and_fix_repairs_it(worlds):
    first, _second = worlds
    # A change behind the services' back (a bulk update, a restore) leaves the counts behind.
    Application.objects.filter(pk=first.apps[0].pk).update(status=Status.CITY_AUDIT)
    StatusCount.objects.filter(status=Status.DRAFT, batch=first.batch).update(total=5)

    with pytest.raises(CommandError, match="2 status counts differ"):
        call_command("check_status_counters", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_status_counters", "--fix", stdout=out)
    again = io.StringIO()
    call_command("check_status_counters", stdout=again)

    assert f"batch {first.batch.pk} division {first.division.pk} draft: kept 5, counted 2 (fixed)" in out.getvalue()
    assert "city_audit: kept 0, counted 1 (fixed)" in out.getvalue()
    assert status_counts_kept() == status_counts_recount()
    assert "match a recount" in again.getvalue()


def test_queue_counts_equal_counting_the_queue_scope(worlds):
    first, second = worlds
    for world in worlds:
        for application in world.apps:
            application_transition(application=application, action="submit", actor=application.applicant)
            application_transition(application=application, action="forward", actor=world.contact)
    application_transition(application=first.apps[0], action="pass", actor=first.district)
    readers = {
        "district": [first.district, second.district],
        "city": [first.city, UserFactory(roles=[Role.ADMINISTRATOR])],
    }

    for stage, users in readers.items():
        for user in users:
            for batch in (None, first.batch, second.batch):
                for division in (None, first.division, second.division):
                    scoped = queue_scope(user, stage).filter(status__in=QUEUE_STATUSES[stage])
                    if batch is not None:
                        scoped = scoped.filter(batch=batch)
                    if division is not None:
                        scoped = scoped.filter(enterprise__division=division)
                    assert queue_counts(user, stage, batch=batch, division=division) == status_counts(scoped), (
                        stage,
                        user,
                        batch,
                        division,
                    )
    assert queue_counts(UserFactory(roles=[Role.APPLICANT]), "city") == {}


def test_only_the_transition_function_writes_an_application_status():
    # Every other path would leave the counts behind: no ``.update(status=…)`` on applications and no
    # status assignment saved, outside the workflow.
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in (root / "applications").rglob("*.py"):
        text = path.read_text()
        if path.name == "workflow.py" or "migrations" in path.parts:
            continue
        if re.search(r"Application\.objects[^\n]*\.update\([^)]*\bstatus=", text):
            offenders.append(str(path))
    for app in ("reviews", "results", "enterprises", "zaozhuang_titles"):
        for path in (root / app).rglob("*.py"):
            if re.search(r"Application\.objects[^\n]*\.update\([^)]*\bstatus=", path.read_text()):
                offenders.append(str(path))
    assert offenders == []
