"""Importing a tree from CSV or XLSX: all rows or none, row-numbered errors, within the caller's reach."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.integration.test_cli import scalar_codes
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADER = ["层级", "代码", "名称", "上级代码"]
# A new county, listed out of order (children before parents) on purpose.
COUNTY_ROWS = [
    ["网格", "411326002001-01", "东城社区第一网格", "411326002001"],
    ["社区", "411326002001", "东城社区", "411326002"],
    ["县", "411326", "淅川县", ""],
    ["乡镇", "411326001", "上集镇", "411326"],
    ["街道", "411326002", "龙城街道", "411326"],
    ["村", "411326001001", "上集村", "411326001"],
    ["网格", "411326001001-A1", "上集村网格A1", "411326001001"],
    ["部门", "411326-ZJJ", "淅川县住房和城乡建设局", "411326"],
]
EXPECTED = {  # code -> (level, parent code)
    "411326": ("county", None),
    "411326001": ("township", "411326"),
    "411326002": ("township", "411326"),
    "411326001001": ("village", "411326001"),
    "411326002001": ("village", "411326002"),
    "411326001001-A1": ("grid", "411326001001"),
    "411326002001-01": ("grid", "411326002001"),
    "411326-ZJJ": ("department", "411326"),
}
COLUMN_OF = {"county": "county_id", "township": "township_id", "village": "village_id", "grid": "grid_id",
             "department": "department_id"}


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "组织架构"
    sheet.append(HEADER)
    for row in rows:
        # a clerk's sheet: purely numeric codes are stored as numbers, blanks as empty cells
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMATS = {
    "utf8-bom.csv": lambda rows: csv_bytes(rows, "utf-8-sig"),
    "gbk.csv": lambda rows: csv_bytes(rows, "gbk"),
    "sheet.xlsx": xlsx_bytes,
}


def upload(client, demo, who: str, filename: str, content: bytes):
    return client.post("/api/nodes/import", files={"data": (filename, content, "application/octet-stream")},
                       headers=demo.headers(who))


@contextmanager
def system_db(app):
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as session:
        yield session


def node_count(app) -> int:
    with system_db(app) as s:
        return s.scalar(select(func.count()).select_from(Node))


def assert_tree(session, expected: dict[str, tuple[str, str | None]]) -> None:
    nodes = {n.code: n for n in session.scalars(select(Node).where(Node.code.in_(list(expected))))}
    assert set(nodes) == set(expected)
    for code, (level, parent_code) in expected.items():
        node = nodes[code]
        assert node.level == level, code
        parent = nodes.get(parent_code) or (session.scalar(select(Node).where(Node.code == parent_code))
                                            if parent_code else None)
        assert node.parent_id == (parent.id if parent else None), code
        want = parent.ancestry_with_self() if parent else dict.fromkeys(COLUMN_OF.values())
        want[COLUMN_OF[level]] = node.id
        assert node.ancestry() == want, code


def assert_chinese_400(response) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert CJK.search(body["message"]), body
    assert "Traceback" not in response.text
    return body


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_operator_imports_a_whole_county(client, demo, app, fmt):
    content = FORMATS[fmt](COUNTY_ROWS)
    response = upload(client, demo, "operator", fmt, content)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": len(COUNTY_ROWS), "renamed": 0, "unchanged": 0}
    with system_db(app) as s:
        assert_tree(s, EXPECTED)
        assert s.scalar(select(Node.name).where(Node.code == "411326002001")) == "东城社区"
    total = node_count(app)

    again = upload(client, demo, "operator", fmt, content)
    assert again.status_code == 200, again.text
    assert again.json() == {"created": 0, "renamed": 0, "unchanged": len(COUNTY_ROWS)}
    assert node_count(app) == total


def test_reimport_with_a_changed_name_renames_only(client, demo, app):
    assert upload(client, demo, "operator", "tree.csv", csv_bytes(COUNTY_ROWS)).status_code == 200
    rows = [r if r[1] != "411326001" else ["乡镇", "411326001", "上集镇(新)", "411326"] for r in COUNTY_ROWS]
    response = upload(client, demo, "operator", "tree.csv", csv_bytes(rows))
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 0, "renamed": 1, "unchanged": len(COUNTY_ROWS) - 1}
    assert demo.node("411326001").name == "上集镇(新)"


def test_bad_rows_reject_the_whole_file_with_row_numbers(client, demo, app):
    rows = [
        ["县", "411326", "淅川县", ""],                              # row 2, good
        ["乡镇", "41132600X", "坏代码镇", "411326"],                  # row 3, bad code
        ["乡镇", "411326001", "上集镇", "411326"],                    # row 4, good
        ["村", "411326009001", "无上级村", "411326009"],              # row 5, unknown parent
        ["村", "411326001001", "上集村", "411326001"],                # row 6, good
        ["村", "411326001001", "上集村重复", "411326001"],            # row 7, duplicate within the file
        ["街道", "411326002", "", "411326"],                         # row 8, missing name
        ["部门", "411326-ZJJ", "淅川县住房和城乡建设局", "411326"],     # row 9, good
    ]
    before = node_count(app)
    for fmt, make in FORMATS.items():
        body = assert_chinese_400(upload(client, demo, "operator", fmt, make(rows)))
        assert sorted(d["row"] for d in body["details"]) == [3, 5, 7, 8], (fmt, body)
        for detail in body["details"]:
            assert detail["message"].startswith(f"第{detail['row']}行"), detail
        assert "4" in body["message"]  # 4 rows have errors
    assert node_count(app) == before


def test_county_admin_imports_townships_into_own_county_only(client, demo, app):
    own = [["乡镇", "411323300", "米坪镇", "411323"], ["村", "411323300001", "米坪村", "411323300"]]
    response = upload(client, demo, "xx_admin", "own.csv", csv_bytes(own))
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 2
    with system_db(app) as s:
        assert_tree(s, {"411323300": ("township", "411323"), "411323300001": ("village", "411323300")})

    before = node_count(app)
    mixed = [["乡镇", "411323400", "桑坪镇", "411323"], ["街道", "350582300", "越权街道", "350582"]]
    body = assert_chinese_400(upload(client, demo, "xx_admin", "mixed.csv", csv_bytes(mixed)))
    assert [d["row"] for d in body["details"]] == [3]
    assert node_count(app) == before

    county = [["县", "411327", "越权县", ""]]
    body = assert_chinese_400(upload(client, demo, "xx_admin", "county.csv", csv_bytes(county)))
    assert [d["row"] for d in body["details"]] == [2]
    assert node_count(app) == before


def test_county_admin_cannot_rename_own_county_by_import(client, demo, app):
    """A node is managed from above (PATCH refuses this too): its own admin cannot rename it."""
    xixia = demo.node("411323")
    assert client.patch(f"/api/nodes/{xixia.id}", json={"name": "改名县"},
                        headers=demo.headers("xx_admin")).status_code == 403
    response = upload(client, demo, "xx_admin", "rename.csv", csv_bytes([["县", "411323", "改名县", ""]]))
    assert response.status_code in (400, 403), response.text
    assert demo.node("411323").name == "西峡县"
    # an unchanged row naming the admin's own county is harmless
    same = upload(client, demo, "xx_admin", "same.csv",
                  csv_bytes([["县", "411323", "西峡县", ""], ["乡镇", "411323300", "米坪镇", "411323"]]))
    assert same.status_code == 200, same.text
    assert same.json() == {"created": 1, "renamed": 0, "unchanged": 1}


def test_township_admin_cannot_import_into_a_sibling_township(client, demo, app):
    before = node_count(app)
    rows = [["村", "411323100299", "越权村", "411323100"]]
    body = assert_chinese_400(upload(client, demo, "xx_by_admin", "t.csv", csv_bytes(rows)))
    assert [d["row"] for d in body["details"]] == [2]
    assert node_count(app) == before


UNREADABLE = [
    ("tree.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),   # the old Excel format
    ("tree.docx", b"PK\x03\x04 not a tree"),
    ("tree", csv_bytes(COUNTY_ROWS)),                                    # no extension
    ("tree.xlsx", b"PK\x03\x04 this is not really a workbook"),          # corrupt
    ("tree.xlsx", csv_bytes(COUNTY_ROWS)),                               # a CSV renamed .xlsx
    ("tree.csv", b""),                                                   # empty
    ("tree.csv", "名字,号码\r\n甲,1\r\n".encode("utf-8-sig")),            # no known header
]


def test_unreadable_files_get_a_chinese_400(client, demo, app):
    before = node_count(app)
    for filename, content in UNREADABLE:
        response = upload(client, demo, "operator", filename, content)
        assert response.status_code == 400, (filename, content[:20], response.text)
        assert_chinese_400(response)
    assert node_count(app) == before


def test_import_needs_the_manage_permission(client, demo):
    response = upload(client, demo, "xx_officer", "tree.csv", csv_bytes(COUNTY_ROWS))
    assert response.status_code == 403, response.text
    response = client.post("/api/nodes/import", files={"data": ("tree.csv", csv_bytes(COUNTY_ROWS), "text/csv")})
    assert response.status_code == 401, response.text


# --- the command line: SQLite only, in a subprocess --------------------------------------------


def _xinfang() -> str:
    return str(Path(sys.executable).with_name("xinfang"))


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XINFANG_DATABASE_URL": db_url}
    workdir = Path(db_url.split("///", 1)[1]).parent
    return subprocess.run([_xinfang(), *args], env=env, cwd=workdir, check=False, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def cli_db(tmp_path, sqlite_template) -> str:
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_cli_import(cli_db, tmp_path):
    file = tmp_path / "县.xlsx"
    file.write_bytes(xlsx_bytes(COUNTY_ROWS))
    done = _cli(cli_db, "tenants", "import", str(file))
    assert done.returncode == 0, done.stderr
    assert "新建8个" in done.stdout
    assert set(scalar_codes(cli_db)) == set(EXPECTED)

    again = _cli(cli_db, "tenants", "import", str(file))
    assert again.returncode == 0, again.stderr
    assert "新建0个" in again.stdout and "未变8个" in again.stdout


def test_cli_import_of_a_bad_file_exits_1_and_imports_nothing(cli_db, tmp_path):
    file = tmp_path / "bad.csv"
    file.write_bytes(csv_bytes([["县", "411326", "淅川县", ""], ["乡镇", "4113260", "短代码镇", "411326"],
                                ["村", "411326001001", "", "411326001"]], "gbk"))
    done = _cli(cli_db, "tenants", "import", str(file))
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "第3行" in done.stderr and "第4行" in done.stderr and "第2行" not in done.stderr
    assert set(scalar_codes(cli_db)) == set()
