"""Every bomb shape is refused with a 400 naming the limit, by a reader running in its own
process under a hard address-space limit: a regression that lets memory grow dies there
(MemoryError, non-zero exit) instead of passing quietly inside a large test worker."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests import spreadsheet_bombs as bombs

MEMORY_LIMIT = 400 * 1024 * 1024
PEAK_RSS_MIB = 250  # the refused bombs peak at 60-125 MiB; the unbounded reader reached the limit

READER = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from xinfang.platform.errors import BadRequest
    from xinfang.platform.spreadsheets.reading import read_table
    path, filename = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    try:
        rows = read_table(filename, data, {{"A": "a"}})
        answer = {{"status": 200, "rows": len(rows)}}
    except BadRequest as exc:
        answer = {{"status": 400, "message": exc.message}}
    # VmHWM, not ru_maxrss: the latter keeps the forking test worker's peak across exec
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    answer["peak_rss_mib"] = peak // 1024
    print(json.dumps(answer, ensure_ascii=False))
""").format(limit=MEMORY_LIMIT)


def read_in_subprocess(tmp_path, filename: str, content: bytes) -> dict:
    path = tmp_path / filename
    path.write_bytes(content)
    done = subprocess.run([sys.executable, "-c", READER, str(path), filename], check=False, capture_output=True,
                          text=True,
                          timeout=600)
    assert done.returncode == 0, f"reader died (memory limit {MEMORY_LIMIT >> 20} MiB?): {done.stderr[-2000:]}"
    return json.loads(done.stdout)


BOMBS = {
    "huge shared string": ("bomb.xlsx", lambda: bombs.huge_shared_string(512), "解压后超过100MB"),
    "long shared string": ("bomb.xlsx", lambda: bombs.long_shared_string(1_000_000), "超过32767个字符"),
    "many tiny rows": ("bomb.xlsx", lambda: bombs.many_tiny_rows(200_000), "超过100000行"),
    "many data rows": ("bomb.xlsx", lambda: bombs.many_tiny_rows(50_001), "最多导入50000行"),
    "huge ratio": ("bomb.xlsx", lambda: bombs.high_ratio(50), "压缩比"),
    "too many columns": ("bomb.xlsx", lambda: bombs.many_columns(16_384), "超过100列"),
    "huge CSV line": ("bomb.csv", lambda: bombs.huge_csv_line(9), "超过1000000个字符"),
    "CSV with too many rows": ("bomb.csv", lambda: bombs.many_csv_rows(1_000_000), "最多导入50000行"),
}


@pytest.mark.parametrize("shape", list(BOMBS))
def test_each_bomb_is_refused_within_bounded_memory(tmp_path, shape):
    filename, make, expected = BOMBS[shape]
    content = make()
    assert len(content) < 10 * 1024 * 1024  # every bomb is an upload the size limit lets through
    answer = read_in_subprocess(tmp_path, filename, content)
    assert answer["status"] == 400 and expected in answer["message"], answer
    assert "未导入任何数据" in answer["message"]
    assert answer["peak_rss_mib"] < PEAK_RSS_MIB, answer
