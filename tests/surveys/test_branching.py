"""Simple branching: which questions are shown, and the server dropping hidden answers and requiring
only visible required ones."""

import pytest
from django.core.exceptions import ValidationError

from surveys.branching import visible_question_ids
from surveys.models import Answer
from surveys.services import clean_answers, response_save

pytestmark = pytest.mark.django_db


def ids(questions, *numbers):
    return {questions[n - 1].pk for n in numbers}


def test_visible_questions_without_answers_are_those_without_a_condition(survey):
    _questionnaire, questions = survey

    assert visible_question_ids(questions, {}) == ids(questions, 1, 3, 4, 6)


def test_visible_questions_follow_the_chosen_options(survey):
    _questionnaire, (q1, q2, q3, q4, q5, q6) = survey
    answers = {q1.pk: q1.opt["是"].pk, q3.pk: [q3.opt["A"].pk, q3.opt["C"].pk]}

    assert visible_question_ids([q1, q2, q3, q4, q5, q6], answers) == {q1.pk, q2.pk, q3.pk, q4.pk, q5.pk, q6.pk}


def test_a_choice_left_in_a_hidden_question_shows_nothing(survey):
    questionnaire, (q1, q2, *_rest) = survey
    from tests.surveys.factories import question

    # 7 depends on an option of 2, and 2 is hidden when 1 is 否: 7 stays hidden whatever 2 holds.
    q2.kind = "single"
    q2.save()
    option = q2.options.create(label="x", position=0)
    q7 = question(questionnaire, "short_text", "深层", show_if=option)
    questions = [*survey[1], q7]

    assert q7.pk not in visible_question_ids(questions, {q1.pk: q1.opt["否"].pk, q2.pk: option.pk})
    assert q7.pk in visible_question_ids(questions, {q1.pk: q1.opt["是"].pk, q2.pk: option.pk})


def test_clean_answers_drops_the_answer_of_a_hidden_question(survey):
    _questionnaire, (q1, q2, q3, q4, q5, q6) = survey
    raw = {q1.pk: str(q1.opt["否"].pk), q2.pk: "12", q3.pk: [str(q3.opt["A"].pk)], q4.pk: "4", q5.pk: "藏起来的"}

    cleaned = clean_answers([q1, q2, q3, q4, q5, q6], raw, complete=True)

    assert cleaned == {q1.pk: q1.opt["否"].pk, q3.pk: [q3.opt["A"].pk], q4.pk: 4}


def test_clean_answers_requires_a_visible_required_question(survey):
    _questionnaire, (q1, q2, q3, q4, q5, q6) = survey
    raw = {q1.pk: q1.opt["是"].pk, q4.pk: 3}

    with pytest.raises(ValidationError) as raised:
        clean_answers([q1, q2, q3, q4, q5, q6], raw, complete=True)

    assert set(raised.value.message_dict) == {f"q{q2.pk}"}
    assert raised.value.message_dict[f"q{q2.pk}"] == ["This question must be answered."]


def test_clean_answers_does_not_require_a_hidden_required_question(survey):
    _questionnaire, (q1, q2, q3, q4, q5, q6) = survey

    cleaned = clean_answers([q1, q2, q3, q4, q5, q6], {q1.pk: q1.opt["否"].pk, q4.pk: 5}, complete=True)

    assert cleaned == {q1.pk: q1.opt["否"].pk, q4.pk: 5}


def test_clean_answers_ignores_a_wrong_value_in_a_hidden_question(survey):
    _questionnaire, (q1, q2, q3, q4, q5, q6) = survey

    cleaned = clean_answers([q1, q2, q3, q4, q5, q6], {q1.pk: q1.opt["否"].pk, q2.pk: "abc", q4.pk: 5}, complete=True)

    assert q2.pk not in cleaned


@pytest.mark.parametrize(
    ("number", "value", "message"),
    [
        (1, "999999", "Choose one of the options shown."),
        (2, "0", "Enter at least 1."),
        (2, "101", "Enter at most 100."),
        (2, "1.234", "Enter a number of at most 10 digits and 2 decimals, e.g. 12 or 3.5."),
        (2, "十二", "Enter a number, e.g. 12 or 3.5."),
        (4, "6", "Choose a point from 1 to 5."),
        (5, "长" * 201, "Write at most 200 characters (now 201)."),
    ],
)
def test_clean_answers_names_what_is_wrong_with_a_value(survey, number, value, message):
    _questionnaire, questions = survey
    q1, _q2, q3 = questions[:3]
    raw = {q1.pk: q1.opt["是"].pk, q3.pk: [q3.opt["C"].pk], questions[number - 1].pk: value}

    with pytest.raises(ValidationError) as raised:
        clean_answers(questions, raw, complete=False)

    assert raised.value.message_dict == {f"q{questions[number - 1].pk}": [message]}


def test_an_option_of_another_question_is_refused(survey):
    _questionnaire, (q1, _q2, q3, *_rest) = survey

    with pytest.raises(ValidationError) as raised:
        clean_answers(survey[1], {q3.pk: [q1.opt["是"].pk]}, complete=False)

    assert raised.value.message_dict == {f"q{q3.pk}": ["Choose among the options shown."]}


def test_response_save_stores_no_answer_of_a_hidden_question(recipient, contact, survey):
    _questionnaire, (q1, q2, q3, q4, q5, _q6) = survey
    raw = {q1.pk: str(q1.opt["否"].pk), q2.pk: "30", q3.pk: [str(q3.opt["B"].pk)], q4.pk: "2", q5.pk: "不该存"}

    response = response_save(recipient=recipient, user=contact, answers=raw, submit=True)

    stored = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    assert stored == {q1.pk, q3.pk, q4.pk}
