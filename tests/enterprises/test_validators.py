"""统一社会信用代码: real companies' codes pass, each kind of invalid code fails with its own message."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enterprises.validators import credit_code_check_char, credit_code_warnings, validate_credit_code

#: Codes of real companies, as published in the national enterprise credit information system.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴(中国)有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
]


def _error(value):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_credit_code(value)
    return caught.value


@pytest.mark.parametrize("code", REAL_CODES)
def test_validate_credit_code_accepts_real_companies(code):
    assert validate_credit_code(code) is None


def test_validate_credit_code_normalises_case_and_spaces():
    assert validate_credit_code("  91330100716105852f ") is None


@pytest.mark.parametrize("value", ["", "91330100716105852", "91330100716105852FF"])
def test_validate_credit_code_rejects_wrong_length(value):
    error = _error(value)
    assert error.code == "credit_code_length"
    assert f"this one has {len(value)}" in error.messages[0]


@pytest.mark.parametrize(
    "value,bad", [("9133010071610585IF", "I"), ("91330100716105852O", "O"), ("9133010071610-852F", "-")]
)
def test_validate_credit_code_rejects_characters_outside_the_set(value, bad):
    error = _error(value)
    assert error.code == "credit_code_characters"
    assert bad in error.messages[0]


def test_validate_credit_code_rejects_letters_in_the_region():
    error = _error("91AB0100716105852F")
    assert error.code == "credit_code_region"


def test_validate_credit_code_names_the_expected_check_character():
    error = _error("91330100716105852G")
    assert error.code == "credit_code_check"
    assert "should be F, not G" in error.messages[0]


def test_credit_code_check_char_maps_31_to_zero():
    # Search a body whose weighted sum is a multiple of 31: its check character must be "0".
    for serial in range(1000):
        body = f"9137040000000{serial:04d}"
        if credit_code_check_char(body) == "0":
            validate_credit_code(body + "0")
            break
    else:
        pytest.fail("no body with check character 0 found")


def test_credit_code_warnings_flags_regions_outside_zaozhuang():
    assert credit_code_warnings("91330100716105852F") != []
    assert credit_code_warnings("91370481MA0000001" + credit_code_check_char("91370481MA0000001")) == []
