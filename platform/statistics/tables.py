"""The dashboard's tables as rows (for the XLSX export): the totals, each breakdown, the rates."""

from __future__ import annotations

from typing import Any

from xinfang.platform.spreadsheets.writing import Table


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def tables(figures: dict) -> list[Table]:
    totals = figures["totals"]
    total_rows: list[dict[str, Any]] = [
        {"what": label, "value": totals[key]["value"], "year_before": totals[key]["year_before"],
         "yoy": _percent(totals[key]["year_on_year"]), "before": totals[key]["before"],
         "pop": _percent(totals[key]["period_on_period"])}
        for key, label in (("count", "件次"), ("people", "人次"))]
    out: list[Table] = [("总量", [("what", "指标"), ("value", figures["period"]["label"]),
                                 ("year_before", f"上年同期（{figures['year_before']['label']}）"), ("yoy", "同比"),
                                 ("before", f"上期（{figures['before']['label']}）"), ("pop", "环比")], total_rows)]
    for breakdown in figures["breakdowns"]:
        out.append((breakdown["label"], [("label", breakdown["label"].removeprefix("按")), ("count", "件次"),
                                         ("people", "人次"), ("count_year_before", "上年同期件次"),
                                         ("count_before", "上期件次")], breakdown["rows"]))
    rate_rows = [{"label": r["label"], "numerator": r["numerator"], "denominator": r["denominator"],
                  "value": r["text"] if not r["available"] else _percent(r["value"]),
                  "target": _percent(r["target"]), "year_before": _percent(r["year_before"]),
                  "before": _percent(r["before"]), "numerator_def": r["definition"]["numerator"],
                  "denominator_def": r["definition"]["denominator"], "dates": r["definition"]["dates"]}
                 for r in figures["rates"]]
    out.append(("指标", [("label", "指标"), ("numerator", "分子"), ("denominator", "分母"), ("value", "本期"),
                        ("target", "目标"), ("year_before", "上年同期"), ("before", "上期"),
                        ("numerator_def", "分子口径"), ("denominator_def", "分母口径"), ("dates", "计入期间的日期")],
                rate_rows))
    return out
