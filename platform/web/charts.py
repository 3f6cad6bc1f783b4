"""Server-drawn SVG bar charts: the same markup in the page and in a PDF (WeasyPrint draws
SVG), no script, so the CSP and offline use hold. Each bar links to the matter list behind it
(in a PDF the links are simply inert).

A document stores its inputs as plain data, never markup: ``as_rows`` turns a chart's data
into the rows of a document's ``charts`` field and ``figures_svg`` (the documents' ``charts``
filter) draws them again with the very functions the dashboard uses."""

from __future__ import annotations

from markupsafe import Markup, escape

Chart = tuple[str, str, list[dict]]  # title, kind ("bars" | "rates"), the rows bars() or rates() take

ROW = 26
LABEL_WIDTH = 150
BAR_WIDTH = 330
WIDTH = LABEL_WIDTH + BAR_WIDTH + 70
BAR_COLOUR = "#2b6cb0"
BELOW_TARGET = "#c05621"
FONT = 'font-family="Noto Sans CJK SC, sans-serif" font-size="13"'


def bars(title: str, rows: list[dict], value_key: str = "count", link_key: str | None = "link") -> Markup:
    """Horizontal bars of ``row[value_key]``, labelled ``row["label"]``."""
    top = max((float(row[value_key]) for row in rows), default=0) or 1
    height = ROW * max(len(rows), 1) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-label="{escape(title)}" {FONT}>', f"<title>{escape(title)}</title>"]
    if not rows:
        parts.append('<text x="0" y="18" fill="#666">本期没有信访事项</text>')
    for i, row in enumerate(rows):
        y = 4 + i * ROW
        width = round(BAR_WIDTH * float(row[value_key]) / top, 1)
        shown = row.get("text") or int(row[value_key])
        bar = (f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" fill="#222">{escape(row["label"])}</text>'
               f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{max(width, 1)}" height="{ROW - 8}" fill="{BAR_COLOUR}"/>'
               f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 16}" fill="#222">{escape(shown)}</text>')
        if link_key and row.get(link_key):
            bar = f'<a href="{escape(row[link_key])}">{bar}</a>'
        parts.append(bar)
    parts.append("</svg>")
    return Markup("".join(parts))


def rates(title: str, rows: list[dict]) -> Markup:
    """The available rates as bars of 0–100%, with each target as a dashed mark; a rate below
    (or for 重信重访率 above) its target is drawn in the warning colour."""
    shown = [r for r in rows if r["available"]]
    height = ROW * max(len(shown), 1) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-label="{escape(title)}" {FONT}>', f"<title>{escape(title)}</title>"]
    for i, rate in enumerate(shown):
        y = 4 + i * ROW
        value = rate["value"]
        width = round(BAR_WIDTH * (value or 0), 1)
        shown_value = rate["text"] if value is not None else "—"
        colour = BELOW_TARGET if rate["meets_target"] is False else BAR_COLOUR
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" fill="#222">'
                     f'{escape(rate["label"].split("（")[0])}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{BAR_WIDTH}" height="{ROW - 8}" fill="#edf2f7"/>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{ROW - 8}" fill="{colour}"/>'
                     f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 16}" fill="#222">{escape(shown_value)}</text>')
        if rate["target"] is not None:
            x = LABEL_WIDTH + round(BAR_WIDTH * rate["target"], 1)
            parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + ROW - 2}" stroke="#1a202c" '
                         f'stroke-width="2" stroke-dasharray="3 2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def as_rows(charts: list[Chart]) -> list[list[str]]:
    """Charts as a document field's rows: [title, kind, label, value, text, target, met]."""
    out = []
    for title, kind, rows in charts:
        for row in rows:
            if kind == "rates":
                if not row["available"] or row["value"] is None:
                    continue
                out.append([title, kind, row["label"], str(row["value"]), row["text"],
                            "" if row["target"] is None else str(row["target"]),
                            {True: "1", False: "0", None: ""}[row["meets_target"]]])
            else:
                out.append([title, kind, row["label"], str(row["count"]), str(row.get("text", "")), "", ""])
    return out


def figures_svg(rows: list[list[str]]) -> Markup:
    """The charts a document stored (``as_rows``), each drawn as on the page and captioned 图1, 图2…"""
    charts: dict[tuple[str, str], list[dict]] = {}
    for title, kind, label, value, text, target, met in rows:
        if kind == "rates":
            item = {"label": label, "available": True, "value": float(value), "text": text,
                    "target": float(target) if target else None, "meets_target": {"1": True, "0": False}.get(met)}
        else:
            item = {"label": label, "count": float(value), "text": text}
        charts.setdefault((title, kind), []).append(item)
    parts = []
    for number, ((title, kind), items) in enumerate(charts.items(), start=1):
        svg = rates(title, items) if kind == "rates" else bars(title, items, link_key=None)
        parts.append(Markup('<figure class="chart-figure"><figcaption>图{}　{}</figcaption>{}</figure>')
                     .format(number, title, svg))
    return Markup("").join(parts)
