"""The pages: building, sending, answering on the link, results, follow-up; and their query counts."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import ServiceLog
from enterprises.selectors import service_statistics
from surveys import views as surveys_views
from surveys.models import Dispatch, FollowUp, Question, Questionnaire, Recipient, Response
from surveys.selectors import answers_of
from surveys.services import response_save
from tests.enterprises.factories import CommissionerFactory, ContactFactory, EnterpriseFactory
from tests.helpers import assert_constant_queries, walk_keyset_pages
from tests.surveys.factories import (
    DispatchFactory,
    QuestionnaireFactory,
    RecipientFactory,
    build_survey,
    question,
)
from zaozhuang_titles.models import AuditEvent

pytestmark = pytest.mark.django_db


def content(response):
    return response.content.decode()


def submit(recipient, user, questions, extra=None):
    q1, _q2, q3, q4, *_rest = questions
    answers = {q1.pk: q1.opt["否"].pk, q3.pk: [q3.opt["A"].pk], q4.pk: 4, **(extra or {})}
    return response_save(recipient=recipient, user=user, answers=answers, submit=True)


# --- Building -----------------------------------------------------------------------------------


def test_staff_build_a_questionnaire_with_a_branch(client_for, city_user):
    client = client_for(city_user)

    response = client.post(reverse("surveys:questionnaire_create"), {"title": "需求调查", "introduction": "请填写"})
    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == reverse("surveys:questionnaire", args=[questionnaire.pk])
    add = reverse("surveys:question_add", args=[questionnaire.pk])
    client.post(add, {"text": "是否申报", "kind": "single", "required": "on", "options": "是\n否\n\n"})
    first = Question.objects.get()
    page = client.get(add)
    yes = first.options.get(label="是")
    assert f'value="{yes.pk}"' in content(page)  # the condition offers the options above
    client.post(add, {"text": "人数", "kind": "number", "show_if": str(yes.pk), "min_value": "1", "max_value": "50"})

    detail = content(client.get(reverse("surveys:questionnaire", args=[questionnaire.pk])))
    assert "仅当第 1 题选择“是”时显示" in detail
    second = Question.objects.get(text="人数")
    assert (second.show_if, second.min_value, second.options.count()) == (yes, 50 - 49, 0)


def test_the_question_form_shows_what_is_wrong(client_for, survey, city_user):
    questionnaire, _questions = survey

    response = client_for(city_user).post(
        reverse("surveys:question_add", args=[questionnaire.pk]), {"text": "选择", "kind": "multiple", "options": "甲"}
    )

    assert response.status_code == 200
    assert "选择题需要 2 到 30 个选项，每行一个；现有 1 个。" in content(response)
    assert questionnaire.questions.count() == 6


def test_a_locked_questionnaire_offers_no_change_and_refuses_one(client_for, recipient, contact, survey, city_user):
    questionnaire, questions = survey
    submit(recipient, contact, questions)
    client = client_for(city_user)

    page = content(client.get(reverse("surveys:questionnaire", args=[questionnaire.pk])))
    response = client.post(
        reverse("surveys:question_edit", args=[questions[0].pk]), {"text": "改", "kind": "single", "options": "是\n否"}
    )

    assert 'data-testid="edit-question"' not in page and 'data-testid="locked-note"' in page
    assert response.status_code == 200 and "已有答卷，问题不能再修改" in content(response)
    assert Question.objects.get(pk=questions[0].pk).text == "是否申报"


def test_a_new_version_opens_for_changes(client_for, recipient, contact, survey, city_user):
    questionnaire, questions = survey
    submit(recipient, contact, questions)

    response = client_for(city_user).post(reverse("surveys:questionnaire_new_version", args=[questionnaire.pk]))

    copy = Questionnaire.objects.get(previous=questionnaire)
    assert response["Location"] == reverse("surveys:questionnaire", args=[copy.pk])
    assert copy.questions.count() == 6


def test_questions_move_and_delete(client_for, survey, city_user):
    questionnaire, (q1, _q2, _q3, q4, _q5, q6) = survey
    client = client_for(city_user)

    client.post(reverse("surveys:question_move", args=[q4.pk]), {"direction": "up"})
    client.post(reverse("surveys:question_delete", args=[q6.pk]))
    refused = client.post(reverse("surveys:question_delete", args=[q1.pk]), follow=True)

    assert list(questionnaire.questions.order_by("position").values_list("text", flat=True)) == [
        "是否申报",
        "人数",
        "满意度",
        "需要的服务",
        "其他需求",
    ]
    assert "第 2 题仅在选择“是”时显示" in content(refused)


# --- Sending ------------------------------------------------------------------------------------


def test_staff_check_the_selection_then_send(client_for, survey, city_user, division):
    questionnaire, _questions = survey
    chosen = [EnterpriseFactory(division=division, name=f"滕州企业{n}") for n in range(3)]
    EnterpriseFactory(division=division, is_key=False)
    url = reverse("surveys:dispatch_create", args=[questionnaire.pk])
    data = {"deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(), "key": "yes"}
    client = client_for(city_user)

    preview = client.post(url, {**data, "action": "preview"})
    assert "3 家企业将收到问卷。" in content(preview)
    assert not Dispatch.objects.exists()
    sent = client.post(url, {**data, "action": "send"})

    dispatch = Dispatch.objects.get()
    assert sent["Location"] == reverse("surveys:dispatch", args=[dispatch.pk])
    assert sorted(Recipient.objects.values_list("enterprise_id", flat=True)) == sorted(e.pk for e in chosen)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deadline": "2020-01-01", "key": "yes"}, "截止日期不能早于今天"),
        ({"deadline": "2099-01-01"}, "请选择发放对象"),
        ({"deadline": "2099-01-01", "codes": "91370481MA0000000X"}, "以下统一社会信用代码没有对应的正常状态企业"),
    ],
)
def test_sending_refuses_bad_input_with_a_reason(client_for, survey, city_user, data, message):
    questionnaire, _questions = survey

    response = client_for(city_user).post(
        reverse("surveys:dispatch_create", args=[questionnaire.pk]), {**data, "action": "send"}
    )

    assert response.status_code == 200
    assert message in content(response)
    assert not Dispatch.objects.exists()


# --- Answering ----------------------------------------------------------------------------------


def test_the_contact_answers_on_the_link(client_for, recipient, contact, survey):
    _questionnaire, (q1, q2, _q3, q4, _q5, _q6) = survey
    client = client_for(contact)
    url = reverse("surveys:answer", args=[recipient.token])

    page = content(client.get(url))
    assert re.search(rf'id="question-{q2.pk}"[^>]*hidden', page)  # hidden until 是 is chosen
    assert f'data-show-if="{q1.opt["是"].pk}"' in page
    draft = client.post(url, {f"q{q1.pk}": str(q1.opt["是"].pk), "action": "save"})
    assert draft["Location"] == url
    assert Response.objects.get().status == Response.Status.DRAFT
    missing = client.post(url, {f"q{q1.pk}": str(q1.opt["是"].pk), f"q{q4.pk}": "5", "action": "submit"})
    assert missing.status_code == 200 and "此题必须回答。" in content(missing)
    assert not re.search(rf'id="question-{q2.pk}"[^>]*hidden', content(missing))
    done = client.post(url, {f"q{q1.pk}": str(q1.opt["是"].pk), f"q{q2.pk}": "8", f"q{q4.pk}": "5", "action": "submit"})
    assert done["Location"] == url
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert answers_of(response) == {q1.pk: q1.opt["是"].pk, q2.pk: 8, q4.pk: 5}
    again = content(client.get(url))
    assert "提交修改" in again and 'value="save"' not in again


def test_after_the_deadline_the_answer_is_read_only(client_for, recipient, contact, survey):
    _questionnaire, questions = survey
    submit(recipient, contact, questions)
    Dispatch.objects.filter(pk=recipient.dispatch_id).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    client = client_for(contact)
    url = reverse("surveys:answer", args=[recipient.token])

    page = content(client.get(url))
    refused = client.post(url, {f"q{questions[0].pk}": str(questions[0].opt["是"].pk), "action": "submit"}, follow=True)

    assert 'data-testid="closed"' in page and 'data-testid="answer-form"' not in page
    assert 'data-testid="answer-rows"' in page and "是否申报" in page
    assert "答卷已不能修改" in content(refused)
    assert answers_of(Response.objects.get())[questions[0].pk] == questions[0].opt["否"].pk


def test_the_contact_lists_its_enterprise_questionnaires(client_for, recipient, contact, survey, division):
    other = RecipientFactory(dispatch=recipient.dispatch, enterprise=EnterpriseFactory(division=division))

    page = content(client_for(contact).get(reverse("surveys:mine")))

    assert reverse("surveys:answer", args=[recipient.token]) in page
    assert reverse("surveys:answer", args=[other.token]) not in page
    assert "待填写" in page


def test_the_qr_code_opens_the_link(client_for, recipient, contact):
    response = client_for(contact).get(reverse("surveys:recipient_qr", args=[recipient.token]))

    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content


# --- Results and follow-up ----------------------------------------------------------------------


def test_results_page_charts_and_lists(client_for, recipient, contact, survey, city_user):
    _questionnaire, questions = survey
    submit(recipient, contact, questions, {questions[5].pk: "希望多组织培训"})
    client = client_for(city_user)

    page = content(client.get(reverse("surveys:results", args=[recipient.dispatch_id])))
    data = client.get(reverse("surveys:results_data", args=[recipient.dispatch_id])).json()

    assert f'data-chart-question="{questions[0].pk}"' in page
    assert "vendor/chart.js/chart.umd.min.js" in page and "<script>" not in page
    assert "希望多组织培训" in page
    assert data["questions"][0] == {
        "id": questions[0].pk,
        "title": "1. 是否申报",
        "labels": ["是", "否"],
        "counts": [0, 1],
        "horizontal": True,
    }


def test_export_is_an_audited_workbook(client_for, recipient, contact, survey, city_user):
    submit(recipient, contact, survey[1])

    response = client_for(city_user).get(reverse("surveys:results_export", args=[recipient.dispatch_id]))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORTED).count() == 1


def test_staff_turn_an_answer_into_a_problem_of_the_commissioners_log(
    client_for, recipient, contact, survey, city_user, enterprise
):
    commissioner = CommissionerFactory()
    enterprise.commissioner = commissioner
    enterprise.save()
    response = submit(recipient, contact, survey[1], {survey[1][5].pk: "继续教育学时认定不清楚"})

    done = client_for(city_user).post(
        reverse("surveys:response_follow_up", args=[response.pk]),
        {"kind": "problem", "question": str(survey[1][5].pk), "summary": "继续教育学时认定不清楚"},
    )

    assert done["Location"] == reverse("surveys:response", args=[response.pk])
    entry = ServiceLog.objects.get()
    assert (entry.enterprise, entry.commissioner, entry.kind, entry.summary) == (
        enterprise,
        commissioner,
        ServiceLog.Kind.PROBLEM,
        "继续教育学时认定不清楚",
    )
    assert FollowUp.objects.get().created_by == city_user
    assert service_statistics(city_user)["totals"]["problems_raised"] == 1


def test_a_follow_up_needs_the_enterprises_commissioner(client_for, recipient, contact, survey, city_user):
    response = submit(recipient, contact, survey[1])

    refused = client_for(city_user).post(
        reverse("surveys:response_follow_up", args=[response.pk]), {"kind": "consultation", "summary": "咨询"}
    )

    assert refused.status_code == 200
    assert "还没有服务专员" in content(refused)
    assert not ServiceLog.objects.exists() and not FollowUp.objects.exists()


# --- Query counts (1 and 3 rows, the same queries) -----------------------------------------------


def test_questionnaire_list_queries(client_for, city_user, django_assert_num_queries):
    client = client_for(city_user)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:questionnaires")),
        lambda: build_survey(QuestionnaireFactory(created_by=city_user)),
        expected=9,
    )
    print(f"\nsurveys:questionnaires queries = {count}")


def test_questionnaire_page_queries(client_for, city_user, django_assert_num_queries):
    questionnaire = QuestionnaireFactory(created_by=city_user)
    DispatchFactory(questionnaire=questionnaire)
    client = client_for(city_user)

    def add():
        made = question(questionnaire, "single", f"问题{questionnaire.questions.count()}", options=["是", "否"])
        question(questionnaire, "short_text", f"追问{made.pk}", show_if=made.opt["是"])

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:questionnaire", args=[questionnaire.pk])),
        add,
        expected=12,
    )
    print(f"\nsurveys:questionnaire queries = {count}")


def test_dispatch_page_queries(client_for, survey, city_user, division, django_assert_num_queries):
    dispatch = DispatchFactory(questionnaire=survey[0])
    client = client_for(city_user)

    def add():
        recipient = RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division))
        submit(recipient, ContactFactory(enterprise=recipient.enterprise).user, survey[1])

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:dispatch", args=[dispatch.pk])),
        add,
        expected=10,  # 11 with the offset pager: its COUNT(*) went with keyset pages
    )
    print(f"\nsurveys:dispatch queries = {count}")


@pytest.mark.parametrize(("name", "expected"), [("results", 20), ("results_data", 18), ("results_export", 22)])
def test_results_queries(client_for, survey, city_user, division, django_assert_num_queries, name, expected):
    dispatch = DispatchFactory(questionnaire=survey[0])
    client = client_for(city_user)

    def add():
        recipient = RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division))
        submit(recipient, ContactFactory(enterprise=recipient.enterprise).user, survey[1], {survey[1][5].pk: "建议"})

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse(f"surveys:{name}", args=[dispatch.pk])),
        add,
        expected=expected,
    )
    print(f"\nsurveys:{name} queries = {count}")


def test_qr_sheet_queries(client_for, survey, city_user, division, django_assert_num_queries):
    dispatch = DispatchFactory(questionnaire=survey[0])
    client = client_for(city_user)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:dispatch_qr_sheet", args=[dispatch.pk])),
        lambda: RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division)),
        expected=8,  # 9 with the offset pager: its COUNT(*) went with keyset pages
    )
    print(f"\nsurveys:dispatch_qr_sheet queries = {count}")


def test_response_page_queries(client_for, recipient, contact, survey, city_user, django_assert_num_queries):
    response = submit(recipient, contact, survey[1])
    enterprise = recipient.enterprise
    enterprise.commissioner = CommissionerFactory()
    enterprise.save()
    client = client_for(city_user)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:response", args=[response.pk])),
        lambda: FollowUp.objects.create(
            response=response,
            created_by=city_user,
            service_log=ServiceLog.objects.create(
                enterprise=enterprise,
                commissioner=enterprise.commissioner,
                kind="consultation",
                occurred_on=timezone.localdate(),
                summary="咨询",
            ),
        ),
        # 12, and 2 for the questions and problems taken up from the answer (consultations' template tag).
        expected=14,
    )
    print(f"\nsurveys:response queries = {count}")


def test_contact_pages_queries(client_for, survey, contact, enterprise, django_assert_num_queries):
    client = client_for(contact)
    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:mine")),
        lambda: submit(
            RecipientFactory(dispatch=DispatchFactory(questionnaire=survey[0]), enterprise=enterprise),
            contact,
            survey[1],
        ),
        expected=9,
    )
    print(f"\nsurveys:mine queries = {count}")


def test_answer_page_queries(client_for, contact, enterprise, city_user, django_assert_num_queries):
    questionnaire, _questions = build_survey(QuestionnaireFactory(created_by=city_user))
    recipient = RecipientFactory(dispatch=DispatchFactory(questionnaire=questionnaire), enterprise=enterprise)
    client = client_for(contact)

    def add():
        made = question(questionnaire, "multiple", f"多选{questionnaire.questions.count()}", options=["甲", "乙"])
        question(questionnaire, "short_text", f"追问{made.pk}", show_if=made.opt["乙"])

    count = assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(reverse("surveys:answer", args=[recipient.token])),
        add,
        expected=12,
    )
    print(f"\nsurveys:answer queries = {count}")


def test_dispatch_page_keyset_pages_by_enterprise_name_keep_the_state_filter(
    client_for, survey, city_user, division, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(surveys_views, "PAGE_SIZE", 2)
    dispatch = DispatchFactory(questionnaire=survey[0])
    # Names out of the order created; two enterprises share a name (their numbers set them apart).
    names = ["测试企业5", "测试企业1", "测试企业3", "测试企业1", "测试企业2"]
    recipients = [
        RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division, name=name))
        for name in names
    ]
    for recipient in recipients[:4]:
        submit(recipient, ContactFactory(enterprise=recipient.enterprise).user, survey[1])
    client = client_for(city_user)
    url = reverse("surveys:dispatch", args=[dispatch.pk])

    def walk(params, query=""):
        pages = walk_keyset_pages(client, url, params, query=query)
        return [[recipient.pk for recipient in page.context["recipients"]] for page in pages]

    by_name = sorted(recipients, key=lambda recipient: (recipient.enterprise.name, recipient.enterprise_id))
    everyone = [recipient.pk for recipient in by_name]
    assert walk({}) == [everyone[:2], everyone[2:4], everyone[4:]]
    submitted = [recipient.pk for recipient in by_name if recipient is not recipients[4]]
    assert walk({"state": "submitted"}, "state=submitted") == [submitted[:2], submitted[2:]]
    assert walk({"state": "none"}, "state=none") == [[recipients[4].pk]]
    with django_assert_num_queries(10):  # as the first page (see test_dispatch_page_queries)
        client.get(url, {"state": "submitted", "after": f"{by_name[0].enterprise.name}~{by_name[0].enterprise_id}"})


def test_qr_sheet_keyset_pages_show_every_enterprise_once(client_for, survey, city_user, division, monkeypatch):
    monkeypatch.setattr(surveys_views, "QR_SHEET_SIZE", 2)
    dispatch = DispatchFactory(questionnaire=survey[0])
    for name in ["测试企业2", "测试企业3", "测试企业1"]:
        RecipientFactory(dispatch=dispatch, enterprise=EnterpriseFactory(division=division, name=name))
    client = client_for(city_user)

    pages = walk_keyset_pages(client, reverse("surveys:dispatch_qr_sheet", args=[dispatch.pk]))

    shown = [[recipient.enterprise.name for recipient, _url in page.context["cards"]] for page in pages]
    assert shown == [["测试企业1", "测试企业2"], ["测试企业3"]]
