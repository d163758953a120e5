"""factory_boy factories and builders of the surveys app."""

import datetime

import factory
from django.utils import timezone

from surveys.models import Dispatch, Option, Question, QuestionKind, Questionnaire, Recipient
from tests.factories import UserFactory
from zaozhuang_titles.models import Role


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"职称评审需求调查{n}")
    created_by = factory.SubFactory(UserFactory, roles=[Role.CITY_STAFF])


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.SHORT_TEXT
    text = factory.Sequence(lambda n: f"问题{n}")


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory, kind=QuestionKind.SINGLE)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"选项{n}")


class DispatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispatch

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    sent_by = factory.SelfAttribute("questionnaire.created_by")
    sent_at = factory.LazyFunction(timezone.now)


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    dispatch = factory.SubFactory(DispatchFactory)
    enterprise = factory.SubFactory("tests.enterprises.factories.EnterpriseFactory")


def question(questionnaire, kind, text, *, options=(), required=False, show_if=None, **fields):
    """A question at the end of ``questionnaire`` with ``options`` (labels); returns it with ``opt``, its
    options by label."""
    position = questionnaire.questions.count()
    made = Question.objects.create(
        questionnaire=questionnaire,
        position=position,
        kind=kind,
        text=text,
        required=required,
        show_if=show_if,
        **fields,
    )
    made.opt = {label: Option.objects.create(question=made, position=i, label=label) for i, label in enumerate(options)}
    return made


def build_survey(questionnaire=None):
    """The questionnaire the tests share, with a branch on each choice kind:

    1. single 是/否 (required) — 2. number 1–100 (required), shown when 1 is 是 — 3. multiple A/B/C —
    4. scale (required) — 5. short text, shown when 3 includes C — 6. long text.
    Returns (questionnaire, [questions])."""
    questionnaire = questionnaire or QuestionnaireFactory()
    q1 = question(questionnaire, QuestionKind.SINGLE, "是否申报", options=["是", "否"], required=True)
    q2 = question(
        questionnaire, QuestionKind.NUMBER, "人数", required=True, show_if=q1.opt["是"], min_value=1, max_value=100
    )
    q3 = question(questionnaire, QuestionKind.MULTIPLE, "需要的服务", options=["A", "B", "C"])
    q4 = question(questionnaire, QuestionKind.SCALE, "满意度", required=True)
    q5 = question(questionnaire, QuestionKind.SHORT_TEXT, "其他需求", show_if=q3.opt["C"])
    q6 = question(questionnaire, QuestionKind.LONG_TEXT, "建议")
    return questionnaire, [q1, q2, q3, q4, q5, q6]
