"""zaozhuang_titles.validators.validate_id_number: 居民身份证号码 (GB 11643-1999)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zaozhuang_titles.validators import (
    id_number_birth_date,
    id_number_check_char,
    id_number_sex,
    normalize_id_number,
    validate_id_number,
)

# The GB 11643-1999 specimen, and numbers of Zaozhuang (3704xx) whose check digits were computed by hand.
VALID = ["11010519491231002X", "370402198506182134", "370481196608010575", "440524198001010013"]


@pytest.mark.parametrize("value", VALID)
def test_validate_id_number_accepts_valid_numbers(value):
    validate_id_number(value)


def test_normalize_id_number_folds_lower_case_x_spaces_and_unicode_digits():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert normalize_id_number("١١٠١٠٥١٩٤٩١٢٣١٠٠٢x") == "11010519491231002X"
    validate_id_number(normalize_id_number(" 11010519491231002x "))


@pytest.mark.parametrize(
    ("value", "named"),
    [("11010519491231002x", "x（U+0078）"), ("１1010519491231002X", "１（U+FF11）"), (" 11010519491231002X", "U+0020")],
)
def test_validate_id_number_refuses_a_value_not_canonical_naming_the_character(value, named):
    """The model-level check: what reaches the database is already canonical; anything else is named."""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert named in error.value.messages[0]
    assert error.value.code == "id_characters"


def test_id_number_check_char_matches_the_standard_example():
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("37040219850618213") == "4"


def test_validate_id_number_names_the_expected_check_character():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert error.value.code == "id_check"
    assert "should be X, not 1" in error.value.messages[0]


def test_validate_id_number_message_is_chinese_by_default():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert "校验" in error.value.messages[0]
    assert "X" in error.value.messages[0]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "id_length"),
        ("1101051949123100", "id_length"),
        ("11010519491231002X1", "id_length"),
        ("1101051949123100AX", "id_characters"),
        ("X10105194912310021", "id_characters"),
        ("110105194902300021", "id_birth_date"),  # 30 February
        ("110105194913310021", "id_birth_date"),  # month 13
        ("110105189912310021", "id_birth_date"),  # 1899: not plausible
        ("110105299912310021", "id_birth_date"),  # in the future
    ],
)
def test_validate_id_number_refuses_malformed_numbers(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code


def test_id_number_birth_date_and_sex():
    assert id_number_birth_date("11010519491231002X").isoformat() == "1949-12-31"
    assert id_number_sex("11010519491231002X") == "F"
    assert id_number_sex("370402198506182134") == "M"


@given(st.text(max_size=30))
def test_validate_id_number_raises_only_validation_errors(value):
    try:
        validate_id_number(value)
    except ValidationError as error:
        assert error.messages


def test_validate_id_number_reexport_is_the_core_validator():
    # Applied migrations (zaozhuang_titles 0001) name applications.validators.validate_id_number.
    from applications import validators as application_validators

    assert application_validators.validate_id_number is validate_id_number
    assert application_validators.id_number_check_char is id_number_check_char
