"""The Excel import of experts takes mobiles and employers' credit codes drawn from the whole of Unicode
(``tests/strategies.py``): it refuses or imports, never fails otherwise, and stores only canonical codes;
an expert's mobile typed in full-width digits is that expert, not a new account."""

import contextlib
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reviews import excel
from reviews.models import Expert
from reviews.services.pool import experts_import
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UserFactory
from tests.reviews.factories import ExpertFactory
from tests.strategies import code_input, is_canonical
from zaozhuang_titles.models import Role, User

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
HEADER = [title for _key, title in excel.COLUMNS]


def workbook(mobile, code, name="刘振华"):
    values = [
        name,
        mobile,
        "正高级工程师",
        "正高级",
        "机械设计",
        "山东理工大学",
        code,
        "2024-01-01",
        "2026-12-31",
        "是",
    ]
    book = Workbook()
    book.active.append(HEADER)
    book.active.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_expert_import_with_codes_from_the_whole_of_unicode():
    city = UserFactory(roles=[Role.CITY_STAFF])
    enterprise = EnterpriseFactory()

    @FUZZ
    @given(mobile=code_input("13812345678", max_size=15), code=code_input(enterprise.credit_code, 24) | st.just(""))
    def run(mobile, code):
        with contextlib.suppress(ValidationError):  # a refusal is an answer; anything else fails
            experts_import(raw_rows=excel.parse_workbook(workbook(mobile, code)), actor=city)
        for user in User.objects.all():
            assert is_canonical(user.username, upper=False) and is_canonical(user.mobile), user.mobile
        for stored in Expert.objects.values_list("employer_credit_code", flat=True):
            assert is_canonical(stored), stored

    run()


def test_expert_import_finds_the_expert_by_its_mobile_in_full_width_digits():
    city = UserFactory(roles=[Role.CITY_STAFF])
    expert = ExpertFactory(user__mobile="13812345678", user__real_name="刘振华")
    created, updated = experts_import(raw_rows=excel.parse_workbook(workbook("１３８１２３４５６７８", "")), actor=city)
    assert (created, updated) == ([], [expert])
    assert User.objects.filter(real_name="刘振华").count() == 1


def test_expert_import_cannot_take_another_accounts_username_as_a_mobile():
    city = UserFactory(roles=[Role.CITY_STAFF])
    UserFactory(username="13812345678", mobile="13900000000", real_name="刘振华")
    with pytest.raises(ValidationError) as error:
        experts_import(raw_rows=excel.parse_workbook(workbook("13812345678", "")), actor=city)
    assert "mobile" in error.value.message_dict
    assert not Expert.objects.exists()
