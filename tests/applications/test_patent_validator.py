"""Patent numbers (专利号): shape, year, type digit and the mod-11 check character."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from applications.validators import (
    PATENT_EXAMPLE,
    PATENT_OLD_EXAMPLE,
    normalize_patent_number,
    patent_check_char,
    patent_type,
    validate_patent_number,
)

# Granted patents quoted with their numbers in public documents (university staff pages, product
# pages); the check characters there agree with the algorithm, which is the point of these rows.
REAL_NUMBERS = [
    "ZL201510958772.0",  # invention, 2015: 广告精准投放方法和系统
    "ZL200510096239.4",  # invention, 2005: 急救止血敷片
    "ZL202010566088.9",  # invention, 2020: image processing
    "ZL201811564288.X",  # invention, 2018: a check character X
    "ZL202322865413.3",  # utility model, 2023: 适用于多口径接口的真空泵
    "ZL202510942578.7",  # invention, 2025
    "ZL200510030457.8",  # invention, 2005: 含稀土高强度铸造镁合金
    "ZL99113861.9",  # old 8-digit form, 1999: 铸造阻燃镁合金
    "ZL01105715.7",  # old form, 2001
    "ZL00125301.8",  # old form, 2000
    "ZL01126463.2",  # old form, 2001
]


def _with_check(digits):
    return f"ZL{digits}.{patent_check_char(digits)}"


def _code(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_patent_number(value)
    return excinfo.value.code, excinfo.value.messages[0]


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_validate_patent_number_accepts_real_numbers(number):
    validate_patent_number(number)


def test_patent_check_char_matches_worked_example():
    # 2,0,1,5,1,0,9,5,8,7,7,2 weighted 2,3,4,5,6,7,8,9,2,3,4,5: 198 = 18 * 11, so the check is 0.
    assert patent_check_char("201510958772") == "0"
    assert patent_check_char("201811564288") == "X"
    assert patent_check_char("99113861") == "9"


def test_examples_in_messages_are_valid():
    validate_patent_number(PATENT_EXAMPLE)
    validate_patent_number(PATENT_OLD_EXAMPLE)
    assert PATENT_EXAMPLE.startswith("ZL201910123456.")


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        (" zl201811564288.x ", "ZL201811564288.X"),
        ("ZL 2015 1 0958772.0", "ZL201510958772.0"),
        ("201510958772.0", "ZL201510958772.0"),
        ("ＺＬ２０１５１０９５８７７２．０", "ZL201510958772.0"),
        ("ZL201811564288。Ｘ", "ZL201811564288.X"),
        ("ZL2015109587720", "ZL201510958772.0"),
        ("ZL991138619", "ZL99113861.9"),
        ("ZL\u3000201510958772.0", "ZL201510958772.0"),
        (None, ""),
    ],
)
def test_normalize_patent_number(typed, normalized):
    assert normalize_patent_number(typed) == normalized


def test_validate_patent_number_accepts_loose_typing():
    validate_patent_number("zl 2018 1 1564288．ｘ")
    validate_patent_number("201510958772.0")


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("ZL201510958772.0", "invention"),
        ("ZL202322865413.3", "utility_model"),
        ("ZL2020 3 0123456.0", "design"),
        ("ZL201880012345.6", "invention"),
        ("ZL201890012345.6", "utility_model"),
        ("ZL99113861.9", "invention"),
        ("ZL99213861.9", "utility_model"),
        ("ZL201540958772.0", None),
        ("ZL2015.0", None),
        ("", None),
    ],
)
def test_patent_type(number, kind):
    assert patent_type(number) == kind


@pytest.mark.parametrize(
    "number",
    [
        "",
        "ZL",
        "ZL20151095877.0",
        "ZL2015109587721.0",
        "ZL20151095877A.0",
        "ZL201510958772.A",
        "ZL201510958772",
        "ZL1234567.8",
    ],
)
def test_validate_patent_number_refuses_wrong_shape_saying_the_shape(number):
    code, message = _code(number)
    assert code == "patent_shape"
    assert "ZL + 12 digits + . + check character" in message
    assert PATENT_EXAMPLE in message
    assert PATENT_OLD_EXAMPLE in message


def test_validate_patent_number_refuses_cn_publication_numbers():
    code, message = _code("CN201510958772.0")
    assert code == "patent_cn_prefix"
    assert "starts with ZL" in message


def test_validate_patent_number_refuses_year_before_1985():
    digits = "198410012345"
    code, message = _code(_with_check(digits))
    assert code == "patent_year"
    assert "1984" in message


def test_validate_patent_number_refuses_future_year():
    digits = f"{timezone.localdate().year + 1}10012345"
    code, message = _code(_with_check(digits))
    assert code == "patent_year"
    assert str(timezone.localdate().year + 1) in message


def test_validate_patent_number_accepts_this_year():
    digits = f"{timezone.localdate().year}10012345"
    validate_patent_number(_with_check(digits))


@pytest.mark.parametrize("two_digits", ["04", "10", "84"])
def test_validate_patent_number_refuses_old_form_outside_1985_to_2003(two_digits):
    digits = two_digits + "112345"
    code, message = _code(_with_check(digits))
    assert code == "patent_year"
    assert two_digits in message
    assert PATENT_EXAMPLE in message


@pytest.mark.parametrize("type_digit", ["0", "4", "5", "6", "7"])
def test_validate_patent_number_refuses_unknown_type_digit(type_digit):
    digits = "2015" + type_digit + "0958772"
    code, message = _code(_with_check(digits))
    assert code == "patent_type"
    assert "Digit 5" in message
    assert f"{type_digit} is not one of them" in message


def test_validate_patent_number_refuses_unknown_type_digit_in_old_form():
    digits = "99513861"
    code, message = _code(_with_check(digits))
    assert code == "patent_type"
    assert "Digit 3" in message


def test_validate_patent_number_names_expected_check_character():
    code, message = _code("ZL201510958772.3")
    assert code == "patent_check"
    assert "should be 0, not 3" in message


def test_validate_patent_number_names_expected_x():
    code, message = _code("ZL201811564288.1")
    assert code == "patent_check"
    assert "should be X, not 1" in message


_years = st.integers(min_value=1985, max_value=timezone.localdate().year)
_types = st.sampled_from("12389")
_serials = st.integers(min_value=0, max_value=9_999_999)


@st.composite
def _modern_digits(draw):
    return f"{draw(_years):04d}{draw(_types)}{draw(_serials):07d}"


@st.composite
def _old_digits(draw):
    year = draw(st.integers(min_value=1985, max_value=2003)) % 100
    return f"{year:02d}{draw(_types)}{draw(st.integers(min_value=0, max_value=99_999)):05d}"


@given(digits=st.one_of(_modern_digits(), _old_digits()))
def test_property_number_with_computed_check_validates(digits):
    validate_patent_number(_with_check(digits))


@given(digits=st.one_of(_modern_digits(), _old_digits()), wrong=st.sampled_from("0123456789X"))
def test_property_any_other_check_char_fails_naming_the_computed_one(digits, wrong):
    expected = patent_check_char(digits)
    if wrong == expected:
        return
    with pytest.raises(ValidationError) as excinfo:
        validate_patent_number(f"ZL{digits}.{wrong}")
    assert excinfo.value.code == "patent_check"
    assert f"should be {expected}, not {wrong}" in excinfo.value.messages[0]


@given(digits=_modern_digits(), position=st.integers(min_value=0, max_value=11), delta=st.integers(1, 9))
def test_property_single_digit_typo_is_caught(digits, position, delta):
    # Weights 2..9 are all non-zero mod 11, so changing one digit always changes the check character.
    typo = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert patent_check_char(typo) != patent_check_char(digits)
