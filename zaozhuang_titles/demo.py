"""Demo data of the foundation: divisions and towns, one account per role (the first batch is the
applications demo's).

Idempotent: running it again changes nothing that is already there.
"""

import datetime

from django.db import transaction

from zaozhuang_titles.models import Division, Role, RoleAssignment, Town, User
from zaozhuang_titles.services import role_grant
from zaozhuang_titles.validators import id_number_check_char

DEMO_PASSWORD = "Zaozhuang@2022"  # noqa: S105 - printed by make run; demo accounts only

#: Zaozhuang's divisions (MISSION.md) with some of their towns and subdistricts.
DIVISIONS = [
    (
        "370402",
        "市中区",
        True,
        ["光明路街道", "中心街街道", "文化路街道", "龙山路街道", "税郭镇", "孟庄镇", "齐村镇", "永安镇"],
    ),
    (
        "370403",
        "薛城区",
        True,
        ["临城街道", "常庄街道", "巨山街道", "新城街道", "沙沟镇", "周营镇", "邹坞镇", "陶庄镇"],
    ),
    ("370404", "峄城区", True, ["坛山街道", "吴林街道", "古邵镇", "阴平镇", "底阁镇", "榴园镇", "峨山镇"]),
    ("370405", "台儿庄区", True, ["运河街道", "邳庄镇", "张山子镇", "泥沟镇", "涧头集镇", "马兰屯镇"]),
    ("370406", "山亭区", True, ["山城街道", "店子镇", "西集镇", "桑村镇", "北庄镇", "城头镇", "徐庄镇", "水泉镇"]),
    (
        "370481",
        "滕州市",
        True,
        [
            "荆河街道",
            "龙泉街道",
            "北辛街道",
            "善南街道",
            "东沙河街道",
            "洪绪镇",
            "官桥镇",
            "级索镇",
            "界河镇",
            "龙阳镇",
        ],
    ),
    # 枣庄高新区 is a functional zone: it has no GB/T 2260 code, so it carries a local one.
    ("3704GX", "枣庄高新区", False, ["兴仁街道", "张范街道"]),
]


def demo_id_number(region, birth, serial):
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_number_check_char(first17)


#: username, real name, mobile, role, division code (district staff only), ID number.
ACCOUNTS = [
    ("admin", "刘洋", "13906320000", Role.ADMINISTRATOR, None, None),
    ("city", "张明", "13906320001", Role.CITY_STAFF, None, None),
    ("district", "李华", "13906320002", Role.DISTRICT_STAFF, "370481", None),
    (
        "expert",
        "王建国",
        "13906320003",
        Role.EXPERT,
        None,
        demo_id_number("370402", datetime.date(1968, 3, 12), 135),
    ),
    ("commissioner", "赵敏", "13906320004", Role.COMMISSIONER, None, None),
    (
        "chairman",
        "孙立强",
        "13906320005",
        Role.CHAIRMAN,
        None,
        demo_id_number("370481", datetime.date(1966, 8, 1), 57),
    ),
    ("contact", "周丽", "13906320006", Role.ENTERPRISE_CONTACT, None, None),
    (
        "applicant",
        "陈志远",
        "13906320007",
        Role.APPLICANT,
        None,
        demo_id_number("370481", datetime.date(1985, 6, 18), 213),
    ),
]


@transaction.atomic
def seed(*, stdout=None):
    divisions = {}
    for position, (code, name, standard, towns) in enumerate(DIVISIONS):
        division, _ = Division.objects.get_or_create(
            code=code, defaults={"name": name, "has_standard_code": standard, "ordering": position}
        )
        divisions[code] = division
        for town in towns:
            Town.objects.get_or_create(division=division, name=town)

    for username, real_name, mobile, role, division_code, id_number in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                real_name=real_name,
                mobile=mobile,
                id_number=id_number,
                email=f"{username}@demo.titles.example.cn",
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            role_grant(user=user, role=role, division=divisions.get(division_code))

    if stdout is not None:
        stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, real_name, mobile, role, _division, _id in ACCOUNTS:
            stdout.write(f"  {role.label:<28} {username:<14} / {mobile}  {real_name}")
