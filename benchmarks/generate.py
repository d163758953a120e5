"""The benchmark's data: one batch of applications across divisions and statuses, with enterprises,
achievements (patents included), experts, meetings with scores, transitions, a running publicity
notice and certificates, written in bulk.

Rows get explicit primary keys (the benchmark database is emptied first), so nothing is read back:
on PostgreSQL each table is written with ``COPY`` (psycopg2 ``copy_expert``) in chunks, elsewhere
(the tests' SQLite) with ``bulk_create``. Every value goes through the field's own
``get_db_prep_save`` after the model's defaults have run, and the codes are valid: credit codes,
ID numbers and patent numbers carry the check characters computed by the project's own functions.
"""

import datetime
import io
import itertools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from applications.counters import status_counts_rebuild, stay_counts_rebuild
from applications.models import Achievement, Application, Batch, Status, Transition
from applications.validators import patent_check_char
from enterprises.models import Enterprise
from enterprises.validators import credit_code_check_char
from results.models import Certificate, Publicity, PublicityEntry
from reviews.models import Assignment, Case, Committee, Criterion, Expert, Meeting, PanelMember, Score, Specialty
from zaozhuang_titles.models import Division, Role, RoleAssignment, User
from zaozhuang_titles.validators import id_number_check_char

#: The password of every benchmark account (the autosave load logs experts in with it).
PASSWORD = "Bench@Pass2026"
CHUNK = 20_000
RUBRIC = [("技术创新与研发", 30), ("专利与知识产权", 20), ("成果转化与经济效益", 30), ("工作绩效与团队贡献", 20)]
DIVISIONS = [
    ("370481", "滕州市"),
    ("370402", "市中区"),
    ("370403", "薛城区"),
    ("370404", "峄城区"),
    ("370405", "台儿庄区"),
    ("370406", "山亭区"),
]
#: Share of the batch's applications in each status (a batch half-way through its review).
STATUS_SHARES = {
    Status.DRAFT: 4,
    Status.ENTERPRISE_REVIEW: 2,
    Status.NOMINATED: 2,
    Status.DISTRICT_AUDIT: 20,
    Status.CITY_AUDIT: 10,
    Status.RETURNED: 2,
    Status.ACCEPTED: 5,
    Status.IN_REVIEW: 37.5,
    Status.PASSED: 2,
    Status.NOT_PASSED: 2,
    Status.PUBLICITY: 2,
    Status.FILED: 2,
    Status.CERTIFIED: 2,
    Status.REJECTED: 3,
    Status.WITHDRAWN: 4.5,
}
#: The moves that lead to each status (the transition rows written for it).
MAIN_PATH = [
    Status.DRAFT,
    Status.ENTERPRISE_REVIEW,
    Status.NOMINATED,
    Status.DISTRICT_AUDIT,
    Status.CITY_AUDIT,
    Status.ACCEPTED,
    Status.IN_REVIEW,
    Status.PASSED,
    Status.PUBLICITY,
    Status.FILED,
    Status.CERTIFIED,
]
SIDE_PATH = {
    Status.RETURNED: Status.DISTRICT_AUDIT,
    Status.REJECTED: Status.CITY_AUDIT,
    Status.WITHDRAWN: Status.ENTERPRISE_REVIEW,
    Status.NOT_PASSED: Status.IN_REVIEW,
}
SPECIALTIES = ["机械设计", "电气自动化", "化工工艺", "材料工程", "电子信息", "建筑工程", "食品工程", "纺织工程"]


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    applications: int
    experts: int
    meetings: int
    achievements_per_application: int = 3
    panel_size: int = 5


SCALES = {
    # One row in every list: one application in each status, one meeting, one case on it.
    "tiny": Scale("tiny", enterprises=1, applications=len(STATUS_SHARES), experts=5, meetings=1),
    "small": Scale("small", enterprises=200, applications=1_000, experts=100, meetings=4),
    "province": Scale("province", enterprises=10_000, applications=100_000, experts=5_000, meetings=200),
}


def statuses_for(count):
    """``count`` statuses in the shares of ``STATUS_SHARES``: one of each first, then by share, spread
    (not grouped) so that every division and enterprise holds every status."""
    statuses = list(STATUS_SHARES)
    if count <= len(statuses):
        return statuses[:count]
    rest = count - len(statuses)
    total = sum(STATUS_SHARES.values())
    wanted = {status: int(rest * share / total) for status, share in STATUS_SHARES.items()}
    wanted[Status.IN_REVIEW] += rest - sum(wanted.values())
    # Interleave by a deterministic stride so neighbouring rows differ in status.
    pool = [status for status, n in wanted.items() for _ in range(n)]
    stride = 7919  # prime, coprime with any pool size that is not one of its multiples
    if len(pool) % stride == 0:
        stride = 7907
    return statuses + [pool[(i * stride) % len(pool)] for i in range(len(pool))]


def id_number(i, region="370481"):
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 1000)
    first17 = f"{region}{birth:%Y%m%d}{i % 1000:03d}"
    return first17 + id_number_check_char(first17)


def credit_code(i, region):
    first17 = f"91{region}MA{i:07d}"
    return first17 + credit_code_check_char(first17)


def patent_number(i):
    digits = f"{2010 + i % 14}1{i % 10_000_000:07d}"
    return f"ZL{digits}.{patent_check_char(digits)}"


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert(model, objects):
    """Write ``objects`` (instances with their primary key set) in chunks; return how many."""
    fields = model._meta.concrete_fields
    written = 0
    rows = iter(objects)
    for chunk in iter(lambda: list(itertools.islice(rows, CHUNK)), []):
        written += len(chunk)
        if connection.vendor != "postgresql":
            model.objects.bulk_create(chunk, batch_size=500)
            continue
        buffer = io.StringIO()
        for obj in chunk:
            for field in fields:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    field.pre_save(obj, add=True)
            buffer.write(
                "\t".join(_copy_value(f.get_db_prep_save(getattr(obj, f.attname), connection)) for f in fields)
            )
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return written


def reset_sequences(models):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_NoStyle(), models):
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


@dataclass
class World:
    """What the measurements need to know about the generated data."""

    scale: str
    counts: dict
    seconds: float
    batch_id: int
    city_username: str
    district_username: str
    admin_username: str
    applicant_username: str
    application_id: int
    expert_username: str
    assignment_id: int
    meeting_id: int
    publicity_id: int
    certificate_token: str


def generate(scale):
    """Fill the (empty, migrated) database at ``scale`` (a ``Scale`` or its name); return a ``World``."""
    import time

    scale = SCALES[scale] if isinstance(scale, str) else scale
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    password = make_password(PASSWORD)
    counts = {}

    divisions = [
        Division.objects.update_or_create(code=code, defaults={"name": name, "ordering": i})[0]
        for i, (code, name) in enumerate(DIVISIONS)
    ]

    def staff(username, real_name, mobile, role, **extra):
        user = User.objects.create(username=username, real_name=real_name, mobile=mobile, password=password, **extra)
        division = divisions[0] if role == Role.DISTRICT_STAFF else None
        RoleAssignment.objects.create(user=user, role=role, division=division)
        return user

    admin = staff("bench_admin", "管理员", "13700000000", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    city = staff("bench_city_staff", "市局经办", "13700000001", Role.CITY_STAFF, is_staff=True)
    staff("bench_district", "滕州经办", "13700000002", Role.DISTRICT_STAFF)

    batch = Batch.objects.create(
        name="2026年度专精特新企业工程技术副高级专项评审(基准)",
        year=2026,
        status=Batch.Status.CLOSED,
        opens_at=now - datetime.timedelta(days=120),
        closes_at=now - datetime.timedelta(days=60),
    )
    Committee.objects.create(batch=batch, name="枣庄市工程技术专业高级职称评审委员会")
    criteria = [
        Criterion.objects.create(batch=batch, name=name, max_points=points, position=i)
        for i, (name, points) in enumerate(RUBRIC)
    ]
    specialties = [Specialty.objects.create(name=name) for name in SPECIALTIES]

    # Enterprises: 滕州市 holds four in ten, the other divisions share the rest.
    division_of = [0, 0, 0, 0, 1, 2, 3, 4, 5, 0]
    enterprise_division = [divisions[division_of[i % 10]] for i in range(scale.enterprises)]
    counts["enterprises"] = insert(
        Enterprise,
        (
            Enterprise(
                id=i + 1,
                name=f"枣庄{SPECIALTIES[i % 8][:2]}精密制造有限公司{i + 1:05d}",
                credit_code=credit_code(i + 1, enterprise_division[i].code),
                legal_representative=f"法人{i}",
                chairman_name=f"董事长{i}",
                division_id=enterprise_division[i].id,
                industry="装备制造",
                professional_staff_count=20 + i % 200,
                is_key=i % 3 == 0,
                status=Enterprise.Status.ACTIVE,
                verified_at=now - datetime.timedelta(days=200),
                created_at=now - datetime.timedelta(days=300 - i % 100),
            )
            for i in range(scale.enterprises)
        ),
    )

    # Accounts: applicants, then experts, after the three staff accounts.
    first_user = User.objects.order_by("-id").values_list("id", flat=True).first() + 1
    n_apps, n_exp = scale.applications, scale.experts
    counts["users"] = insert(
        User,
        itertools.chain(
            (
                User(
                    id=first_user + i,
                    username=f"applicant{i}",
                    real_name=f"申报人{i}",
                    mobile=f"135{i:08d}",
                    id_number=id_number(i),
                    password=password,
                    date_joined=now,
                )
                for i in range(n_apps)
            ),
            (
                User(
                    id=first_user + n_apps + i,
                    username=f"expert{i}",
                    real_name=f"专家{i}",
                    mobile=f"136{i:08d}",
                    id_number=id_number(i, region="370402"),
                    password=password,
                    date_joined=now,
                )
                for i in range(n_exp)
            ),
        ),
    )
    first_role = RoleAssignment.objects.order_by("-id").values_list("id", flat=True).first() + 1
    insert(
        RoleAssignment,
        (
            RoleAssignment(
                id=first_role + i, user_id=first_user + i, role=Role.APPLICANT if i < n_apps else Role.EXPERT
            )
            for i in range(n_apps + n_exp)
        ),
    )
    counts["experts"] = insert(
        Expert,
        (
            Expert(
                id=i + 1,
                user_id=first_user + n_apps + i,
                title_name="正高级工程师",
                employer_name=f"山东某大学{i % 50}",
                term_starts=today - datetime.timedelta(days=200),
                term_ends=today + datetime.timedelta(days=700),
            )
            for i in range(n_exp)
        ),
    )
    through = Expert.specialties.through
    insert(
        through,
        (through(id=i + 1, expert_id=i + 1, specialty_id=specialties[i % len(specialties)].id) for i in range(n_exp)),
    )

    # Applications, their achievements (the first a patent; one in a hundred shares another's number)
    # and the transitions that led to their status.
    statuses = statuses_for(n_apps)
    counts["applications"] = insert(
        Application,
        (
            Application(
                id=i + 1,
                batch_id=batch.id,
                applicant_id=first_user + i,
                enterprise_id=i % scale.enterprises + 1,
                number=f"2026{i + 1:08d}",
                specialty=SPECIALTIES[i % len(SPECIALTIES)],
                summary="主持数控机床主轴系统研发，获发明专利2项，成果转化创造效益800万元。",
                status=status,
                revision=0 if status == Status.DRAFT else 1,
                created_at=now - datetime.timedelta(days=100),
                changed_at=now - datetime.timedelta(days=90),
                submitted_at=None if status == Status.DRAFT else now - datetime.timedelta(days=90),
                status_changed_at=now - datetime.timedelta(minutes=(i * 37) % (60 * 24 * 80)),
            )
            for i, status in enumerate(statuses)
        ),
    )
    per = scale.achievements_per_application
    kinds = [Achievement.Kind.PATENT, Achievement.Kind.PROJECT, Achievement.Kind.AWARD, Achievement.Kind.STANDARD]

    def achievement(i, k):
        kind = kinds[k % len(kinds)]
        fields = {"title": f"一种高精度主轴装置{i}-{k}", "occurred_on": datetime.date(2021, 5, 20), "position": k}
        if kind == Achievement.Kind.PATENT:
            fields |= {"patent_number": patent_number(i - 1 if i % 100 == 99 else i), "patent_type": "invention"}
            fields["inventor_rank"] = 1
        elif kind == Achievement.Kind.PROJECT:
            fields |= {"level": "provincial", "role": "负责人", "amount": 120}
        else:
            fields |= {"level": "municipal"}
        description = "解决主轴热变形问题"
        return Achievement(id=i * per + k + 1, application_id=i + 1, kind=kind, description=description, **fields)

    counts["achievements"] = insert(Achievement, (achievement(i, k) for i in range(n_apps) for k in range(per)))

    def path(status):
        if status in SIDE_PATH:
            before = SIDE_PATH[status]
            return [*MAIN_PATH[: MAIN_PATH.index(before) + 1], status]
        return MAIN_PATH[: MAIN_PATH.index(status) + 1]

    def transitions():
        ids = itertools.count(1)
        for i, status in enumerate(statuses):
            steps = path(status)
            for k, (before, after) in enumerate(itertools.pairwise(steps)):
                yield Transition(
                    id=next(ids),
                    application_id=i + 1,
                    action=f"to_{after}"[:32],
                    from_status=before,
                    to_status=after,
                    actor_id=first_user + i if k == 0 else city.id,
                    actor_role=Role.APPLICANT if k == 0 else Role.CITY_STAFF,
                    at=now - datetime.timedelta(days=90 - k),
                )

    counts["transitions"] = insert(Transition, transitions())

    # Meetings: the applications in review spread over them, each case scored by the five members.
    in_review = [i + 1 for i, status in enumerate(statuses) if status == Status.IN_REVIEW]
    meetings = Meeting.objects.bulk_create(
        Meeting(
            batch=batch,
            specialty=specialties[m % len(specialties)],
            name=f"{specialties[m % len(specialties)].name}专业评审会{m + 1}",
            held_on=today + datetime.timedelta(days=7),
            scoring_deadline=now + datetime.timedelta(days=5),
            panel_size=scale.panel_size,
            status=Meeting.Status.SCORING,
            drawn_at=now - datetime.timedelta(days=3),
            drawn_by=city,
        )
        for m in range(scale.meetings)
    )
    counts["meetings"] = len(meetings)
    size = scale.panel_size
    panel_of = {
        meeting.id: [(m * scale.panel_size + j) % n_exp + 1 for j in range(scale.panel_size)]
        for m, meeting in enumerate(meetings)
    }
    insert(
        PanelMember,
        (
            PanelMember(id=m * size + j + 1, meeting_id=meeting.id, expert_id=expert, kind="member", order=j)
            for m, meeting in enumerate(meetings)
            for j, expert in enumerate(panel_of[meeting.id])
        ),
    )
    case_meeting = [meetings[c % len(meetings)].id for c in range(len(in_review))]
    counts["cases"] = insert(
        Case,
        (
            Case(id=c + 1, meeting_id=case_meeting[c], application_id=application, position=c // len(meetings))
            for c, application in enumerate(in_review)
        ),
    )
    counts["assignments"] = insert(
        Assignment,
        (
            Assignment(id=c * size + j + 1, case_id=c + 1, expert_id=expert)
            for c in range(len(in_review))
            for j, expert in enumerate(panel_of[case_meeting[c]])
        ),
    )
    counts["scores"] = insert(
        Score,
        (
            Score(
                id=(a * len(criteria)) + k + 1,
                assignment_id=a + 1,
                criterion_id=criterion.id,
                points=(a * 7 + k * 3) % criterion.max_points,
                comment="",
                updated_at=now,
            )
            for a in range(len(in_review) * size)
            for k, criterion in enumerate(criteria)
        ),
    )

    # A running publicity notice of the applications in publicity, and the certificates.
    publicity = Publicity.objects.create(
        batch=batch,
        title="2026年度专精特新企业工程技术副高级专项评审结果公示(基准)",
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=5),
        working_days=5,
        how_to_object="电话 0632-0000000",
        committee_name="枣庄市工程技术专业高级职称评审委员会",
        published_by=city,
    )
    published = [i for i, status in enumerate(statuses) if status == Status.PUBLICITY]
    counts["publicity_entries"] = insert(
        PublicityEntry,
        (
            PublicityEntry(
                id=p + 1,
                publicity_id=publicity.id,
                application_id=i + 1,
                name=f"申报人{i}",
                enterprise_name=f"企业{i % scale.enterprises + 1}",
                specialty=SPECIALTIES[i % len(SPECIALTIES)],
                title_granted="高级工程师",
                position=p,
            )
            for p, i in enumerate(published)
        ),
    )
    certified = [i for i, status in enumerate(statuses) if status == Status.CERTIFIED]
    counts["certificates"] = insert(
        Certificate,
        (
            Certificate(
                id=c + 1,
                application_id=i + 1,
                number=f"鲁ZZ2026{i + 1:08d}",
                holder_name=f"申报人{i}",
                series=batch.series,
                level=batch.level,
                title_name="高级工程师",
                granted_on=today - datetime.timedelta(days=10),
                committee_name="枣庄市工程技术专业高级职称评审委员会",
            )
            for c, i in enumerate(certified)
        ),
    )
    generated = [Enterprise, User, RoleAssignment, Expert, through, Application, Achievement, Transition]
    reset_sequences([*generated, PanelMember, Case, Assignment, Score, PublicityEntry, Certificate])
    # The rows came by COPY, past the transition function that keeps the counters: count them once.
    status_counts_rebuild()
    stay_counts_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # The applicant measured: one whose application is in district audit (its staff page is audited).
    measured = statuses.index(Status.DISTRICT_AUDIT)
    first_meeting = meetings[0]
    return World(
        scale=scale.name,
        counts=counts,
        seconds=time.perf_counter() - started,
        batch_id=batch.id,
        city_username=city.username,
        district_username="bench_district",
        admin_username=admin.username,
        applicant_username=f"applicant{measured}",
        application_id=measured + 1,
        expert_username=f"expert{panel_of[first_meeting.id][0] - 1}",
        assignment_id=Assignment.objects.filter(case__meeting=first_meeting, expert_id=panel_of[first_meeting.id][0])
        .order_by("id")
        .values_list("id", flat=True)
        .first(),
        meeting_id=first_meeting.id,
        publicity_id=publicity.id,
        certificate_token=Certificate.objects.order_by("id").values_list("token", flat=True).first(),
    )
