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

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from applications.demo import FIRST_BATCH_NAME
from applications.models import Application, Batch, InternalNotice, Status
from reviews.demo import MEETING_NAME
from results.models import Certificate, Filing, Objection, Publicity
from reviews.models import Assignment, Ballot, Case, Meeting
from tests.walk_pages import Browser
from zaozhuang_titles.demo import DEMO_PASSWORD
from zaozhuang_titles.models import User
from zaozhuang_titles.workdays import is_working_day

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parent.parent / "README.md"
#: The demo's days: a Saturday (a weekend, the next working day two days on) and a Wednesday.
DAYS = {"saturday": datetime.date(2026, 12, 5), "wednesday": datetime.date(2026, 12, 9)}


def readme_walk():
    """The README's section on the demo: its text from "Roles and demo logins" to the next section."""
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Roles and demo logins") : text.index("## Architecture")]


def readme_panel():
    """The panel's usernames as the README lists them: (members, substitutes)."""
    section = " ".join(readme_walk().split())
    found = re.search(r"the members (.+?), and the substitutes (.+?) \(", section)
    members = re.findall(r"`(\w+)`", found.group(1))
    substitutes = re.findall(r"`(\w+)`", found.group(2))
    return members, substitutes


@pytest.fixture
def demo_day(request, monkeypatch):
    """Django's clock on the demo day at 10:00 in Zaozhuang, running on from there."""
    day = DAYS[request.param]
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    started = datetime.datetime.now(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment + (datetime.datetime.now(datetime.UTC) - started))
    return day


def browser():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies.load({"django_language": "zh-hans"})
    return Browser(client)


def login(username):
    """A browser logged in as ``username`` on the login page, with the README's password."""
    user = browser()
    page = user.open("/accounts/login/")
    landing = user.submit(page, page.form(testid="login-form"), username=username, password=DEMO_PASSWORD)
    assert "_auth_user_id" in user.client.session, landing.text[:500]
    assert int(user.client.session["_auth_user_id"]) == User.objects.get(username=username).pk
    return user, landing


def application(number):
    return Application.objects.get(number=number)


@pytest.mark.parametrize("demo_day", list(DAYS), indirect=True)
def test_demo_walk_works_on_the_day_of_the_seeding(demo_day, settings, tmp_path, django_capture_on_commit_callbacks):
    capture_on_commit = django_capture_on_commit_callbacks
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    batch = Batch.objects.get(name=FIRST_BATCH_NAME)

    # -- 1. `applicant` completes and submits its draft 20220000001 (陈志远). ---------------------------
    applicant, home = login("applicant")
    draft = application("20220000001")
    assert draft.status == Status.DRAFT
    assert draft.applicant.real_name == "陈志远" and "陈志远" in home.text
    page = applicant.open(home.link(text="继续填写", href=f"/me/{draft.pk}/"))
    assert "申报材料已齐全" in page.text  # complete as seeded: nothing left to fill
    page = applicant.submit(page, page.form(testid="submit-form"))
    draft.refresh_from_db()
    assert draft.status == Status.ENTERPRISE_REVIEW
    assert "已提交至所在单位" in page.text or "单位审核" in page.text

    # -- 2. `contact` starts the internal notice for it. ---------------------------------------------
    contact, landing = login("contact")
    page = contact.open("/applications/enterprise/")
    page = contact.open(page.link(text="发起单位内部公示"))
    form = page.form(testid="notice-form")
    assert ("applications", str(draft.pk)) not in form.fields  # offered, not ticked
    assert "20220000001" in page.text
    page = contact.submit(page, form, applications=[str(draft.pk)], location="公司办公楼一楼公告栏")
    notice = InternalNotice.objects.get(applications=draft)
    assert notice.location == "公司办公楼一楼公告栏"
    assert notice.starts_on >= demo_day
    assert "陈志远" in page.text and "公司办公楼一楼公告栏" in page.text

    # -- 3. `chairman` ranks and signs 20220000005 (何国栋) and 20220000006 (高志强). -------------------
    chairman, home = login("chairman")
    page = chairman.open(home.link(text="重新排序并署名") if "重新排序并署名" in home.text else home.link(href="/batches/"))
    form = page.form(testid="nomination-form")
    # Every nominee needs a recommendation; those already signed keep theirs as prefilled.
    recommendations = {
        name.replace("rank_", "recommendation_"): "技术骨干，对企业贡献突出，同意举荐。"
        for name in form.names
        if name.startswith("rank_") and not dict(form.fields).get(name.replace("rank_", "recommendation_"))
    }
    page = chairman.submit(page, form, button=("action", "send_code"), **recommendations)
    assert "验证码已发送至139****0005" in page.text
    # The code, as admin shows it under 短信 (no phone needed).
    admin, home = login("admin")
    sms_list = admin.open(home.link(text="短信"))
    code = re.search(r"署名举荐验证码为 (\d{6})", sms_list.text).group(1)
    page = chairman.submit(page, page.form(testid="nomination-form"), button=("action", "sign"), code=code)
    assert "举荐信已生成" in page.text
    for number in ("20220000005", "20220000006"):
        signed = application(number)
        assert signed.status == Status.NOMINATED
        assert signed.nomination_entries.filter(voided_at__isnull=True).count() == 1
    assert {application(n).applicant.real_name for n in ("20220000005", "20220000006")} == {"何国栋", "高志强"}

    # -- 4. `contact` forwards the signed 20220000007 (丁学军) and 20220000008 (丁志强). -----------------
    for number, name in (("20220000007", "丁学军"), ("20220000008", "丁志强")):
        page = contact.open("/applications/enterprise/")
        forwarded = application(number)
        assert forwarded.applicant.real_name == name and forwarded.status == Status.NOMINATED
        page = contact.submit(page, page.form(action=f"/applications/{forwarded.pk}/forward/"))
        forwarded.refresh_from_db()
        assert forwarded.status == Status.DISTRICT_AUDIT, page.text[:1000]

    # -- 5. `district` audits 20220000009; `city` audits 20220000012; the resubmission's diff. --------
    district, queue = login("district")
    audited = application("20220000009")
    assert audited.status == Status.DISTRICT_AUDIT
    page = district.open(queue.link(text="20220000009"))
    page = district.submit(page, page.form(action=f"/{audited.pk}/act/pass/"))
    audited.refresh_from_db()
    assert audited.status == Status.CITY_AUDIT
    changes = district.open(queue.link(href="/changes/"))
    assert "历次提交之间的变更" in changes.text and "变更前" in changes.text and "修改" in changes.text
    city, queue = login("city")
    audited = application("20220000012")
    assert audited.status == Status.CITY_AUDIT
    page = city.open(queue.link(text="20220000012"))
    page = city.submit(page, page.form(action=f"/{audited.pk}/act/pass/"))
    audited.refresh_from_db()
    assert audited.status == Status.ACCEPTED

    # -- 6. The panel scores the five cases; `city` runs the vote and publishes the passed. ----------
    meeting = Meeting.objects.get(name=MEETING_NAME)
    members, substitutes = readme_panel()
    panel = list(meeting.panel.select_related("expert__user").order_by("kind", "order"))
    assert [m.expert.user.username for m in panel] == members + substitutes
    for username in members:
        if username == "expert":
            expert, tasks = login("expert")
        else:
            expert = browser()
            expert.client.force_login(User.objects.get(username=username))
            tasks = expert.open("/")
        task_links = [url for url, words in tasks.links if "评分" in "".join(words) and "/reviews/tasks/" in url]
        # Each member scores the cases it is assigned (a member recused at the draw has fewer than five).
        assigned = Assignment.objects.filter(case__meeting=meeting, expert__user__username=username)
        assert len(task_links) == assigned.count() >= 4, (username, tasks.text[:1000])
        for url in task_links:
            page = expert.open(url)
            criteria = [form for form in page.forms if form.attrs.get("data-testid") == "criterion"]
            tops = [int(top) for top in re.findall(r"\(0–(\d+)分\)", page.text)]
            assert len(criteria) == len(tops) == 4
            for form, top in zip(criteria, tops, strict=True):
                expert.submit(page, form, points=str(top - 4))
            page = expert.open(url)
            page = expert.submit(page, page.form(testid="submit-form"), comment="业绩突出，同意通过。")
        assert not assigned.filter(submitted_at__isnull=True).exists()
        assert "已评分并提交: %d" % len(task_links) in expert.open("/").text
    assert meeting.cases.count() == 5
    assert not Assignment.objects.filter(case__meeting=meeting, submitted_at__isnull=True).exists()
    assert "20220000015" in meeting.cases.values_list("application__number", flat=True)

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
    assert meeting.status == Meeting.Status.VOTING, page.text[:2000]
    for username in members:
        expert = browser()
        expert.client.force_login(User.objects.get(username=username))
        page = expert.open(expert.open("/reviews/voting/").link(text=MEETING_NAME))
        for _case in range(Assignment.objects.filter(case__meeting=meeting, expert__user__username=username).count()):
            ballot = page.form(testid="ballot-form")
            confirm = expert.submit(page, ballot, button=("choice", Ballot.Choice.YES))
            assert "确认" in confirm.text
            page = expert.submit(confirm, confirm.form(action="/ballot/", field="choice"), button=("confirmed", "on"))
        assert not any(form.attrs.get("data-testid") == "ballot-form" for form in page.forms), page.text[:2000]
    page = city.open(f"/reviews/voting/meetings/{meeting.pk}/")
    page = city.submit(page, page.form(action="/close/"), **({"confirm_early": "on"} if early else {}))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED, page.text[:2000]
    assert set(meeting.cases.values_list("result", flat=True)) == {Case.Result.PASSED}
    passed = list(meeting.cases.values_list("application__number", flat=True))
    assert set(Application.objects.filter(number__in=passed).values_list("status", flat=True)) == {Status.PASSED}

    # `city` publishes the passed applications as a notice (on a weekend it starts on the next working day).
    page = city.open(city.open("/").link(text="公示管理"))
    page = city.open(page.link(href=f"/publicity/staff/publish/{batch.pk}/"))
    for number in passed:
        assert number in page.text
    form = page.form(testid="publish-form")
    starts_on = datetime.date.fromisoformat(dict(form.fields)["starts_on"])
    assert starts_on >= demo_day and is_working_day(starts_on)
    page = city.submit(page, form)
    published = Publicity.objects.get(entries__application__number=passed[0])
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
    form = running.form(testid="objection-form")
    objected = form.options["entry"][1]  # the first person (the first option asks to choose)
    received = anyone.submit(
        running,
        form,
        entry=objected,
        name="王某某",
        mobile="13912345678",
        relation="同事",
        facts="该同志申报的业绩成果与实际工作不符，请予核查。",
    )
    objection = Objection.objects.get()
    assert objection.entry_id == int(objected) and objection.is_open
    assert objection.reference in received.text
    page = city.open(city.open("/").link(text="公示管理"))
    page = city.open(page.link(href="/publicity/staff/objections/"))
    page = city.open(page.link(text=objection.reference))
    form = page.form(testid="decide-form")
    assert "dismiss" in form.options["decision"]
    page = city.submit(page, form, decision="dismiss", conclusion="经核查，该同志业绩材料真实，异议不成立。")
    objection.refresh_from_db()
    assert not objection.is_open and objection.decided_by.username == "city"
    assert "异议不成立" in page.text

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
    page = city.submit(page, page.form(field="filed_on"), number="鲁人社职备〔2026〕18号", filed_on=demo_day.isoformat())
    filing.refresh_from_db()
    assert filing.number == "鲁人社职备〔2026〕18号" and filing.filed_on == demo_day
    assert "鲁人社职备〔2026〕18号" in page.text
    page = city.open(page.link(href=f"/filing/batches/{batch.pk}/certificates/"))
    assert "颁发2份证书" in page.text
    issue = next(form for form in page.forms if "action" not in form.attrs)  # the page's own form: issue
    with capture_on_commit(execute=True):
        page = city.submit(page, issue)
    assert "正在颁发2份证书" in page.text
    page = city.open(page.url)
    certificates = Certificate.objects.filter(application__filing_entry__filing=filing)
    assert sorted(certificates.values_list("holder_name", flat=True)) == filed
    assert set(Application.objects.filter(filing_entry__filing=filing).values_list("status", flat=True)) == {
        Status.CERTIFIED
    }
    certificate = certificates.get(holder_name="林超")
    page = city.open(page.link(text=certificate.number))
    verify_url = page.link(href=f"/verify/{certificate.token}/")
    verified = browser().open(verify_url)
    assert "林超" in verified.text and certificate.number in verified.text
    assert "证书有效" in verified.text or "有效" in verified.text
