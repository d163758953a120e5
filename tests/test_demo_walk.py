"""The README's demo walk, done over HTTP on the day the demo is seeded, on a Saturday and on a Wednesday.

README.md ("Roles and demo logins") promises a walk through a fresh ``seed_demo`` that works on any
weekday. This test does it step by step as the people of the walk would: each logs in (on the real login
page with the demo password, once per role), opens its landing page, follows the pages' links and
submits the forms the pages show, with the fields a user would fill. After each step it checks what
changed in the database and what the page says. The demo day is Django's clock (``timezone.now``),
moved to that day's morning as ``tests/results/test_demo.py`` does, and running on from there.
"""

import datetime
import io
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from applications.demo import FIRST_BATCH_NAME
from applications.models import Application, Batch, InternalNotice, Status
from results.models import Certificate, Filing, Objection, ObjectionStatus, Publicity
from reviews.demo import MEETING_NAME
from reviews.models import Assignment, Ballot, Case, Meeting
from tests.documents import use_stand_in_printer
from tests.walk_pages import Browser
from zaozhuang_titles.demo import DEMO_PASSWORD
from zaozhuang_titles.models import User
from zaozhuang_titles.workdays import is_working_day

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parent.parent / "README.md"
#: The demo's days: a Saturday (the next working day is two days on) and a Wednesday, far from holidays.
DAYS = {"saturday": datetime.date(2026, 12, 5), "wednesday": datetime.date(2026, 12, 9)}


@pytest.fixture(autouse=True)
def stand_in_printer(request, monkeypatch):
    """The demo's documents (letters, evidence, policy files) from the stand-in printer: the walk reads
    pages, not paper (tests/documents.py)."""
    use_stand_in_printer(request, monkeypatch)


def readme_demo():
    """The README's section on the demo, from "Roles and demo logins" to the next section."""
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Roles and demo logins") : text.index("## Architecture")]


def readme_accounts():
    """The README's table of demo logins: {username: (mobile, name)}."""
    rows = re.findall(r"^\|[^|]+\|[^|]+\| `(\w+)` \| (\d{11}) \| (\S+) \|", readme_demo(), re.MULTILINE)
    return {username: (mobile, name) for username, mobile, name in rows}


def readme_panel():
    """The panel's usernames as the README lists them: (members, substitutes)."""
    section = " ".join(readme_demo().split())
    found = re.search(r"the members (.+?), and the substitutes (.+?) \(", section)
    return re.findall(r"`(\w+)`", found.group(1)), re.findall(r"`(\w+)`", found.group(2))


@pytest.fixture
def fresh_numbers():
    """Application numbers as a fresh database gives them (the README names 20220000001 and on): an
    application's number is its batch's year and its key, and PostgreSQL's sequences, unlike the rows,
    are not rolled back after earlier tests. SQLite's keys start again with the rolled-back rows."""
    assert not Application.objects.exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [Application._meta.db_table])


@pytest.fixture
def demo_day(request, monkeypatch):
    """Django's clock on the demo day at 10:00 in Zaozhuang, running on from there.

    As in ``tests/results/test_demo.py``, ``timezone.now`` is replaced; so are the model fields whose
    default is ``timezone.now`` (they hold the function itself, so the replacement would not reach them):
    a filing made "today" must not be dated the real day, which may come after the demo day."""
    day = DAYS[request.param]
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    started = datetime.datetime.now(datetime.UTC)
    real_now = timezone.now

    def now():
        return moment + (datetime.datetime.now(datetime.UTC) - started)

    monkeypatch.setattr(timezone, "now", now)
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "default", None) is real_now
    ]
    for field in fields:
        field.default = now
        field.__dict__.pop("_get_default", None)  # Django caches the default's callable per field
    yield day
    for field in fields:
        field.default = real_now
        field.__dict__.pop("_get_default", None)


def browser():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies.load({"django_language": "zh-hans"})
    return Browser(client)


def login(username, *, by_mobile=False):
    """A browser logged in as ``username`` on the login page with the README's password (or its mobile
    number from the README's table), and the page it lands on."""
    user = browser()
    page = user.open("/accounts/login/")
    name = readme_accounts()[username][0] if by_mobile else username
    landing = user.submit(page, page.form(testid="login-form"), username=name, password=DEMO_PASSWORD)
    assert user.client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk), landing.text
    return user, landing


def logged_in(username):
    """A browser of a panel expert not named in the README's table (``force_login``)."""
    user = browser()
    user.client.force_login(User.objects.get(username=username))
    return user


def application(number):
    return Application.objects.get(number=number)


def next_working_day(day):
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@pytest.mark.parametrize("demo_day", list(DAYS), indirect=True)
def test_demo_walk_works_on_the_day_of_the_seeding(
    fresh_numbers, demo_day, settings, tmp_path, django_capture_on_commit_callbacks
):
    capture_on_commit = django_capture_on_commit_callbacks
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    batch = Batch.objects.get(name=FIRST_BATCH_NAME)

    # -- 0. The README's logins: its table is the demo's accounts; the one role the walk does not need
    #    (the commissioner) logs in with its mobile number and lands on the enterprises it serves. -------
    accounts = readme_accounts()
    assert len(accounts) == 8
    for username, (mobile, name) in accounts.items():
        assert User.objects.filter(username=username, mobile=mobile, real_name=name).exists(), username
    _commissioner, landing = login("commissioner", by_mobile=True)
    assert landing.url == "/enterprises/served/" and "赵敏" in landing.text and "我服务的企业" in landing.text

    # -- 1. `applicant` completes and submits its draft 20220000001 (陈志远). ---------------------------
    applicant, home = login("applicant")
    draft = application("20220000001")
    assert draft.status == Status.DRAFT and draft.applicant.real_name == "陈志远"
    assert "陈志远" in home.text and "20220000001" in home.text
    page = applicant.open(home.link(text="继续填写", href=f"/me/{draft.pk}/"))
    assert "申报材料已齐全" in page.text  # complete as seeded: nothing left to fill in
    page = applicant.submit(page, page.form(testid="submit-form"))
    draft.refresh_from_db()
    assert draft.status == Status.ENTERPRISE_REVIEW
    assert "申报已提交至所在单位" in page.text

    # -- 2. `contact` starts the internal notice for it (20220000003 and 20220000004 are in a notice
    #    already running: on a day off too, it began on the last working day). ----------------------------
    contact, landing = login("contact")
    applications_page = contact.open(landing.link(text="职工申报"))
    running = InternalNotice.objects.get(applications__number="20220000003")
    assert set(running.applications.values_list("number", flat=True)) == {"20220000003", "20220000004"}
    assert running.starts_on <= demo_day <= running.ends_on and is_working_day(running.starts_on)
    assert f"单位内部公示至{running.ends_on.year}年{running.ends_on.month}月{running.ends_on.day}日结束" in (
        applications_page.text
    )
    page = contact.open(applications_page.link(text="发起单位内部公示"))
    form = page.form(testid="notice-form")
    assert form.options["applications"] == [str(draft.pk)] and "陈志远 · 数控技术 · 20220000001" in page.text
    page = contact.submit(page, form, applications=[str(draft.pk)], location="公司办公楼一楼公告栏")
    notice = InternalNotice.objects.get(applications=draft)
    assert notice.location == "公司办公楼一楼公告栏" and notice.starts_on >= demo_day
    assert page.url == f"/applications/enterprise/notices/{notice.pk}/"
    assert "陈志远" in page.text and "公司办公楼一楼公告栏" in page.text

    # -- 3. `chairman` ranks and signs 20220000005 (何国栋) and 20220000006 (高志强). -------------------
    chairman, home = login("chairman")
    for number in ("20220000005", "20220000006"):  # their internal notice was served
        assert application(number).status == Status.ENTERPRISE_REVIEW and number in home.text
        assert InternalNotice.objects.filter(applications__number=number, ends_on__lt=demo_day).exists()
    page = chairman.open(home.link(href=f"/applications/nominations/batches/{batch.pk}/"))
    form = page.form(testid="nomination-form")
    # Every nominee needs a recommendation; those signed before keep theirs, prefilled; the ranks are
    # prefilled too (the last signed order, then the others as listed).
    recommendations = {
        name.replace("rank_", "recommendation_"): "技术骨干，对企业贡献突出，同意举荐。"
        for name in form.names
        if name.startswith("rank_") and not dict(form.fields).get(name.replace("rank_", "recommendation_"))
    }
    assert {f"recommendation_{application(n).pk}" for n in ("20220000005", "20220000006")} <= set(recommendations)
    page = chairman.submit(page, form, button=("action", "send_code"), **recommendations)
    assert "验证码已发送至139****0005" in page.text
    # The code, read where the README says: admin, under 短信 (the text messages recorded) — no phone.
    admin, home = login("admin")
    assert home.url == "/admin/"
    texts = admin.open(home.link(text="短信"))
    code = re.search(r"署名举荐验证码为 (\d{6})", texts.text).group(1)
    page = chairman.submit(page, page.form(testid="nomination-form"), button=("action", "sign"), code=code)
    assert "举荐信已生成" in page.text
    for number, name in (("20220000005", "何国栋"), ("20220000006", "高志强")):
        signed = application(number)
        assert signed.applicant.real_name == name and signed.status == Status.NOMINATED
        assert signed.nomination_entries.filter(voided_at__isnull=True).count() == 1

    # -- 4. `contact` forwards the signed 20220000007 (丁学军) and 20220000008 (丁志强). -----------------
    page = contact.open(landing.link(text="职工申报"))
    for number, name in (("20220000007", "丁学军"), ("20220000008", "丁志强")):
        forwarded = application(number)
        assert forwarded.applicant.real_name == name and forwarded.status == Status.NOMINATED
        page = contact.submit(page, page.form(action=f"/applications/{forwarded.pk}/forward/"))
        assert page.url == "/applications/enterprise/"  # back on the list, for the next one
        forwarded.refresh_from_db()
        assert forwarded.status == Status.DISTRICT_AUDIT

    # -- 5. `district` audits 20220000009 (its queue holds 20220000009–11 and the resubmission, whose
    #    changes page shows the diff); `city` audits 20220000012. ---------------------------------------
    district, queue = login("district")
    assert queue.url.startswith("/applications/audit/district/")
    for number in ("20220000009", "20220000010", "20220000011"):
        assert application(number).status == Status.DISTRICT_AUDIT and number in queue.text
    audited = application("20220000009")
    page = district.open(queue.link(text="20220000009"))
    page = district.submit(page, page.form(action=f"/{audited.pk}/act/pass/"))
    audited.refresh_from_db()
    assert audited.status == Status.CITY_AUDIT
    changes = district.open(queue.link(href="/changes/"))
    resubmitted = Application.objects.get(pk=int(re.search(r"/applications/(\d+)/changes/", changes.url).group(1)))
    assert resubmitted.status == Status.DISTRICT_AUDIT and resubmitted.submissions.count() >= 2
    assert "历次提交之间的变更" in changes.text and "第2次提交" in changes.text
    assert "变更前" in changes.text and "变更后" in changes.text and "修改" in changes.text
    city, queue = login("city")
    assert queue.url.startswith("/applications/audit/city/")
    audited = application("20220000012")
    assert audited.status == Status.CITY_AUDIT
    page = city.open(queue.link(text="20220000012"))
    page = city.submit(page, page.form(action=f"/{audited.pk}/act/pass/"))
    audited.refresh_from_db()
    assert audited.status == Status.ACCEPTED

    # -- 6. `expert` and the other members score the meeting's five cases (20220000015 何兆林 among them);
    #    `city` records attendance, opens and closes the vote, and publishes the passed applications. ---
    meeting = Meeting.objects.get(name=MEETING_NAME)
    assert meeting.cases.count() == 5
    assert meeting.cases.filter(application__number="20220000015", application__applicant__real_name="何兆林").exists()
    members, substitutes = readme_panel()
    panel = meeting.panel.select_related("expert__user").order_by("kind", "order")
    assert [member.expert.user.username for member in panel] == members + substitutes
    for username in members:
        expert, tasks = login("expert") if username == "expert" else (logged_in(username), None)
        tasks = tasks or expert.open("/")
        assert tasks.url == "/reviews/tasks/"
        # Each member scores the cases it is assigned (one recused at the draw has fewer than five).
        assigned = Assignment.objects.filter(case__meeting=meeting, expert__user__username=username)
        task_links = [url for url, words in tasks.links if "".join(words) == "评分" and "/reviews/tasks/" in url]
        assert len(task_links) == assigned.count() >= 4, (username, tasks.text)
        for url in task_links:
            page = expert.open(url)
            criteria = [form for form in page.forms if form.attrs.get("data-testid") == "criterion"]
            tops = [int(top) for top in re.findall(r"\(0–(\d+)分\)", page.text)]
            assert len(criteria) == len(tops) == 4
            for form, top in zip(criteria, tops, strict=True):
                expert.submit(page, form, points=str(top - 4))  # each criterion saves on its own
            page = expert.open(url)
            assert "总分 84.0 / 100" in page.text
            page = expert.submit(page, page.form(testid="submit-form"), comment="业绩突出，同意通过。")
        assert not assigned.filter(submitted_at__isnull=True).exists()
        assert {sum(a.scores.values_list("points", flat=True)) for a in assigned} == {84}
        assert f"已评分并提交: {len(task_links)}" in expert.open("/").text

    # `city` records every member present, opens the vote (confirming it before the meeting's date),
    # the members vote, and `city` closes it.
    page = city.open(city.open("/").link(text="出席与表决"))
    page = city.open(page.link(text=MEETING_NAME, href=f"/voting/meetings/{meeting.pk}/"))
    form = page.form(testid="attendance-form")
    assert len(form.options["present"]) == len(members)
    page = city.submit(page, form, present=form.options["present"])
    assert f"到会{len(members)}人" in page.text
    early = meeting.held_on > demo_day
    assert ("我确认在会议日期前开启表决" in page.text) == early
    open_form = page.form(action="/open/")
    page = city.submit(page, open_form, **({"confirm_early": "on"} if early else {}))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VOTING, page.text
    assert (demo_day.isoformat() in meeting.transitions.get(action="open_vote").reason) == early  # logged
    for username in members:
        expert = logged_in(username)
        page = expert.open(expert.open(expert.open("/").link(text="我的评审会议")).link(text=MEETING_NAME))
        for _case in range(Assignment.objects.filter(case__meeting=meeting, expert__user__username=username).count()):
            ballot = page.form(testid="ballot-form")
            confirm = expert.submit(page, ballot, button=("choice", Ballot.Choice.YES))  # asks to confirm first
            assert "同意" in confirm.text and not any(
                form.attrs.get("data-testid") == "ballot-form" for form in confirm.forms
            )
            ballots = Ballot.objects.filter(case__meeting=meeting).count()
            page = expert.submit(confirm, confirm.form(action="/ballot/", field="choice"), button=("confirmed", "on"))
            assert Ballot.objects.filter(case__meeting=meeting).count() == ballots + 1
            assert "的无记名投票已记录" in page.text
        assert not any(form.attrs.get("data-testid") == "ballot-form" for form in page.forms), page.text
    page = city.open(city.open(city.open("/").link(text="出席与表决")).link(href=f"/voting/meetings/{meeting.pk}/"))
    assert ("我确认在会议日期前结束表决" in page.text) == early
    # `city` names the chair (the first member, present) and itself as the recorder, as the form offers.
    close = page.form(action="/close/")
    chair, recorder = members[0], User.objects.get(username="city")
    chair_pk = str(meeting.panel.get(expert__user__username=chair).expert_id)
    assert chair_pk in close.options["chair"] and str(recorder.pk) in close.options["recorder"]
    officers = {"chair": chair_pk, "recorder": str(recorder.pk)}
    page = city.submit(page, close, **officers, **({"confirm_early": "on"} if early else {}))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED, page.text
    assert (meeting.chair.user.username, meeting.recorder) == (chair, recorder)
    assert set(meeting.cases.values_list("result", flat=True)) == {Case.Result.PASSED}
    passed = list(meeting.cases.values_list("application__number", flat=True))
    assert set(Application.objects.filter(number__in=passed).values_list("status", flat=True)) == {Status.PASSED}

    # `city` publishes the passed applications as a notice; it starts on the next working day (after a
    # weekend: the Monday).
    page = city.open(city.open("/").link(text="公示管理"))
    page = city.open(page.link(href=f"/publicity/staff/publish/{batch.pk}/"))
    for number in passed:
        assert number in page.text
    form = page.form(testid="publish-form")
    starts_on = datetime.date.fromisoformat(dict(form.fields)["starts_on"])
    assert starts_on == next_working_day(demo_day)
    page = city.submit(page, form)
    published = Publicity.objects.filter(entries__application__number=passed[0]).get()
    assert published.starts_on == starts_on
    assert sorted(published.entries.values_list("application__number", flat=True)) == sorted(passed)
    assert set(Application.objects.filter(number__in=passed).values_list("status", flat=True)) == {Status.PUBLICITY}
    assert published.title in page.text

    # -- 7. Anyone reads the running notice and lodges a real-name objection; `city` settles it. --------
    anyone = browser()
    notices = anyone.open(anyone.open("/").link(text="评审结果公示"))
    running = next(
        notice
        for notice in (anyone.open(url) for url, _words in notices.links if re.search(r"/publicity/\d+/$", url))
        if all(name in notice.text for name in ("陈佳琪", "萧志强", "薛凤霞"))
    )
    seeded = Publicity.objects.get(pk=int(re.search(r"/publicity/(\d+)/$", running.url).group(1)))
    assert seeded.starts_on < demo_day <= seeded.ends_on and seeded.closed_at is None
    assert "滕州鲁信精工机械有限公司" not in running.text  # of other enterprises
    # The first person's "提出异议" link names them in the form (a notice is read a page at a time).
    chosen = anyone.open(urljoin(running.url, running.link(text="提出异议")))
    form = chosen.form(testid="objection-form")
    objected = form.data()["entry"][0]
    assert "第 1 号" in chosen.text
    received = anyone.submit(
        chosen,
        form,
        name="王某某",
        mobile="13912345678",
        relation="同事",
        facts="该同志申报的业绩成果与实际工作不符，请予核查。",
    )
    objection = Objection.objects.get()
    assert objection.entry_id == int(objected) and objection.is_open
    assert "您的异议已受理" in received.text and objection.reference in received.text
    page = city.open(city.open("/").link(text="公示管理"))
    page = city.open(page.link(href="/publicity/staff/objections/"))
    page = city.open(page.link(text=objection.reference))
    form = page.form(testid="decide-form")
    assert "dismiss" in form.options["decision"]
    page = city.submit(page, form, decision="dismiss", conclusion="经核查，该同志业绩材料真实，异议不成立。")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED and objection.decided_by.username == "city"
    assert "异议不成立" in page.text and "经核查，该同志业绩材料真实" in page.text

    # -- 8. `city` files 林超 and 谢晓东, records the filing number, issues their certificates; anyone
    #    verifies one by its verification URL (the certificate's QR code). -------------------------------
    page = city.open(city.open("/").link(text="备案与发证"))
    page = city.open(page.link(text=batch.name, href=f"/filing/batches/{batch.pk}/"))
    for name in ("林超", "谢晓东"):
        assert name in page.text
    # The files and the certificates are built by tasks after the commit; they run inline here.
    with capture_on_commit(execute=True):
        page = city.submit(page, page.form(action=f"/filing/batches/{batch.pk}/"))
    filing = Filing.objects.get(batch=batch)
    filed = sorted(filing.entries.values_list("application__applicant__real_name", flat=True))
    assert filed == sorted(["林超", "谢晓东"])
    assert page.url.endswith(f"/filing/{filing.pk}/"), page.url
    page = city.submit(
        page, page.form(field="filed_on"), number="鲁人社职备〔2026〕18号", filed_on=demo_day.isoformat()
    )
    filing.refresh_from_db()
    assert filing.number == "鲁人社职备〔2026〕18号" and filing.filed_on == demo_day
    assert "鲁人社职备〔2026〕18号" in page.text
    page = city.open(page.link(href=f"/filing/batches/{batch.pk}/certificates/"))
    assert "颁发2份证书" in page.text
    issue = next(form for form in page.forms if "action" not in form.attrs)  # the page's own form: issue
    with capture_on_commit(execute=True):
        page = city.submit(page, issue)
    # The issue run's page (opened before the test ran the queued task); open again, it has ended, with
    # its count; back to the list.
    assert "/certificates/runs/" in page.url and "发证进度" in page.text
    page = city.open(page.url)
    assert "已处理 2 / 2" in page.text and "已颁发 2 份证书" in page.text
    page = city.open(page.link(text="返回证书列表"))
    certificates = Certificate.objects.filter(application__filing_entry__filing=filing)
    assert sorted(certificates.values_list("holder_name", flat=True)) == filed
    assert set(Application.objects.filter(filing_entry__filing=filing).values_list("status", flat=True)) == {
        Status.CERTIFIED
    }
    certificate = certificates.get(holder_name="林超")
    page = city.open(page.link(text=certificate.number))
    verify_url = page.link(href=f"/verify/{certificate.token}/")
    verified = browser().open(verify_url)
    assert "该证书有效" in verified.text
    assert "林超" in verified.text and certificate.number in verified.text
