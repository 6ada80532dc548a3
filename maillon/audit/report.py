"""The audit's output: a JSON document (committed, read by the accessibility statement) and
the table printed by `maillon audit accessibility` and copied into docs/accessibility.md."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from maillon.audit.checks import CHECKS, PageAudit
from maillon.directory.statement import AUDIT_FILE, CHECK_CRITERIA


def audit_document(
    audits: list[tuple[str, str, PageAudit]], *, reached: set[str], views: set[str], day: dt.date
) -> dict:
    """`audits`: (role, view name, audit) for every page audited."""
    checks = {}
    for name in CHECKS:
        failing = [(role, view, a) for role, view, a in audits if a.findings.get(name)]
        checks[name] = {
            "criteria": CHECK_CRITERIA[name],
            "pages": len(audits),
            "failing": len(failing),
            "findings": sum(len(a.findings[name]) for _, _, a in failing),
        }
    by_role: dict[str, dict[str, int]] = defaultdict(lambda: {"pages": 0, "failing": 0})
    for role, _, audit in audits:
        by_role[role]["pages"] += 1
        by_role[role]["failing"] += 0 if audit.passed else 1
    return {
        "date": day.isoformat(),
        "method": "axe-core (WCAG 2.0/2.1 A, AA) and Maillon's focus, reflow, text-spacing "
        "and link and button contrast (as drawn, hovered, focused) checks in Chromium, over "
        "every page each role reaches from its home page",
        "pages": len(audits),
        "distinct_views": len({view for _, view, _ in audits}),
        "views_not_reached": sorted(views - reached),
        "roles": dict(by_role),
        "checks": checks,
        "failures": [
            {"role": role, "view": view, "url": a.url, "check": name, "findings": found}
            for role, view, a in audits
            for name, found in a.findings.items()
            if found
        ],
    }


def write(document: dict, path: Path = AUDIT_FILE) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def table(document: dict) -> str:
    """A Markdown table: one row per check, then one per role."""
    lines = [
        "| check | RGAA criteria | pages audited | pages failing | findings |",
        "|---|---|---:|---:|---:|",
    ]
    for name, check in document["checks"].items():
        lines.append(
            f"| {name} | {', '.join(check['criteria'])} | {check['pages']} | "
            f"{check['failing']} | {check['findings']} |"
        )
    lines += ["", "| role | pages audited | pages failing |", "|---|---:|---:|"]
    for role, counts in document["roles"].items():
        lines.append(f"| {role} | {counts['pages']} | {counts['failing']} |")
    return "\n".join(lines)


BEGIN, END = "<!-- audit:begin -->", "<!-- audit:end -->"


def summary(document: dict) -> str:
    """The last audit in Markdown: its date and size, the table, the patterns no role reached."""
    not_reached = ", ".join(f"`{view}`" for view in document["views_not_reached"]) or "none"
    return (
        f"Run on the demo's data on {document['date']} (`maillon audit accessibility`, file "
        f"`maillon/directory/data/accessibility-audit.json`): {document['pages']} role × page "
        f"audits, {document['distinct_views']} distinct pages.\n\n{table(document)}\n\n"
        "URL patterns that are pages (`maillon/audit/pages.py`) no role reached by following "
        f"the demo's links (the tests' sweep audits every one of them): {not_reached}."
    )


def write_docs(document: dict, path: Path) -> None:
    """Put `summary(document)` between the audit markers of the Markdown file at `path`."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    path.write_text(f"{text[:start]}\n{summary(document)}\n{text[end:]}", encoding="utf-8")
