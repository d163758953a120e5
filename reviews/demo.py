"""Demo data of reviews: the article's 86 experts, the first batch's committee, rubric and settings,
and one meeting of 机械设计 whose panel is drawn, with accepted demo applications as its cases.

The experts work at demo enterprises (with their credit codes, so recusal has something to catch) and
at a few universities without one. The demo ``expert`` account (王建国, 枣庄学院) is one of them and sits
on the meeting's panel, so it finds scoring tasks; every expert drawn logs in with the demo password
(printed by ``make run``), so the walk's vote reaches its quorum without work in admin. The committee
has 85 members: 86 would be an even number, which 人社部令第40号 forbids, so the expert whose term has
ended stays in the pool only.
One member is inactive and one has a term that ended, so the meeting's page lists who was left out.

The draw runs through the real service; only its seed is chosen here, deterministically, among seeds
that put the demo expert on the panel (a real meeting's seed is ``secrets.token_hex``). Idempotent:
experts, committee and meeting are added only when missing. Deterministic (seeded random).
"""

import datetime
import hashlib
import random

from django.db import transaction
from django.utils import timezone

from applications.demo import FIRST_BATCH_NAME
from applications.models import Application, Batch, Level, Status
from enterprises.models import Enterprise
from reviews.models import Committee, Criterion, Expert, Meeting, ReviewSettings
from reviews.services.draw import cases_add, draw_sample, eligibility, meeting_create, panel_draw, seed_sha256
from reviews.services.pool import expert_create, specialties_get_or_create
from zaozhuang_titles.demo import DEMO_PASSWORD
from zaozhuang_titles.models import User

#: The article: 86 experts in the pool.
POOL_SIZE = 86
DEMO_EXPERT_USERNAME = "expert"
#: Specialties of the pool; experts of 装备制造 enterprises cover the first three.
SPECIALTIES = ["机械设计", "机械制造", "数控技术", "电气自动化", "化工工艺", "材料", "新能源", "电子信息"]
BY_INDUSTRY = {
    "装备制造": ["机械设计", "机械制造", "数控技术"],
    "新材料": ["材料"],
    "建材": ["材料"],
    "精细化工": ["化工工艺"],
    "生物医药": ["化工工艺"],
    "新能源": ["新能源", "电气自动化"],
    "电子信息": ["电子信息", "电气自动化"],
}
UNIVERSITIES = ["枣庄学院", "山东理工大学", "山东科技大学", "齐鲁工业大学", "枣庄职业学院", "滕州市科技局专家委员会"]
TITLES = [("正高级工程师", Level.SENIOR), ("高级工程师", Level.DEPUTY_SENIOR), ("教授", Level.SENIOR)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["振华", "海涛", "卫东", "志强", "建民", "晓峰", "国庆", "秀兰", "玉梅", "宏伟", "德胜", "立新", "文博", "春生"]
#: The default rubric (评分标准) of the issue: achievements, not papers (评实绩).
RUBRIC = [
    ("技术创新与研发", 30, "主持或参与的技术创新、研发项目及其先进性、难度和作用。"),
    ("专利与知识产权", 20, "授权发明专利、实用新型专利、标准制定等知识产权成果。"),
    ("成果转化与经济效益", 30, "成果转化应用情况，新增产值、利润、节支等经济和社会效益。"),
    ("工作绩效与团队贡献", 20, "岗位业绩、解决关键技术问题、培养人才和团队建设的贡献。"),
]
MEETING_NAME = "2022年度专精特新专项评审·机械设计专业评审会"
MEETING_SPECIALTY = "机械设计"
PANEL_SIZE = 7
SUBSTITUTES = 2
CASES = 5
#: Accepted applications of these declared specialties are put on the meeting's agenda first.
MECHANICAL = {"机械设计", "机械制造", "数控技术"}


def _mobiles():
    taken = set(User.objects.exclude(mobile=None).values_list("mobile", flat=True))
    serial = 0
    while True:
        serial += 1
        mobile = f"1396322{serial:04d}"
        if mobile not in taken:
            yield mobile


def _term(rng, today):
    starts = today - datetime.timedelta(days=rng.randint(100, 600))
    return starts, starts + datetime.timedelta(days=3 * 365 - 1)  # within 3 years even across 29 February


def _pool(*, rng, today, city):
    specialties = {s.name: s for s in specialties_get_or_create(names=SPECIALTIES)}
    enterprises = list(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE).exclude(credit_code="").order_by("id")[:200]
    )
    employers = rng.sample(enterprises, min(70, len(enterprises)))
    mobiles = _mobiles()
    experts = []
    demo_user = User.objects.filter(username=DEMO_EXPERT_USERNAME).first()
    if demo_user is not None and not Expert.objects.filter(user=demo_user).exists():
        starts, ends = _term(rng, today)
        experts.append(
            expert_create(
                actor=city,
                user=demo_user,
                specialties=[specialties["机械设计"], specialties["数控技术"]],
                title_name="正高级工程师",
                title_level=Level.SENIOR,
                employer_name="枣庄学院",
                term_starts=starts,
                term_ends=ends,
            )
        )
    for n in range(1, POOL_SIZE + 1 - Expert.objects.filter(user__username=DEMO_EXPERT_USERNAME).count()):
        title, level = rng.choice(TITLES)
        starts, ends = _term(rng, today)
        if n <= len(employers):
            employer = employers[n - 1]
            names = BY_INDUSTRY.get(employer.industry, ["机械设计"])
            kwargs = {"employer_name": employer.name, "employer_credit_code": employer.credit_code}
        else:
            names = rng.sample(SPECIALTIES, 2)
            kwargs = {"employer_name": rng.choice(UNIVERSITIES)}
            title, level = ("教授", Level.SENIOR) if rng.random() < 0.5 else (title, level)
        # Mechanical experts are the most numerous, as are 装备制造 enterprises.
        if rng.random() < 0.2 and "机械设计" not in names:
            names = [*names, "机械设计"]
        experts.append(
            expert_create(
                actor=city,
                real_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                mobile=next(mobiles),
                specialties=[specialties[name] for name in dict.fromkeys(names)],
                title_name=title,
                title_level=level,
                term_starts=starts,
                term_ends=ends,
                **kwargs,
            )
        )
        User.objects.filter(pk=experts[-1].user_id).update(username=f"expert_{n:03d}")
    return experts


@transaction.atomic
def seed(*, stdout=None):
    batch = Batch.objects.filter(name=FIRST_BATCH_NAME).first()
    if batch is None:
        if stdout is not None:
            stdout.write("Reviews: the first batch is missing; nothing added.")
        return
    started = timezone.now()
    rng = random.Random(86)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    city = User.objects.filter(username="city").first()

    if not Expert.objects.filter(user__username="expert_001").exists():
        _pool(rng=rng, today=today, city=city)
        # One expert left the pool's active list, one term ended: the draw lists them as left out.
        Expert.objects.filter(user__username="expert_002").update(is_active=False)
        Expert.objects.filter(user__username__in=["expert_003", "expert_086", "expert_085"]).update(
            term_starts=today - datetime.timedelta(days=1100), term_ends=today - datetime.timedelta(days=100)
        )

    committee = Committee.objects.filter(batch=batch).first()
    if committee is None:
        committee = Committee.objects.create(
            batch=batch, name="枣庄市工程技术专业副高级职称评审委员会（专精特新专项）", kind=Committee.Kind.SERIES
        )
        members = list(Expert.objects.order_by("id"))
        # 86 experts would be an even committee: the last one whose term ended stays in the pool only.
        ended = [e for e in members if e.term_ends < today]
        committee.members.set([e for e in members if e != ended[-1]] if ended and len(members) % 2 == 0 else members)

    ReviewSettings.objects.get_or_create(batch=batch)
    for position, (name, points, description) in enumerate(RUBRIC):
        Criterion.objects.get_or_create(
            batch=batch, name=name, defaults={"max_points": points, "position": position, "description": description}
        )

    meeting = Meeting.objects.filter(batch=batch, name=MEETING_NAME).first()
    if meeting is None:
        meeting = _meeting(batch=batch, city=city, today=today)
    panel_logins = _panel_logins(meeting)
    if stdout is not None:
        stdout.write(
            f"Reviews: {Expert.objects.count()} experts, committee of {committee.members.count()}, "
            f"“{meeting.name}” with {meeting.panel.count()} drawn and {meeting.cases.count()} cases "
            f"in {(timezone.now() - started).total_seconds():.1f} s."
        )
        stdout.write(f"  Panel of the meeting (password {DEMO_PASSWORD}): {', '.join(panel_logins)}")


def _panel_logins(meeting):
    """Every expert drawn for the demo meeting logs in with the demo password, so a vote can reach its
    quorum in the walk without admin work. Returns their usernames, members first in the order drawn."""
    users = [member.expert.user for member in meeting.panel.select_related("expert__user").order_by("kind", "order")]
    for user in users:
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    return [user.username for user in users]


def _meeting(*, batch, city, today):
    specialty = specialties_get_or_create(names=[MEETING_SPECIALTY])[0]
    meeting = meeting_create(
        actor=city,
        batch=batch,
        specialty=specialty,
        name=MEETING_NAME,
        held_on=today + datetime.timedelta(days=14),
        scoring_deadline=timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=10), datetime.time(18, 0))
        ),
        panel_size=PANEL_SIZE,
        substitutes=SUBSTITUTES,
    )
    accepted = list(
        Application.objects.filter(batch=batch, status=Status.ACCEPTED).select_related("enterprise").order_by("number")
    )
    accepted.sort(key=lambda a: (a.specialty not in MECHANICAL, a.number))
    if accepted:
        cases_add(meeting=meeting, applications=accepted[:CASES], actor=city)
    # Choose, among seeds derived from a fixed phrase, one that seats the demo expert.
    eligible = [e.pk for e in eligibility(meeting).eligible]
    demo_expert = Expert.objects.filter(user__username=DEMO_EXPERT_USERNAME).first()
    seed = hashlib.sha256(b"zaozhuang-demo-0").hexdigest()
    if demo_expert is not None and demo_expert.pk in eligible:
        for attempt in range(1000):
            seed = hashlib.sha256(f"zaozhuang-demo-{attempt}".encode()).hexdigest()
            if demo_expert.pk in draw_sample(eligible, seed, PANEL_SIZE + SUBSTITUTES)[:PANEL_SIZE]:
                break
    Meeting.objects.filter(pk=meeting.pk).update(seed=seed, seed_sha256=seed_sha256(seed))
    meeting.refresh_from_db()
    return panel_draw(meeting=meeting, actor=city)
