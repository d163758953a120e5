"""Demo data of the registry at the article's scale.

275 key enterprises across the divisions (valid credit codes with Zaozhuang region codes), a mix of
recognitions (some expired, some expiring soon), service commissioners assigned (3 key enterprises
left waiting, to show that list), a few registrations pending verification, and a service log whose
totals match the article: 127 enterprises served, 200+ consultations (人次), 300+ problems solved.
The demo accounts ``contact`` and ``chairman`` keep the record of one enterprise of 滕州市, which the
demo ``commissioner`` serves with others.

Idempotent: when the demo enterprise exists, nothing is added. Deterministic (seeded random).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from enterprises.models import (
    Enterprise,
    EnterpriseContact,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
    ServiceCommissioner,
    ServiceLog,
    ServiceTier,
)
from enterprises.validators import CREDIT_CODE_CHARS, credit_code_check_char
from zaozhuang_titles.models import Division, Role, RoleAssignment, Town, User

DEMO_ENTERPRISE_NAME = "滕州鲁信精工机械有限公司"
SERVED = 127
CONSULTATION_PEOPLE = 216
PROBLEMS_SOLVED = 312
PROBLEMS_OPEN = 18
UNASSIGNED = 3
#: How many of the key enterprises each division holds (sums to 275).
PER_DIVISION = {"370481": 82, "370402": 40, "370403": 38, "370404": 28, "370405": 24, "370406": 23, "3704GX": 40}
#: Region code written into the credit codes of 高新区 enterprises (registered by the city bureau).
REGION_OF_ZONE = "370400"

WORDS = [
    "鲁信",
    "华源",
    "泰和",
    "金鼎",
    "瑞丰",
    "恒达",
    "中科",
    "宏图",
    "远航",
    "新元",
    "海容",
    "博创",
    "天工",
    "润通",
    "凯盛",
    "东方",
    "立信",
    "德润",
    "鑫源",
    "长城",
    "华美",
    "振兴",
    "运河",
    "龙泉",
    "善国",
    "墨子",
    "奚仲",
    "北辛",
]
TRADES = [
    ("精工机械", "装备制造"),
    ("新材料", "新材料"),
    ("化工", "精细化工"),
    ("锂电科技", "新能源"),
    ("生物医药", "生物医药"),
    ("电子科技", "电子信息"),
    ("纺织", "纺织服装"),
    ("食品", "食品加工"),
    ("智能装备", "装备制造"),
    ("环保科技", "节能环保"),
    ("玻璃", "建材"),
    ("数控机床", "装备制造"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "立强", "海涛", "晓东", "志刚", "秀英", "丽华", "永军", "明", "伟", "静", "磊", "军", "芳", "勇", "敏"]
PROBLEMS = [
    "职称申报材料准备不清楚",
    "继续教育学时认定有疑问",
    "业绩证明材料如何出具",
    "专利证书与申报人不一致",
    "社保缴纳年限计算",
    "破格申报条件咨询",
    "单位内部公示流程咨询",
    "董事长举荐表填写",
]
SOLUTIONS = ["上门逐项讲解并提供模板", "协调区人社局现场答复", "发送政策明白纸并电话跟进", "组织线上辅导会"]


def _code(rng, region):
    body = (
        "91" + region + "MA" + "".join(rng.choice(CREDIT_CODE_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
    )
    return body + credit_code_check_char(body)


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _commissioners(divisions, stdout):
    """The demo commissioner (滕州市) and two per division plus two for the whole city."""
    demo_user = User.objects.get(username="commissioner")
    ServiceCommissioner.objects.get_or_create(
        user=demo_user, defaults={"division": divisions["370481"], "work_phone": "0632-5512345"}
    )
    wanted = [(code, n) for code in PER_DIVISION for n in (1, 2)] + [(None, 1), (None, 2)]
    for index, (code, n) in enumerate(wanted):
        username = f"commissioner_{code or 'city'}_{n}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, real_name=SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)])
            user.set_unusable_password()
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.COMMISSIONER)
        ServiceCommissioner.objects.get_or_create(
            user=user,
            defaults={"division": divisions.get(code), "work_phone": f"0632-33{index:05d}"[:12]},
        )
    return list(ServiceCommissioner.objects.select_related("division"))


@transaction.atomic
def seed(*, stdout=None):
    if Enterprise.objects.filter(name=DEMO_ENTERPRISE_NAME).exists():
        if stdout is not None:
            stdout.write("Enterprises: demo registry already there.")
        return
    rng = random.Random(2022)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    now = timezone.now()
    divisions = {d.code: d for d in Division.objects.all()}
    towns = {}
    for town in Town.objects.all():
        towns.setdefault(town.division_id, []).append(town)
    commissioners = _commissioners(divisions, stdout)
    by_area = {}
    for commissioner in commissioners:
        by_area.setdefault(commissioner.division_id, []).append(commissioner)
    demo_commissioner = next(c for c in commissioners if c.user.username == "commissioner")
    city_staff = User.objects.filter(username="city").first()
    contact_user = User.objects.get(username="contact")
    chairman_user = User.objects.get(username="chairman")

    used_names, used_codes = set(), set(Enterprise.objects.values_list("credit_code", flat=True))
    enterprises = []
    for code, count in PER_DIVISION.items():
        division = divisions[code]
        region = code if code.isdigit() else REGION_OF_ZONE
        for _ in range(count):
            first = not enterprises
            if first:
                name, industry = DEMO_ENTERPRISE_NAME, "装备制造"
            else:
                while True:
                    suffix, industry = rng.choice(TRADES)
                    name = f"{division.name[:2]}{rng.choice(WORDS)}{rng.choice(WORDS)}{suffix}有限公司"
                    if name not in used_names:
                        break
            used_names.add(name)
            credit_code = _code(rng, region)
            while credit_code in used_codes:
                credit_code = _code(rng, region)
            used_codes.add(credit_code)
            town = rng.choice(towns[division.pk]) if towns.get(division.pk) else None
            chairman = _person(rng)
            enterprises.append(
                Enterprise(
                    name=name,
                    credit_code=credit_code,
                    legal_representative=chairman,
                    chairman_name="孙立强" if first else chairman,
                    chairman=chairman_user if first else None,
                    address=f"{division.name}{town.name if town else ''}{rng.randint(1, 300)}号",
                    division=division,
                    town=town,
                    industry=industry,
                    professional_staff_count=rng.randint(8, 260),
                    is_key=True,
                    service_tier=rng.choice(
                        [ServiceTier.CITY, ServiceTier.DISTRICT, ServiceTier.DISTRICT, ServiceTier.TOWN]
                    ),
                    status=Enterprise.Status.ACTIVE,
                    verified_by=city_staff,
                    verified_at=now,
                )
            )
    # Commissioners: the demo commissioner serves the demo enterprise and a dozen more of 滕州市;
    # the last few key enterprises wait for one.
    for index, enterprise in enumerate(enterprises[: len(enterprises) - UNASSIGNED]):
        if enterprise.division.code == "370481" and index < 13:
            enterprise.commissioner = demo_commissioner
        else:
            pool = by_area.get(enterprise.division_id, []) + by_area.get(None, [])
            enterprise.commissioner = rng.choice(pool)
    # Registrations waiting for district verification (not key enterprises yet).
    for n, code in enumerate(["370481", "370481", "370402", "370403", "3704GX"]):
        division = divisions[code]
        region = code if code.isdigit() else REGION_OF_ZONE
        enterprises.append(
            Enterprise(
                name=f"{division.name[:2]}新注册{WORDS[n]}科技有限公司",
                credit_code=_code(rng, region),
                legal_representative=_person(rng),
                chairman_name=_person(rng),
                division=division,
                town=(towns.get(division.pk) or [None])[0],
                industry="电子信息",
                professional_staff_count=rng.randint(5, 40),
                status=Enterprise.Status.PENDING,
            )
        )
    enterprises = bulk_create_with_history(enterprises, Enterprise, default_user=city_staff, batch_size=500)
    enterprises = list(Enterprise.objects.filter(name__in=used_names | {e.name for e in enterprises}).order_by("id"))
    key = [e for e in enterprises if e.is_key]

    recognitions, contacts = [], []
    for enterprise in enterprises:
        roll = rng.random()
        if roll < 0.08:
            expires = today - datetime.timedelta(days=rng.randint(10, 400))  # expired: flagged to staff
        elif roll < 0.16:
            expires = today + datetime.timedelta(days=rng.randint(5, 88))  # expiring within 90 days
        else:
            expires = today + datetime.timedelta(days=rng.randint(120, 1000))
        year = min(max(expires.year - 3, 2019), today.year)
        kind, level = rng.choice(
            [(RecognitionKind.SPECIALIZED_SME, RecognitionLevel.PROVINCIAL)] * 6
            + [(RecognitionKind.LITTLE_GIANT, RecognitionLevel.NATIONAL)] * 2
            + [(RecognitionKind.CHAMPION_ENTERPRISE, RecognitionLevel.PROVINCIAL)]
            + [(RecognitionKind.CHAMPION_PRODUCT, RecognitionLevel.NATIONAL)]
        )
        issuer = "工信" if level == RecognitionLevel.NATIONAL else "鲁工信"
        recognitions.append(
            Recognition(
                enterprise=enterprise,
                kind=kind,
                level=level,
                year_granted=year,
                certificate_number=f"{issuer}-{year}-{enterprise.pk:04d}",
                expires_on=expires,
                policy_version="工信部企业〔2022〕63号" if year >= 2022 else "工信部企业〔2021〕",
            )
        )
        if rng.random() < 0.35:
            granted = rng.randint(2021, today.year)
            recognitions.append(
                Recognition(
                    enterprise=enterprise,
                    kind=RecognitionKind.INNOVATIVE_SME,
                    level=RecognitionLevel.MUNICIPAL,
                    year_granted=granted,
                    certificate_number=f"枣工信-{granted}-{enterprise.pk:04d}",
                    expires_on=datetime.date(granted + 3, 12, 31),
                    policy_version="科技和创新型中小企业评价办法"
                    if granted >= 2026
                    else "优质中小企业梯度培育管理暂行办法",
                )
            )
        if enterprise.name == DEMO_ENTERPRISE_NAME:
            contacts.append(
                EnterpriseContact(
                    enterprise=enterprise,
                    user=contact_user,
                    name=contact_user.real_name,
                    mobile=contact_user.mobile or "",
                    email=contact_user.email,
                )
            )
        else:
            contacts.append(
                EnterpriseContact(
                    enterprise=enterprise, name=_person(rng), mobile=f"15{rng.randint(100000000, 999999999)}"
                )
            )
    bulk_create_with_history(recognitions, Recognition, default_user=city_staff, batch_size=500)
    bulk_create_with_history(contacts, EnterpriseContact, default_user=city_staff, batch_size=500)

    logs = _service_logs(rng, today, [e for e in key if e.commissioner_id])
    bulk_create_with_history(logs, ServiceLog, batch_size=500)
    if stdout is not None:
        stdout.write(
            f"Enterprises: {len(key)} key enterprises, {len(enterprises) - len(key)} pending registrations, "
            f"{len(recognitions)} recognitions, {len(logs)} service log entries "
            f"({SERVED} enterprises served, {CONSULTATION_PEOPLE} consultations, {PROBLEMS_SOLVED} problems solved)."
        )


def _service_logs(rng, today, assigned):
    """Entries whose totals are the article's: 127 served, 216 人次 consulted, 312 problems solved."""
    demo_first = sorted(assigned, key=lambda e: (e.name != DEMO_ENTERPRISE_NAME, e.pk))
    served = demo_first[:1] + rng.sample(demo_first[1:], SERVED - 1)
    end = min(today, datetime.date(2022, 12, 16))
    start = end - datetime.timedelta(days=200)

    def day():
        return start + datetime.timedelta(days=rng.randint(0, (end - start).days))

    logs = []

    def add(enterprise, kind, **fields):
        logs.append(ServiceLog(enterprise=enterprise, commissioner_id=enterprise.commissioner_id, kind=kind, **fields))

    for enterprise in served:
        add(enterprise, ServiceLog.Kind.VISIT, occurred_on=day(), summary="走访企业，宣传专精特新企业职称评审专项政策")
    people_left = CONSULTATION_PEOPLE
    consultations = 90
    for n in range(consultations):
        remaining = consultations - n
        people = (
            people_left - (remaining - 1) if remaining == 1 else rng.randint(1, min(5, people_left - (remaining - 1)))
        )
        people_left -= people
        add(
            rng.choice(served),
            ServiceLog.Kind.CONSULTATION,
            occurred_on=day(),
            people_count=people,
            summary="咨询职称申报条件与材料",
        )
    for _ in range(40):
        add(
            rng.choice(served),
            ServiceLog.Kind.POLICY,
            occurred_on=day(),
            people_count=rng.randint(5, 30),
            summary="宣讲职称评审专项通道政策，发放政策明白纸",
        )
    for n in range(PROBLEMS_SOLVED + PROBLEMS_OPEN):
        raised = day()
        solved = n < PROBLEMS_SOLVED
        solved_on = min(raised + datetime.timedelta(days=rng.randint(0, 12)), today) if solved else None
        add(
            rng.choice(served),
            ServiceLog.Kind.PROBLEM,
            occurred_on=raised,
            summary=rng.choice(PROBLEMS),
            solution=rng.choice(SOLUTIONS) if solved else "",
            solved_on=solved_on,
        )
    return logs
