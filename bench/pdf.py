"""PDF rendering cost: a 20-page annex-1 ledger against a one-page minimal document.

Both are rendered in this process by WeasyPrint, the way the documents.render job does it:
the annex-1 ledger (矛盾纠纷排查化解清单, seed 001, 600 rows) through the platform's
``ledger`` template and official stylesheet, and a minimal document (one line of Chinese,
no stylesheet) straight through WeasyPrint. A warm-up renders both once (fonts load on
first use); then rounds alternate between the two so machine noise hits both alike.

Rendering is single-threaded and CPU-bound, so the seconds are this process's CPU seconds
(``time.process_time``): they do not grow when other work shares the machine, as wall
seconds do (the median wall seconds are printed too). The peak RSS is printed for the whole
process and, on Linux, for the ledger renderings alone (the kernel's mark is reset before
each): the minimal documents go straight through WeasyPrint and leave their garbage, each
with a copy of a font file, to Python's collector, so it is collected (untimed) before
each ledger, as ``render_pdf`` does after every rendering. Prints seconds and pages per second
for each and, last, ``ratio=<x>``: seconds per page of the ledger divided by seconds per
page of the minimal document.

``--unique-text``: every row's summary and measures are its own text (as in a real ledger, where
each issue is described in its own words), so a renderer that reuses the work of repeated cells
cannot gain from the seed's six summaries and five measures; prints the same lines.
"""

from __future__ import annotations

import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import weasyprint  # noqa: E402

from xinfang.platform.documents.registry import LEDGER_TEMPLATE as LEDGER  # noqa: E402
from xinfang.platform.documents.rendering import render_pdf  # noqa: E402

ROWS = 600
ROUNDS = 3
MINIMAL_PER_ROUND = 10
MINIMAL_HTML = '<html lang="zh-CN"><body><p>信访工作平台</p></body></html>'

# Annex 1 of seed 001: one row per issue found in screening, with the responsible unit,
# leader and person, the measures and the deadline (一案一策, 挂图作战).
COLUMNS = ["序号", "排查日期", "所在社区", "当事人", "矛盾纠纷简要情况", "问题类别", "可能引发的风险",
           "责任部门", "责任领导", "责任人员", "化解措施", "化解时限", "化解进展"]
WIDTHS = [3.5, 6.5, 6, 5, 15.5, 5.5, 10.5, 6.5, 5.5, 5.5, 11.5, 6.5, 5.5]
COMMUNITIES = ["莲屿社区", "青华社区", "阳光社区", "洋埭社区", "梧桐社区", "湖光社区"]
CATEGORIES = ["欠薪", "房地产", "邻里纠纷", "征地", "村级财务", "环境保护"]
SUMMARIES = {"欠薪": "工地务工人员反映工资被拖欠", "房地产": "业主反映商品房逾期交付",
             "邻里纠纷": "因宅基地边界与邻居争执", "征地": "反映征地补偿款分配不均",
             "村级财务": "村民要求公开村级账目", "环境保护": "反映厂房夜间噪声扰民"}
RISKS = ["集体上访", "进京到省越级上访", "负面舆论炒作", "个人极端事件"]
UNITS = {"欠薪": "人社局", "房地产": "住建局", "邻里纠纷": "司法所", "征地": "自然资源局",
         "村级财务": "农业农村局", "环境保护": "生态环境局"}
MEASURES = ["约谈企业限期支付", "入户调解并现场测量", "召开协调会说明政策", "依法公开并逐项解释",
            "联合执法现场核查"]
PROGRESS = ["未化解", "化解中", "已化解"]
SURNAMES = "王李张刘陈杨黄赵吴周"


def ledger_inputs(rows: int = ROWS, unique_text: bool = False) -> dict:
    rng = random.Random(7)
    table = []
    for n in range(1, rows + 1):
        category = rng.choice(CATEGORIES)
        summary, measure = SUMMARIES[category], rng.choice(MEASURES)
        if unique_text:  # the same lengths (the row's number for the last characters): no two rows alike
            summary, measure = f"{summary[:-3]}{n:03d}", f"{measure[:-3]}{n:03d}"
        table.append([str(n), f"2024-09-{17 + n % 12:02d}", rng.choice(COMMUNITIES), f"{rng.choice(SURNAMES)}某{n:03d}",
                      summary, category, rng.choice(RISKS), UNITS[category],
                      rng.choice(["李副主任", "王副书记", "陈主任"]), rng.choice(["张某", "林某", "黄某", "吴某"]),
                      measure, f"2024-10-{1 + n % 14:02d}", rng.choice(PROGRESS)])
    return LEDGER.clean({"title": "矛盾纠纷排查化解清单", "annex": "附件1", "columns": COLUMNS, "rows": table,
                         "widths": WIDTHS, "issuer": "青阳街道办事处", "date": "2024-09-20"})


def timed(render) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and pages of one rendering."""
    cpu, wall = time.process_time(), time.perf_counter()
    pages = render()
    return time.process_time() - cpu, time.perf_counter() - wall, pages


def reset_peak() -> bool:
    """Start the kernel's peak-RSS mark afresh (Linux ``clear_refs``), so the ledger's own peak
    is measured, not one left by the minimal documents' garbage; False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib() -> float:
    """Peak RSS since the last reset (``VmHWM``), else of the whole process."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (line,) = (line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def ledger_peak(inputs: dict) -> tuple[tuple[float, float, int], float | None]:
    """One timed ledger and the peak RSS while it rendered (None where it cannot be isolated).
    The minimal documents' garbage is collected first, untimed: render_pdf collects its own."""
    gc.collect()
    isolated = reset_peak()
    run = timed(lambda: ledger(inputs))
    return run, peak_mib() if isolated else None


def ledger(inputs: dict) -> int:
    return render_pdf(LEDGER, inputs).pages


def minimal() -> int:
    document = weasyprint.HTML(string=MINIMAL_HTML).render()
    document.write_pdf()
    return len(document.pages)


def main() -> None:
    unique_text = "--unique-text" in sys.argv[1:]
    inputs = ledger_inputs(unique_text=unique_text)
    ledger(inputs), minimal()  # warm up: fonts, caches
    ledger_runs, minimal_runs, ledger_peaks = [], [], []
    for _ in range(ROUNDS):
        run, peak = ledger_peak(inputs)
        ledger_runs.append(run)
        ledger_peaks.append(peak)
        minimal_runs.extend(timed(minimal) for _ in range(MINIMAL_PER_ROUND))
    (ledger_pages,) = {run[2] for run in ledger_runs}
    assert {run[2] for run in minimal_runs} == {1}, "the minimal document is one page"
    ledger_s, ledger_wall = (statistics.median(run[i] for run in ledger_runs) for i in (0, 1))
    minimal_s, minimal_wall = (statistics.median(run[i] for run in minimal_runs) for i in (0, 1))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peaks = [p for p in ledger_peaks if p is not None]
    own = f"{max(peaks):.0f} MiB" if len(peaks) == len(ledger_peaks) else "unknown"
    print(f"WeasyPrint {weasyprint.__version__}; medians of {ROUNDS} ledgers and {ROUNDS * MINIMAL_PER_ROUND} "
          f"minimal documents; CPU seconds (wall in brackets); peak RSS {peak:.0f} MiB, "
          f"while rendering a ledger {own}")
    print(f"annex-1 ledger, {ROWS} rows{' (every summary and measure its own text)' if unique_text else ''}: {ledger_pages} pages in {ledger_s:6.2f} s ({ledger_wall:.2f}), "
          f"{ledger_pages / ledger_s:6.2f} pages/s")
    print(f"minimal document:      1 page in {minimal_s:7.3f} s ({minimal_wall:.3f}), "
          f"{1 / minimal_s:6.2f} pages/s")
    print(f"ratio={(ledger_s / ledger_pages) / minimal_s:.2f}")


if __name__ == "__main__":
    main()
