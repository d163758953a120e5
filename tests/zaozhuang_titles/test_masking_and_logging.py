"""Personal numbers masked for those who do not need them whole, and the JSON log lines of production."""

import json
import logging
import sys

from zaozhuang_titles.logging import JsonFormatter
from zaozhuang_titles.masking import mask_id_number, mask_mobile


def test_mask_id_number_keeps_the_region_and_the_last_four():
    assert mask_id_number("37040219900307213X") == "3704**********213X"


def test_mask_id_number_hides_a_short_value_whole():
    assert (mask_id_number(""), mask_id_number(None), mask_id_number("12345678")) == ("", "", "********")


def test_mask_mobile_keeps_the_prefix_and_the_last_four():
    assert mask_mobile("13906320007") == "139****0007"


def test_mask_mobile_hides_a_short_value_whole():
    assert (mask_mobile(""), mask_mobile(None), mask_mobile("1234567")) == ("", "", "*******")


def _record(**extra):
    record = logging.LogRecord("applications.workflow", logging.INFO, __file__, 1, "申报 %s 已提交", ("2022001",), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_formatter_writes_one_object_with_the_message_and_the_extra_fields():
    line = JsonFormatter().format(_record(application=7, actor={"pk": 1}, _private="x"))

    payload = json.loads(line)
    assert (payload["level"], payload["logger"], payload["message"]) == (
        "INFO",
        "applications.workflow",
        "申报 2022001 已提交",
    )
    assert payload["application"] == 7
    assert payload["actor"] == "{'pk': 1}"  # not JSON-safe: written as its repr
    assert "_private" not in payload
    assert "申报" in line  # Chinese is kept readable, not escaped


def test_json_formatter_adds_the_exception():
    try:
        raise ValueError("坏的输入")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    payload = json.loads(JsonFormatter().format(record))
    assert "ValueError: 坏的输入" in payload["exception"]
