"""Fixed vocabularies of the ledgers (seed 001), keys and Chinese labels."""

from __future__ import annotations

from xinfang.platform.errors import BadRequest

# What an issue found in screening may lead to (seed 001, 大排查 目标任务).
RISKS = {"overreach": "进京到省越级上访", "collective": "集体上访", "extreme": "个人极端事件",
         "opinion": "负面舆论炒作"}
STATUSES = {"pending": "未化解", "in_progress": "化解中", "resolved": "已化解"}
# Why a matter is listed as backlog (seed 001, 信访积案大化解: 应列尽列).
BACKLOG_REASONS = {"overdue": "未按期办结", "repeat": "重复信访", "overreach": "进京到省越级",
                   "prominent": "群众反映强烈的突出问题"}
# 五个一 (seed 001): the five things every backlog matter must have before it counts as resolved.
FIVE_ONES = {"leader": "一个领导包案", "task_team": "一个工作专班", "plan": "一套化解方案",
             "minutes": "一份会议纪要", "stabilising": "一套稳控措施"}


def label(vocabulary: dict[str, str], key: str) -> str:
    return vocabulary.get(key, key)


def labels(vocabulary: dict[str, str], keys: list[str]) -> str:
    return "、".join(label(vocabulary, k) for k in keys)


def check_many(vocabulary: dict[str, str], keys: list[str], what: str) -> list[str]:
    unknown = [k for k in keys if k not in vocabulary]
    if unknown:
        return [f"{what}应为:{'、'.join(vocabulary.values())}(不认识:{'、'.join(unknown)})"]
    return []


def check(vocabulary: dict[str, str], key: str, what: str) -> str:
    if key not in vocabulary:
        raise BadRequest(f"{what}应为:{'、'.join(f'{k}({v})' for k, v in vocabulary.items())}")
    return key
