"""Small charts of what the knowledge base holds, drawn on the server as SVG (no JavaScript).

Each chart's numbers come from one named query (``queries/chart-*.rq``) in which the page's
scope (``scope-*.rq``: every note, a notebook's notes, a community's notes) replaces the line
``# SCOPE``; the chart links to that query, bound to the scope, so a reader can check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

from rdflib import URIRef

from .. import i18n, queries
from ..identifiers import Identifiers
from ..page_model import href
from ..store import Store
from .data import WHERE, labels, sparql_href
from .svg import SVG_NS, short

CHARTS = {  # the charts of each scope, in the order shown
    "all": ("notes-per-notebook", "notes-per-category", "top-terms", "activity",
            "mapped-terms"),
    "notebook": ("notes-per-category", "top-terms", "activity", "mapped-terms"),
    "community": ("notes-per-notebook", "notes-per-category", "top-terms", "activity",
                  "mapped-terms"),
}
TITLES = {"notes-per-notebook": "chart_notes_per_notebook",
          "notes-per-category": "chart_notes_per_category", "top-terms": "chart_top_terms",
          "activity": "chart_activity", "mapped-terms": "chart_mapped_terms"}
SCOPE = "  # SCOPE\n"  # the line of chart-*.rq that the scope's pattern replaces
WIDTH = 560
MAX_MONTHS = 36
COLORS = {"bar": "#4263eb", "issued": "#4263eb", "modified": "#e8590c", "mapped": "#2b8a3e",
          "unmapped": "#adb5bd"}


@dataclass
class Chart:
    """One chart: its numbers (what it shows, for checks), the SVG and its query."""

    name: str
    title: str
    numbers: dict
    svg: str
    query: str  # the SPARQL text, bound to the scope

    @property
    def query_href(self) -> str:
        return sparql_href(self.query)


def query_text(name: str, scope: str, focus: str | None = None) -> str:
    """The chart's query for ``scope``, bound to ``focus`` (a VALUES block) when given."""
    if name == "mapped-terms" and scope == "all":
        return queries.text("chart-mapped-terms-all")
    pattern = "".join(line for line in queries.text(f"scope-{scope}").splitlines(True)
                      if not line.startswith("#"))  # the snippet's own comments
    text = queries.text(f"chart-{name}")
    if SCOPE not in text:  # never count everything by mistake
        raise ValueError(f"chart-{name}.rq has no line {SCOPE.strip()!r}")
    text = text.replace(SCOPE, pattern)
    if focus is None:
        return text
    return WHERE.sub(lambda m: f"{m.group(0)}\n  VALUES ?scope {{ <{focus}> }}", text, 1)


def _colon(lang: str) -> str:
    return " :" if lang == "fr" else ":"


def _svg(name: str, title: str, description: str, height: int) -> Element:
    root = Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {WIDTH} {height}",
                           "width": str(WIDTH), "height": str(height), "role": "img",
                           "aria-labelledby": f"chart-{name}-title chart-{name}-desc",
                           "class": f"chart chart-{name}", "font-size": "12",
                           "font-family": "system-ui, sans-serif"})
    SubElement(root, "title", {"id": f"chart-{name}-title"}).text = title
    SubElement(root, "desc", {"id": f"chart-{name}-desc"}).text = description
    return root


def _text(parent: Element, x: float, y: float, text: str, **attributes: str) -> Element:
    element = SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", "fill": "#1d232a",
                                          **attributes})
    element.text = text
    return element


def _no_data(root: Element, lang: str) -> None:
    _text(root, 10, 24, i18n.t("chart_no_data", lang))


def bar_chart(name: str, title: str, bars: list[tuple[str, int, str | None]],
              lang: str) -> str:
    """Horizontal bars: (label, value, link or None) each."""
    row, top, label_width, bar_space = 26, 8, 210, 290
    description = "; ".join(f"{label}{_colon(lang)} {value}" for label, value, _ in bars)
    root = _svg(name, title, description or i18n.t("chart_no_data", lang),
                max(40, top + row * len(bars) + 8))
    if not bars:
        _no_data(root, lang)
    most = max((value for _, value, _ in bars), default=1) or 1
    for index, (label, value, link) in enumerate(bars):
        y = top + index * row
        group = SubElement(root, "g", {"class": "bar"})
        SubElement(group, "title").text = f"{label}{_colon(lang)} {value}"
        holder = SubElement(group, "a", {"href": link}) if link else group
        _text(holder, label_width - 8, y + 14, short(label, 32), **{"text-anchor": "end"})
        width = max(1.0, bar_space * value / most)
        SubElement(group, "rect", {"x": str(label_width), "y": str(y + 2), "height": "16",
                                   "width": f"{width:.1f}", "fill": COLORS["bar"]})
        _text(group, label_width + width + 6, y + 14, str(value))
    return tostring(root, encoding="unicode")


def _months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), the last MAX_MONTHS at most."""
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found[-MAX_MONTHS:]


def activity_chart(name: str, title: str, counts: dict[str, tuple[int, int]],
                   lang: str) -> str:
    """Published and modified notes per month, side by side, months without any shown too."""
    months = _months(min(counts), max(counts)) if counts else []
    series = (("issued", i18n.t("chart_published", lang)),
              ("modified", i18n.t("chart_modified", lang)))
    description = "; ".join(
        f"{month}{_colon(lang)} {counts.get(month, (0, 0))[0]} {series[0][1]}, "
        f"{counts.get(month, (0, 0))[1]} {series[1][1]}" for month in months)
    root = _svg(name, title, description or i18n.t("chart_no_data", lang), 220)
    if not months:
        _no_data(root, lang)
        return tostring(root, encoding="unicode")
    for index, (key, label) in enumerate(series):  # the legend
        SubElement(root, "rect", {"x": str(10 + 190 * index), "y": "6", "width": "12",
                                  "height": "12", "fill": COLORS[key]})
        _text(root, 28 + 190 * index, 16, label)
    most = max(max(pair) for pair in counts.values()) or 1
    slot = (WIDTH - 20) / len(months)
    bar, base, space = min(18.0, slot / 2 - 2), 190, 150
    for index, month in enumerate(months):
        group = SubElement(root, "g", {"class": "month", "data-month": month})
        values = counts.get(month, (0, 0))
        SubElement(group, "title").text = (f"{month}{_colon(lang)} {values[0]} {series[0][1]}, "
                                           f"{values[1]} {series[1][1]}")
        x = 10 + index * slot + slot / 2 - bar
        for offset, ((key, _), value) in enumerate(zip(series, values, strict=True)):
            height = space * value / most
            SubElement(group, "rect", {"x": f"{x + offset * bar:.1f}", "y": f"{base - height:.1f}",
                                       "width": f"{bar:.1f}", "height": f"{height:.1f}",
                                       "fill": COLORS[key], "class": key})
            if value:
                _text(group, x + offset * bar + bar / 2, base - height - 3, str(value),
                      **{"text-anchor": "middle", "font-size": "10"})
        if index % max(1, len(months) // 8) == 0:
            _text(group, x + bar, base + 16, month, **{"text-anchor": "middle"})
    return tostring(root, encoding="unicode")


def _percent(part: int, whole: int, lang: str) -> str:
    value = round(100 * part / whole) if whole else 0
    return f"{value} %" if lang == "fr" else f"{value}%"


def share_chart(name: str, title: str, mapped: int, unmapped: int, lang: str) -> str:
    """One bar split in two: terms with an external mapping, and without."""
    total = mapped + unmapped
    parts = (("mapped", mapped), ("unmapped", unmapped))
    words = [f"{i18n.t('chart_' + key, lang)}{_colon(lang)} {value} "
             f"({_percent(value, total, lang)})" for key, value in parts]
    root = _svg(name, title, "; ".join(words), 70)
    if not total:
        _no_data(root, lang)
        return tostring(root, encoding="unicode")
    x = 10.0
    for (key, value), words_of in zip(parts, words, strict=True):
        width = (WIDTH - 20) * value / total
        group = SubElement(root, "g", {"class": key})
        SubElement(group, "title").text = words_of
        SubElement(group, "rect", {"x": f"{x:.1f}", "y": "8", "width": f"{width:.1f}",
                                   "height": "22", "fill": COLORS[key]})
        x += width
    for index, (key, words_of) in enumerate(zip(("mapped", "unmapped"), words, strict=True)):
        SubElement(root, "rect", {"x": str(10 + 270 * index), "y": "42", "width": "12",
                                  "height": "12", "fill": COLORS[key]})
        _text(root, 28 + 270 * index, 52, words_of)
    return tostring(root, encoding="unicode")


def _bars(store: Store, ids: Identifiers, rows: list[dict], lang: str) -> tuple[dict, list]:
    items = [str(row["item"]) for row in rows]
    named = labels(store, items, lang)
    numbers = {str(row["item"]): int(row["count"]) for row in rows}
    bars = [(named.get(item, item), numbers[item], href(ids, URIRef(item))) for item in items]
    return numbers, bars


def chart(store: Store, ids: Identifiers, name: str, scope: str, focus: str | None,
          lang: str) -> Chart:
    """The chart ``name`` of ``scope`` (``all``, or a notebook's or community's IRI)."""
    text = query_text(name, scope)
    bindings = {"scope": URIRef(focus)} if focus else None
    rows = store.query(text, bindings).rows
    title = i18n.t(TITLES[name], lang)
    if name == "activity":
        numbers: dict = {}
        for row in rows:
            issued, modified = numbers.get(str(row["month"]), (0, 0))
            count = int(row["count"])
            numbers[str(row["month"])] = (count, modified) if str(row["series"]) == "issued" \
                else (issued, count)
        svg = activity_chart(name, title, numbers, lang)
    elif name == "mapped-terms":
        found = {bool(row["mapped"].toPython()): int(row["count"]) for row in rows}
        numbers = {"mapped": found.get(True, 0), "unmapped": found.get(False, 0)}
        svg = share_chart(name, title, numbers["mapped"], numbers["unmapped"], lang)
    else:
        numbers, bars = _bars(store, ids, rows, lang)
        svg = bar_chart(name, title, bars, lang)
    return Chart(name, title, numbers, svg, query_text(name, scope, focus))


def charts(store: Store, ids: Identifiers, kind: str | None, key: str | None,
           lang: str) -> list[Chart]:
    """The charts of the home page (``kind`` None), a notebook's or a community's page."""
    scope = kind or "all"
    if scope not in CHARTS:
        return []
    focus = str(ids.thing(kind, key)) if kind and key else None
    return [chart(store, ids, name, scope, focus, lang) for name in CHARTS[scope]]
