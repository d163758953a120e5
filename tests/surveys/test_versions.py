"""Versions: a questionnaire with answers (a draft too) cannot change its questions, in the services and
in the models' clean; a new version copies everything and can change."""

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Option, Question, QuestionKind, Questionnaire, SurveyEvent
from surveys.services import (
    question_delete,
    question_move,
    question_save,
    questionnaire_new_version,
    response_save,
)

pytestmark = pytest.mark.django_db

LOCKED = "has answers, so its questions cannot change any more"


@pytest.fixture
def answered(recipient, contact, survey):
    """The survey with one draft answer of one enterprise."""
    q1 = survey[1][0]
    response_save(recipient=recipient, user=contact, answers={q1.pk: q1.opt["否"].pk}, submit=False)
    return survey


def test_a_questionnaire_without_answers_can_change_even_once_sent(recipient, survey, city_user):
    questionnaire, (q1, *_rest) = survey

    question_save(
        questionnaire=questionnaire,
        question=q1,
        actor=city_user,
        kind="single",
        text="新的问题",
        options=["是", "否", "不确定"],
    )

    assert list(q1.options.values_list("label", flat=True)) == ["是", "否", "不确定"]
    assert Question.objects.get(pk=q1.pk).text == "新的问题"


def test_a_draft_answer_locks_the_questions(answered, city_user):
    questionnaire, (q1, *_rest) = answered

    assert questionnaire.has_answers()
    with pytest.raises(ValidationError, match=LOCKED):
        question_save(
            questionnaire=questionnaire, question=q1, actor=city_user, kind="single", text="改", options=["是", "否"]
        )
    with pytest.raises(ValidationError, match=LOCKED):
        question_save(questionnaire=questionnaire, actor=city_user, kind="short_text", text="新增")
    with pytest.raises(ValidationError, match=LOCKED):
        question_delete(question=q1, actor=city_user)
    with pytest.raises(ValidationError, match=LOCKED):
        question_move(question=answered[1][2], actor=city_user, up=True)

    assert Question.objects.get(pk=q1.pk).text == "是否申报"
    assert Question.objects.filter(questionnaire=questionnaire).count() == 6


def test_the_models_clean_refuses_a_change_of_a_locked_questionnaire(answered):
    questionnaire, (q1, *_rest) = answered
    q1.text = "绕过服务"
    new_option = Option(question=q1, label="第三项", position=9)
    new_question = Question(questionnaire=questionnaire, kind="short_text", text="绕过", position=9)

    for instance in (q1, new_option, new_question):
        with pytest.raises(ValidationError, match=LOCKED):
            instance.full_clean()


def test_a_new_version_copies_questions_options_and_branches(answered, city_user):
    questionnaire, questions = answered

    copy = questionnaire_new_version(questionnaire=questionnaire, actor=city_user)

    assert (copy.version, copy.previous, copy.has_answers()) == (2, questionnaire, False)
    copied = list(copy.questions.order_by("position"))
    assert [(q.kind, q.text, q.required) for q in copied] == [(q.kind, q.text, q.required) for q in questions]
    assert copied[1].show_if.question == copied[0] and copied[1].show_if.label == "是"
    assert copied[4].show_if.question == copied[2] and copied[4].show_if.label == "C"
    assert {o.question.questionnaire_id for o in Option.objects.filter(question__in=copied)} == {copy.pk}
    # ... and the copy can change.
    question_save(
        questionnaire=copy, question=copied[0], actor=city_user, kind="single", text="改了", options=["是", "否"]
    )
    assert SurveyEvent.objects.filter(questionnaire=copy, action=SurveyEvent.Action.VERSION_CREATED).exists()


def test_versions_form_a_line(answered, city_user):
    questionnaire, _questions = answered
    questionnaire_new_version(questionnaire=questionnaire, actor=city_user)

    with pytest.raises(ValidationError, match="Version 2 was already made from this one"):
        questionnaire_new_version(questionnaire=questionnaire, actor=city_user)
    assert Questionnaire.objects.count() == 2


def test_an_option_a_branch_depends_on_cannot_be_removed(survey, city_user):
    questionnaire, (q1, *_rest) = survey

    with pytest.raises(ValidationError) as raised:
        question_save(
            questionnaire=questionnaire,
            question=q1,
            actor=city_user,
            kind="single",
            text="是否申报",
            options=["否", "不"],
        )

    assert raised.value.message_dict["options"] == [
        "Question 2 is shown only when “是” is chosen; change its condition before removing that option."
    ]
    assert list(q1.options.values_list("label", flat=True)) == ["是", "否"]


def test_a_question_cannot_move_above_its_condition(survey, city_user):
    _questionnaire, (_q1, q2, *_rest) = survey

    with pytest.raises(ValidationError, match="Question 2 is shown only when an answer of question 1 is chosen"):
        question_move(question=q2, actor=city_user, up=True)


def test_a_question_moves_and_keeps_its_options(survey, city_user):
    questionnaire, (_q1, _q2, _q3, q4, *_rest) = survey

    question_move(question=q4, actor=city_user, up=True)

    assert list(questionnaire.questions.order_by("position").values_list("text", flat=True))[2:4] == [
        "满意度",
        "需要的服务",
    ]


def test_a_condition_must_be_on_an_earlier_question(survey):
    _questionnaire, (q1, _q2, q3, *_rest) = survey
    q1.show_if = q3.opt["A"]

    with pytest.raises(ValidationError) as raised:
        q1.full_clean()

    assert raised.value.message_dict["show_if"] == [
        "A question can depend only on an answer to an earlier question; choose one above it."
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["只有一个"], "A choice question needs 2 to 30 options, one per line; 1 given."),
        (["同", "同", "异"], "Each option must be different; listed twice: 同."),
    ],
)
def test_choice_options_are_checked(survey, city_user, options, message):
    questionnaire, _questions = survey

    with pytest.raises(ValidationError) as raised:
        question_save(
            questionnaire=questionnaire, actor=city_user, kind=QuestionKind.MULTIPLE, text="选项", options=options
        )

    assert raised.value.message_dict["options"] == [message]
