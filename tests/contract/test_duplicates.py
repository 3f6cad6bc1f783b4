"""Repeated code stays accepted boilerplate: `duplicates` over the tree (migrations aside) lists
only pairs of files on the committed allow-list (duplicates_allowed.txt), each with its reason.

Pairs are matched by their two files, not by line numbers, so edits that move lines keep
passing; a new pair fails (make one piece of code serve, or add the pair with a reason), and
so does an entry no longer found (take it off, so the list stays the truth). An entry may name
files by a pattern (``platform/*/plugin.py``) for a shape every domain repeats by contract; a
pattern is never "gone", since `duplicates` stops listing a shape once it stands in many places. `duplicates` is
a tool on the machine, not a dependency of the project: without it the test is skipped (CI
has it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = Path(__file__).with_name("duplicates_allowed.txt")
TOOL = shutil.which("duplicates")
ROW = re.compile(r"^D\d+ (\S+):\d+-\d+ ~ (\S+):\d+-\d+")
Pair = tuple[str, str]


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def _is_migration(path: str) -> bool:
    return "migrations" in Path(path).parts


def allowed() -> dict[Pair, str]:
    """(file, file) → reason, from lines ``a ~ b: reason`` (``#`` starts a comment)."""
    out: dict[Pair, str] = {}
    for number, line in enumerate(ALLOWED.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        files, _, reason = line.partition(": ")
        a, sep, b = files.partition(" ~ ")
        assert sep and reason.strip(), f"duplicates_allowed.txt:{number}: write `a ~ b: reason` ({line!r})"
        out[_pair(a.strip(), b.strip())] = reason.strip()
    return out


def _matches(pair: Pair, pattern: Pair) -> bool:
    a, b = pair
    return ((fnmatchcase(a, pattern[0]) and fnmatchcase(b, pattern[1]))
            or (fnmatchcase(b, pattern[0]) and fnmatchcase(a, pattern[1])))


def found(output: str) -> set[Pair]:
    pairs = set()
    for line in output.splitlines():
        match = ROW.match(line)
        if match and not (_is_migration(match[1]) or _is_migration(match[2])):
            pairs.add(_pair(match[1], match[2]))
    return pairs


def test_the_allow_list_is_well_formed():
    entries = allowed()
    assert entries and all(len(reason) >= 10 for reason in entries.values())
    assert not any(_is_migration(a) or _is_migration(b) for a, b in entries)


def test_matching_ignores_line_numbers_and_migrations():
    output = ("3 pairs of places (9 files read)\n"
              "D1 b.py:10-24 ~ a.py:40-54\n"
              "D2 a.py:99-120 ~ b.py:1-22 shape (+1 more run)\n"
              "D3 migrations/versions/0001_x.py:1-9 ~ a.py:1-9\n"
              "left out: 2 runs of 6 lines that stand in more than 8 places each (too common to list)\n")
    assert found(output) == {("a.py", "b.py")}


@pytest.mark.skipif(TOOL is None, reason="the `duplicates` tool is not on PATH (a machine tool, not a project "
                                         "dependency; CI has it)")
def test_only_accepted_boilerplate_is_repeated():
    run = subprocess.run([TOOL, "--most", "200", "--seconds", "300"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    assert "incomplete:" not in run.stdout, run.stdout  # every file read and paired
    # the tool lists 200 pairs at the most, most shared first and boilerplate last: past that,
    # what is listed is still checked for new pairs, but a pair missing from the list may merely
    # have been cut, so stale entries are only reported from a complete list
    cut = re.search(r"^\(\+\d+ more pairs\)", run.stdout, re.M) is not None
    pairs, entries = found(run.stdout), allowed()
    patterns = [entry for entry in entries if "*" in entry[0] + entry[1]]
    new = sorted(pair for pair in pairs - set(entries) if not any(_matches(pair, p) for p in patterns))
    gone = sorted(set(entries) - pairs - set(patterns))
    assert not new, ("repeated code not on tests/contract/duplicates_allowed.txt — make one piece of code serve, "
                     "or add the pair with the reason it is accepted:\n"
                     + "\n".join(f"{a} ~ {b}: REASON" for a, b in new))
    assert cut or not gone, "no longer repeated — take these off duplicates_allowed.txt:\n" + "\n".join(
        f"{a} ~ {b}" for a, b in gone)
