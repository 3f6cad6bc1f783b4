"""Resident identity numbers (GB 11643-1999) and phone numbers: validation and masking."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from xinfang.platform import clock

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """The one spelling stored and matched (一人一档): full-width digits and letters as ASCII
    (NFKC), no spaces of any width, upper-case X."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def id_number_problem(value: str, today: date | None = None) -> str | None:
    """Why ``value`` is not a valid 18-digit resident identity number, or None."""
    number = normalize_id_number(value)
    if not _ID_SHAPE.match(number):
        return "身份证号码应为18位,前17位为数字,最后一位为数字或X"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不存在"
    if born.year < 1900 or born > (today or clock.today()):
        return "身份证号码中的出生日期不合理"
    if check_digit(number[:17]) != number[17]:
        return "身份证号码校验位不正确,请核对是否录入有误"
    return None


def phone_problem(value: str) -> str | None:
    number = (value or "").strip().replace(" ", "")
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return None
    return "电话号码格式不正确(手机号为11位,座机如0377-69663756)"


def mask_id_number(value: str | None) -> str | None:
    """``330102199003071234`` → ``3301**********1234``: region kept, birth date hidden."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return value
    digits = value.replace("-", "")
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:] if len(digits) > 7 else "*" * len(digits)
