"""The accessibility checks of the tests: the same functions as `maillon audit accessibility`
(maillon/audit/checks.py), so what the tests hold is what the statement declares.

- `axe_problems`: axe-core violations of WCAG 2.0/2.1 A/AA of any impact, and "needs review"
  colour contrasts with equal colours or a computed ratio below the threshold;
- `focus_problems`, `reflow_problems`, `spacing_problems`: focus rings ≥ 3:1 on the first focus
  stops, no sideways scrolling at 320 px outside labelled scroll regions, no text clipped with
  the WCAG 1.4.12 spacing;
- `contrast_problems`: the text of every link and button below 4.5:1 (3:1 large) as drawn,
  hovered or focused (axe lists white on white as "needs review" and sees one state only);
- `page_problems`: all of them, by check, for one page.
"""

from maillon.audit.checks import (
    audit_page,
    axe_findings,
    contrast_findings,
    focus_findings,
    reflow_findings,
    spacing_findings,
)

axe_problems = axe_findings
focus_problems = focus_findings
reflow_problems = reflow_findings
spacing_problems = spacing_findings
contrast_problems = contrast_findings


def page_problems(page) -> dict[str, list[str]]:
    """Every check on the page open in `page`, failing ones only."""
    audit = audit_page(page, page.url)
    return {name: found for name, found in audit.findings.items() if found}


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
