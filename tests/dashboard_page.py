"""What a person sees on a rendered Superset dashboard, read in headless Chromium: the text of every chart with its
box on the page, and the chart-data requests the page sent.

ECharts draws on a canvas, so its labels are not in the DOM. `PAGE_RECORDERS` is injected before any page script
(`Page.addScriptToEvaluateOnNewDocument`): it wraps the 2D context's fillText/strokeText to remember each text drawn
on a canvas with its box (measureText's actual bounding box through the context's transform), forgetting a canvas's
texts when the whole canvas is cleared (ECharts redraws a frame that way), and it wraps `fetch` to keep the body of
every POST to /api/v1/chart/data: the query context Superset's own front end built for each chart.

`layout_problems` then says, in words, which text is cut (by an ellipsis, or by the box that clips it: its canvas, or
the nearest ancestor whose overflow is not visible; a table that scrolls vertically may hold rows below the fold, but
nothing may need a horizontal scroll) and which two texts of one chart overlap.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

PAGE_RECORDERS = r"""
(() => {
  const proto = CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText, strokeText = proto.strokeText, clearRect = proto.clearRect;
  function record(ctx, text, x, y) {
    try {
      const canvas = ctx.canvas;
      const m = ctx.measureText(String(text));
      const t = ctx.getTransform();
      const l = x - m.actualBoundingBoxLeft, r = x + m.actualBoundingBoxRight;
      const top = y - m.actualBoundingBoxAscent, bottom = y + m.actualBoundingBoxDescent;
      const corners = [[l, top], [r, top], [l, bottom], [r, bottom]].map(
        ([px, py]) => [t.a * px + t.c * py + t.e, t.b * px + t.d * py + t.f]);
      (canvas.__texts = canvas.__texts || []).push({
        text: String(text),
        left: Math.min(...corners.map(c => c[0])), right: Math.max(...corners.map(c => c[0])),
        top: Math.min(...corners.map(c => c[1])), bottom: Math.max(...corners.map(c => c[1])),
      });
    } catch (e) { /* never break the page */ }
  }
  proto.fillText = function (text, x, y) { record(this, text, x, y); return fillText.apply(this, arguments); };
  proto.strokeText = function (text, x, y) { record(this, text, x, y); return strokeText.apply(this, arguments); };
  proto.clearRect = function (x, y, w, h) {
    try {
      const t = this.getTransform(), c = this.canvas;
      if (x * t.a + t.e <= 0 && y * t.d + t.f <= 0 && (x + w) * t.a + t.e >= c.width - 1
          && (y + h) * t.d + t.f >= c.height - 1) c.__texts = [];
    } catch (e) {}
    return clearRect.apply(this, arguments);
  };
  const fetch = window.fetch;
  window.__chartDataRequests = [];
  window.fetch = function (input, init) {
    try {
      const url = typeof input === 'string' ? input : input.url;
      if (url.includes('/api/v1/chart/data') && init && typeof init.body === 'string')
        window.__chartDataRequests.push(init.body);
    } catch (e) {}
    return fetch.apply(this, arguments);
  };
})();
"""

CHART_DATA_REQUESTS_JS = "return window.__chartDataRequests || [];"

# Every text a chart shows: its box on the page, the box it is visible in, whether that box scrolls (x, y), and
# whether CSS shortened it with an ellipsis.
TEXT_BOXES_JS = r"""
const out = [];
for (const tile of document.querySelectorAll('[data-test="chart-grid-component"]')) {
  const chart = tile.dataset.testChartName;
  const tileBox = tile.getBoundingClientRect();
  for (const canvas of tile.querySelectorAll('canvas')) {
    const r = canvas.getBoundingClientRect();
    if (!r.width || !canvas.__texts) continue;
    const sx = canvas.width / r.width, sy = canvas.height / r.height;
    for (const t of canvas.__texts) {
      if (!t.text.trim()) continue;
      out.push({chart, source: 'canvas', text: t.text,
                box: [r.left + t.left / sx, r.top + t.top / sy, r.left + t.right / sx, r.top + t.bottom / sy],
                clip: [r.left, r.top, r.right, r.bottom], scrolls: [false, false], ellipsis: false});
    }
  }
  const walker = document.createTreeWalker(tile, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[aria-hidden="true"]')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const b = range.getBoundingClientRect();
    if (!b.width || !b.height) continue;
    let clip = [tileBox.left, tileBox.top, tileBox.right, tileBox.bottom], scrolls = [false, false];
    for (let a = el; a && a !== tile.parentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const ab = a.getBoundingClientRect();
        clip = [ab.left, ab.top, ab.right, ab.bottom];
        scrolls = [/(auto|scroll)/.test(s.overflowX), /(auto|scroll)/.test(s.overflowY)];
        break;
      }
    }
    const ellipsis = style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
    out.push({chart, source: 'dom', text: node.textContent.trim(), box: [b.left, b.top, b.right, b.bottom], clip,
              scrolls, ellipsis});
  }
}
return out;
"""

TOLERANCE = 1.5  # px: anti-aliasing and sub-pixel layout
MIN_OVERLAP = 2.0  # px in both directions: touching is not overlapping


def _overlap(a: list[float], b: list[float]) -> bool:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width > MIN_OVERLAP and height > MIN_OVERLAP


def cut_texts(texts: list[dict[str, Any]]) -> list[str]:
    problems = []
    for t in texts:
        (left, top, right, bottom), (c_left, c_top, c_right, c_bottom) = t["box"], t["clip"]
        where = None
        if t["ellipsis"]:
            where = "with an ellipsis"
        elif left < c_left - TOLERANCE:
            where = "on the left"
        elif right > c_right + TOLERANCE:
            where = "on the right"
        elif not t["scrolls"][1] and top < c_top - TOLERANCE:
            where = "at the top"
        elif not t["scrolls"][1] and bottom > c_bottom + TOLERANCE:
            where = "at the bottom"
        if where:
            problems.append(f"{t['chart']}: {t['text']!r} is cut {where}")
    return problems


def overlapping_texts(texts: list[dict[str, Any]]) -> list[str]:
    """Pairs of texts of one chart, drawn the same way, whose boxes overlap. A text drawn twice in one place (ECharts
    strokes, then fills) is one text; DOM text scrolled out of its box is not seen, so it overlaps nothing."""

    def seen(t: dict[str, Any]) -> bool:
        return t["source"] == "canvas" or (
            t["box"][1] >= t["clip"][1] - TOLERANCE and t["box"][3] <= t["clip"][3] + TOLERANCE
        )

    shown = [t for t in texts if seen(t)]
    problems = []
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            if a["chart"] != b["chart"] or a["source"] != b["source"]:
                continue
            if a["text"] == b["text"] and all(abs(x - y) < 1 for x, y in zip(a["box"], b["box"], strict=True)):
                continue
            if _overlap(a["box"], b["box"]):
                problems.append(f"{a['chart']}: {a['text']!r} overlaps {b['text']!r}")
    return problems


def layout_problems(texts: list[dict[str, Any]]) -> list[str]:
    """Every text that is cut, and every pair that overlaps, in words; empty when the page reads cleanly."""
    return cut_texts(texts) + overlapping_texts(texts)


TABLE_JS = r"""
const tile = Array.from(document.querySelectorAll('[data-test="chart-grid-component"]'))
  .find(t => t.dataset.testChartName === arguments[0]);
if (!tile) return null;
// Superset's table keeps its sticky header and its body in two <table>s.
const head = tile.querySelector('thead tr');
if (!head) return {heads: [], rows: []};
const cells = (row, tag) => Array.from(row.querySelectorAll(tag)).map(c => c.innerText.replace(/\s+/g, ' ').trim());
return {heads: cells(head, 'th'),
        rows: Array.from(tile.querySelectorAll('tbody tr')).map(r => cells(r, 'td')).filter(r => r.length)};
"""


def table_rows(driver: Any, chart_title: str) -> list[dict[str, str]]:
    """The rows a table chart shows, each as {column header as shown: cell text as shown}."""
    found = driver.execute_script(TABLE_JS, chart_title)
    assert found is not None, f"no chart titled {chart_title!r} on the page"
    return [dict(zip(found["heads"], row, strict=True)) for row in found["rows"]]


def _rison_string(value: str) -> str:
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def with_filters(dashboard_url: str, **picked: str) -> str:
    """The dashboard's URL with native filters picked, as Superset's own links carry them (rison in
    `native_filters`): with_filters(url, scope="Org: Dan Dir", snapshot="2026-11-20")."""
    entries = []
    for name, value in picked.items():
        filter_id = f"NATIVE_FILTER-{name}"
        text = _rison_string(value)
        entries.append(
            f"{filter_id}:(id:{filter_id},extraFormData:(filters:!((col:{name},op:IN,val:!({text})))),"
            f"filterState:(label:{text},validateStatus:!f,value:!({text})),ownState:())"
        )
    separator = "&" if "?" in dashboard_url else "?"
    return f"{dashboard_url}{separator}native_filters={quote('(' + ','.join(entries) + ')')}"
