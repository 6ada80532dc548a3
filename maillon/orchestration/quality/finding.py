"""One finding of the data-quality check: what, where, why, a suggested fix, and the page
that fixes it (a path of the back office, "" when no page does)."""

from dataclasses import dataclass

from maillon.labels.enums import Severity


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    what: str
    where: str
    why: str
    fix: str
    link: str = ""

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


SEVERITY_ORDER: dict[str, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
