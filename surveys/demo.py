"""Demo data of questionnaires: the campaign's needs survey (职称评审需求调查问卷) with a branch, sent by
the demo ``city`` account to every active key enterprise, and answered by 20 of them (each answer
saved by the enterprise's contact on record), so that the results page has counts, cross-tabulations
by division and recognition kind, and free text to read. The demo enterprise (滕州鲁信精工机械有限公司)
has not answered: the demo ``contact`` answers it during the walk. The deadline is 10 working days
after the seeding, so the questionnaire stays open.

Idempotent: when the questionnaire exists, nothing is added. Deterministic (seeded random).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from enterprises.demo import DEMO_ENTERPRISE_NAME
from enterprises.models import Enterprise, EnterpriseContact
from surveys.models import Answer, Dispatch, Option, Question, QuestionKind, Questionnaire, Recipient, Response
from surveys.selectors import questions_of
from surveys.services import answer_rows, clean_answers
from zaozhuang_titles.models import User
from zaozhuang_titles.workdays import add_working_days

TITLE = "枣庄市专精特新企业职称评审需求调查问卷"
INTRODUCTION = (
    "为做好专精特新企业专业技术人才职称评审专项工作，了解企业人才结构和申报需求，请企业经办人如实填写。"
    "问卷结果仅用于改进服务。"
)
#: How many enterprises answer in the demo.
ANSWERED = 20
#: (kind, text, required, options, condition: (question index, option label) or None, extra fields)
QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "贵单位专业技术人员中具有中级及以上职称的比例",
        True,
        ["不足20%", "20%–50%", "50%以上"],
        None,
        {},
    ),
    (QuestionKind.SINGLE, "今年是否有人员计划通过专项通道申报高级工程师？", True, ["是", "否", "尚未确定"], None, {}),
    (QuestionKind.NUMBER, "预计申报人数", True, [], (1, "是"), {"min_value": 1, "max_value": 500}),
    (
        QuestionKind.MULTIPLE,
        "希望获得哪些服务？（可多选）",
        False,
        ["政策解读", "申报材料辅导", "继续教育学时认定", "系统操作培训", "其他"],
        None,
        {},
    ),
    (QuestionKind.SHORT_TEXT, "请说明其他服务需求", False, [], (3, "其他"), {}),
    (QuestionKind.SCALE, "对职称评审专项政策宣传的满意度（1 最低，5 最高）", True, [], None, {}),
    (QuestionKind.LONG_TEXT, "职称申报中遇到的主要困难和建议", False, [], None, {}),
]
DIFFICULTIES = [
    "技术人员多在一线，论文成果少，希望继续坚持以实绩评价。",
    "继续教育学时统计口径不清楚，希望提供学时认定说明。",
    "申报系统材料上传要求较多，希望提供操作视频。",
    "专利成果转化证明材料不知道如何开具。",
    "",
    "",
]
OTHER_NEEDS = ["企业内部人才梯队建设咨询", "职称与技能等级贯通政策", "外地引进人才职称认定"]


def _questionnaire(city):
    questionnaire = Questionnaire.objects.create(title=TITLE, introduction=INTRODUCTION, created_by=city)
    created = []
    for position, (kind, text, required, labels, condition, extra) in enumerate(QUESTIONS):
        show_if = None
        if condition is not None:
            index, label = condition
            show_if = created[index].options.get(label=label)
        question = Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            kind=kind,
            text=text,
            required=required,
            show_if=show_if,
            **extra,
        )
        for order, label in enumerate(labels):
            Option.objects.create(question=question, position=order, label=label)
        created.append(question)
    return questionnaire


def _raw_answer(rng, questions):
    """A plausible answer: options by label, the branch followed (services.clean_answers drops the rest)."""
    options = {(q.pk, o.label): o.pk for q in questions for o in q.options.all()}
    by_text = {question.text: question for question in questions}

    def pick(index, *weights):
        question = by_text[QUESTIONS[index][1]]
        label = rng.choices(QUESTIONS[index][3], weights=weights)[0]
        return question.pk, options[(question.pk, label)]

    raw = dict([pick(0, 3, 5, 2), pick(1, 6, 2, 2)])
    raw[by_text[QUESTIONS[2][1]].pk] = rng.randint(1, 12)
    services = by_text[QUESTIONS[3][1]]
    chosen = rng.sample(QUESTIONS[3][3], rng.randint(1, 3))
    raw[services.pk] = [options[(services.pk, label)] for label in chosen]
    raw[by_text[QUESTIONS[4][1]].pk] = rng.choice(OTHER_NEEDS)
    raw[by_text[QUESTIONS[5][1]].pk] = rng.choices([3, 4, 5], weights=[2, 5, 3])[0]
    raw[by_text[QUESTIONS[6][1]].pk] = rng.choice(DIFFICULTIES)
    return raw


@transaction.atomic
def seed(*, stdout=None):
    if Questionnaire.objects.filter(title=TITLE).exists():
        if stdout is not None:
            stdout.write("Questionnaires: demo questionnaire already there.")
        return
    city = User.objects.filter(username="city").first()
    enterprises = list(Enterprise.objects.filter(status=Enterprise.Status.ACTIVE, is_key=True).order_by("id"))
    if city is None or not enterprises:
        if stdout is not None:
            stdout.write("Questionnaires: no city staff or no key enterprise; nothing added.")
        return
    rng = random.Random(2022)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    questionnaire = _questionnaire(city)
    sent_at = timezone.now() - datetime.timedelta(days=5)
    dispatch = Dispatch.objects.create(
        questionnaire=questionnaire,
        deadline=add_working_days(today, 10).end,
        criteria={"divisions": [], "kinds": [], "levels": [], "key": "yes", "codes": []},
        note="请于截止日期前完成填写，如有疑问请联系服务专员。",
        sent_by=city,
        sent_at=sent_at,
    )
    Recipient.objects.bulk_create([Recipient(dispatch=dispatch, enterprise=e) for e in enterprises], batch_size=500)
    recipients = {r.enterprise_id: r for r in Recipient.objects.filter(dispatch=dispatch)}
    contacts = {}
    for contact in EnterpriseContact.objects.filter(enterprise__in=enterprises, is_active=True).order_by("id"):
        contacts.setdefault(contact.enterprise_id, contact)
    candidates = [e for e in enterprises if e.name != DEMO_ENTERPRISE_NAME and e.pk in contacts]
    answering = rng.sample(candidates, min(ANSWERED, len(candidates)))
    questions = questions_of(questionnaire)
    rows = []
    for number, enterprise in enumerate(sorted(answering, key=lambda e: e.pk)):
        at = sent_at + datetime.timedelta(hours=3 + number * 4)
        response = Response.objects.create(
            recipient=recipients[enterprise.pk],
            contact=contacts[enterprise.pk],
            status=Response.Status.SUBMITTED,
            created_at=at,
            updated_at=at,
            submitted_at=at,
        )
        rows += answer_rows(response, questions, clean_answers(questions, _raw_answer(rng, questions), complete=True))
    Answer.objects.bulk_create(rows, batch_size=500)
    if stdout is not None:
        stdout.write(
            f"Questionnaires: “{TITLE}” sent to {len(enterprises)} key enterprises, "
            f"answered by {len(answering)} ({len(rows)} answers)."
        )
