"""The accessibility checks of a page open in a real browser (Playwright's sync `Page`).

Each check returns a list of findings (short English strings naming the element and the
measure); an empty list means the page passes. The test helper (tests/accessibility.py) and
`maillon audit accessibility` run the same functions, so the statement's figures are what the
tests hold.

- `axe_findings`: axe-core's violations of WCAG 2.0/2.1 A and AA, any impact, plus its
  "needs review" colour-contrast results whose colours are equal or whose computed ratio is
  below the threshold (axe classes white on white as "incomplete", not as a violation).
- `focus_findings`: the focus indicator of the first focus stops (Tab from the top), each ring
  colour against the background actually painted around the element (RGAA 3.3, WCAG 1.4.11).
- `reflow_findings`: at 320 CSS px the page does not scroll sideways; a wide data table
  scrolls in its own container, focusable and labelled (RGAA 10.11, WCAG 1.4.10).
- `spacing_findings`: with the text-spacing styles of WCAG 1.4.12 injected, no text is clipped
  (RGAA 10.12).
- `contrast_findings` (maillon/audit/contrast.py): the text of every link and button at 4.5:1
  (3:1 large) as drawn, hovered and focused (RGAA 3.2).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from maillon.audit.colours import COLOUR_JS
from maillon.audit.contrast import contrast_findings

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FOCUS_STOPS = 10
FOCUS_MINIMUM = 3.0
REFLOW_WIDTH = 320

# The colours of the focused element's indicator (outline, box-shadow rings) and of the
# background painted just outside it, sampled on its four sides.
_FOCUS_RING = (
    """
(minimum) => {
"""
    + COLOUR_JS
    + """
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    rings.push(rgba(style.outlineColor));
  }
  for (const colour of (style.boxShadow || "").match(/rgba?\\([^)]*\\)/g) || []) {
    rings.push(rgba(colour));
  }
  const visible = rings.filter((colour) => colour[3] > 0);
  const name = describe(element);
  if (!visible.length) return [name, 0, "no visible focus indicator"];
  const box = element.getBoundingClientRect();
  const gap = parseFloat(style.outlineOffset || 0) + parseFloat(style.outlineWidth || 0) + 2;
  const points = [
    [box.left + box.width / 2, box.top - gap],
    [box.left + box.width / 2, box.bottom + gap],
    [box.left - gap, box.top + box.height / 2],
    [box.right + gap, box.top + box.height / 2],
  ].filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const behind = (x, y) => {
    for (const node of document.elementsFromPoint(x, y)) {
      if (node === element || element.contains(node)) continue;
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0.5) return colour;
    }
    return [255, 255, 255, 1];
  };
  const backgrounds = points.length ? points.map(([x, y]) => behind(x, y)) : [[255, 255, 255, 1]];
  // the indicator is seen when one of its rings stands out from each background around it
  const worst = Math.min(
    ...backgrounds.map((back) => Math.max(...visible.map((ring) => ratio(ring, back))))
  );
  return [name, worst, worst < minimum ? "focus indicator below 3:1" : ""];
}
"""
)

# Elements that make the page wider than the viewport (the deepest ones), and scrolling
# containers that a keyboard user cannot reach or a screen reader cannot name.
_REFLOW = (
    """
() => {
"""
    + COLOUR_JS
    + """
  const width = document.documentElement.clientWidth;
  const findings = [];
  const scrolls = (node) => ["auto", "scroll"].includes(getComputedStyle(node).overflowX);
  // inside a box that scrolls or clips (a map's tiles) and that fits the viewport
  const inScroller = (node) => {
    for (let parent = node.parentElement; parent; parent = parent.parentElement) {
      if (parent === document.body || parent === document.documentElement) return false;
      const contained = getComputedStyle(parent).overflowX !== "visible";
      if (contained && parent.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")].filter((node) => {
      const box = node.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1 && !inScroller(node)
        && getComputedStyle(node).position !== "fixed";
    });
    const deepest = wide.filter((node) => !wide.some((o) => o !== node && node.contains(o)));
    for (const node of deepest.slice(0, 5)) {
      const right = Math.round(node.getBoundingClientRect().right);
      const page = document.documentElement.scrollWidth;
      findings.push(`${describe(node)} reaches ${right} px (page ${page} px)`);
    }
    if (!findings.length) findings.push(`page is ${document.documentElement.scrollWidth} px wide`);
  }
  for (const node of document.body.querySelectorAll("*")) {
    if (!scrolls(node) || node.scrollWidth <= node.clientWidth + 1) continue;
    if (node.closest(".leaflet-container")) continue;
    const focusable = node.tabIndex >= 0;
    const named = node.hasAttribute("aria-label") || node.hasAttribute("aria-labelledby");
    if (!focusable || !named) {
      findings.push(`${describe(node)} scrolls sideways but is not a focusable, labelled region`);
    }
  }
  return findings;
}
"""
)

_NEXT_FRAME = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)

# WCAG 1.4.12's spacing, then the elements whose text no longer fits their clipping box.
TEXT_SPACING_CSS = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)
_SPACING_ON = """
(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  window.__textSpacing = sheet;
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
"""
_SPACING_OFF = """
() => {
  const sheets = document.adoptedStyleSheets;
  document.adoptedStyleSheets = sheets.filter((s) => s !== window.__textSpacing);
}
"""
_CLIPPED = (
    """
() => {
"""
    + COLOUR_JS
    + """
  const findings = [];
  for (const node of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(node);
    const clips = (value) => ["hidden", "clip"].includes(value);
    if (!clips(style.overflowX) && !clips(style.overflowY)) continue;
    if (!node.innerText || !node.innerText.trim() || node.getClientRects().length === 0) continue;
    if (node.closest(".leaflet-container")) continue;  // a map shows a part of the world
    if (node.clientWidth <= 1 || node.clientHeight <= 1) continue;  // visually hidden on purpose
    const box = node.getBoundingClientRect();
    if (box.right <= 0 || box.bottom <= 0) continue;  // off-screen on purpose
    const over = (clips(style.overflowY) && node.scrollHeight > node.clientHeight + 1)
      || (clips(style.overflowX) && node.scrollWidth > node.clientWidth + 1);
    if (over) findings.push(`${describe(node)} clips its text`);
  }
  return findings;
}
"""
)


def _axe(page) -> dict[str, Any]:
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations", "incomplete"],
    }
    return Axe().run(page, options=options).response


def _expected(node: dict) -> float:
    text = str(node.get("expectedContrastRatio") or "4.5:1")
    return float(text.split(":")[0])


def contrast_failure(data: dict) -> str:
    """Why an axe "needs review" colour-contrast node fails ("" when it cannot be decided)."""
    if data.get("messageKey") == "equalRatio" or (
        data.get("fgColor") and data.get("fgColor") == data.get("bgColor")
    ):
        return f"equal colours {data.get('fgColor')} on {data.get('bgColor')}"
    ratio = data.get("contrastRatio")
    if isinstance(ratio, int | float) and 0 < ratio < _expected(data):
        return f"contrast {ratio}:1 below {data.get('expectedContrastRatio')}"
    return ""


def axe_findings(page) -> list[str]:
    """axe-core's WCAG A/AA violations of any impact, and the undecided colour contrasts
    that a person would see as unreadable (equal colours, or a computed ratio too low)."""
    results = _axe(page)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]
    for item in results.get("incomplete", []):
        if item["id"] != "color-contrast":
            continue
        for node in item["nodes"]:
            for check in node.get("any", []):
                why = contrast_failure(check.get("data") or {})
                if why:
                    found.append(f"color-contrast (needs review): {why} — {node['target']}")
    return found


def focus_findings(page, *, stops: int = FOCUS_STOPS) -> list[str]:
    """Tab through the first `stops` focus stops of the page (from its top) and measure each
    indicator against what is painted around it."""
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"
    )
    found = []
    seen: set[str] = set()
    for _ in range(stops):
        page.keyboard.press("Tab")
        measure = page.evaluate(_FOCUS_RING, FOCUS_MINIMUM)
        if measure is None:
            break  # back to the document: every stop was visited
        name, ratio, problem = measure
        if name in seen:
            break
        seen.add(name)
        if problem:
            found.append(f"{name}: {problem} ({ratio}:1)")
    return found


def reflow_findings(page, *, width: int = REFLOW_WIDTH, reload: bool = True) -> list[str]:
    """At `width` CSS pixels: what makes the page scroll sideways, and scroll containers
    that are not focusable, labelled regions. The page is loaded again at that width, as a
    person on a small screen (or at 400 % zoom) gets it, then at its size again (`reload`
    False: measured after a resize only, for a page made with `set_content`)."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        _settle(page, reload=reload)
        return list(page.evaluate(_REFLOW))
    finally:
        if before:
            page.set_viewport_size(before)
            _settle(page, reload=reload)


def _settle(page, *, reload: bool) -> None:
    from playwright.sync_api import Error as PlaywrightError

    if reload:
        page.reload()
        with contextlib.suppress(PlaywrightError):  # maps and scripts drawn
            page.wait_for_load_state("networkidle", timeout=5000)
    page.evaluate(_NEXT_FRAME)  # the page's resize handlers have run


def spacing_findings(page) -> list[str]:
    """Text clipped once the WCAG 1.4.12 text spacing is applied (a constructed style sheet,
    which the page's CSP allows, removed afterwards)."""
    page.evaluate(_SPACING_ON, TEXT_SPACING_CSS)
    try:
        return list(page.evaluate(_CLIPPED))
    finally:
        page.evaluate(_SPACING_OFF)


@dataclass
class PageAudit:
    """The findings of every check on one page."""

    url: str
    findings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not any(self.findings.values())


CHECKS: dict[str, Callable[[Any], list[str]]] = {
    "axe": axe_findings,
    "focus": focus_findings,
    "reflow": reflow_findings,
    "spacing": spacing_findings,
    "contrast": contrast_findings,
}


def audit_page(page, url: str) -> PageAudit:
    """Every check on the page open at `url` (the caller has navigated to it)."""
    return PageAudit(url, {name: check(page) for name, check in CHECKS.items()})
