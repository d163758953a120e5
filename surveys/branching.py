"""Simple branching (跳题逻辑): a question with ``show_if`` is shown only when that option is chosen in a
visible question above it. ``visible_question_ids`` is the one rule: the answer service drops the
answers of hidden questions and requires only the visible required ones with it, and the answer page's
script (``static/js/survey-answer.js``) follows the same walk in the browser.
"""

from surveys.models import QuestionKind


def is_empty(value):
    return value is None or value == "" or (isinstance(value, (list, tuple, set, frozenset)) and not value)


def chosen_options(question, value):
    """The option ids ``value`` chooses in ``question`` (none for a question without options)."""
    if is_empty(value):
        return set()
    if question.kind == QuestionKind.SINGLE:
        return {value}
    if question.kind == QuestionKind.MULTIPLE:
        return set(value)
    return set()


def visible_question_ids(questions, answers):
    """The ids of the ``questions`` (in their order) shown for ``answers`` ({question id: value}).

    A question without a condition is always shown; one with a condition is shown when its option is
    chosen in a question already shown. A condition on a hidden question therefore hides its followers
    too, and a choice left in a hidden question shows nothing."""
    visible, chosen = set(), set()
    for question in questions:
        if question.show_if_id is None or question.show_if_id in chosen:
            visible.add(question.pk)
            chosen |= chosen_options(question, answers.get(question.pk))
    return visible
