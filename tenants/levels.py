"""The fixed levels of the tenant tree and the code rules of each."""

from __future__ import annotations

import re
from enum import StrEnum


class Level(StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    GRID = "grid"
    DEPARTMENT = "department"


LABELS = {
    Level.COUNTY: "县(市、区)",
    Level.TOWNSHIP: "乡镇(街道)",
    Level.VILLAGE: "村(社区)",
    Level.GRID: "网格",
    Level.DEPARTMENT: "部门(承办单位)",
}
# key → label, as filters and statistics name levels
LEVEL_KEYS = {str(level.value): text for level, text in LABELS.items()}

# The ancestor column that holds a node of each level, on every tenant-owned row.
COLUMN = {
    Level.COUNTY: "county_id",
    Level.TOWNSHIP: "township_id",
    Level.VILLAGE: "village_id",
    Level.GRID: "grid_id",
    Level.DEPARTMENT: "department_id",
}
ANCESTOR_COLUMNS = tuple(COLUMN.values())

PARENT_LEVEL = {
    Level.COUNTY: None,
    Level.TOWNSHIP: Level.COUNTY,
    Level.VILLAGE: Level.TOWNSHIP,
    Level.GRID: Level.VILLAGE,
    Level.DEPARTMENT: Level.COUNTY,
}

_CODE_RULES = {
    Level.COUNTY: (re.compile(r"^\d{6}$"), "县级代码应为6位数字"),
    Level.TOWNSHIP: (re.compile(r"^\d{9}$"), "乡镇(街道)代码应为9位数字"),
    Level.VILLAGE: (re.compile(r"^\d{12}$"), "村(社区)代码应为12位数字"),
    Level.GRID: (re.compile(r"^\d{12}-[0-9A-Za-z]{1,8}$"), "网格代码应为“村(社区)代码-网格编号”,编号为1至8位字母或数字"),
    Level.DEPARTMENT: (re.compile(r"^\d{6}-[0-9A-Za-z]{1,12}$"), "部门代码应为“县级代码-部门编号”,编号为1至12位字母或数字"),
}


def parse_level(value: str) -> Level:
    """Accepts the English key or the Chinese label (or its short forms) of a level."""
    text = (value or "").strip()
    for level in Level:
        if text == level.value or text == LABELS[level]:
            return level
    aliases = {"县": Level.COUNTY, "区": Level.COUNTY, "县级": Level.COUNTY, "乡镇": Level.TOWNSHIP,
               "乡": Level.TOWNSHIP, "镇": Level.TOWNSHIP, "街道": Level.TOWNSHIP, "村": Level.VILLAGE,
               "社区": Level.VILLAGE, "村社区": Level.VILLAGE, "部门": Level.DEPARTMENT}
    if text in aliases:
        return aliases[text]
    raise ValueError(f"未知的层级“{text}”,应为县、乡镇、村(社区)、网格或部门")


def code_problem(level: Level, code: str, parent_code: str | None) -> str | None:
    """Why a code is not acceptable for a node of this level under this parent, or None."""
    pattern, message = _CODE_RULES[level]
    if not pattern.match(code or ""):
        return message
    if parent_code is not None and not _extends(level, code, parent_code):
        return f"代码 {code} 应以上级代码 {parent_code} 开头"
    return None


def _extends(level: Level, code: str, parent_code: str) -> bool:
    if level in (Level.GRID, Level.DEPARTMENT):
        return code.split("-", 1)[0] == parent_code
    return code.startswith(parent_code)


def local_suffix(level: Level, code: str) -> str:
    """The part of a code that its parent's code does not give (kept when a node moves)."""
    if level in (Level.GRID, Level.DEPARTMENT):
        return "-" + code.split("-", 1)[1]
    return code[{Level.TOWNSHIP: 6, Level.VILLAGE: 9}.get(level, 0):]
