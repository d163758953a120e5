"""The moves and their guards, checked against a table written by hand (not derived from
``workflow.MOVES``), ``why_not`` and the pages that show its sentence, and that no page writes when it
finds a broken signature."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Achievement, Application, NominationEntry, Status, Transition
from applications.selectors import nomination_signature
from applications.workflow import application_transition, available_actions, why_not
from tests.applications.factories import World
from tests.factories import DivisionFactory, UserFactory
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db

S = Status

#: (who acts, the status the application is in, the action, allowed, the status it reaches).
#: Written from MISSION.md "Life of an application", not read from the table it checks.
EXPECTED = [
    ("applicant", S.DRAFT, "submit", True, S.ENTERPRISE_REVIEW),
    ("contact", S.DRAFT, "submit", False, None),
    ("chairman", S.DRAFT, "submit", False, None),
    ("city", S.DRAFT, "submit", False, None),
    ("applicant", S.DRAFT, "withdraw", True, S.WITHDRAWN),
    ("chairman", S.ENTERPRISE_REVIEW, "nominate", True, S.NOMINATED),
    ("contact", S.ENTERPRISE_REVIEW, "nominate", False, None),
    ("applicant", S.ENTERPRISE_REVIEW, "nominate", False, None),
    ("contact", S.ENTERPRISE_REVIEW, "return", True, S.RETURNED),
    ("district", S.ENTERPRISE_REVIEW, "return", False, None),
    ("applicant", S.ENTERPRISE_REVIEW, "withdraw", True, S.WITHDRAWN),
    ("contact", S.NOMINATED, "forward", True, S.DISTRICT_AUDIT),
    ("chairman", S.NOMINATED, "forward", False, None),
    ("district", S.NOMINATED, "forward", False, None),
    ("applicant", S.NOMINATED, "forward", False, None),
    ("district", S.DISTRICT_AUDIT, "pass", True, S.CITY_AUDIT),
    ("other_district", S.DISTRICT_AUDIT, "pass", False, None),
    ("city", S.DISTRICT_AUDIT, "pass", False, None),
    ("applicant", S.DISTRICT_AUDIT, "pass", False, None),
    ("district", S.DISTRICT_AUDIT, "reject", True, S.REJECTED),
    ("contact", S.DISTRICT_AUDIT, "reject", False, None),
    ("district", S.DISTRICT_AUDIT, "return", True, S.RETURNED),
    ("district", S.CITY_AUDIT, "pass", False, None),
    ("city", S.CITY_AUDIT, "pass", True, S.ACCEPTED),
    ("administrator", S.CITY_AUDIT, "pass", True, S.ACCEPTED),
    ("city", S.CITY_AUDIT, "reject", True, S.REJECTED),
    ("chairman", S.CITY_AUDIT, "return", False, None),
    ("city", S.CITY_AUDIT, "return", True, S.RETURNED),
    ("applicant", S.RETURNED, "resubmit", True, S.DISTRICT_AUDIT),  # back to the step that returned it
    ("contact", S.RETURNED, "resubmit", False, None),
    ("applicant", S.ACCEPTED, "withdraw", True, S.WITHDRAWN),
    ("city", S.ACCEPTED, "start_review", True, S.IN_REVIEW),
    ("district", S.ACCEPTED, "start_review", False, None),
    ("applicant", S.IN_REVIEW, "withdraw", False, None),
    ("city", S.IN_REVIEW, "review_pass", True, S.PASSED),
    ("district", S.IN_REVIEW, "review_fail", False, None),
    ("applicant", S.REJECTED, "withdraw", False, None),
    ("applicant", S.WITHDRAWN, "submit", False, None),
]


@pytest.fixture
def world(division):
    return World(division=division)


def in_status(world, status):
    """An application brought to ``status`` by the real services, with what its moves' guards need."""
    if status == S.DRAFT:
        return world.draft()
    if status == S.WITHDRAWN:
        application = world.draft()
        services.application_withdraw(application=application, actor=application.applicant, reason="不再申报")
        return application
    if status in (S.ENTERPRISE_REVIEW, S.NOMINATED):
        application = world.submitted()
        world.notice_ended(application)
        if status == S.NOMINATED:
            world.sign(application)
        return application
    if status == S.DISTRICT_AUDIT:
        return world.at_district()
    if status == S.CITY_AUDIT:
        return world.at_city()
    if status == S.RETURNED:
        application = world.at_district()
        services.application_return(
            application=application, actor=world.district, reason="材料不全", items=[("summary", "综述", "请补充")]
        )
        return application
    if status == S.REJECTED:
        application = world.at_district()
        services.application_reject(application=application, actor=world.district, reason="不符合条件")
        return application
    application = world.accepted()
    if status == S.IN_REVIEW:
        application_transition(application=application, action="start_review", actor=world.city)
    return application


def actor(world, application, name):
    if name == "applicant":
        return application.applicant
    if name == "administrator":
        return UserFactory(roles=[Role.ADMINISTRATOR])
    if name == "other_district":
        return UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=DivisionFactory(code="370402", name="市中区"))
    return getattr(world, name)


@pytest.mark.parametrize(
    ("role", "source", "action", "allowed", "target"), EXPECTED, ids=[f"{r[0]}-{r[2]}-from-{r[1]}" for r in EXPECTED]
)
def test_move_table_matches_the_hand_written_list(world, role, source, action, allowed, target):
    application = in_status(world, source)
    application.refresh_from_db()
    assert application.status == source  # the arrangement itself
    user = actor(world, application, role)
    before = Transition.objects.filter(application=application).count()

    assert (action in available_actions(application, user)) == allowed
    if allowed:
        assert why_not(application, user, action) is None
        log = application_transition(application=application, action=action, actor=user, reason="理由")
        assert (log.from_status, log.to_status, log.actor) == (source, target, user)
        assert Application.objects.get(pk=application.pk).status == target
    else:
        assert why_not(application, user, action)
        with pytest.raises((PermissionDenied, ValidationError)):
            application_transition(application=application, action=action, actor=user, reason="理由")
        assert Transition.objects.filter(application=application).count() == before
        assert Application.objects.get(pk=application.pk).status == source


def test_expected_list_covers_the_main_moves():
    assert len(EXPECTED) >= 25
    assert {action for _r, _s, action, allowed, _t in EXPECTED if allowed} >= {
        "submit",
        "nominate",
        "forward",
        "return",
        "resubmit",
        "pass",
        "reject",
        "withdraw",
        "start_review",
    }


# --- Guards: the transition runs them, why_not gives their sentence -------------------------------


def test_submit_guard_refuses_an_incomplete_draft_with_its_problems(world):
    application = world.draft(achievements=0)

    reason = why_not(application, application.applicant, "submit")
    with pytest.raises(ValidationError) as error:
        application_transition(application=application, action="submit", actor=application.applicant)

    assert reason == "Add at least one achievement with its evidence."
    assert error.value.messages == ["Add at least one achievement with its evidence."]
    assert Application.objects.get(pk=application.pk).status == S.DRAFT
    assert not Transition.objects.filter(application=application).exists()


def test_forward_guard_refuses_before_the_internal_notice_with_the_same_sentence_everywhere(world):
    application = world.submitted()
    sentence = "Make the application known inside the enterprise (单位内部公示) before forwarding it."

    with pytest.raises(ValidationError) as error:
        application_transition(application=application, action="forward", actor=world.contact)

    assert error.value.messages == [sentence]
    assert why_not(application, world.contact, "forward") == sentence
    page = _client(world.contact).get(reverse("applications:enterprise_applications")).content.decode()
    assert sentence in page
    assert Application.objects.get(pk=application.pk).status == S.ENTERPRISE_REVIEW


@pytest.mark.parametrize("active", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_the_internal_notice_ends_by_the_day_in_china_whatever_time_zone_is_active(world, monkeypatch, active):
    """17:00 UTC on 5 March is 01:00 on 6 March in Zaozhuang: a notice whose last day was 5 March has
    ended there, though it is still 5 March in UTC (CI once ran at that hour and the forward was refused)."""
    notice = world.notice_ended()
    notice.ends_on = datetime.date(2024, 3, 5)
    moment = datetime.datetime(2024, 3, 5, 17, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    with timezone.override(active):
        assert notice.has_ended()
        notice.ends_on = datetime.date(2024, 3, 6)
        assert not notice.has_ended()


def test_resubmit_without_a_correction_is_refused_by_its_guard(world):
    application = in_status(world, S.RETURNED)
    application.corrections.update(answered_at=application.status_changed_at)

    with pytest.raises(ValidationError) as error:
        application_transition(application=application, action="resubmit", actor=application.applicant)

    assert error.value.messages == ["There is no return for correction to answer."]
    assert Application.objects.get(pk=application.pk).status == S.RETURNED


def test_why_not_writes_nothing(world):
    application = world.submitted()
    counts = (Transition.objects.count(), NominationEntry.objects.count(), Application.objects.get().changed_at)

    why_not(application, world.contact, "forward")
    why_not(application, world.chairman, "nominate")

    assert (Transition.objects.count(), NominationEntry.objects.count(), Application.objects.get().changed_at) == counts


# --- A broken signature: shown as broken, never voided by a page -------------------------------------


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def _changed_behind_the_services(application):
    """Content that changes without ``application_touch`` (a fix in the database, a bug)."""
    Achievement.objects.filter(application=application).update(title="改过的业绩标题")


def test_nomination_signature_of_a_changed_application_is_broken_and_stays_unvoided(world):
    application = world.at_district()
    _changed_behind_the_services(application)

    signature = nomination_signature(application)

    assert (signature.state, signature.valid, signature.reason) == (
        "broken",
        False,
        "The application differs from the one signed.",
    )
    assert NominationEntry.objects.get(application=application).voided_at is None


def test_pages_show_a_broken_signature_on_get_without_voiding_it(world):
    application = world.at_district()
    _changed_behind_the_services(application)

    audit = _client(world.district).get(reverse("applications:detail", args=[application.pk]))
    enterprise = _client(world.contact).get(reverse("applications:enterprise_applications"))
    applicant = _client(application.applicant).get(reverse("applications:my_application", args=[application.pk]))
    queue = _client(world.district).get(reverse("applications:district_queue"))

    entry = NominationEntry.objects.get(application=application)
    assert (entry.voided_at, entry.void_reason) == (None, "")
    assert audit.context["nomination"].state == "broken"
    assert "but no longer valid: The application differs from the one signed." in audit.content.decode()
    assert [a.nomination.state for g in enterprise.context["groups"] for a in g["applications"]] == ["broken"]
    assert "Signature no longer valid" in enterprise.content.decode()
    assert applicant.context["nomination"].state == "broken"
    assert 'data-testid="nomination-broken"' in applicant.content.decode()
    assert [row.nomination.state for row in queue.context["rows"]] == ["broken"]
    assert 'data-testid="unsigned"' in queue.content.decode()


def test_pass_with_a_broken_signature_is_refused_and_the_page_says_why(world):
    application = world.at_district()
    _changed_behind_the_services(application)

    with pytest.raises(ValidationError) as error:
        services.application_pass(application=application, actor=world.district)
    page = _client(world.district).get(reverse("applications:detail", args=[application.pk]))

    assert error.value.code == "not_nominated"
    assert page.context["pass_refused"] == error.value.messages[0]
    assert 'data-testid="pass-refused"' in page.content.decode()
    assert Application.objects.get(pk=application.pk).status == S.DISTRICT_AUDIT
    assert NominationEntry.objects.get(application=application).voided_at is None
