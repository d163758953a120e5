"""Demo data of applications: about a hundred applications of the first batch in every state of the
audit, taken through their life with the real services and the real transition function.

Every applicant has an ID number with a valid check character and a Zaozhuang region code, a profile
(education, the 工程师 title, continuing education) and one to four achievements whose evidence is a
small generated PDF; patent numbers carry their computed check character. The history is dated: after
the moves are made (at the time of seeding), their log, snapshots and notices are moved back onto a
plausible calendar of the campaign, so timelines and queues read like a real call.

For the walk-through: the demo ``applicant`` has a complete draft it can still submit; the demo
``contact`` has applications in a running internal notice and nominated ones to forward; the demo
``chairman`` has applications whose notice ended waiting for its signature; the demo ``district``
account (滕州市) and ``city`` account find applications in their queues, one of them resubmitted after
a return for correction so that the diff shows. Enterprises with applications get a chairman account
(Chairman role, mobile) and a contact account when they lack one.

Idempotent: when the first generated applicant exists, the applications are there and nothing is added;
the demo applicant's draft is created only when it has no application in the batch. Deterministic.
"""

import datetime
import hashlib
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications import services
from applications.evidence import inspect_upload
from applications.letters import nomination_letter_pdf
from applications.models import (
    Achievement,
    AchievementKind,
    AchievementLevel,
    Application,
    Batch,
    Channel,
    CorrectionRequest,
    EducationRecord,
    Evidence,
    InternalNotice,
    Level,
    Nomination,
    NominationEntry,
    PatentType,
    Series,
    Status,
    Submission,
    TitleRecord,
    Transition,
    WorkRecord,
)
from applications.snapshots import application_sha256
from applications.validators import id_number_check_char, patent_check_char
from applications.workflow import application_transition
from enterprises.demo import DEMO_ENTERPRISE_NAME
from enterprises.models import Enterprise, EnterpriseContact
from training.demo import give_hours
from zaozhuang_titles.documents import render_pdf
from zaozhuang_titles.models import Division, Notice, Role, RoleAssignment, User
from zaozhuang_titles.services import role_grant
from zaozhuang_titles.workdays import add_working_days, is_working_day, period_end

FIRST_BATCH_NAME = "2022年度专精特新企业工程技术副高级专项评审"

#: The username of the first generated applicant: its presence means the demo applications exist.
MARKER_USERNAME = "applicant_001"

#: How many generated applications reach each end state (101 in all; the demo applicant adds one).
PLAN = {
    "draft": 10,
    "review": 4,  # submitted, the enterprise has not started the notice yet
    "notice_running": 8,
    "notice_ended": 6,  # the notice ended, waiting for the chairman's signature
    "nominated": 10,  # signed, waiting for the contact to forward
    "district": 17,
    "resubmitted": 1,  # returned by the district, corrected and resubmitted: the diff shows
    "city": 14,
    "returned_enterprise": 1,
    "returned_district": 4,
    "returned_city": 2,
    "rejected_district": 3,
    "rejected_city": 2,
    "withdrawn_draft": 1,
    "withdrawn_review": 2,
    "withdrawn_district": 2,
    "accepted": 12,
}
#: What the demo enterprise (the demo accounts' own) holds of the plan, so every demo login has work.
DEMO_ENTERPRISE_PLAN = {
    "draft": 1,
    "notice_running": 2,
    "notice_ended": 2,
    "nominated": 2,
    "district": 2,
    "resubmitted": 1,
    "city": 1,
    "returned_district": 1,
    "withdrawn_review": 1,
    "accepted": 1,
}
#: How many other enterprises have applications, and how many of them are in 滕州市 (the demo district).
OTHER_ENTERPRISES = 30
OTHER_TENGZHOU = 12

#: Which steps each end state passes through, in order.
SUBMITTED = {
    "review",
    "notice_running",
    "notice_ended",
    "nominated",
    "district",
    "resubmitted",
    "city",
    "returned_enterprise",
    "returned_district",
    "returned_city",
    "rejected_district",
    "rejected_city",
    "withdrawn_review",
    "withdrawn_district",
    "accepted",
}
NOTICE_ENDED = SUBMITTED - {"review", "notice_running", "withdrawn_review"}
SIGNED = NOTICE_ENDED - {"notice_ended", "returned_enterprise"}
FORWARDED = SIGNED - {"nominated"}
PASSED_DISTRICT = {"city", "returned_city", "rejected_city", "accepted"}

#: Days before the seeding at which each step happened (moved to the previous working day).
#: The city's acceptances lie far enough back for the results demo to hold a publicity that already ended.
DAYS_AGO = {
    "created": 40,
    "submitted": 36,
    "notice": 33,
    "signed": 25,
    "forwarded": 24,
    "returned_enterprise": 24,
    "district": 21,
    "city": 17,
    "withdrawn": 3,
    "resubmitted": 2,
    "resigned": 1,
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = [
    "建华",
    "志强",
    "海涛",
    "晓东",
    "立新",
    "文静",
    "春燕",
    "永刚",
    "庆国",
    "学军",
    "宏伟",
    "玉兰",
    "振宇",
    "佳琪",
    "子豪",
    "思远",
    "德明",
    "凤霞",
    "国栋",
    "兆林",
    "洪涛",
    "秀梅",
    "长青",
    "守成",
    "慧",
    "磊",
    "鹏",
    "婷",
    "超",
    "欣",
]
#: Districts of birth for ID numbers (GB/T 2260 codes of Zaozhuang).
BIRTH_REGIONS = ["370402", "370403", "370404", "370405", "370406", "370481"]
SCHOOLS = [
    ("山东大学", "机械工程"),
    ("山东科技大学", "机械设计制造及其自动化"),
    ("青岛科技大学", "高分子材料与工程"),
    ("济南大学", "材料科学与工程"),
    ("山东理工大学", "电气工程及其自动化"),
    ("中国石油大学（华东）", "化学工程与工艺"),
    ("枣庄学院", "电子信息工程"),
    ("青岛理工大学", "自动化"),
    ("齐鲁工业大学", "生物工程"),
    ("哈尔滨工业大学（威海）", "材料成型及控制工程"),
]
DEPARTMENTS = ["技术研发部", "工艺部", "质量管理部", "生产技术部", "研究院", "设备部"]
POSITIONS = ["主任工程师", "技术部部长", "研发组组长", "工艺工程师", "总工程师助理", "质量工程师"]
#: Per industry of the enterprise: specialties and the subjects of achievements.
TOPICS = {
    "装备制造": (["机械设计", "机械制造", "数控技术"], ["数控机床主轴", "精密齿轮箱", "液压成形装置", "自动化装配线"]),
    "新材料": (["材料工程", "高分子材料"], ["高强度复合材料", "耐磨涂层", "改性聚丙烯", "碳纤维预浸料"]),
    "精细化工": (["化学工程", "化工工艺"], ["连续化合成工艺", "催化剂回收装置", "精馏塔节能系统"]),
    "新能源": (["电化学工程", "电气工程"], ["锂电池正极材料", "电池管理系统", "储能变流器"]),
    "生物医药": (["生物工程", "制药工程"], ["发酵工艺", "原料药纯化", "缓释制剂"]),
    "电子信息": (["电子信息工程", "自动化"], ["工业物联网网关", "视觉检测系统", "嵌入式控制器"]),
    "纺织服装": (["纺织工程"], ["功能性面料", "智能纺纱设备", "印染废水回用"]),
    "食品加工": (["食品工程"], ["低温杀菌工艺", "自动灌装线", "食品安全快检"]),
    "节能环保": (["环境工程"], ["烟气脱硝装置", "污泥资源化", "余热回收系统"]),
    "建材": (["材料工程"], ["低辐射镀膜玻璃", "节能窑炉", "玻璃深加工生产线"]),
}
DEFAULT_TOPICS = TOPICS["装备制造"]
#: One generated evidence PDF per kind of achievement: (title of the document, file name stem).
EVIDENCE_KINDS = {
    AchievementKind.PATENT: ("专利证书（演示）", "专利证书"),
    AchievementKind.PROJECT: ("项目验收证明（演示）", "项目验收证明"),
    AchievementKind.TRANSFORMATION: ("成果转化合同及效益证明（演示）", "成果转化证明"),
    AchievementKind.AWARD: ("获奖证书（演示）", "获奖证书"),
    AchievementKind.STANDARD: ("标准发布文本（演示）", "标准文本"),
}
RECOMMENDATIONS = [
    "长期负责核心产品研发，技术攻关成效显著，贡献突出。",
    "主持关键工艺改进，带动产品质量和效益明显提升。",
    "专利成果已转化应用，为企业创造了可观的经济效益。",
    "业务能力强，培养青年技术人员成效明显，同意举荐。",
]


class _Calendar:
    """Past moments on working days, and the record of which log entry happened when."""

    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        self.moves = []  # (transition, moment)

    def day(self, days_ago):
        day = self.today - datetime.timedelta(days=days_ago)
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        return day

    def moment(self, days_ago, *, hour=None):
        day = self.day(days_ago)
        hour = self.rng.randint(9, 16) if hour is None else hour
        naive = datetime.datetime.combine(day, datetime.time(hour, self.rng.randint(0, 59), self.rng.randint(0, 59)))
        return timezone.make_aware(naive)

    def record(self, log, days_ago):
        self.moves.append((log, self.moment(days_ago)))


def _pdf_bytes(title):
    return render_pdf("documents/demo_evidence.html", {"title": title})


def _evidence_files():
    """{kind: (bytes, sha256, file name stem)}: one PDF per kind, checked by the real upload inspector."""
    files = {}
    for kind, (title, stem) in EVIDENCE_KINDS.items():
        content = _pdf_bytes(title)
        inspect_upload(SimpleUploadedFile(f"{stem}.pdf", content, content_type="application/pdf"))
        files[kind] = (content, hashlib.sha256(content).hexdigest(), stem)
    return files


def _store_evidence(*, application, achievement, files, suffix=""):
    content, digest, stem = files[achievement.kind]
    storage_name = default_storage.save(
        f"evidence/demo/{application.number}-{achievement.position}-{digest[:8]}.pdf", ContentFile(content)
    )
    return Evidence.objects.create(
        application=application,
        achievement=achievement,
        storage_name=storage_name,
        original_name=f"{stem}-{achievement.position}{suffix}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=digest,
        uploaded_by=application.applicant,
    )


class _People:
    """Unique names, mobiles and ID numbers, drawn from a seeded random generator."""

    def __init__(self, rng):
        self.rng = rng
        self.mobiles = set(User.objects.exclude(mobile=None).values_list("mobile", flat=True))
        self.id_numbers = set(User.objects.exclude(id_number=None).values_list("id_number", flat=True))

    def name(self):
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def mobile(self):
        while True:
            mobile = self.rng.choice(["135", "137", "138", "150", "152", "158", "183", "187"]) + (
                f"{self.rng.randint(0, 99999999):08d}"
            )
            if mobile not in self.mobiles:
                self.mobiles.add(mobile)
                return mobile

    def id_number(self, region, birth):
        while True:
            first17 = f"{region}{birth:%Y%m%d}{self.rng.randint(0, 999):03d}"
            value = first17 + id_number_check_char(first17)
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    def account(self, *, username, role, real_name=None, id_number=None, mobile=None, division=None):
        """The account ``username`` with ``role``, created (without a usable password) when missing."""
        user = User.objects.filter(username=username).first()
        if user is None:
            if not mobile or mobile in self.mobiles:
                mobile = self.mobile()
            self.mobiles.add(mobile)
            user = User(username=username, real_name=real_name or self.name(), mobile=mobile, id_number=id_number)
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        if not user.has_role(role):
            role_grant(user=user, role=role, division=division)
        return user


def _enterprise_accounts(enterprise, people):
    """The chairman and contact accounts of ``enterprise``, created when it lacks them."""
    if enterprise.chairman_id is None:
        chairman = people.account(
            username=f"chairman_{enterprise.credit_code[-8:].lower()}",
            role=Role.CHAIRMAN,
            real_name=enterprise.chairman_name,
        )
        enterprise.chairman = chairman
        enterprise._change_reason = "演示数据：董事长账号"
        enterprise.save(update_fields=["chairman"])
    contact = enterprise.contacts.filter(is_active=True).order_by("id").first()
    if contact is None or contact.user_id is None:
        user = people.account(
            username=f"contact_{enterprise.credit_code[-8:].lower()}",
            role=Role.ENTERPRISE_CONTACT,
            real_name=contact.name if contact else None,
            mobile=contact.mobile if contact else None,
        )
        if contact is None:
            contact = EnterpriseContact(enterprise=enterprise, name=user.real_name)
        contact.user = user
        contact.mobile = contact.mobile or user.mobile
        contact.full_clean()
        contact.save()
    return enterprise.chairman, contact.user


def _district_staff(people):
    """{division id: a district staff account}: the demo ``district`` (滕州市) and one per other division."""
    staff = {}
    for assignment in (
        RoleAssignment.objects.filter(role=Role.DISTRICT_STAFF, division__isnull=False)
        .select_related("user")
        .order_by("-id")
    ):
        staff[assignment.division_id] = assignment.user
    for division in Division.objects.order_by("ordering", "code"):
        if division.pk not in staff:
            staff[division.pk] = people.account(
                username=f"district_{division.code.lower()}",
                role=Role.DISTRICT_STAFF,
                real_name=people.name(),
                division=division,
            )
    return staff


def _patent_number(rng, used, today):
    while True:
        year = rng.randint(2015, min(2022, today.year - 1))
        kind = rng.choice("1122")
        digits = f"{year}{kind}{rng.randint(0, 9999999):07d}"
        number = f"ZL{digits}.{patent_check_char(digits)}"
        if number not in used:
            used.add(number)
            return number, year, PatentType.INVENTION if kind == "1" else PatentType.UTILITY_MODEL


def _achievements(rng, topics, count, used_patents, today):
    """``count`` achievements' data, a patent first (most often), then a mix of the other kinds."""
    subjects = topics[1]
    kinds = [AchievementKind.PATENT] if rng.random() < 0.85 else []
    others = [
        AchievementKind.PATENT,
        AchievementKind.PROJECT,
        AchievementKind.TRANSFORMATION,
        AchievementKind.AWARD,
        AchievementKind.STANDARD,
    ]
    while len(kinds) < count:
        kinds.append(rng.choice(others))
    result = []
    for kind in kinds:
        subject = rng.choice(subjects)
        if kind == AchievementKind.PATENT:
            number, year, patent_type = _patent_number(rng, used_patents, today)
            granted = min(datetime.date(year + rng.randint(1, 2), rng.randint(1, 12), rng.randint(1, 28)), today)
            prefix = "一种" if patent_type == PatentType.INVENTION else "一种改进的"
            result.append(
                {
                    "kind": kind,
                    "title": f"{prefix}{subject}",
                    "occurred_on": granted,
                    "patent_number": number,
                    "patent_type": patent_type,
                    "inventor_rank": rng.choice([1, 1, 1, 2, 3]),
                    "description": f"解决了{subject}在批量生产中的稳定性问题，已在公司产品中应用。",
                }
            )
        elif kind == AchievementKind.PROJECT:
            result.append(
                {
                    "kind": kind,
                    "title": f"{subject}关键技术研发与产业化",
                    "occurred_on": datetime.date(rng.randint(2018, 2021), rng.randint(1, 12), 1),
                    "level": rng.choice([AchievementLevel.PROVINCIAL, AchievementLevel.MUNICIPAL]),
                    "role": rng.choice(["项目负责人", "技术负责人", "主要完成人"]),
                    "amount": Decimal(rng.randint(50, 600)),
                    "description": "项目已通过验收，形成新产品和新工艺。",
                }
            )
        elif kind == AchievementKind.TRANSFORMATION:
            benefit = Decimal(rng.randint(120, 2400))
            result.append(
                {
                    "kind": kind,
                    "title": f"{subject}成果转化",
                    "occurred_on": datetime.date(rng.randint(2019, 2022), rng.randint(1, 12), 15),
                    "amount": Decimal(rng.randint(30, 500)),
                    "benefit": benefit,
                    "role": "技术负责人",
                    "description": f"成果在本企业转化应用，新增产值和节约成本合计{benefit}万元。",
                }
            )
        elif kind == AchievementKind.AWARD:
            result.append(
                {
                    "kind": kind,
                    "title": rng.choice(["枣庄市科学技术进步奖", "山东省科学技术进步奖", "山东省企业技术创新奖"]),
                    "occurred_on": datetime.date(rng.randint(2019, 2022), rng.randint(1, 12), 20),
                    "level": rng.choice([AchievementLevel.PROVINCIAL, AchievementLevel.MUNICIPAL]),
                    "role": rng.choice(["第一完成人", "第二完成人", "主要完成人"]),
                    "description": f"以{subject}项目获奖。",
                }
            )
        else:
            result.append(
                {
                    "kind": kind,
                    "title": f"{subject}技术条件",
                    "occurred_on": datetime.date(rng.randint(2018, 2022), rng.randint(1, 12), 1),
                    "level": rng.choice(
                        [AchievementLevel.GROUP, AchievementLevel.INDUSTRY, AchievementLevel.ENTERPRISE]
                    ),
                    "role": rng.choice(["主要起草人", "起草人"]),
                    "description": "参与起草并已发布实施。",
                }
            )
    return result


def _profile(*, user, enterprise, rng, today, topics):
    """Fill a new applicant's profile: employer (through the service), education, 工程师, work, training."""
    specialty = rng.choice(topics[0])
    services.profile_update(
        user=user,
        enterprise=enterprise,
        department=rng.choice(DEPARTMENTS),
        position=rng.choice(POSITIONS),
        specialty=specialty,
    )
    birth = _birth_of(user)
    school, major = rng.choice(SCHOOLS)
    master = rng.random() < 0.3
    graduated = datetime.date(birth.year + (25 if master else 22), 7, 1)
    granted = datetime.date(
        min(graduated.year + rng.randint(5, 8), today.year - 6), rng.randint(1, 12), rng.randint(1, 28)
    )
    profile = user.applicant_profile
    records = [
        EducationRecord(
            profile=profile,
            degree="master" if master else "bachelor",
            school=school,
            major=major,
            graduated_on=graduated,
        ),
        TitleRecord(
            profile=profile,
            level="intermediate",
            name="工程师",
            granted_on=granted,
            certificate_number=f"鲁中职-{granted.year}-{rng.randint(1000, 99999):05d}",
        ),
        WorkRecord(
            profile=profile,
            employer=enterprise.name,
            position=rng.choice(POSITIONS),
            started_on=graduated.replace(day=15),
        ),
    ]
    hours = {}
    for year in range(today.year - 3, today.year):
        total = rng.randint(90, 128)
        hours[year] = (total, min(total, -(-total * 2 // 3) + rng.randint(0, 8)))
    # The same checks as ``profile_record_save``, written in one go (a new profile has nothing to lock).
    for record in records:
        record.full_clean()
    for model in (EducationRecord, TitleRecord, WorkRecord):
        model.objects.bulk_create([record for record in records if type(record) is model])
    # Continuing education is recognised by staff in the training app (the demo applicant has its own).
    give_hours(person=user, years=hours)
    return specialty


def _birth_of(user):
    value = user.id_number
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def _draft(*, applicant, batch, enterprise, rng, today, topics, used_patents, files, count=None):
    """A draft with a complete profile and 1–4 achievements, each with its evidence file."""
    specialty = _profile(user=applicant, enterprise=enterprise, rng=rng, today=today, topics=topics)
    count = count or rng.choice([1, 2, 2, 3, 3, 4])
    data = _achievements(rng, topics, count, used_patents, today)
    titles = "、".join(item["title"] for item in data[:2])
    application = services.application_create(
        applicant=applicant,
        batch=batch,
        specialty=specialty,
        summary=(
            f"本人在{enterprise.name}从事{specialty}工作，主持完成{titles}等技术攻关，"
            f"取得专利和成果转化等业绩{len(data)}项，解决了企业生产中的关键技术难题。"
        ),
    )
    for item in data:
        achievement = services.achievement_save(application=application, actor=applicant, data=item)
        _store_evidence(application=application, achievement=achievement, files=files)
    return application


def _sign(*, enterprise, batch, chairman, applications, calendar, days_ago, letter=True):
    """A signed ranked nomination of ``applications`` (as ``nomination_sign`` makes it, without the
    one-time code): earlier signatures are superseded, those under enterprise review move to
    "nominated", and the nomination letter PDF is stored."""
    signed_at = calendar.moment(days_ago)
    nomination = Nomination.objects.create(enterprise=enterprise, batch=batch, signed_by=chairman, signed_at=signed_at)
    NominationEntry.objects.filter(application__in=applications, voided_at__isnull=True).update(
        voided_at=signed_at, void_reason="新的署名举荐取代了此前的署名。"
    )
    entries = []
    for rank, application in enumerate(applications, start=1):
        entries.append(
            NominationEntry.objects.create(
                nomination=nomination,
                application=application,
                rank=rank,
                recommendation=calendar.rng.choice(RECOMMENDATIONS),
                content_sha256=application_sha256(application.pk),
            )
        )
        application.refresh_from_db()
        if application.status == Status.ENTERPRISE_REVIEW:
            log = application_transition(
                application=application,
                action="nominate",
                actor=chairman,
                reason=f"按贡献程度排序第{rank}位（共{len(applications)}人）。",
            )
            calendar.record(log, days_ago)
    if letter:
        content = nomination_letter_pdf(nomination=nomination, entries=entries)
        digest = hashlib.sha256(content).hexdigest()
        name = default_storage.save(
            f"nominations/{signed_at:%Y}/{nomination.pk}-{digest[:16]}.pdf", ContentFile(content)
        )
        nomination.letter, nomination.letter_sha256 = name, digest
        nomination.save(update_fields=["letter", "letter_sha256"])
    return nomination


def _run_over_today(notice, *, today):
    """A notice started on a day off begins on the next working day: the demo's running notice is dated
    from the last working day instead, so that it runs over the day of the seeding, whatever the day."""
    first = today
    while not is_working_day(first):
        first -= datetime.timedelta(days=1)
    if first < notice.starts_on:
        result = period_end(first, notice.working_days)
        created_at = timezone.make_aware(datetime.datetime.combine(first, datetime.time(17, 30)))
        InternalNotice.objects.filter(pk=notice.pk).update(
            starts_on=result.first_day, ends_on=result.end, provisional=result.provisional, created_at=created_at
        )


def _ended_notice(*, enterprise, batch, contact, calendar):
    start = calendar.day(DAYS_AGO["notice"])
    result = period_end(start, batch.notice_working_days)
    return InternalNotice.objects.create(
        enterprise=enterprise,
        batch=batch,
        starts_on=result.first_day,
        ends_on=result.end,
        working_days=batch.notice_working_days,
        provisional=result.provisional,
        location="公司办公楼一楼公示栏及内部办公系统",
        started_by=contact,
        created_at=calendar.moment(DAYS_AGO["notice"], hour=9),
    )


CORRECTIONS = [
    ("field:summary", "业绩综述", "业绩综述未写明成果转化产生的经济效益，请补充具体数据及来源。"),
    ("profile:training", "继续教育", "近三年继续教育学时证明不完整，请补充2021年度学时认定材料。"),
]


def _return(*, application, actor, calendar, days_ago):
    achievement = application.achievements.order_by("position").first()
    items = [
        (
            f"achievement:{achievement.pk}",
            f"业绩成果：{achievement.title}",
            "佐证材料不清晰，请上传加盖单位公章的证明。",
        ),
        calendar.rng.choice(CORRECTIONS),
    ]
    correction = services.application_return(
        application=application,
        actor=actor,
        reason="申报材料不完整，请按标注逐项补正后重新提交。",
        items=items,
    )
    calendar.record(correction.transition, days_ago)
    return correction


def _backdate(calendar, applications):
    """Move the log, snapshots, corrections and notices of the seeded moves onto their planned days."""
    when = {log.pk: moment for log, moment in calendar.moves}
    for log, moment in calendar.moves:
        Transition.objects.filter(pk=log.pk).update(at=moment)
        Submission.objects.filter(transition_id=log.pk).update(created_at=moment)
        Notice.objects.filter(key__startswith=f"transition:{log.pk}:").update(created_at=moment)
    for correction in CorrectionRequest.objects.filter(transition_id__in=when).select_related("application__batch"):
        returned = when[correction.transition_id]
        deadline = add_working_days(timezone.localdate(returned), correction.application.batch.correction_working_days)
        answered = correction.application.transitions.filter(action="resubmit", at__gt=returned).order_by("at").first()
        CorrectionRequest.objects.filter(pk=correction.pk).update(
            deadline=max(deadline.end, calendar.today + datetime.timedelta(days=1)),
            deadline_provisional=deadline.provisional,
            answered_at=answered.at if answered else None,
        )
    for application in applications:
        logs = list(application.transitions.order_by("at", "id").values_list("action", "at"))
        submitted = [at for action, at in logs if action in ("submit", "resubmit")]
        Application.objects.filter(pk=application.pk).update(
            status_changed_at=logs[-1][1] if logs else application.created_at,
            submitted_at=submitted[-1] if submitted else None,
        )


def _silence_demo_emails(since):
    """The demo's in-site notices stay; their emails are not sent (the addresses are made up)."""
    Notice.objects.filter(created_at__gte=since, email=Notice.Email.PENDING).update(email=Notice.Email.NONE)


#: Background, face and clothes of the generated photos: a blue 证件照 background, several of each.
_PHOTO_BACKGROUNDS = ["#4a86c8", "#5b93d1", "#ffffff", "#d93a3a"]
_PHOTO_SKIN = ["#f1c9a5", "#e0b08a", "#d9a27c"]
_PHOTO_CLOTHES = ["#2f3b4c", "#1f2a36", "#3d4a5c", "#f5f5f5"]


def demo_photo_png(index):
    """A plain avatar drawn with Pillow (no external file), deterministic in ``index``: a head and
    shoulders on a 证件照 background, 330 × 450 pixels, as PNG bytes."""
    import io

    from PIL import Image, ImageDraw

    background = _PHOTO_BACKGROUNDS[index % len(_PHOTO_BACKGROUNDS)]
    image = Image.new("RGB", (330, 450), background)
    draw = ImageDraw.Draw(image)
    clothes = _PHOTO_CLOTHES[index % 3 if background == "#ffffff" else index % len(_PHOTO_CLOTHES)]
    draw.ellipse((35, 320, 295, 560), fill=clothes)  # shoulders
    draw.rectangle((140, 270, 190, 330), fill=_PHOTO_SKIN[index % len(_PHOTO_SKIN)])  # neck
    draw.ellipse((95, 95, 235, 285), fill=_PHOTO_SKIN[index % len(_PHOTO_SKIN)])  # face
    draw.chord((88, 70, 242, 220), 180, 360, fill="#1b1b1b")  # hair
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def give_demo_photo(user, index):
    """Give ``user`` a generated photo through the service (checked and re-encoded as any upload), unless
    it has one."""
    profile = services.profile_get_or_create(user=user)
    if not profile.photo:
        services.profile_photo_set(
            user=user, uploaded_file=SimpleUploadedFile("photo.png", demo_photo_png(index), content_type="image/png")
        )


def _demo_applicant_draft(*, batch, demo_enterprise, rng, today, used_patents, files, calendar):
    """The demo ``applicant`` account's draft: complete and submittable, with a patent and its file."""
    user = User.objects.filter(username="applicant").first()
    if user is None or Application.objects.filter(batch=batch, applicant=user).exists():
        return None
    topics = TOPICS["装备制造"]
    profile = services.profile_get_or_create(user=user)
    if profile.educations.exists() or profile.titles.exists():
        services.profile_update(
            user=user,
            enterprise=demo_enterprise,
            department=profile.department or "技术研发部",
            position=profile.position or "主任工程师",
            specialty=profile.specialty or "机械设计",
        )
        specialty = profile.specialty
    else:
        specialty = _profile(user=user, enterprise=demo_enterprise, rng=rng, today=today, topics=topics)
    number, year, patent_type = _patent_number(rng, used_patents, today)
    application = services.application_create(
        applicant=user,
        batch=batch,
        specialty=specialty,
        summary=(
            "本人长期从事数控机床主轴系统的研发，主持完成高精度电主轴热变形补偿技术攻关，"
            "获发明专利1项，相关产品已批量生产，近三年新增销售收入1800万元。"
        ),
    )
    achievements = [
        {
            "kind": AchievementKind.PATENT,
            "title": "一种高精度电主轴热变形补偿装置",
            "occurred_on": datetime.date(year + 1, 9, 16),
            "patent_number": number,
            "patent_type": patent_type,
            "inventor_rank": 1,
            "description": "解决了主轴高速运行时的热变形问题，加工精度提高到0.003毫米。",
        },
        {
            "kind": AchievementKind.TRANSFORMATION,
            "title": "高精度电主轴成果转化",
            "occurred_on": datetime.date(2021, 3, 15),
            "amount": Decimal("260"),
            "benefit": Decimal("1800"),
            "role": "技术负责人",
            "description": "电主轴在本公司数控机床产品上批量应用。",
        },
    ]
    for item in achievements:
        achievement = services.achievement_save(application=application, actor=user, data=item)
        _store_evidence(application=application, achievement=achievement, files=files)
    Application.objects.filter(pk=application.pk).update(created_at=calendar.moment(5))
    return application


def _first_batch():
    """The first batch, created when missing; its call stays open around the day it is seeded."""
    today = timezone.localdate()
    batch, _created = Batch.objects.get_or_create(
        name=FIRST_BATCH_NAME,
        defaults={
            "year": 2022,
            "series": Series.ENGINEERING,
            "level": Level.DEPUTY_SENIOR,
            "channel": Channel.DEDICATED,
            "status": Batch.Status.OPEN,
            # The demo keeps the call open around the day it is seeded, so every journey can be tried.
            # Whole days: the call opens in the morning and closes at the end of a day, not at the minute
            # the demo happened to be seeded.
            "opens_at": timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(8, 30))
            ),
            "closes_at": timezone.make_aware(
                datetime.datetime.combine(today + datetime.timedelta(days=90), datetime.time(23, 59))
            ),
        },
    )
    return batch


@transaction.atomic
def seed(*, stdout=None):
    batch = _first_batch()
    demo_enterprise = Enterprise.objects.filter(name=DEMO_ENTERPRISE_NAME).first()
    if demo_enterprise is None:
        if stdout is not None:
            stdout.write("Applications: the demo enterprise is missing; nothing added.")
        return
    started = timezone.now()
    rng = random.Random(1216)  # noqa: S311 - deterministic demo data, not a secret
    calendar = _Calendar(rng, started)
    today = calendar.today
    used_patents = set(Achievement.objects.exclude(patent_number="").values_list("patent_number", flat=True))
    files = _evidence_files()
    demo_draft = _demo_applicant_draft(
        batch=batch,
        demo_enterprise=demo_enterprise,
        rng=rng,
        today=today,
        used_patents=used_patents,
        files=files,
        calendar=calendar,
    )
    demo_applicant = User.objects.filter(username="applicant").first()
    if demo_applicant is not None:
        give_demo_photo(demo_applicant, 0)
    if User.objects.filter(username=MARKER_USERNAME).exists():
        _silence_demo_emails(started)
        if stdout is not None:
            stdout.write("Applications: demo applications already there.")
        return
    applications = _seed_applications(
        batch=batch, demo_enterprise=demo_enterprise, calendar=calendar, used_patents=used_patents, files=files
    )
    _silence_demo_emails(started)
    _backdate(calendar, applications)
    if stdout is not None:
        counts = {}
        for application in Application.objects.filter(batch=batch):
            counts[application.get_status_display()] = counts.get(application.get_status_display(), 0) + 1
        summary = ", ".join(f"{label} {n}" for label, n in counts.items())
        stdout.write(
            f"Applications: {len(applications) + (1 if demo_draft else 0)} demo applications in "
            f"“{batch.name}” ({summary}) in {(timezone.now() - started).total_seconds():.1f} s."
        )


def _assign(rng, demo_enterprise):
    """[(end state, enterprise)]: the demo enterprise's share first, the rest spread over others."""
    tengzhou = list(
        Enterprise.objects.filter(is_key=True, status=Enterprise.Status.ACTIVE, division__code="370481")
        .exclude(pk=demo_enterprise.pk)
        .order_by("id")
    )
    elsewhere = list(
        Enterprise.objects.filter(is_key=True, status=Enterprise.Status.ACTIVE)
        .exclude(division__code="370481")
        .order_by("id")
    )
    chosen = rng.sample(tengzhou, min(OTHER_TENGZHOU, len(tengzhou)))
    chosen += rng.sample(elsewhere, min(OTHER_ENTERPRISES - len(chosen), len(elsewhere)))
    remaining = dict(PLAN)
    assignments = []
    for state, n in DEMO_ENTERPRISE_PLAN.items():
        assignments += [(state, demo_enterprise)] * n
        remaining[state] -= n
    states = [state for state, n in remaining.items() for _ in range(n)]
    rng.shuffle(states)
    for index, state in enumerate(states):
        assignments.append((state, chosen[index % len(chosen)] if chosen else demo_enterprise))
    return assignments


def _seed_applications(*, batch, demo_enterprise, calendar, used_patents, files):
    rng, today = calendar.rng, calendar.today
    people = _People(rng)
    district_staff = _district_staff(people)
    city = User.objects.filter(username="city").first()
    assignments = _assign(rng, demo_enterprise)
    accounts = {}
    plan = []  # (state, application)
    for n, (state, enterprise) in enumerate(assignments, start=1):
        if enterprise.pk not in accounts:
            accounts[enterprise.pk] = _enterprise_accounts(enterprise, people)
        region = enterprise.division.code if enterprise.division.code.isdigit() else rng.choice(BIRTH_REGIONS)
        if rng.random() < 0.3:
            region = rng.choice(BIRTH_REGIONS)
        birth = datetime.date(rng.randint(1972, 1992), rng.randint(1, 12), rng.randint(1, 28))
        applicant = people.account(
            username=f"applicant_{n:03d}", role=Role.APPLICANT, id_number=people.id_number(region, birth)
        )
        topics = TOPICS.get(enterprise.industry, DEFAULT_TOPICS)
        application = _draft(
            applicant=applicant,
            batch=batch,
            enterprise=enterprise,
            rng=rng,
            today=today,
            topics=topics,
            used_patents=used_patents,
            files=files,
        )
        days = DAYS_AGO["created"] + rng.randint(0, 3) if state in SUBMITTED else rng.randint(1, 12)
        created = calendar.moment(days)
        Application.objects.filter(pk=application.pk).update(created_at=created, changed_at=created)
        Evidence.objects.filter(application=application).update(uploaded_at=created)
        plan.append((state, application))

    def of(states):
        return [(state, application) for state, application in plan if state in states]

    # Submitted to the enterprise: most long ago, those now in a running notice or unseen lately.
    for state, application in of(SUBMITTED):
        log = services.application_submit(application=application, actor=application.applicant)
        recent = state in ("review", "notice_running")
        calendar.record(log, rng.randint(1, 4) if recent else DAYS_AGO["submitted"] - rng.randint(0, 2))
    # Internal notices: ended ones dated in the past, running ones started today with the real service.
    by_enterprise = {}
    for state, application in plan:
        by_enterprise.setdefault(application.enterprise_id, []).append((state, application))
    for rows in by_enterprise.values():
        enterprise = rows[0][1].enterprise
        chairman, contact = accounts[enterprise.pk]
        ended = [a for s, a in rows if s in NOTICE_ENDED]
        if ended:
            notice = _ended_notice(enterprise=enterprise, batch=batch, contact=contact, calendar=calendar)
            Application.objects.filter(pk__in=[a.pk for a in ended]).update(internal_notice=notice)
        running = [a for s, a in rows if s == "notice_running"]
        if running:
            notice = services.internal_notice_start(
                enterprise=enterprise,
                batch=batch,
                applications=running,
                actor=contact,
                starts_on=today,
                location="公司办公楼一楼公示栏",
            )
            _run_over_today(notice, today=today)
        signed = [a for s, a in rows if s in SIGNED]
        if signed:
            _sign(
                enterprise=enterprise,
                batch=batch,
                chairman=chairman,
                applications=signed,
                calendar=calendar,
                days_ago=DAYS_AGO["signed"],
            )
    for _state, application in of(FORWARDED):
        application.refresh_from_db()
        contact = accounts[application.enterprise_id][1]
        log = services.application_forward(application=application, actor=contact, reason="单位内部公示期满无异议。")
        calendar.record(log, DAYS_AGO["forwarded"])
    for _state, application in of({"returned_enterprise"}):
        application.refresh_from_db()
        _return(
            application=application,
            actor=accounts[application.enterprise_id][1],
            calendar=calendar,
            days_ago=DAYS_AGO["returned_enterprise"],
        )
    # District audit (初审).
    for state, application in of(FORWARDED):
        district = district_staff.get(application.enterprise.division_id) or city
        days = DAYS_AGO["district"] - rng.randint(0, 1)
        if state in PASSED_DISTRICT:
            log = services.application_pass(application=application, actor=district, reason="初审通过。")
            calendar.record(log, days)
        elif state in ("returned_district", "resubmitted"):
            _return(application=application, actor=district, calendar=calendar, days_ago=days)
        elif state == "rejected_district":
            log = services.application_reject(
                application=application,
                actor=district,
                reason="申报人所在岗位与申报专业不符，且提供的专利与本人工作无关，不予受理。",
            )
            calendar.record(log, days)
    # City audit (复审).
    for state, application in of(PASSED_DISTRICT):
        days = DAYS_AGO["city"] - rng.randint(0, 1)
        if state == "accepted":
            log = services.application_pass(application=application, actor=city, reason="复审通过，予以受理。")
            calendar.record(log, days)
        elif state == "returned_city":
            _return(application=application, actor=city, calendar=calendar, days_ago=days)
        elif state == "rejected_city":
            log = services.application_reject(
                application=application, actor=city, reason="经核查，申报业绩与所提供佐证材料不一致，不予受理。"
            )
            calendar.record(log, days)
    # Withdrawals by the applicants.
    for state, application in of({"withdrawn_draft", "withdrawn_review", "withdrawn_district"}):
        days = 2 if state == "withdrawn_draft" else DAYS_AGO["withdrawn"]
        log = services.application_withdraw(
            application=application,
            actor=application.applicant,
            reason=rng.choice(["本人工作调动，本年度暂不申报。", "业绩材料尚需完善，下一年度再申报。"]),
        )
        calendar.record(log, days)
    # The corrected one: the applicant answers, resubmits, and the chairman signs again.
    for _state, application in of({"resubmitted"}):
        _answer_correction(application=application, files=files, calendar=calendar)
        enterprise = application.enterprise
        chairman = accounts[enterprise.pk][0]
        signed = [
            entry.application
            for entry in NominationEntry.objects.filter(
                nomination__enterprise=enterprise,
                voided_at__isnull=True,
                application__status__in=Status.SIGNED_PENDING,
            )
            .select_related("application")
            .order_by("nomination__signed_at", "rank")
        ]
        _sign(
            enterprise=enterprise,
            batch=batch,
            chairman=chairman,
            applications=[*signed, application],
            calendar=calendar,
            days_ago=DAYS_AGO["resigned"],
        )
    return [application for _state, application in plan]


def _answer_correction(*, application, files, calendar):
    """The applicant fixes what was marked: a clearer file, the benefit in the summary; then resubmits."""
    applicant = application.applicant
    application.refresh_from_db()
    achievement = application.achievements.order_by("position").first()
    for old in application.evidence.filter(achievement=achievement, removed_at__isnull=True):
        services.evidence_remove(application=application, actor=applicant, evidence=old)
    _store_evidence(application=application, achievement=achievement, files=files, suffix="-盖章版")
    services.achievement_save(
        application=application,
        actor=applicant,
        achievement=achievement,
        data={"description": achievement.description + "（已补充加盖单位公章的应用证明。）"},
    )
    services.application_update(
        application=application,
        actor=applicant,
        specialty=application.specialty,
        summary=application.summary + "近三年相关产品新增销售收入1260万元，节约生产成本310万元（见财务证明）。",
    )
    log = services.application_resubmit(application=application, actor=applicant)
    calendar.record(log, DAYS_AGO["resubmitted"])
