"""Registration, verification, recognitions, commissioners and the service log."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from enterprises.models import Enterprise, Recognition, ServiceCommissioner, ServiceLog
from enterprises.selectors import enterprise_for_chairman, enterprise_for_contact
from enterprises.services import (
    DuplicateEnterprise,
    commissioner_assign,
    commissioner_create,
    commissioner_update,
    enterprise_register,
    enterprise_set_status,
    enterprise_verify,
    recognition_add,
    service_log_record,
    service_log_solve,
)
from enterprises.validators import credit_code_check_char
from tests.enterprises.factories import (
    CommissionerFactory,
    EnterpriseFactory,
    RecognitionFactory,
    make_credit_code,
)
from zaozhuang_titles.models import Role

pytestmark = pytest.mark.django_db


def registration(division, code=None, **overrides):
    return {
        "name": "山东测试精密机械有限公司",
        "credit_code": code or make_credit_code("370481"),
        "legal_representative": "王五",
        "chairman_name": "王五",
        "address": "滕州市荆河街道",
        "division": division,
        "town": None,
        "industry": "精密机械",
        "professional_staff_count": 12,
        **overrides,
    }


RECOGNITION = {"kind": "specialized_sme", "level": "provincial", "year_granted": 2022, "expires_on": None}


def test_enterprise_register_creates_pending_enterprise_and_links_contact(make_user, division):
    contact = make_user(Role.ENTERPRISE_CONTACT)
    enterprise = enterprise_register(
        contact_user=contact, enterprise_data=registration(division), recognition_data=RECOGNITION
    )
    assert enterprise.status == Enterprise.Status.PENDING
    assert enterprise_for_contact(contact) == enterprise
    assert enterprise.recognitions.count() == 1
    assert enterprise.history.first().history_user == contact


def test_enterprise_register_duplicate_code_leads_to_existing_record(make_user, division):
    existing = EnterpriseFactory(division=division)
    contact = make_user(Role.ENTERPRISE_CONTACT)
    with pytest.raises(DuplicateEnterprise) as caught:
        enterprise_register(
            contact_user=contact, enterprise_data=registration(division, code=existing.credit_code.lower())
        )
    assert caught.value.enterprise == existing
    assert Enterprise.objects.count() == 1


def test_enterprise_register_rejects_bad_code_and_writes_nothing(make_user, division):
    contact = make_user(Role.ENTERPRISE_CONTACT)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        enterprise_register(contact_user=contact, enterprise_data=registration(division, code="91370481MA00000010"))
    assert "credit_code" in caught.value.message_dict
    assert Enterprise.objects.count() == 0


def test_enterprise_verify_by_district_staff_of_the_division(make_user, division, other_division):
    enterprise = EnterpriseFactory(division=division, status=Enterprise.Status.PENDING)
    outsider = make_user(Role.DISTRICT_STAFF, roles__division=other_division)
    with pytest.raises(PermissionDenied):
        enterprise_verify(enterprise=enterprise, actor=outsider)
    staff = make_user(Role.DISTRICT_STAFF, roles__division=division)
    enterprise_verify(enterprise=enterprise, actor=staff)
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.ACTIVE
    assert enterprise.verified_by == staff


def test_enterprise_verify_outside_region_needs_acceptance(make_user, division):
    body = "91330100MA0000001"
    enterprise = EnterpriseFactory(
        division=division, status=Enterprise.Status.PENDING, credit_code=body + credit_code_check_char(body)
    )
    staff = make_user(Role.DISTRICT_STAFF, roles__division=division)
    with pytest.raises(ValidationError):
        enterprise_verify(enterprise=enterprise, actor=staff)
    enterprise_verify(enterprise=enterprise, actor=staff, accept_outside_region=True)
    enterprise.refresh_from_db()
    assert enterprise.outside_region_accepted is True


def test_enterprise_checksum_override_needs_a_reason(division):
    body = "91370481MA0000077"
    wrong = "0" if credit_code_check_char(body) != "0" else "1"
    enterprise = EnterpriseFactory.build(division=division, credit_code=body + wrong)
    with pytest.raises(ValidationError):
        enterprise.full_clean()
    enterprise.credit_code_override_reason = "2015年试点赋码，经市场监管局确认合法"
    enterprise.full_clean()


def test_recognition_expiring_before_granted_is_rejected(division, make_user):
    enterprise = EnterpriseFactory(division=division)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        recognition_add(
            enterprise=enterprise,
            actor=make_user(Role.CITY_STAFF),
            kind="little_giant",
            level="national",
            year_granted=2023,
            expires_on=datetime.date(2022, 12, 31),
        )
    assert "before the year it was granted" in caught.value.message_dict["expires_on"][0]
    assert Recognition.objects.count() == 0


def test_enterprise_eligible_only_with_unexpired_recognition(division):
    enterprise = EnterpriseFactory(division=division)
    RecognitionFactory(enterprise=enterprise, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert enterprise.is_eligible() is False
    RecognitionFactory(enterprise=enterprise, expires_on=None)
    assert enterprise.is_eligible() is True


def test_commissioner_assign_outside_area_is_rejected(make_user, division, other_division):
    enterprise = EnterpriseFactory(division=division)
    city = make_user(Role.CITY_STAFF)
    elsewhere = CommissionerFactory(division=other_division)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        commissioner_assign(enterprise=enterprise, commissioner=elsewhere, actor=city)
    assert "cannot be assigned" in caught.value.message_dict["commissioner"][0]
    enterprise.refresh_from_db()
    assert enterprise.commissioner is None


def test_commissioner_reassignment_keeps_history(make_user, division):
    enterprise = EnterpriseFactory(division=division)
    city = make_user(Role.CITY_STAFF)
    first, second = CommissionerFactory(division=division), CommissionerFactory(division=None)
    commissioner_assign(enterprise=enterprise, commissioner=first, actor=city)
    commissioner_assign(enterprise=enterprise, commissioner=second, actor=city, reason="工作调整")
    assigned = [record.commissioner_id for record in enterprise.history.order_by("history_date")]
    assert assigned[-2:] == [first.pk, second.pk]
    assert enterprise.history.first().history_change_reason == "工作调整"


def test_commissioner_assign_only_by_city_staff(make_user, division):
    enterprise = EnterpriseFactory(division=division)
    with pytest.raises(PermissionDenied):
        commissioner_assign(
            enterprise=enterprise,
            commissioner=CommissionerFactory(),
            actor=make_user(Role.DISTRICT_STAFF, roles__division=division),
        )


def test_service_log_only_by_own_commissioner_and_problem_solved(division):
    commissioner = CommissionerFactory()
    enterprise = EnterpriseFactory(division=division, commissioner=commissioner)
    with pytest.raises(PermissionDenied):
        service_log_record(
            enterprise=enterprise,
            commissioner=CommissionerFactory(),
            kind="visit",
            occurred_on=timezone.localdate(),
            summary="走访",
        )
    today = timezone.localdate()
    entry = service_log_record(
        enterprise=enterprise,
        commissioner=commissioner,
        kind=ServiceLog.Kind.PROBLEM,
        occurred_on=today - datetime.timedelta(days=5),
        summary="职称申报材料不清楚",
    )
    with pytest.raises(ValidationError):
        service_log_solve(entry=entry, commissioner=commissioner, solution="", solved_on=today)
    service_log_solve(entry=entry, commissioner=commissioner, solution="上门讲解", solved_on=today)
    entry.refresh_from_db()
    assert entry.solved_on == today


def test_enterprise_close_marks_and_keeps_history(make_user, division):
    enterprise = EnterpriseFactory(division=division)
    enterprise_set_status(
        enterprise=enterprise, actor=make_user(Role.CITY_STAFF), status=Enterprise.Status.CLOSED, reason="企业注销"
    )
    enterprise.refresh_from_db()
    assert enterprise.status == Enterprise.Status.CLOSED
    assert enterprise.history.count() == 2


def test_enterprise_for_chairman(make_user, division):
    chairman = make_user(Role.CHAIRMAN)
    enterprise = EnterpriseFactory(division=division, chairman=chairman)
    assert enterprise_for_chairman(chairman) == enterprise
    assert enterprise_for_chairman(make_user(Role.CHAIRMAN)) is None


def test_commissioner_create_requires_the_role_and_city_staff(make_user, division):
    city = make_user(Role.CITY_STAFF)
    without_role = make_user(Role.APPLICANT)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        commissioner_create(actor=city, user=without_role, division=division, work_phone="0632-1")
    assert caught.value.message_dict["user"] == [
        f"{without_role} does not hold the service commissioner role; grant it first."
    ]
    with pytest.raises(PermissionDenied):
        commissioner_create(
            actor=make_user(Role.DISTRICT_STAFF, roles__division=division),
            user=make_user(Role.COMMISSIONER),
            work_phone="0632-1",
        )
    assert not ServiceCommissioner.objects.exists()


def test_commissioner_create_records_the_actor_in_the_archive(make_user, division):
    city = make_user(Role.CITY_STAFF)
    person = make_user(Role.COMMISSIONER)

    commissioner = commissioner_create(actor=city, user=person, division=division, work_phone="0632-1")

    assert (commissioner.user, commissioner.division, commissioner.is_active) == (person, division, True)
    assert commissioner.history.get().history_user == city


def test_commissioner_update_refuses_an_area_that_leaves_out_an_enterprise_served(make_user, division, other_division):
    city = make_user(Role.CITY_STAFF)
    commissioner = CommissionerFactory(division=None)
    EnterpriseFactory(division=division, commissioner=commissioner, name="枣庄某机械有限公司")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        commissioner_update(commissioner=commissioner, actor=city, division=other_division, work_phone="1")
    assert "枣庄某机械有限公司" in caught.value.message_dict["division"][0]

    commissioner_update(commissioner=commissioner, actor=city, division=division, work_phone="1", is_active=False)

    commissioner.refresh_from_db()
    assert (commissioner.division, commissioner.work_phone, commissioner.is_active) == (division, "1", False)
    assert commissioner.history.latest().history_user == city
