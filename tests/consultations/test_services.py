"""Asking, answering, problems and their working-day due dates, the log, the notices, and the
commissioner's figures that count this work through the service log."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations import services
from consultations.models import AskedAs, Category, Consultation, ConsultationEvent, Problem, ProblemStatus
from consultations.selectors import consultations_for_user, problems_for_user, queue_for_user
from dashboard.selectors import service_months
from enterprises.models import ServiceLog
from enterprises.selectors import service_by_month, service_logs_for_user, service_statistics
from tests.applications.hostile_files import image
from tests.enterprises.factories import ServiceLogFactory
from tests.factories import UserFactory
from zaozhuang_titles.models import Notice, Role

pytestmark = pytest.mark.django_db

#: A Friday before the National Day week of 2026 (1–7 October off, Saturday 10 October worked: 调休).
FRIDAY_BEFORE_NATIONAL_DAY = datetime.date(2026, 9, 25)


def png(name="screenshot.png"):
    return SimpleUploadedFile(name, image(), content_type="image/png")


# --- Asking ------------------------------------------------------------------------------------------


def test_a_contacts_question_belongs_to_its_enterprise_and_tells_the_commissioner(world):
    consultation = world.ask()

    assert consultation.enterprise == world.enterprise
    assert consultation.asked_as == AskedAs.CONTACT
    assert consultation.status == Consultation.Status.OPEN
    notice = Notice.objects.get(recipient=world.commissioner.user)
    assert notice.key == f"consultation-asked:{consultation.pk}"
    assert list(consultation.events.values_list("action", "actor")) == [
        (ConsultationEvent.Action.ASKED, world.contact.pk)
    ]


def test_an_applicants_question_belongs_to_its_employer(world):
    consultation = world.ask(asker=world.applicant, title="技师能否申报工程师？")

    assert consultation.enterprise == world.enterprise
    assert consultation.asked_as == AskedAs.APPLICANT


def test_an_applicant_without_employer_asks_the_city(world):
    lonely = UserFactory(roles=[Role.APPLICANT])

    consultation = world.ask(asker=lonely)

    assert consultation.enterprise is None
    assert list(queue_for_user(world.city)) == [consultation]
    assert list(queue_for_user(world.district)) == []
    assert list(queue_for_user(world.commissioner.user)) == []


def test_only_contacts_and_applicants_ask_in_a_role_they_hold(world):
    with pytest.raises(PermissionDenied):
        world.ask(asker=world.city)
    with pytest.raises(PermissionDenied):
        world.ask(asker=world.contact, asked_as=AskedAs.APPLICANT)
    assert not Consultation.objects.exists()


def test_a_question_needs_a_title_details_and_a_known_category(world):
    with pytest.raises(ValidationError) as refusal:
        world.ask(title="  ", body="", category="lunch")

    assert set(refusal.value.message_dict) == {"title", "body", "category"}
    assert not Consultation.objects.exists()


def test_an_attachment_is_checked_like_evidence(world):
    fake = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")

    with pytest.raises(ValidationError) as refusal:
        world.ask(attachment=fake)

    assert "attachment" in refusal.value.message_dict
    assert not Consultation.objects.exists()


def test_an_accepted_attachment_is_stored_with_its_hash(world):
    consultation = world.ask(attachment=png())

    assert consultation.attachment_type == "image/png"
    assert len(consultation.attachment_sha256) == 64
    assert consultation.attachment_storage_name.startswith("consultations/")


def test_an_asker_has_at_most_ten_questions_waiting(world):
    for number in range(services.MAX_OPEN_PER_ASKER):
        world.ask(title=f"问题{number}")

    with pytest.raises(ValidationError):
        world.ask(title="第十一个问题")
    assert Consultation.objects.count() == services.MAX_OPEN_PER_ASKER


# --- Who sees what -----------------------------------------------------------------------------------


def test_the_asker_and_the_enterprises_handlers_see_a_question_and_nobody_else(world):
    consultation = world.ask()

    readers = [world.contact, world.city, world.district, world.commissioner.user]
    outsiders = [world.other_contact, world.other_district, world.other_commissioner.user, world.applicant]
    assert [list(consultations_for_user(user)) for user in readers] == [[consultation]] * 4
    assert [list(consultations_for_user(user)) for user in outsiders] == [[]] * 4
    for user in readers:
        assert user.has_perm("consultations.open_consultation", consultation)
    for user in outsiders:
        assert not user.has_perm("consultations.open_consultation", consultation)
    assert not world.contact.has_perm("consultations.answer_consultation", consultation)


# --- Answering ---------------------------------------------------------------------------------------


def test_answering_tells_the_asker_logs_it_and_counts_a_consultation_for_the_commissioner(world):
    consultation = world.ask()

    answered = services.consultation_answer(consultation=consultation, actor=world.district, answer="不需要论文。")

    assert answered.status == Consultation.Status.ANSWERED
    assert (answered.answered_by, answered.answer) == (world.district, "不需要论文。")
    entry = answered.service_log
    assert (entry.kind, entry.people_count, entry.commissioner, entry.enterprise) == (
        ServiceLog.Kind.CONSULTATION,
        1,
        world.commissioner,
        world.enterprise,
    )
    notice = Notice.objects.get(recipient=world.contact)
    assert notice.key == f"consultation-answered:{consultation.pk}"
    assert notice.url == f"/consultations/{consultation.pk}/"
    assert answered.events.filter(action=ConsultationEvent.Action.ANSWERED, actor=world.district).exists()


def test_a_question_is_answered_once(world):
    consultation = world.answered()

    with pytest.raises(ValidationError) as refusal:
        services.consultation_answer(consultation=consultation, actor=world.city, answer="另一个答复")

    assert refusal.value.code == "answered"
    assert "赵敏" in refusal.value.messages[0]
    consultation.refresh_from_db()
    assert consultation.answered_by == world.commissioner.user
    assert ServiceLog.objects.count() == 1


def test_outsiders_do_not_answer(world):
    consultation = world.ask()

    for outsider in (world.other_district, world.other_commissioner.user, world.contact):
        with pytest.raises(PermissionDenied):
            services.consultation_answer(consultation=consultation, actor=outsider, answer="答复")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


def test_an_answer_to_a_question_without_commissioner_is_logged_nowhere_else(world):
    lonely = UserFactory(roles=[Role.APPLICANT])
    consultation = world.ask(asker=lonely)

    answered = services.consultation_answer(consultation=consultation, actor=world.city, answer="请先完善个人档案。")

    assert answered.service_log is None
    assert not ServiceLog.objects.exists()


# --- Problems ----------------------------------------------------------------------------------------


def test_a_problem_is_due_in_working_days_on_the_chinese_calendar(world):
    consultation = world.ask()

    problem = world.problem(consultation, due_days=3, today=FRIDAY_BEFORE_NATIONAL_DAY)

    # Monday 28, Tuesday 29 and Wednesday 30 September: the deadline falls before the National Day week.
    assert problem.due_on == datetime.date(2026, 9, 30)
    problem_later = world.problem(
        world.ask(title="继续教育学时如何认定？"), due_days=5, today=FRIDAY_BEFORE_NATIONAL_DAY
    )
    # 28, 29, 30 September, then 1–7 October off, Thursday 8 and Friday 9 October.
    assert problem_later.due_on == datetime.date(2026, 10, 9)
    problem_on_makeup_day = world.problem(
        world.ask(title="社保缴纳年限如何计算？"), due_days=6, today=FRIDAY_BEFORE_NATIONAL_DAY
    )
    # The sixth is Saturday 10 October, a make-up working day (调休).
    assert problem_on_makeup_day.due_on == datetime.date(2026, 10, 10)
    assert problem.due_provisional is False


def test_a_problem_from_a_question_is_raised_in_the_service_log_and_told(world):
    consultation = world.ask()

    problem = world.problem(consultation, owner=world.district)

    assert problem.status == ProblemStatus.OPEN
    assert (problem.enterprise, problem.consultation) == (world.enterprise, consultation)
    assert problem.service_log.kind == ServiceLog.Kind.PROBLEM
    assert problem.service_log.solved_on is None
    keys = set(Notice.objects.values_list("key", flat=True))
    assert f"problem-owner:{problem.pk}:{world.district.pk}:0" in keys
    assert f"consultation-problem:{consultation.pk}" in keys


def test_a_question_becomes_one_problem_only(world):
    problem = world.problem()

    with pytest.raises(ValidationError) as refusal:
        world.problem(problem.consultation)

    assert refusal.value.code == "has_problem"
    assert Problem.objects.count() == 1


def test_the_owner_is_staff_in_charge_or_the_enterprises_commissioner(world):
    consultation = world.ask()

    for stranger in (world.other_district, world.other_commissioner.user, world.contact):
        with pytest.raises(ValidationError) as refusal:
            world.problem(consultation, owner=stranger)
        assert "owner" in refusal.value.message_dict
    assert not Problem.objects.exists()


def test_bad_due_days_are_refused_with_the_range(world):
    with pytest.raises(ValidationError) as refusal:
        world.problem(due_days=0)

    assert "1" in refusal.value.message_dict["due_days"][0] and "60" in refusal.value.message_dict["due_days"][0]


def test_a_problem_is_started_noted_and_solved_with_a_resolution(world):
    problem = world.problem()
    owner = world.commissioner.user

    services.problem_move(problem=problem, actor=owner, action="start")
    services.problem_note_add(problem=problem, actor=owner, text="已联系企业，指导转换为 PDF。")
    with pytest.raises(ValidationError) as refusal:
        services.problem_move(problem=problem, actor=owner, action="solve", resolution=" ")
    assert "resolution" in refusal.value.message_dict
    solved = services.problem_move(
        problem=problem, actor=owner, action="solve", resolution="已指导转换格式并上传成功。"
    )

    assert solved.status == ProblemStatus.SOLVED
    assert (solved.solved_by, solved.resolution) == (owner, "已指导转换格式并上传成功。")
    entry = ServiceLog.objects.get(pk=solved.service_log_id)
    assert entry.solved_on == timezone.localdate()
    assert entry.solution == "已指导转换格式并上传成功。"
    actions = list(
        ConsultationEvent.objects.filter(problem=solved).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["problem_created", "started", "noted", "solved"]
    assert Notice.objects.filter(recipient=world.contact, key=f"consultation-solved:{solved.consultation_id}").exists()


def test_a_solved_problem_stays_solved(world):
    problem = world.problem()
    services.problem_move(problem=problem, actor=world.city, action="solve", resolution="已解决。")

    with pytest.raises(ValidationError) as refusal:
        services.problem_move(problem=problem, actor=world.city, action="start")
    assert refusal.value.code == "stale"
    with pytest.raises(ValidationError):
        services.problem_note_add(problem=problem, actor=world.city, text="补充")


def test_only_the_owner_and_city_staff_work_on_a_problem(world):
    problem = world.problem(owner=world.district)

    for other in (world.commissioner.user, world.other_district, world.contact):
        with pytest.raises(PermissionDenied):
            services.problem_move(problem=problem, actor=other, action="start")
    assert Problem.objects.get().status == ProblemStatus.OPEN


def test_staff_hand_a_problem_to_another_owner_with_a_reason(world):
    problem = world.problem()

    with pytest.raises(ValidationError) as refusal:
        services.problem_assign(problem=problem, actor=world.district, owner=world.city, reason="")
    assert "reason" in refusal.value.message_dict
    with pytest.raises(PermissionDenied):
        services.problem_assign(problem=problem, actor=world.commissioner.user, owner=world.city, reason="请市局协调")
    moved = services.problem_assign(problem=problem, actor=world.district, owner=world.city, reason="需市局协调系统")

    assert moved.owner == world.city
    event = ConsultationEvent.objects.get(problem=problem, action=ConsultationEvent.Action.ASSIGNED)
    assert event.detail == "赵敏 → 张明: 需市局协调系统"
    assert Notice.objects.filter(recipient=world.city, key__startswith=f"problem-owner:{problem.pk}:").exists()
    # The former owner still sees it only as the enterprise's commissioner; the new owner as city staff.
    assert list(problems_for_user(world.commissioner.user)) == [moved]


def test_overdue_problems_are_those_unsolved_past_their_due_date(world):
    problem = world.problem(due_days=1)
    later = problem.due_on + datetime.timedelta(days=1)

    assert not problem.is_overdue(problem.due_on)
    assert problem.is_overdue(later)
    services.problem_move(problem=problem, actor=world.city, action="solve", resolution="已解决。")
    problem.refresh_from_db()
    assert not problem.is_overdue(later)


# --- The commissioner's figures ----------------------------------------------------------------------


def test_answers_and_solved_problems_count_in_the_commissioners_figures_by_month(world):
    ServiceLogFactory(enterprise=world.enterprise, commissioner=world.commissioner, kind=ServiceLog.Kind.VISIT)
    before = service_statistics(world.city)["totals"]
    world.answered()
    world.answered(title="继续教育学时每年需要多少？")
    problem = world.problem()
    services.problem_move(problem=problem, actor=world.commissioner.user, action="solve", resolution="已解决。")
    world.problem(world.ask(title="外地证书能否认定学时？", category=Category.TRAINING))  # raised, not solved

    figures = service_statistics(world.city)
    totals = figures["totals"]
    assert totals["consultations"] - before["consultations"] == 2
    assert totals["problems_raised"] - before["problems_raised"] == 2
    assert totals["problems_solved"] - before["problems_solved"] == 1
    assert totals["enterprises_served"] == 1
    this_month = timezone.localdate().replace(day=1)
    month = next(row for row in figures["by_month"] if row["month"] == this_month)
    assert (month["consultations"], month["problems_solved"]) == (2, 1)
    by_commissioner = {row["commissioner"]: row for row in figures["by_commissioner"]}
    assert by_commissioner[world.commissioner.pk]["consultations"] == 2
    # The district's figures count them too, the other division's do not.
    assert service_logs_for_user(world.district).filter(kind=ServiceLog.Kind.CONSULTATION).count() == 2
    assert service_by_month(service_logs_for_user(world.other_district)) == []


def test_the_statistics_page_counts_them_in_the_commissioners_figures(world):
    world.answered()
    problem = world.problem()
    services.problem_move(problem=problem, actor=world.city, action="solve", resolution="已解决。")

    rows = {row["month"]: row for row in service_months(world.city, SimpleNamespace(batch=None, division_id=None))}
    row = rows[timezone.localdate().replace(day=1)]
    assert (row["consultations"], row["problems_solved"]) == (1, 1)
