"""Demo data of consultations (咨询与难题): ten questions that the article's enterprises and applicants
asked about the campaign, seven of them answered by the demo ``commissioner`` (赵敏) or the demo ``city``
account (张明); three problems in each state (one solved, one in progress, one overdue still to be
handled); four answers published to the public FAQ.

The demo ``contact`` (周丽) and ``applicant`` (陈志远) of 滕州鲁信精工机械有限公司 asked five of them, so their
menu 咨询 has content; contacts of other key enterprises with an account asked the rest. One question of
the demo enterprise awaits an answer, for ``commissioner`` to answer in the walk.

Everything goes through the services (the log, the notices, the service log entries that count in the
commissioner's figures); only, the dates are then moved back a few working days so that the history
reads as it would have happened, and the overdue problem is overdue. Idempotent: nothing is added when
the first question exists.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consultations import services
from consultations.models import AskedAs, Category, Consultation, ConsultationEvent, Problem
from enterprises.demo import DEMO_ENTERPRISE_NAME
from enterprises.models import Enterprise, EnterpriseContact
from zaozhuang_titles.models import Role, User
from zaozhuang_titles.workdays import WorkingCalendar

#: (asker: "contact", "applicant" or "other", category, title, body, answer or "", published wording or None)
QUESTIONS = [
    (
        "contact",
        Category.REVIEW,
        "专项通道申报是否还需要论文？",
        "我单位几名工程师长期在生产一线，主要成果是专利和技术改造项目，没有发表论文，能否通过专项通道申报高级工程师？",
        "不需要。专项通道坚持“评实绩”，破除唯论文倾向，技术创新、专利成果、成果转化和工作业绩均可作为代表性成果，"
        "请在申报材料中如实填写并上传证明。",
        ("专项通道申报高级工程师是否需要论文？", None),
    ),
    (
        "applicant",
        Category.TRAINING,
        "继续教育学时每年需要多少？",
        "我在外地参加过培训，不清楚每年需要多少学时，专业科目和公需科目怎么算。",
        "专业技术人员每年参加继续教育的时间累计不少于90学时，其中专业科目一般不少于总学时的三分之二。"
        "在“我的学时”中可查看已认定的学时；外地培训请上传学时证明，由人社部门认定。",
        ("专业技术人员每年需要多少继续教育学时？", None),
    ),
    (
        "contact",
        Category.REVIEW,
        "单位内部公示需要几个工作日？",
        "员工提交申报后，单位内部公示从哪天开始算，需要多长时间？",
        "单位内部公示不少于5个工作日，遇法定节假日顺延，调休上班日计入。公示期满且无异议后方可报送董事长署名举荐。",
        ("单位内部公示需要几个工作日？", None),
    ),
    (
        "other",
        Category.REVIEW,
        "技师能否申报工程师？",
        "我单位有几名高级技师和技师，想了解技能人才能否申报工程技术职称。",
        "可以。贯通技能人才评价：取得技师职业资格后从事技术工作满3年，可申报工程师；取得高级技师职业资格后"
        "从事技术工作满4年，可申报高级工程师。",
        ("技师、高级技师能否申报工程系列职称？", None),
    ),
    (
        "other",
        Category.REVIEW,
        "董事长署名举荐表如何填写？",
        "举荐表中的贡献排序是按什么填写？董事长出差能否代签？",
        "举荐须由董事长本人在平台上署名，按被举荐人对企业的贡献程度排序，并说明举荐理由；署名需短信验证码确认，不能代签。",
        None,
    ),
    (
        "applicant",
        Category.SYSTEM,
        "上传专利证书时提示文件格式不正确",
        "扫描的专利证书是TIFF格式，上传时一直提示格式不正确。",
        "平台只接收PDF、JPEG和PNG文件。请将扫描件另存为PDF后上传，已安排服务专员跟进指导。",
        None,
    ),
    (
        "other",
        Category.TRAINING,
        "外地培训证书能否认定学时？",
        "员工在省外参加的专业培训有结业证书，能否在平台认定继续教育学时？",
        "可以。由本人在“我的学时”中填报并上传证书，所在区(市)人社局审核认定。",
        None,
    ),
    ("contact", Category.SYSTEM, "企业经办人账号如何变更？", "原经办人离职，新经办人如何接手企业账号？", "", None),
    (
        "other",
        Category.OTHER,
        "外地引进人才职称如何确认？",
        "新引进的工程师在外省取得的中级职称，在枣庄是否需要重新确认？",
        "",
        None,
    ),
    ("other", Category.REVIEW, "社保缴纳年限如何计算？", "申报人在两家企业缴纳过社保，任职年限如何计算？", "", None),
]
#: The problems: (index of the question, state, owner: "commissioner" or "city", working days, progress notes,
#: resolution). The overdue one was due several working days ago.
PROBLEMS = [
    (
        5,
        "solved",
        "commissioner",
        3,
        ["已电话联系申报人，说明文件格式要求。"],
        "已指导申报人将扫描件转换为PDF并成功上传。",
    ),
    (6, "in_progress", "commissioner", 10, ["已与市中区人社局沟通省外证书的认定口径。"], ""),
    (7, "overdue", "city", 3, [], ""),
]
#: Working days back the questions are dated, the first asked longest ago.
DAYS_BACK = 12


def _askers():
    contact = User.objects.filter(username="contact").first()
    applicant = User.objects.filter(username="applicant").first()
    others = list(
        EnterpriseContact.objects.filter(
            user__isnull=False, user__is_active=True, is_active=True, enterprise__status=Enterprise.Status.ACTIVE
        )
        .exclude(enterprise__name=DEMO_ENTERPRISE_NAME)
        .filter(Q(enterprise__commissioner__isnull=False))
        .select_related("user")
        .order_by("enterprise__name", "id")[:4]
    )
    others = [contact.user for contact in others if contact.user.has_role(Role.ENTERPRISE_CONTACT)]
    # Without the applications demo, no other enterprise's contact has an account: the demo ones ask.
    return contact, applicant, others or [contact]


def _served_by(consultation, user):
    enterprise = consultation.enterprise
    return (
        enterprise is not None and enterprise.commissioner_id is not None and enterprise.commissioner.user_id == user.pk
    )


def _backdate(consultation, *, asked, answered):
    Consultation.objects.filter(pk=consultation.pk).update(created_at=asked, answered_at=answered)
    ConsultationEvent.objects.filter(consultation=consultation, action=ConsultationEvent.Action.ASKED).update(at=asked)
    if answered is not None:
        ConsultationEvent.objects.filter(consultation=consultation, action=ConsultationEvent.Action.ANSWERED).update(
            at=answered
        )


def seed(*, stdout=None):
    if Consultation.objects.exists():
        if stdout is not None:
            stdout.write("Consultations: demo questions already there.")
        return
    contact, applicant, others = _askers()
    city = User.objects.filter(username="city").first()
    commissioner = User.objects.filter(username="commissioner").first()
    if None in (contact, applicant, city, commissioner) or not others:
        if stdout is not None:
            stdout.write("Consultations: the demo accounts or enterprises are missing; nothing added.")
        return
    calendar = WorkingCalendar()
    today = timezone.localdate()
    with transaction.atomic():
        made = []
        for index, (who, category, title, body, answer, published) in enumerate(QUESTIONS):
            asker = {"contact": contact, "applicant": applicant}.get(who) or others[index % len(others)]
            asked_as = AskedAs.APPLICANT if who == "applicant" else AskedAs.CONTACT
            consultation = services.consultation_ask(
                asker=asker, asked_as=asked_as, category=category, title=title, body=body
            )
            asked_on = calendar.working_day_before(today, DAYS_BACK - index)
            asked = timezone.make_aware(datetime.datetime.combine(asked_on, datetime.time(9 + index % 6, 15)))
            answered = None
            if answer:
                # The demo commissioner answers the enterprises it serves; city staff the others.
                answerer = commissioner if _served_by(consultation, commissioner) else city
                consultation = services.consultation_answer(
                    consultation=consultation, actor=answerer, answer=answer, today=asked_on
                )
                answered = asked + datetime.timedelta(hours=4)
            _backdate(consultation, asked=asked, answered=answered)
            if published is not None:
                question, _note = published
                services.faq_publish(
                    consultation=consultation, actor=city, category=category, question=question, answer=answer
                )
            made.append((consultation, asked_on))
        for index, state, owner_name, days, notes, resolution in PROBLEMS:
            consultation, asked_on = made[index]
            served = _served_by(consultation, commissioner)
            owner = commissioner if owner_name == "commissioner" and served else city
            problem = services.problem_create(
                consultation=consultation,
                actor=owner,
                category=consultation.category,
                title=consultation.title,
                description=consultation.body,
                owner=owner,
                due_days=days,
                today=asked_on,
            )
            Problem.objects.filter(pk=problem.pk).update(
                created_at=timezone.make_aware(datetime.datetime.combine(asked_on, datetime.time(16, 0)))
            )
            if state in ("in_progress", "solved"):
                services.problem_move(problem=problem, actor=owner, action="start")
            for note in notes:
                services.problem_note_add(problem=problem, actor=owner, text=note)
            if state == "solved":
                services.problem_move(problem=problem, actor=owner, action="solve", resolution=resolution)
    if stdout is not None:
        stdout.write(
            f"Consultations: {len(QUESTIONS)} questions ({sum(1 for q in QUESTIONS if q[4])} answered), "
            f"{len(PROBLEMS)} problems, {sum(1 for q in QUESTIONS if q[5])} FAQ entries."
        )
