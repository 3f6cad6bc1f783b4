"""The work report from the hand-computed data set (statistics_samples.py, March 2026): its
first paragraph in seed 004's shape with literal figures, the same in the 公文 PDF and the
editable DOCX, and the parts of the first sentence adding up to its total."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from docx import Document

from tests.integration import statistics_samples
from tests.integration.test_web_pages import HTML, csrf_of, login_form
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.web import charts

pytestmark = pytest.mark.today(2026, 4, 15)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FIRST = ("2026年3月，西峡县共受理群众来信来访（含网上信访、来电）5件11人次。其中，受理个访1件，集体访1件6人次，"
         "群众来信1件，网上信访1件，来电1件，上级转送0件。截至2026年4月15日，已办结信访事项3件。"
         "与上年同期（1件）相比上升400.0%。")


def _pdf_text(app, client, headers, url, body) -> str:
    """Ask for the document, let the job render it, and read the PDF's text back (no spaces)."""
    made = client.post(url, headers=headers, json=body)
    assert made.status_code == 202, made.text
    return _rendered_text(app, client, headers, made.json()["id"])


def _rendered_text(app, client, headers, document_id) -> str:
    run_pending(app.state.session_factory)
    pdf = client.get(f"/api/documents/{document_id}/file", headers=headers)
    assert pdf.status_code == 200, pdf.text
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", "-", "-"], input=pdf.content, check=True,
                                             capture_output=True).stdout.decode())


def test_report_text_pdf_and_docx(app, client, demo, system_session):
    statistics_samples.load(system_session)
    officer = demo.headers("xx_officer")
    county = demo.node("411323").id
    preview = client.get(f"/api/statistics/nodes/{county}/work-report", headers=officer, params={"period": "2026-03"})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["title"] == "西峡县2026年3月信访工作情况报告"
    assert body["paragraphs"][:3] == ["一、基本情况", FIRST, "反映的问题主要集中在其他（2件）、征地（2件）、欠薪（1件）等方面。"]
    assert "按期办结率66.7%（目标不低于90%）" in body["paragraphs"][3]
    assert "参评率75.0%，满意率66.7%" in body["paragraphs"][3]
    assert body["paragraphs"][4:] == ["二、主要工作", "（待补充）", "三、存在的问题", "（待补充）", "四、下一步工作打算",
                                      "（待补充）"]

    texts = {"period": "2026-03", "main_work": "开展矛盾纠纷大排查。\n落实领导接访。", "problems": "重复信访较多。",
             "next_steps": "深化积案化解。"}
    docx = client.post(f"/api/statistics/nodes/{county}/work-report.docx", headers=officer, json=texts)
    assert docx.status_code == 200, docx.text
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert paragraphs[0] == "西峡县2026年3月信访工作情况报告" and FIRST in paragraphs
    assert paragraphs[paragraphs.index("二、主要工作") + 1:paragraphs.index("三、存在的问题")] == [
        "开展矛盾纠纷大排查。", "落实领导接访。"]
    assert paragraphs[-2:] == ["西峡县人民政府", "2026年4月15日"]

    flat = _pdf_text(app, client, officer, f"/api/statistics/nodes/{county}/work-report", texts)
    assert FIRST in flat and "重复信访较多。" in flat and "西峡县2026年3月信访工作情况报告" in flat
    # the dashboard's SVG charts at the end of 基本情况: the rates, then channels, categories, 越级
    assert "图1考核指标及时受理率33.3%按期办结率66.7%息诉罢访率33.3%" in flat
    assert "图3按问题类别其他2征地2欠薪1" in flat and "图4按越级情况" in flat
    assert flat.index("图1考核指标") < flat.index("二、主要工作")
    figures = client.get(f"/api/statistics/nodes/{county}/figures", headers=officer, params={"period": "2026-03"}).json()
    channels = next(b for b in figures["breakdowns"] if b["key"] == "channel")
    # the PDF draws the stored rows with the page's own function: the same SVG as the dashboard's
    assert charts.bars(channels["label"], channels["rows"], link_key=None) in charts.figures_svg(
        charts.as_rows([(channels["label"], "bars", channels["rows"])]))

    # a township's report counts its own matters only; a supervisor may read but not issue
    township = client.get(f"/api/statistics/nodes/{demo.node('411323001').id}/work-report",
                          headers=demo.headers("xx_by_officer"), params={"period": "2026-03"}).json()
    assert township["paragraphs"][1].startswith("2026年3月，白羽街道共受理群众来信来访（含网上信访、来电）2件7人次。"
                                                "其中，受理个访1件，集体访1件6人次，群众来信0件")
    assert client.post(f"/api/statistics/nodes/{county}/work-report", headers=demo.headers("xx_supervisor"),
                       json=texts).status_code == 403


def test_quarterly_assessment_pdf(app, client, demo, system_session):
    statistics_samples.load(system_session)
    officer = demo.headers("xx_officer")
    url = f"/api/statistics/counties/{demo.node('411323').id}/quarterly-assessment"
    assert client.post(url, headers=officer, json={"period": "2026-03"}).status_code == 400
    flat = _pdf_text(app, client, officer, url, {"period": "2026-Q1"})
    # Q1 2026, default weights (及时受理率20、按期办结率30、息诉罢访率20、初信初访一次性化解率15、重信重访率15):
    # 白羽街道 = 20×1/2 + 30×2/2 + 20×1/2 + 15×1/2 + 15×(1−0/3) = 72.5; 丹水镇 = (30×0/1 + 15×(1−1/1)) / 45 = 0
    assert "关于2026年第一季度乡镇（街道）信访工作考核情况的通报" in flat
    assert "（一）本季度信访量0至4件次的乡镇（街道）：第1名白羽街道（72.5分，信访量3件次）；第2名丹水镇（0.0分，信访量1件次）。" in flat
    assert "图1白羽街道丹水镇各乡镇（街道）考核得分72.5分0.0分" in flat  # the score chart, before the closing
    assert flat.index("考核得分") < flat.index("请各乡镇（街道）对照通报")


def test_report_from_the_dashboard_page(app, client, demo, system_session):
    """The dashboard's form: the typed parts go into the Word file and into the 公文 PDF (with
    the charts); someone who may not issue documents gets the Word file only."""
    statistics_samples.load(system_session)
    county = demo.node("411323").id
    assert login_form(client, "xx_officer").status_code == 303
    page = client.get("/statistics", headers=HTML, params={"node_id": county, "period": "2026-03"})
    assert "下载可编辑的报告（Word）" in page.text and "生成公文PDF（含统计图）" in page.text
    form = {"_csrf": csrf_of(page.text), "node_id": str(county), "period": "2026-03",
            "main_work": "开展矛盾纠纷大排查。\n落实领导接访。", "problems": "重复信访较多。", "next_steps": "深化积案化解。"}
    docx = client.post("/statistics/report", headers=HTML, data={**form, "format": "docx"})
    assert docx.status_code == 200 and docx.headers["content-type"].startswith(DOCX), docx.status_code
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert FIRST in paragraphs and paragraphs[paragraphs.index("三、存在的问题") + 1] == "重复信访较多。"
    made = client.post("/statistics/report", headers=HTML, data={**form, "format": "pdf"}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/documents?made="), made.text
    flat = _rendered_text(app, client, demo.headers("xx_officer"), made.headers["location"].split("=")[1])
    assert FIRST in flat and "落实领导接访。" in flat and "深化积案化解。" in flat and "图1考核指标" in flat

    client.cookies.clear()
    assert login_form(client, "xx_supervisor").status_code == 303
    page = client.get("/statistics", headers=HTML, params={"node_id": county, "period": "2026-03"})
    assert "下载可编辑的报告（Word）" in page.text and "生成公文PDF" not in page.text
    refused = client.post("/statistics/report", headers=HTML,
                          data={**form, "_csrf": csrf_of(page.text), "format": "pdf"}, follow_redirects=False)
    assert refused.status_code == 403 and "没有制发文书的权限" in refused.text
