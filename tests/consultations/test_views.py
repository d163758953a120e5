"""The pages: asking with an attachment, answering, recording and solving a problem, publishing, the
survey follow-up; bad input shown in Chinese without a 500 or a half-saved row; and every list page at a
fixed number of queries with one row and with many."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import services
from consultations.models import Category, Consultation, FaqEntry, Problem, ProblemStatus
from enterprises.models import ServiceLog
from surveys.services import response_save
from tests.applications.hostile_files import image
from tests.helpers import assert_constant_queries
from tests.surveys.factories import DispatchFactory, QuestionnaireFactory, RecipientFactory, build_survey
from zaozhuang_titles.models import AuditEvent

pytestmark = pytest.mark.django_db

_titles = itertools.count(1)


def login(client, user):
    client.force_login(user, backend="zaozhuang_titles.backends.UsernameOrMobileBackend")
    return client


def test_a_contact_asks_with_an_attachment_and_reads_it_back(client, world):
    login(client, world.contact)
    upload = SimpleUploadedFile("报错截图.png", image(), content_type="image/png")

    response = client.post(
        reverse("consultations:ask"),
        {
            "title": "上传失败怎么办？",
            "category": Category.SYSTEM,
            "body": "点击上传没有反应。",
            "attachment": upload,
            "asked_as": "enterprise_contact",
        },
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:detail", args=[consultation.pk])
    page = client.get(response["Location"]).content.decode()
    assert "上传失败怎么办？" in page and "报错截图.png" in page
    download = client.get(reverse("consultations:attachment", args=[consultation.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FILE_DOWNLOADED, object_id=str(consultation.pk)).exists()


def test_a_bad_question_is_shown_again_in_chinese_and_nothing_is_saved(client, world):
    login(client, world.contact)
    renamed = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = client.post(
        reverse("consultations:ask"),
        {"title": "", "category": "dinner", "body": "x\u202e", "attachment": renamed, "asked_as": "enterprise_contact"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "这个字段是必填项" in text or "必填" in text
    assert not Consultation.objects.exists()


def test_an_attachment_that_is_no_pdf_is_refused_by_the_service_with_its_reason(client, world):
    login(client, world.contact)
    renamed = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = client.post(
        reverse("consultations:ask"),
        {
            "title": "问题",
            "category": Category.SYSTEM,
            "body": "说明",
            "attachment": renamed,
            "asked_as": "enterprise_contact",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attachment"]
    assert not Consultation.objects.exists()


def test_the_commissioner_answers_on_the_page_and_an_empty_answer_is_refused(client, world):
    consultation = world.ask()
    login(client, world.commissioner.user)
    url = reverse("consultations:answer", args=[consultation.pk])

    empty = client.post(url, {"answer": "  "})
    assert empty.status_code == 200
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    done = client.post(url, {"answer": "不需要论文。"})

    assert done.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ANSWERED
    # A second answer (another tab) is told who answered, and changes nothing.
    again = client.post(url, {"answer": "重复"}, follow=True)
    assert "赵敏" in again.content.decode()
    assert ServiceLog.objects.filter(kind=ServiceLog.Kind.CONSULTATION).count() == 1


def test_a_problem_is_recorded_started_and_solved_on_its_pages(client, world):
    consultation = world.ask()
    login(client, world.commissioner.user)

    form = client.get(reverse("consultations:problem_create", args=[consultation.pk]))
    assert form.context["form"].initial["owner"] == world.commissioner.user.pk
    created = client.post(
        reverse("consultations:problem_create", args=[consultation.pk]),
        {
            "title": "格式问题",
            "category": Category.SYSTEM,
            "description": "TIFF",
            "owner": world.commissioner.user.pk,
            "due_days": 5,
        },
    )
    problem = Problem.objects.get()
    assert created["Location"] == reverse("consultations:problem", args=[problem.pk])
    client.post(reverse("consultations:problem_start", args=[problem.pk]))
    client.post(reverse("consultations:problem_note", args=[problem.pk]), {"text": "已联系。"})
    refused = client.post(reverse("consultations:problem_solve", args=[problem.pk]), {"resolution": ""})
    assert refused.status_code == 200
    client.post(reverse("consultations:problem_solve", args=[problem.pk]), {"resolution": "已解决。"})

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SOLVED
    page = client.get(reverse("consultations:problem", args=[problem.pk])).content.decode()
    assert "已解决。" in page and "已联系。" in page
    asker_page = login(client, world.contact).get(reverse("consultations:detail", args=[consultation.pk]))
    assert "已解决。" in asker_page.content.decode()


def test_a_bad_owner_or_due_days_on_the_form_is_refused_in_chinese(client, world):
    consultation = world.ask()
    login(client, world.city)

    response = client.post(
        reverse("consultations:problem_create", args=[consultation.pk]),
        {
            "title": "格式问题",
            "category": Category.SYSTEM,
            "description": "TIFF",
            "owner": world.other_district.pk,
            "due_days": 99,
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"owner", "due_days"}
    assert not Problem.objects.exists()


def test_city_staff_publish_with_a_draft_that_names_nobody(client, world):
    consultation = world.answered(body="我是周丽，电话13906320006，滕州鲁信精工机械有限公司。")
    login(client, world.city)

    draft = client.get(reverse("consultations:publish", args=[consultation.pk])).context["form"].initial
    assert "周丽" not in draft["question"] + draft["answer"]
    refused = client.post(
        reverse("consultations:publish", args=[consultation.pk]),
        {"category": Category.REVIEW, "question": "周丽的问题", "answer": "答复"},
    )
    assert refused.status_code == 200
    assert "常见问题不得显示提问人" in refused.content.decode()
    published = client.post(
        reverse("consultations:publish", args=[consultation.pk]),
        {"category": Category.REVIEW, "question": "专项通道是否需要论文？", "answer": "不需要。"},
    )
    entry = FaqEntry.objects.get()
    assert published["Location"] == reverse("consultations:faq_entry", args=[entry.pk])


def test_city_staff_take_up_a_questionnaire_answer_as_a_problem(client, world):
    questionnaire, questions = build_survey(QuestionnaireFactory(created_by=world.city))
    recipient = RecipientFactory(dispatch=DispatchFactory(questionnaire=questionnaire), enterprise=world.enterprise)
    q1, _q2, _q3, q4, *_rest = questions
    response = response_save(
        recipient=recipient, user=world.contact, answers={q1.pk: q1.opt["否"].pk, q4.pk: 2}, submit=True
    )
    login(client, world.city)

    survey_page = client.get(reverse("surveys:response", args=[response.pk])).content.decode()
    assert reverse("consultations:from_survey", args=[response.pk]) in survey_page
    made = client.post(
        reverse("consultations:from_survey", args=[response.pk]),
        {
            "kind": "problem",
            "title": "满意度低",
            "category": Category.OTHER,
            "description": "政策宣传不到位",
            "owner": world.commissioner.user.pk,
            "due_days": 10,
        },
    )
    problem = Problem.objects.get()
    assert made["Location"] == reverse("consultations:problem", args=[problem.pk])
    assert (problem.source_response, problem.enterprise, problem.consultation) == (response, world.enterprise, None)
    assert problem.service_log.kind == ServiceLog.Kind.PROBLEM
    asked = client.post(
        reverse("consultations:from_survey", args=[response.pk]),
        {
            "kind": "consultation",
            "title": "如何提高宣传效果？",
            "category": Category.OTHER,
            "description": "希望多开展政策宣讲",
        },
    )
    consultation = Consultation.objects.get()
    assert asked["Location"] == reverse("consultations:detail", args=[consultation.pk])
    assert (consultation.asker, consultation.created_by, consultation.source_response) == (
        world.contact,
        world.city,
        response,
    )
    assert "满意度低" in client.get(reverse("surveys:response", args=[response.pk])).content.decode()


def test_the_survey_follow_up_needs_an_owner_for_a_problem(client, world):
    questionnaire, questions = build_survey(QuestionnaireFactory(created_by=world.city))
    recipient = RecipientFactory(dispatch=DispatchFactory(questionnaire=questionnaire), enterprise=world.enterprise)
    q1, _q2, _q3, q4, *_rest = questions
    response = response_save(
        recipient=recipient, user=world.contact, answers={q1.pk: q1.opt["否"].pk, q4.pk: 2}, submit=True
    )
    login(client, world.city)

    page = client.post(
        reverse("consultations:from_survey", args=[response.pk]),
        {"kind": "problem", "title": "满意度低", "category": Category.OTHER, "description": "说明"},
    )

    assert page.status_code == 200
    assert {"owner", "due_days"} <= set(page.context["form"].errors)
    assert not Problem.objects.exists()


# --- Query counts of the list pages ------------------------------------------------------------------


def test_the_queue_costs_the_same_with_one_question_and_many(client, world, django_assert_num_queries):
    login(client, world.district)
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("consultations:queue")),
        lambda: world.ask(title=f"问题{next(_titles)}"),
        expected=10,
    )


def test_my_questions_cost_the_same_with_one_question_and_many(client, world, django_assert_num_queries):
    login(client, world.contact)
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("consultations:mine")),
        lambda: world.ask(title=f"问题{next(_titles)}"),
        expected=8,
    )


def test_the_problem_list_costs_the_same_with_one_problem_and_many(client, world, django_assert_num_queries):
    login(client, world.commissioner.user)
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("consultations:problems")),
        lambda: world.problem(world.ask(title=f"问题{next(_titles)}")),
        expected=12,
    )


def test_the_public_faq_costs_the_same_with_one_entry_and_many(client, world, django_assert_num_queries):
    def publish():
        consultation = world.answered(title=f"问题{next(_titles)}")
        services.faq_publish(
            consultation=consultation,
            actor=world.city,
            category=Category.REVIEW,
            question=consultation.title,
            answer="答复",
        )

    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(reverse("consultations:faq"), {"q": "问题"}), publish, expected=2
    )
