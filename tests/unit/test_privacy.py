from datetime import date

import pytest

from xinfang.platform.privacy.fields import PROTECTED_NOTICE, Category, FieldRules, Viewer
from xinfang.platform.privacy.identity import check_digit, id_number_problem, mask_id_number, mask_phone, phone_problem

VALID = "11010519491231002X"  # the standard's own example number


def test_check_digit_of_the_standard_example():
    assert check_digit(VALID[:17]) == "X"
    assert id_number_problem(VALID) is None
    assert id_number_problem(VALID.lower()) is None


@pytest.mark.parametrize("bad, fragment", [
    ("110105194912310021", "校验位"),
    ("11010519491331002X", "出生日期不存在"),
    ("1101051949123100", "18位"),
    ("11010518001231002X", "不合理"),
    ("", "18位"),
])
def test_invalid_numbers_say_why(bad, fragment):
    problem = id_number_problem(bad, today=date(2026, 11, 22))
    assert problem is not None and fragment in problem


def test_masks():
    assert mask_id_number("330102199003071234") == "3301**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number(None) is None
    assert phone_problem("13812345678") is None and phone_problem("0377-69663756") is None
    assert phone_problem("12345") is not None


RULES = FieldRules({"name": Category.IDENTITY, "id_number": Category.ID_NUMBER, "phone": Category.PHONE,
                    "attachments": Category.MATERIALS})
ROW = {"name": "张三", "id_number": "330102199003071234", "phone": "13812345678", "attachments": ["信.pdf"],
       "summary": "反映村干部问题"}


def test_masked_without_pii_read_even_when_asking():
    shown = RULES.redact(ROW, Viewer(may_read_pii=False, unmask=True))
    assert shown["id_number"] == "3301**********1234" and shown["phone"] == "138****5678"
    assert shown["name"] == "张三" and shown["summary"] == ROW["summary"]


def test_masked_by_default_for_pii_readers_and_full_when_asked():
    assert RULES.redact(ROW, Viewer(may_read_pii=True))["id_number"] == "3301**********1234"
    assert RULES.redact(ROW, Viewer(may_read_pii=True, unmask=True))["id_number"] == ROW["id_number"]


def test_accused_unit_never_sees_the_accuser():
    shown = RULES.redact(ROW, Viewer(may_read_pii=True, unmask=True, accused=True), accusation=True)
    assert shown["name"] == PROTECTED_NOTICE and shown["id_number"] == PROTECTED_NOTICE
    assert shown["attachments"] == [] and shown["summary"] == ROW["summary"]
    # the same viewer on a matter that is not an accusation sees the usual masking only
    plain = RULES.redact(ROW, Viewer(may_read_pii=True, accused=True), accusation=False)
    assert plain["name"] == "张三" and plain["id_number"] == "3301**********1234"


def test_redact_does_not_change_the_input():
    RULES.redact(ROW, Viewer())
    assert ROW["id_number"] == "330102199003071234"
