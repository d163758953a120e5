"""Meetings and the draw: the committee's rules, the verifiable random draw with exclusions and ordered
substitutes, cases and assignments (never a conflicted pair), and substitutes taking a member's place."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from applications.models import Status
from reviews.models import Assignment, Case, Committee, DrawExclusion, ExpertRelation, Meeting, PanelMember
from reviews.services.draw import (
    assignments_create,
    cases_add,
    draw_sample,
    draw_verify,
    meeting_create,
    meeting_update,
    panel_draw,
    panel_substitute,
    seed_sha256,
)
from tests.applications.factories import World
from tests.reviews.factories import ExpertFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


class DrawWorld:
    """A batch with accepted applications, a committee by specialty of ``experts`` experts of 机械设计
    (the size rules waived with a recorded reason when there are fewer than 11), and a planned meeting."""

    def __init__(self, *, experts=11, panel_size=5, substitutes=2, applications=2, world=None):
        self.world = world or World()
        self.batch = self.world.batch
        self.city = self.world.city
        self.specialty = SpecialtyFactory(name="机械设计")
        self.experts = [ExpertFactory(specialties=[self.specialty]) for _ in range(experts)]
        self.committee = Committee.objects.create(
            batch=self.batch,
            name="机械专业评审委员会",
            kind=Committee.Kind.SPECIALTY,
            size_override_reason="" if experts >= 11 and experts % 2 else "测试用小型委员会",
        )
        self.committee.members.set(self.experts)
        self.applications = [self.world.accepted() for _ in range(applications)]
        self.meeting = meeting_create(
            actor=self.city,
            batch=self.batch,
            specialty=self.specialty,
            name="机械设计专业评审会",
            held_on=timezone.localdate() + datetime.timedelta(days=10),
            scoring_deadline=timezone.now() + datetime.timedelta(days=7),
            panel_size=panel_size,
            substitutes=substitutes,
        )

    def add_cases(self):
        return cases_add(meeting=self.meeting, applications=self.applications, actor=self.city)

    def draw(self):
        return panel_draw(meeting=self.meeting, actor=self.city)


def test_meeting_create_publishes_the_seed_hash_only():
    w = DrawWorld()
    meeting = Meeting.objects.get(pk=w.meeting.pk)
    assert len(meeting.seed) == 64
    assert meeting.seed_sha256 == seed_sha256(meeting.seed)
    assert meeting.status == Meeting.Status.PLANNED


def test_meeting_create_refuses_an_even_panel():
    w = DrawWorld()
    with pytest.raises(ValidationError) as error:
        meeting_create(
            actor=w.city,
            batch=w.batch,
            specialty=w.specialty,
            name="x",
            held_on=w.meeting.held_on,
            scoring_deadline=w.meeting.scoring_deadline,
            panel_size=6,
        )
    assert "panel_size" in error.value.error_dict


def test_meeting_create_refuses_a_committee_breaking_the_rules_without_a_reason():
    w = DrawWorld()
    w.committee.members.remove(w.experts[0])  # 10 members: even and fewer than 11
    count = Meeting.objects.count()
    with pytest.raises(ValidationError) as error:
        meeting_create(
            actor=w.city,
            batch=w.batch,
            specialty=w.specialty,
            name="x",
            held_on=w.meeting.held_on,
            scoring_deadline=w.meeting.scoring_deadline,
            panel_size=5,
        )
    text = " ".join(error.value.messages)
    assert "人社部令第40号" in text
    assert "11" in text
    assert Meeting.objects.count() == count


def test_meeting_create_with_a_reason_records_it_on_the_committee():
    w = DrawWorld()
    w.committee.members.remove(w.experts[0])
    meeting = meeting_create(
        actor=w.city,
        batch=w.batch,
        specialty=w.specialty,
        name="x",
        held_on=w.meeting.held_on,
        scoring_deadline=w.meeting.scoring_deadline,
        panel_size=5,
        size_override_reason="本专业在库专家不足，经局务会研究同意",
    )
    assert meeting.pk
    w.committee.refresh_from_db()
    assert w.committee.size_override_reason == "本专业在库专家不足，经局务会研究同意"


def test_panel_draw_members_then_ordered_substitutes_and_seed_reproduces_it():
    w = DrawWorld(panel_size=5, substitutes=2)
    w.add_cases()
    w.draw()
    panel = list(PanelMember.objects.filter(meeting=w.meeting).order_by("order"))
    assert [m.order for m in panel] == [1, 2, 3, 4, 5, 6, 7]
    assert [m.kind for m in panel] == ["member"] * 5 + ["substitute"] * 2
    meeting = Meeting.objects.get(pk=w.meeting.pk)
    expected = draw_sample([e.pk for e in w.experts], meeting.seed, 7)
    assert [m.expert_id for m in panel] == expected
    assert draw_verify(meeting).matches is True
    assert meeting.drawn_by == w.city
    assert meeting.status == Meeting.Status.SCORING  # the cases were there: assignments made


def test_draw_sample_ignores_the_listing_order():
    pks = list(range(1, 30))
    assert draw_sample(pks, "ab" * 32, 7) == draw_sample(list(reversed(pks)), "ab" * 32, 7)
    assert draw_sample(pks, "ab" * 32, 7) != draw_sample(pks, "cd" * 32, 7)


def test_draw_verify_fails_when_the_panel_was_tampered_with():
    w = DrawWorld()
    w.draw()
    first, second = PanelMember.objects.filter(meeting=w.meeting).order_by("order")[:2]
    PanelMember.objects.filter(pk=first.pk).update(order=99)
    PanelMember.objects.filter(pk=second.pk).update(order=1)
    PanelMember.objects.filter(pk=first.pk).update(order=2)
    assert draw_verify(Meeting.objects.get(pk=w.meeting.pk)).matches is False


def test_panel_draw_never_draws_an_excluded_expert_and_records_why():
    w = DrawWorld(experts=13, panel_size=5, substitutes=2)
    inactive, ended, other, conflicted = w.experts[:4]
    inactive.is_active = False
    inactive.save()
    ended.term_starts = timezone.localdate() - datetime.timedelta(days=900)
    ended.term_ends = timezone.localdate() - datetime.timedelta(days=1)
    ended.save()
    other.specialties.set([SpecialtyFactory(name="化工工艺")])
    conflicted.employer = w.world.enterprise  # every case comes from this enterprise
    conflicted.save()
    w.add_cases()
    w.draw()
    drawn = set(PanelMember.objects.filter(meeting=w.meeting).values_list("expert_id", flat=True))
    excluded = dict(DrawExclusion.objects.filter(meeting=w.meeting).values_list("expert_id", "reason"))
    assert excluded == {inactive.pk: "inactive", ended.pk: "term", other.pk: "specialty", conflicted.pk: "conflict"}
    assert not drawn & set(excluded)
    assert len(drawn) == 7


def test_an_expert_conflicted_with_some_cases_is_drawn_but_not_assigned_those():
    w = DrawWorld(experts=7, panel_size=5, substitutes=2)
    partly = w.experts[0]
    ExpertRelation.objects.create(expert=partly, applicant=w.applications[0].applicant, reason="亲属")
    w.add_cases()
    w.draw()
    member = PanelMember.objects.get(meeting=w.meeting, expert=partly)  # all 7 are drawn
    assigned = set(Assignment.objects.filter(expert=partly).values_list("case__application_id", flat=True))
    if member.kind == PanelMember.Kind.MEMBER:
        assert assigned == {w.applications[1].pk}
    else:
        assert assigned == set()
    assert not DrawExclusion.objects.filter(meeting=w.meeting).exists()


def test_assignments_never_pair_an_expert_with_its_own_enterprise():
    w = DrawWorld(experts=7, panel_size=5, substitutes=2)
    elsewhere = World().accepted()
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(batch=w.batch)
    elsewhere.batch = w.batch
    w.applications.append(elsewhere)
    # Every expert but the first works at the enterprise of the first two applications (by credit code).
    for expert in w.experts[1:]:
        expert.employer_credit_code = w.world.enterprise.credit_code
        expert.save()
    w.add_cases()
    w.draw()
    members = PanelMember.objects.filter(meeting=w.meeting, kind=PanelMember.Kind.MEMBER)
    pairs = set(Assignment.objects.filter(case__meeting=w.meeting).values_list("expert_id", "case__application_id"))
    expected = set()
    for member in members:
        expected.add((member.expert_id, elsewhere.pk))
        if member.expert_id == w.experts[0].pk:
            expected |= {(member.expert_id, a.pk) for a in w.applications[:2]}
    assert pairs == expected


def test_panel_draw_with_too_few_eligible_says_how_many_and_why_and_writes_nothing():
    w = DrawWorld(experts=9, panel_size=7, substitutes=2)
    w.experts[0].is_active = False
    w.experts[0].save()
    w.experts[1].is_active = False
    w.experts[1].save()
    w.experts[2].specialties.set([SpecialtyFactory(name="材料")])
    with translation.override("en"), pytest.raises(ValidationError) as error:
        w.draw()
    message = error.value.messages[0]
    assert "6" in message and "9" in message
    assert "7" in message and "2" in message
    assert "Inactive: 2" in message
    assert not PanelMember.objects.filter(meeting=w.meeting).exists()
    assert not DrawExclusion.objects.filter(meeting=w.meeting).exists()
    meeting = Meeting.objects.get(pk=w.meeting.pk)
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.drawn_at is None


def test_panel_draw_twice_is_refused():
    w = DrawWorld()
    w.draw()
    with pytest.raises(ValidationError):
        w.draw()
    assert PanelMember.objects.filter(meeting=w.meeting).count() == 7


def test_cases_add_moves_applications_into_review():
    w = DrawWorld()
    cases = w.add_cases()
    assert [c.position for c in cases] == [1, 2]
    for application in w.applications:
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW


def test_cases_add_refuses_a_non_accepted_application_and_writes_nothing():
    w = DrawWorld()
    draft = w.world.draft()
    with pytest.raises(ValidationError) as error:
        cases_add(meeting=w.meeting, applications=[*w.applications, draft], actor=w.city)
    assert draft.number in error.value.messages[0]
    assert not Case.objects.filter(meeting=w.meeting).exists()
    w.applications[0].refresh_from_db()
    assert w.applications[0].status == Status.ACCEPTED


def test_cases_added_after_the_draw_are_assigned_to_the_panel():
    w = DrawWorld()
    w.draw()
    assert Meeting.objects.get(pk=w.meeting.pk).status == Meeting.Status.DRAWN
    w.add_cases()
    assert Assignment.objects.filter(case__meeting=w.meeting).count() == 2 * 5
    assert Meeting.objects.get(pk=w.meeting.pk).status == Meeting.Status.SCORING
    assert assignments_create(meeting=w.meeting) == []  # idempotent


def test_panel_substitute_takes_over_in_order_except_conflicts():
    w = DrawWorld(panel_size=5, substitutes=2)
    w.add_cases()
    w.draw()
    panel = list(PanelMember.objects.filter(meeting=w.meeting).order_by("order"))
    first_sub, second_sub = panel[5], panel[6]
    ExpertRelation.objects.create(expert=first_sub.expert, applicant=w.applications[0].applicant, reason="同学")
    substitute = panel_substitute(member=panel[0], reason="因病无法参会", actor=w.city)
    assert substitute.pk == first_sub.pk
    assert set(Assignment.objects.filter(expert=first_sub.expert).values_list("case__application_id", flat=True)) == {
        w.applications[1].pk
    }
    assert not Assignment.objects.filter(expert=panel[0].expert).exists()
    panel[0].refresh_from_db()
    assert panel[0].withdrawn_reason == "因病无法参会"
    assert panel_substitute(member=panel[1], reason="出差", actor=w.city).pk == second_sub.pk
    with pytest.raises(ValidationError):
        panel_substitute(member=panel[2], reason="出差", actor=w.city)


def test_panel_substitute_refused_once_the_member_submitted():
    w = DrawWorld()
    w.add_cases()
    w.draw()
    member = PanelMember.objects.filter(meeting=w.meeting).order_by("order").first()
    Assignment.objects.filter(expert=member.expert).update(submitted_at=timezone.now())
    with pytest.raises(ValidationError):
        panel_substitute(member=member, reason="因病", actor=w.city)


def test_meeting_update_changes_name_and_deadline_and_nothing_else():
    w = DrawWorld()
    deadline = timezone.now() + datetime.timedelta(days=3)

    meeting_update(meeting=w.meeting, actor=w.city, name="更正后的名称", scoring_deadline=deadline)

    meeting = Meeting.objects.get(pk=w.meeting.pk)
    assert (meeting.name, meeting.scoring_deadline, meeting.seed_sha256) == (
        "更正后的名称",
        deadline,
        w.meeting.seed_sha256,
    )


def test_meeting_update_refuses_a_deadline_after_the_meeting_date_as_meeting_create_does():
    w = DrawWorld()
    late = timezone.now() + datetime.timedelta(days=11)
    with pytest.raises(ValidationError) as updating:
        meeting_update(meeting=w.meeting, actor=w.city, name="x", scoring_deadline=late)
    with pytest.raises(ValidationError) as creating:
        meeting_create(
            actor=w.city,
            batch=w.batch,
            specialty=w.specialty,
            name="x",
            held_on=w.meeting.held_on,
            scoring_deadline=late,
            panel_size=5,
        )
    assert updating.value.message_dict == creating.value.message_dict
    assert list(updating.value.message_dict) == ["scoring_deadline"]
    assert Meeting.objects.get(pk=w.meeting.pk).name == "机械设计专业评审会"


def test_meeting_update_only_by_city_staff():
    w = DrawWorld()
    with pytest.raises(PermissionDenied):
        meeting_update(
            meeting=w.meeting, actor=w.experts[0].user, name="x", scoring_deadline=w.meeting.scoring_deadline
        )
