"""Factories of reviews and a builder of a meeting ready to score and vote (arranged directly in the
database, for tests of scoring and voting that are not about the draw)."""

import datetime

import factory
from django.utils import timezone

from applications.workflow import application_transition
from reviews.models import Assignment, Case, Criterion, Expert, Meeting, PanelMember, ReviewSettings, Specialty
from tests.applications.factories import World
from tests.factories import UserFactory
from zaozhuang_titles.models import Role

#: The default rubric of the issue: 技术创新与研发 30, 专利与知识产权 20, 成果转化与经济效益 30, 工作绩效与团队贡献 20.
DEFAULT_RUBRIC = [
    ("技术创新与研发", 30),
    ("专利与知识产权", 20),
    ("成果转化与经济效益", 30),
    ("工作绩效与团队贡献", 20),
]


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("name",)

    name = "机械设计"


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[Role.EXPERT])
    title_name = "正高级工程师"
    employer_name = factory.Sequence(lambda n: f"山东某大学{n}")
    term_starts = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    term_ends = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=500))

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create:
            self.specialties.set(extracted if extracted is not None else [SpecialtyFactory()])


def rubric_for(batch):
    return [
        Criterion.objects.get_or_create(batch=batch, name=name, defaults={"max_points": points, "position": i})[0]
        for i, (name, points) in enumerate(DEFAULT_RUBRIC)
    ]


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    batch = factory.SubFactory("tests.factories.BatchFactory")
    specialty = factory.SubFactory(SpecialtyFactory)
    name = factory.Sequence(lambda n: f"机械专业评审会{n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    scoring_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))
    panel_size = 5
    status = Meeting.Status.SCORING


class ReviewWorld:
    """A batch with accepted applications, a meeting of ``panel_size`` experts (with assignments for
    every case), the default rubric and review settings. ``world`` is the applications' World."""

    def __init__(self, *, division=None, cases=2, panel_size=5):
        self.world = World(division=division)
        self.batch = self.world.batch
        self.criteria = rubric_for(self.batch)
        ReviewSettings.objects.get_or_create(batch=self.batch)
        self.specialty = SpecialtyFactory()
        self.meeting = MeetingFactory(batch=self.batch, specialty=self.specialty, panel_size=panel_size)
        self.experts = [ExpertFactory(specialties=[self.specialty]) for _ in range(panel_size)]
        for order, expert in enumerate(self.experts, start=1):
            PanelMember.objects.create(meeting=self.meeting, expert=expert, kind=PanelMember.Kind.MEMBER, order=order)
        self.applications = [self.world.accepted() for _ in range(cases)]
        self.cases = []
        for position, application in enumerate(self.applications):
            application_transition(application=application, action="start_review", actor=self.world.city)
            case = Case.objects.create(meeting=self.meeting, application=application, position=position)
            Assignment.objects.bulk_create([Assignment(case=case, expert=expert) for expert in self.experts])
            self.cases.append(case)
        self.city = self.world.city
