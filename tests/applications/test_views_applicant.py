"""The applicant's pages: home, profile, application, achievements, evidence, the moves, the timeline.

Each page is tried by its owner, by another applicant (404) and by nobody logged in (login); the
authorization matrix tries every other role. Pages are read in English (Accept-Language) so that
the assertions do not depend on the catalogue."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import (
    Achievement,
    Application,
    EducationRecord,
    Evidence,
    Status,
    Submission,
    Transition,
)
from applications.validators import patent_check_char
from applications.workflow import application_transition
from tests.applications.factories import (
    AchievementFactory,
    ApplicationFactory,
    ProfileFactory,
    World,
    evidence_for,
    tiny_pdf,
)
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import BatchFactory, DivisionFactory, UserFactory, make_id_number
from tests.helpers import assert_constant_queries
from zaozhuang_titles.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


@pytest.fixture
def english(client_for):
    """A client logged in as ``user`` that reads the pages in English."""

    def make(user):
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def applicant(world):
    return world.applicant()


@pytest.fixture
def draft(world, applicant):
    return world.draft(applicant)


def follow_messages(response):
    return [str(m) for m in response.context["messages"]]


# --- Home ----------------------------------------------------------------------------------------


def test_home_lists_own_applications_with_next_step_and_open_calls(world, applicant, english):
    mine = world.draft(applicant)
    other = world.draft()
    second_batch = BatchFactory(name="2023年度专项评审")
    response = english(applicant).get(reverse("applications:applicant_home"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["applications"]] == [mine.pk]
    page = response.content.decode()
    assert mine.number in page and other.number not in page
    assert "Complete the application and submit it before" in page
    # The batch it already applied in is not offered again; the other open one is.
    assert [b.pk for b in response.context["batches"]] == [second_batch.pk]
    assert reverse("applications:application_start", args=[second_batch.pk]) in page
    assert response.context["profile_gaps"] == []


def test_home_asks_to_complete_the_profile(english):
    user = UserFactory(roles=[Role.APPLICANT])
    response = english(user).get(reverse("applications:applicant_home"))
    gaps = response.context["profile_gaps"]
    assert any("employer" in gap for gap in gaps)
    assert any("education" in gap for gap in gaps)
    assert 'data-testid="profile-gaps"' in response.content.decode()


def test_home_shows_the_deadline_of_a_return_for_correction(world, applicant, english):
    application = world.at_district(applicant)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    services.application_return(
        application=application,
        actor=world.district,
        reason="材料不全",
        items=[("field:summary", "业绩摘要", "请补充经济效益")],
        deadline=deadline,
    )
    response = english(applicant).get(reverse("applications:applicant_home"))
    [card] = response.context["applications"]
    assert card.next_step.startswith("Answer the return for correction by")
    assert card.open_correction_request.deadline == deadline


def test_home_anonymous_goes_to_login(client):
    response = client.get(reverse("applications:applicant_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_home_constant_queries(world, applicant, client_for, django_assert_num_queries):
    client = client_for(applicant)

    def add_item():
        application = ApplicationFactory(batch=BatchFactory(), applicant=applicant, enterprise=world.enterprise)
        AchievementFactory(application=application)

    count = assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("applications:applicant_home")), add_item, expected=12
    )
    assert count < 20


# --- Profile -------------------------------------------------------------------------------------


def test_profile_shows_masked_id_and_what_it_derives(english):
    user = UserFactory(
        roles=[Role.APPLICANT], id_number=make_id_number(birth=datetime.date(1986, 3, 9), serial=123), real_name="李工"
    )
    response = english(user).get(reverse("applications:profile"))
    page = response.content.decode()
    assert user.masked_id_number in page
    assert user.id_number not in page
    assert "1986-03-09" in page
    assert response.context["sex"] == "Male"  # serial 123: odd 17th digit
    assert "李工" in page


def test_profile_save_changes_employer_and_contact(world, english):
    user = UserFactory(roles=[Role.APPLICANT])
    response = english(user).post(
        reverse("applications:profile"),
        {
            "enterprise": world.enterprise.pk,
            "department": "研发中心",
            "position": "总工程师",
            "specialty": "机械制造",
            "mobile": "13912345678",
            "email": "li@example.cn",
        },
    )
    assert response.status_code == 302
    profile = user.applicant_profile
    assert (profile.enterprise, profile.department, profile.position) == (world.enterprise, "研发中心", "总工程师")
    user.refresh_from_db()
    assert (user.mobile, user.email) == ("13912345678", "li@example.cn")


def test_profile_offers_only_active_enterprises_by_name(world, english):
    pending = EnterpriseFactory(status="pending", name="待核实企业")
    user = UserFactory(roles=[Role.APPLICANT])
    client = english(user)
    form = client.get(reverse("applications:profile")).context["form"]
    choices = list(form.fields["enterprise"].queryset)
    assert world.enterprise in choices and pending not in choices
    assert [e.name for e in choices] == sorted(e.name for e in choices)
    response = client.post(reverse("applications:profile"), {"enterprise": pending.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["enterprise"]
    assert not hasattr(user, "applicant_profile") or user.applicant_profile.enterprise is None


def test_profile_locked_under_audit_shows_the_reason_and_saves_nothing(world, applicant, english):
    application = world.at_district(applicant)
    client = english(applicant)
    response = client.get(reverse("applications:profile"))
    assert application.number in response.context["lock_reason"]
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert 'data-testid="lock-reason"' in response.content.decode()
    response = client.post(reverse("applications:profile"), {"enterprise": world.enterprise.pk, "department": "改动"})
    assert response.status_code == 200
    assert applicant.applicant_profile.department == "技术部"
    response = client.post(
        reverse("applications:profile_section", args=["educations"]),
        {"degree": "master", "school": "山东大学", "major": "机械工程", "graduated_on": "2012-06-30"},
    )
    assert response.status_code == 200
    assert not EducationRecord.objects.filter(profile__user=applicant, degree="master").exists()


def test_profile_record_add_edit_remove(applicant, english):
    client = english(applicant)
    url = reverse("applications:profile_section", args=["educations"])
    response = client.post(
        url, {"degree": "master", "school": "山东大学", "major": "机械工程", "graduated_on": "2012-06-30"}
    )
    assert response.status_code == 302
    record = EducationRecord.objects.get(profile__user=applicant, degree="master")
    assert record.school == "山东大学"
    response = client.post(
        reverse("applications:profile_record_edit", args=["educations", record.pk]),
        {"degree": "master", "school": "山东大学", "major": "机械电子工程", "graduated_on": "2012-06-30"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.major == "机械电子工程"
    response = client.post(reverse("applications:profile_record_remove", args=["educations", record.pk]))
    assert response.status_code == 302
    assert not EducationRecord.objects.filter(pk=record.pk).exists()


def test_profile_record_invalid_shows_field_error(applicant, english):
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = english(applicant).post(
        reverse("applications:profile_section", args=["educations"]),
        {"degree": "bachelor", "school": "枣庄学院", "major": "自动化", "graduated_on": future},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in str(response.context["form"].errors["graduated_on"])
    assert not EducationRecord.objects.filter(school="枣庄学院").exists()


def test_profile_links_to_the_training_hours_and_carries_their_correction_mark(world, applicant, english):
    """Hours are kept by the training app: the profile has no section of its own for them (404), links
    to the person's hours page, and shows there the reason of a return for correction naming them."""
    application = world.at_district(applicant)
    services.application_return(
        application=application,
        actor=world.district,
        reason="请补正",
        items=[("profile:training", "继续教育", "请补充2021年度学时认定材料。")],
    )
    client = english(applicant)
    assert client.get(reverse("applications:profile_section", args=["training"])).status_code == 404
    page = client.get(reverse("applications:profile")).content.decode()
    link = page.index('data-testid="section-training"')
    assert reverse("training:my_hours") in page[link - 200 : link]
    assert "请补充2021年度学时认定材料。" in page[link:]


def test_profile_record_of_another_applicant_is_404(world, applicant, english):
    other = world.applicant()
    record = EducationRecord.objects.get(profile__user=other)
    client = english(applicant)
    assert client.get(reverse("applications:profile_record_edit", args=["educations", record.pk])).status_code == 404
    response = client.post(reverse("applications:profile_record_remove", args=["educations", record.pk]))
    assert response.status_code == 404
    assert EducationRecord.objects.filter(pk=record.pk).exists()


def test_profile_unknown_section_is_404(applicant, english):
    assert english(applicant).get(reverse("applications:profile_section", args=["hobbies"])).status_code == 404


# --- Starting and editing ------------------------------------------------------------------------


def test_start_creates_a_draft(world, applicant, english):
    response = english(applicant).post(
        reverse("applications:application_start", args=[world.batch.pk]),
        {"specialty": "数控技术", "summary": "主持数控系统研发。"},
    )
    application = Application.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:my_application", args=[application.pk])
    assert (application.status, application.specialty, application.enterprise) == (
        Status.DRAFT,
        "数控技术",
        world.enterprise,
    )


def test_start_a_second_time_goes_to_the_existing_one(world, draft, english):
    response = english(draft.applicant).get(
        reverse("applications:application_start", args=[world.batch.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("applications:my_application", args=[draft.pk])
    assert "You already have an application in this batch." in follow_messages(response)
    assert Application.objects.filter(applicant=draft.applicant).count() == 1


def test_start_without_employer_says_so_and_creates_nothing(world, english):
    user = UserFactory(roles=[Role.APPLICANT])
    client = english(user)
    url = reverse("applications:application_start", args=[world.batch.pk])
    assert client.get(url).context["needs_employer"] is True
    response = client.post(url, {"specialty": "机械", "summary": "摘要"})
    assert response.status_code == 200
    assert "Choose your employer" in " ".join(response.context["form"].non_field_errors())
    assert not Application.objects.filter(applicant=user).exists()


def test_start_in_a_closed_batch_names_its_dates(applicant, english):
    batch = BatchFactory(
        name="已截止批次",
        opens_at=timezone.now() - datetime.timedelta(days=40),
        closes_at=timezone.now() - datetime.timedelta(days=10),
    )
    response = english(applicant).post(
        reverse("applications:application_start", args=[batch.pk]), {"specialty": "机械", "summary": "摘要"}
    )
    errors = " ".join(response.context["form"].non_field_errors())
    assert "accepts applications from" in errors and "已截止批次" in errors
    assert response.context["accepting"] is False
    assert not Application.objects.filter(applicant=applicant).exists()


def test_start_in_a_batch_being_prepared_is_404(applicant, english):
    batch = BatchFactory(status="draft")
    assert english(applicant).get(reverse("applications:application_start", args=[batch.pk])).status_code == 404


def test_edit_saves_specialty_and_summary(draft, english):
    response = english(draft.applicant).post(
        reverse("applications:application_edit", args=[draft.pk]), {"specialty": "智能制造", "summary": "新的摘要"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.specialty, draft.summary) == ("智能制造", "新的摘要")


def test_edit_after_submission_sends_back_with_a_message(world, applicant, english):
    application = world.submitted(applicant)
    response = english(applicant).post(
        reverse("applications:application_edit", args=[application.pk]), {"specialty": "x", "summary": "y"}, follow=True
    )
    assert "cannot be changed now" in " ".join(follow_messages(response))
    application.refresh_from_db()
    assert application.specialty == "机械设计"


# --- The application page ------------------------------------------------------------------------


def test_application_page_for_owner_other_applicant_and_anonymous(world, draft, english, client):
    url = reverse("applications:my_application", args=[draft.pk])
    response = english(draft.applicant).get(url)
    assert response.status_code == 200
    assert english(world.applicant()).get(url).status_code == 404
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_application_page_shows_eligibility_and_problems(world, applicant, english):
    application = world.draft(applicant, achievements=0)
    response = english(applicant).get(reverse("applications:my_application", args=[application.pk]))
    rows = response.context["eligibility"]
    assert rows and all(row["result"].label for row in rows)
    page = response.content.decode()
    assert 'data-testid="eligibility"' in page
    assert "Add at least one achievement with its evidence." in response.context["problems"]
    assert 'data-testid="problems"' in page


def test_application_page_eligibility_badges(world, applicant, english):
    response = english(applicant).get(reverse("applications:my_application", args=[world.draft(applicant).pk]))
    outcomes = {row["result"].code: row["label"] for row in response.context["eligibility"]}
    # Dedicated channel: the chairman signs after submission, so a draft is not faulted for it.
    assert str(outcomes["nomination"]) == "After you submit"
    assert str(outcomes["qualification"]) == "Waived"


def test_application_page_of_another_applicant_cannot_be_opened_for_any_action(world, draft, english):
    intruder = english(world.applicant())
    for name in ("achievements", "application_edit", "achievement_kind", "evidence_add", "application_withdraw"):
        assert intruder.get(reverse(f"applications:{name}", args=[draft.pk])).status_code == 404, name
    assert intruder.post(reverse("applications:application_submit", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- Achievements --------------------------------------------------------------------------------


def test_achievement_form_shows_only_the_fields_of_its_kind(draft, english):
    client = english(draft.applicant)
    patent = client.get(reverse("applications:achievement_add", args=[draft.pk, "patent"])).context["form"]
    project = client.get(reverse("applications:achievement_add", args=[draft.pk, "project"])).context["form"]
    assert {"patent_number", "patent_type", "inventor_rank"} <= set(patent.fields)
    assert "amount" not in patent.fields
    assert "patent_number" not in project.fields
    assert {"level", "role", "amount"} <= set(project.fields)
    assert project.fields["role"].required and not project.fields["amount"].required


def test_achievement_unknown_kind_is_404(draft, english):
    assert (
        english(draft.applicant).get(reverse("applications:achievement_add", args=[draft.pk, "poem"])).status_code
        == 404
    )


def test_achievement_with_invalid_patent_number_names_the_check_character(draft, english):
    digits = "201910123456"
    expected = patent_check_char(digits)
    wrong = "0" if expected != "0" else "1"
    before = draft.achievements.count()
    response = english(draft.applicant).post(
        reverse("applications:achievement_add", args=[draft.pk, "patent"]),
        {
            "title": "一种主轴冷却装置",
            "occurred_on": "2021-05-20",
            "patent_number": f"ZL{digits}.{wrong}",
            "patent_type": "invention",
            "inventor_rank": 1,
        },
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["patent_number"])
    assert expected in message
    assert draft.achievements.count() == before


def test_achievement_add_edit_remove(draft, english):
    client = english(draft.applicant)
    response = client.post(
        reverse("applications:achievement_add", args=[draft.pk, "transformation"]),
        {"title": "主轴技术转让", "occurred_on": "2022-03-01", "amount": "120.5", "benefit": "800"},
    )
    assert response.status_code == 302
    achievement = draft.achievements.get(title="主轴技术转让")
    assert achievement.kind == Achievement.Kind.TRANSFORMATION and str(achievement.benefit) == "800.00"
    response = client.post(
        reverse("applications:achievement_edit", args=[draft.pk, achievement.pk]),
        {"title": "主轴技术转让", "occurred_on": "2022-03-01", "amount": "120.5", "benefit": "900", "role": "负责人"},
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert (str(achievement.benefit), achievement.role) == ("900.00", "负责人")
    response = client.post(reverse("applications:achievement_remove", args=[draft.pk, achievement.pk]))
    assert response.status_code == 302
    assert not Achievement.objects.filter(pk=achievement.pk).exists()


def test_achievement_required_field_of_the_kind(draft, english):
    response = english(draft.applicant).post(
        reverse("applications:achievement_add", args=[draft.pk, "award"]),
        {"title": "市科技进步奖", "occurred_on": "2022-03-01"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"level", "role"}


def test_achievement_of_another_application_is_404(world, draft, english):
    other = world.draft()
    achievement = other.achievements.first()
    client = english(draft.applicant)
    url = reverse("applications:achievement_edit", args=[draft.pk, achievement.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("applications:achievement_remove", args=[draft.pk, achievement.pk])).status_code == 404
    assert Achievement.objects.filter(pk=achievement.pk).exists()


def test_achievements_list_constant_queries(world, applicant, client_for, django_assert_num_queries):
    application = world.draft(applicant, achievements=0)
    client = client_for(applicant)

    def add_item():
        achievement = AchievementFactory(application=application)
        evidence_for(application, achievement)

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("applications:achievements", args=[application.pk])),
        add_item,
        expected=11,
    )
    assert count < 20


# --- Evidence ------------------------------------------------------------------------------------


def test_evidence_upload_pdf_is_stored_and_listed(draft, english):
    achievement = draft.achievements.first()
    client = english(draft.applicant)
    upload = SimpleUploadedFile("专利证书2.pdf", tiny_pdf("second"), content_type="application/pdf")
    response = client.post(
        reverse("applications:achievement_evidence_add", args=[draft.pk, achievement.pk]), {"file": upload}
    )
    assert response.status_code == 302
    item = Evidence.objects.get(application=draft, original_name="专利证书2.pdf")
    assert item.achievement == achievement and item.content_type == "application/pdf"
    page = client.get(reverse("applications:achievements", args=[draft.pk])).content.decode()
    assert "专利证书2.pdf" in page
    assert reverse("applications:evidence_download", args=[item.pk]) in page


def test_evidence_upload_general_file(draft, english):
    upload = SimpleUploadedFile("学位证书.pdf", tiny_pdf("degree"), content_type="application/pdf")
    response = english(draft.applicant).post(reverse("applications:evidence_add", args=[draft.pk]), {"file": upload})
    assert response.status_code == 302
    assert Evidence.objects.get(application=draft, original_name="学位证书.pdf").achievement is None


def test_evidence_upload_renamed_html_is_refused_and_nothing_saved(draft, english):
    before = Evidence.objects.count()
    upload = SimpleUploadedFile(
        "证书.pdf", b"<!doctype html><html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = english(draft.applicant).post(reverse("applications:evidence_add", args=[draft.pk]), {"file": upload})
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "证书.pdf" in message and "HTML" in message
    assert "HTML" in response.content.decode()
    assert Evidence.objects.count() == before


def test_evidence_remove_hides_the_file(draft, english):
    item = draft.evidence.first()
    response = english(draft.applicant).post(reverse("applications:evidence_remove", args=[draft.pk, item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_at is not None


def test_evidence_download_returns_the_bytes_and_is_logged(draft, english):
    item = draft.evidence.first()
    response = english(draft.applicant).get(reverse("applications:evidence_download", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf(item.original_name)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED)
    assert (event.user, event.object_id) == (draft.applicant, str(item.pk))
    assert event.detail["application"] == draft.number


def test_evidence_download_inline(draft, english):
    item = draft.evidence.first()
    response = english(draft.applicant).get(reverse("applications:evidence_download", args=[item.pk]) + "?inline=1")
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "application/pdf"


def test_evidence_download_by_staff_and_enterprise_but_not_outsiders(world, applicant, english):
    application = world.at_district(applicant)
    item = application.evidence.first()
    url = reverse("applications:evidence_download", args=[item.pk])
    for user in (world.contact, world.chairman, world.district, world.city):
        assert english(user).get(url).status_code == 200
    assert english(world.applicant()).get(url).status_code == 404
    outsider_district = UserFactory(roles=[Role.DISTRICT_STAFF], roles__division=DivisionFactory(code="370402"))
    assert english(outsider_district).get(url).status_code == 404
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).count() == 4


def test_evidence_download_of_a_draft_by_the_enterprise_is_404(world, draft, english):
    # Before submission only the applicant sees the application.
    url = reverse("applications:evidence_download", args=[draft.evidence.first().pk])
    assert english(world.contact).get(url).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED).exists()


# --- Submit, resubmit, withdraw ------------------------------------------------------------------


def test_submit_twice_creates_one_submission(draft, english):
    client = english(draft.applicant)
    url = reverse("applications:application_submit", args=[draft.pk])
    first = client.post(url, follow=True)
    second = client.post(url, follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.ENTERPRISE_REVIEW
    assert Submission.objects.filter(application=draft).count() == 1
    assert Transition.objects.filter(application=draft, action="submit").count() == 1
    assert any("submitted to your enterprise" in m for m in follow_messages(first))
    assert second.status_code == 200
    [message] = list(second.context["messages"])
    assert message.level_tag == "info" and "already submitted" in str(message)


def test_submit_stale_page_gets_a_conflict_message_not_an_error(draft, english, monkeypatch):
    """Two clicks that both loaded the draft: the second finds the row moved under the lock."""
    from applications.views import applicant as views

    original = views.services.application_submit

    def submit_after_another(*, application, actor, ip=None):
        original(application=Application.objects.get(pk=application.pk), actor=actor)
        return original(application=application, actor=actor, ip=ip)

    monkeypatch.setattr(views.services, "application_submit", submit_after_another)
    response = english(draft.applicant).post(reverse("applications:application_submit", args=[draft.pk]), follow=True)
    [message] = list(response.context["messages"])
    assert message.level_tag == "info" and "nothing was changed" in str(message)
    assert Submission.objects.filter(application=draft).count() == 1


def test_submit_incomplete_shows_the_problems(world, applicant, english):
    application = world.draft(applicant, achievements=0)
    response = english(applicant).post(reverse("applications:application_submit", args=[application.pk]), follow=True)
    assert "Add at least one achievement with its evidence." in follow_messages(response)
    application.refresh_from_db()
    assert application.status == Status.DRAFT and not Submission.objects.filter(application=application).exists()


def test_withdraw_requires_a_reason(draft, english):
    client = english(draft.applicant)
    url = reverse("applications:application_withdraw", args=[draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = client.post(url, {"reason": "已调离本单位"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert Transition.objects.get(application=draft, action="withdraw").reason == "已调离本单位"


def test_withdraw_after_review_started_is_refused_with_a_message(world, applicant, english):
    application = world.accepted(applicant)
    application_transition(application=application, action="start_review", actor=world.city)
    response = english(applicant).post(
        reverse("applications:application_withdraw", args=[application.pk]), {"reason": "想撤回"}, follow=True
    )
    assert "can no longer be withdrawn" in " ".join(follow_messages(response))
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def returned_at_district(world, applicant):
    application = world.at_district(applicant)
    achievement = application.achievements.first()
    evidence = application.evidence.first()
    services.application_return(
        application=application,
        actor=world.district,
        reason="请补正",
        items=[
            ("field:summary", "业绩摘要", "请写明经济效益"),
            (f"achievement:{achievement.pk}", achievement.title, "专利排名不清"),
            (f"evidence:{evidence.pk}", evidence.original_name, "扫描件模糊"),
        ],
    )
    application.refresh_from_db()
    return application


def test_returned_application_shows_the_items_and_marks(world, applicant, english):
    application = returned_at_district(world, applicant)
    response = english(applicant).get(reverse("applications:my_application", args=[application.pk]))
    page = response.content.decode()
    assert 'data-testid="correction"' in page
    assert "请写明经济效益" in page and "专利排名不清" in page and "扫描件模糊" in page
    assert response.context["field_marks"] == {"summary": ["请写明经济效益"]}
    [achievement] = response.context["achievements"]
    assert achievement.correction_reasons == ["专利排名不清"] and achievement.flagged_files
    assert response.context["editable"] is True
    assert "resubmit" in response.context["actions"]


def test_resubmit_goes_back_to_the_step_that_returned_it(world, applicant, english):
    application = returned_at_district(world, applicant)
    client = english(applicant)
    client.post(
        reverse("applications:application_edit", args=[application.pk]),
        {"specialty": "机械设计", "summary": "主持数控机床主轴系统研发，创造经济效益800万元。"},
    )
    response = client.post(reverse("applications:application_resubmit", args=[application.pk]), follow=True)
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_AUDIT
    assert application.corrections.get().answered_at is not None
    assert Submission.objects.filter(application=application).count() == 2
    assert any("resubmitted" in m for m in follow_messages(response))
    again = client.post(reverse("applications:application_resubmit", args=[application.pk]), follow=True)
    assert "already resubmitted" in " ".join(follow_messages(again))
    assert Submission.objects.filter(application=application).count() == 2


# --- Nomination ----------------------------------------------------------------------------------


def test_nomination_signed_is_shown_without_rank(world, applicant, english):
    application = world.submitted(applicant)
    # What nomination_sign writes on the move: the rank, for the enterprise and the staff.
    application_transition(application=application, action="nominate", actor=world.chairman, reason="Ranked 2 of 2.")
    world.sign(application)
    response = english(applicant).get(reverse("applications:my_application", args=[application.pk]))
    nomination = response.context["nomination"]
    assert (nomination.state, nomination.at) == ("signed", nomination.entry.nomination.signed_at)
    assert 'data-testid="nomination-signed"' in response.content.decode()
    # The chairman's ranking is the enterprise's and the staff's business: the timeline hides it too.
    timeline = english(applicant).get(reverse("applications:timeline", args=[application.pk])).content.decode()
    assert "Nominated by the chairman" in timeline and "Ranked" not in timeline
    staff_view = english(world.contact).get(reverse("applications:timeline", args=[application.pk]))
    assert "Ranked 2 of 2." in staff_view.content.decode()


def test_nomination_voided_is_shown_with_reason(world, applicant, english):
    application = world.submitted(applicant)
    world.sign(application)
    services.application_touch(application=application, reason="申报内容已修改")
    response = english(applicant).get(reverse("applications:applicant_home"))
    [card] = response.context["applications"]
    assert (card.nomination.state, card.nomination.at, card.nomination.reason) == (
        "voided",
        card.nomination.entry.voided_at,
        "申报内容已修改",
    )
    page = response.content.decode()
    assert "申报内容已修改" in page and "The chairman must sign again." in page


# --- Timeline ------------------------------------------------------------------------------------


def test_timeline_lists_moves_with_labels_actors_and_corrections(world, applicant, english):
    application = returned_at_district(world, applicant)
    response = english(applicant).get(reverse("applications:timeline", args=[application.pk]))
    steps = response.context["steps"]
    assert [str(s["label"]) for s in steps] == [
        "Submitted to the enterprise",
        "Nominated by the chairman",
        "Forwarded by the enterprise",
        "Returned for correction",
    ]
    last = steps[-1]
    assert last["transition"].actor == world.district and str(last["role"]) == "District HR staff"
    assert last["correction"].items.count() == 3
    page = response.content.decode()
    assert world.district.real_name in page and "请补正" in page and "扫描件模糊" in page
    assert "Answer the return for correction by" in response.context["next_step"]


def test_timeline_for_the_enterprise_and_staff_but_not_outsiders(world, applicant, english, client):
    application = world.at_district(applicant)
    url = reverse("applications:timeline", args=[application.pk])
    for user in (world.contact, world.chairman, world.district, world.city):
        assert english(user).get(url).status_code == 200
    assert english(world.applicant()).get(url).status_code == 404
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_timeline_constant_queries(world, applicant, client_for, django_assert_num_queries):
    application = world.draft(applicant)
    client = client_for(applicant)
    actors = [world.contact, world.chairman, world.district]

    def add_item():
        actor = UserFactory(roles=[Role.DISTRICT_STAFF]) if not actors else actors.pop()
        Transition.objects.create(
            application=application,
            action="return",
            from_status=Status.DISTRICT_AUDIT,
            to_status=Status.RETURNED,
            actor=actor,
            actor_role=Role.DISTRICT_STAFF.value,
            reason="补正",
        )

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("applications:timeline", args=[application.pk])),
        add_item,
        expected=13,
    )
    assert count < 20


def test_profile_factory_applicant_has_the_role():
    # Guard for the tests above: ProfileFactory's user is an applicant.
    assert ProfileFactory().user.has_role(Role.APPLICANT)


def test_profile_section_marked_for_correction_is_highlighted(world, applicant, english):
    application = world.at_district(applicant)
    services.application_return(
        application=application,
        actor=world.district,
        reason="请补正",
        items=[("profile:educations", "学历", "缺少学位证书编号")],
    )
    client = english(applicant)
    response = client.get(reverse("applications:profile"))
    assert ("educations", ["缺少学位证书编号"]) in [
        (key, reasons) for key, _t, _c, reasons in response.context["sections"]
    ]
    assert response.context["lock_reason"] == ""  # returned: the profile can change again
    page = client.get(reverse("applications:profile_section", args=["educations"])).content.decode()
    assert 'data-testid="section-marks"' in page and "缺少学位证书编号" in page


def test_profile_invalid_mobile_is_a_field_error(world, applicant, english):
    response = english(applicant).post(
        reverse("applications:profile"), {"enterprise": world.enterprise.pk, "mobile": "12345"}
    )
    assert response.status_code == 200
    assert "11-digit" in " ".join(response.context["form"].errors["mobile"])
    applicant.refresh_from_db()
    assert applicant.mobile != "12345"


def test_evidence_of_another_application_cannot_be_removed(world, draft, english):
    other = world.draft()
    item = other.evidence.first()
    response = english(draft.applicant).post(reverse("applications:evidence_remove", args=[draft.pk, item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.removed_at is None


def test_evidence_upload_with_a_very_long_name_is_checked_by_the_inspector(draft, english):
    upload = SimpleUploadedFile("专" * 250 + ".pdf", tiny_pdf("long"), content_type="application/pdf")
    response = english(draft.applicant).post(reverse("applications:evidence_add", args=[draft.pk]), {"file": upload})
    assert response.status_code == 302
    item = Evidence.objects.filter(application=draft).latest("id")
    assert len(item.original_name) <= 200 and item.original_name.endswith(".pdf")
