"""The accessibility checks of the tests: the same functions as `maillon audit accessibility`
(maillon/audit/checks.py), so what the tests hold is what the statement declares.

- `axe_problems`: axe-core violations of WCAG 2.0/2.1 A/AA of any impact, and "needs review"
  colour contrasts with equal colours or a computed ratio below the threshold;
- `focus_problems`, `reflow_problems`, `spacing_problems`: focus rings ≥ 3:1 on the first focus
  stops, no sideways scrolling at 320 px outside labelled scroll regions, no text clipped with
  the WCAG 1.4.12 spacing;
- `page_problems`: all of them, by check, for one page.
"""

from maillon.audit.checks import (
    audit_page,
    axe_findings,
    focus_findings,
    reflow_findings,
    spacing_findings,
)

axe_problems = axe_findings
focus_problems = focus_findings
reflow_problems = reflow_findings
spacing_problems = spacing_findings


def page_problems(page) -> dict[str, list[str]]:
    """Every check on the page open in `page`, failing ones only."""
    audit = audit_page(page, page.url)
    return {name: found for name, found in audit.findings.items() if found}


# The computed colour of each visible link and button against the first opaque background
# behind it, and the WCAG contrast ratio of the two. axe classes equal colours (white on white)
# as "needs review", not as a violation: this measures them instead.
_CONTRASTS = """
() => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || ["0", "0", "0", "0"]).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  };
  return [...document.querySelectorAll("a, button")]
    .filter((element) => element.getClientRects().length && element.innerText.trim())
    .map((element) => {
      const front = luminance(rgba(getComputedStyle(element).color));
      const back = luminance(background(element));
      const ratio = (Math.max(front, back) + 0.05) / (Math.min(front, back) + 0.05);
      return [element.innerText.trim().slice(0, 40), Math.round(ratio * 100) / 100];
    });
}
"""


def low_contrast(page, minimum: float = 4.5) -> list[tuple[str, float]]:
    """The visible links and buttons of the page whose text contrast is under `minimum`."""
    return [(text, ratio) for text, ratio in page.evaluate(_CONTRASTS) if ratio < minimum]


class Keys:
    """The keyboard of a journey, counting every keystroke (a typed character is one)."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def tab_to(self, selector: str, *, limit: int = 80) -> None:
        """Tab until the focused element matches `selector` (fails after `limit` stops)."""
        for _ in range(limit):
            self.press("Tab")
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} not reached in {limit} Tab stops")
