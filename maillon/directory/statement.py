"""The accessibility statement's figures, read from the audit's output file.

`maillon audit accessibility` writes `data/accessibility-audit.json` (committed with the code
it measured); the « Déclaration d'accessibilité » page shows what it holds and nothing else:
the conformance level and the share of criteria met follow from the checks that passed."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

AUDIT_FILE = Path(__file__).parent / "data" / "accessibility-audit.json"

# RGAA 4.1 has 106 criteria: a level « totalement conforme » needs every one of them audited.
RGAA_CRITERIA = 106

# The RGAA 4.1 criteria each automated check verifies (axe-core's WCAG rules, by the RGAA's
# correspondence table: images, frames, colours, tables, links, scripts, mandatory elements,
# structure, forms).
CHECK_CRITERIA: dict[str, list[str]] = {
    "axe": ["1.1", "2.1", "3.2", "5.7", "6.2", "7.1", "8.2", "8.3", "8.4", "8.5", "9.3", "11.1"],
    "focus": ["3.3", "10.7"],
    "reflow": ["10.11"],
    "spacing": ["10.12"],
    "contrast": ["3.2"],
}


@dataclass(frozen=True)
class Statement:
    day: dt.date
    method: str
    pages: int
    distinct_views: int
    roles: dict[str, dict[str, int]]
    criteria_met: list[str]
    criteria_failed: list[str]
    failures: list[dict] = field(default_factory=list)

    @property
    def criteria_total(self) -> int:
        return len(self.criteria_met) + len(self.criteria_failed)

    @property
    def share_met(self) -> int:
        """Percentage of the audited criteria met on every page (RGAA's rate of conformity)."""
        if not self.criteria_total:
            return 0
        return round(100 * len(self.criteria_met) / self.criteria_total)

    @property
    def criteria_not_audited(self) -> int:
        """RGAA criteria no check of the audit covers (left to a manual audit)."""
        return max(RGAA_CRITERIA - self.criteria_total, 0)

    @property
    def level(self) -> str:
        """RGAA's levels: total (100 % of all 106 criteria), partial (≥ 50 %), none. An audit
        that covers only some criteria cannot declare more than « partiellement conforme »."""
        if self.share_met == 100 and not self.criteria_not_audited:
            return "total"
        return "partial" if self.share_met >= 50 else "none"


def statement_read(path: Path = AUDIT_FILE) -> Statement | None:
    """The last audit's figures, None when no audit was recorded."""
    if not path.exists():
        return None
    document = json.loads(path.read_text(encoding="utf-8"))
    failed = {
        criterion
        for name, check in document["checks"].items()
        if check["failing"]
        for criterion in check["criteria"]
    }
    audited = {c for check in document["checks"].values() for c in check["criteria"]}
    key = lambda c: tuple(int(part) for part in c.split("."))  # noqa: E731
    return Statement(
        day=dt.date.fromisoformat(document["date"]),
        method=document["method"],
        pages=document["pages"],
        distinct_views=document["distinct_views"],
        roles=document["roles"],
        criteria_met=sorted(audited - failed, key=key),
        criteria_failed=sorted(failed, key=key),
        failures=document["failures"],
    )


@functools.cache
def cached_statement() -> Statement | None:
    """The statement of the file shipped with the code (read once per process: the file
    changes with a release, not while the server runs)."""
    return statement_read()
