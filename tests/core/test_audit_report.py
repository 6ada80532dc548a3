"""The audit's output: the JSON document the statement reads, and the « Last audit » section of
docs/accessibility.md rewritten from the same figures (`--docs`)."""

import datetime as dt

from maillon.audit import report
from maillon.audit.checks import PageAudit


def _document() -> dict:
    clean = {"axe": [], "focus": [], "reflow": [], "spacing": [], "contrast": []}
    audits = [
        ("anonyme", "directory:home", PageAudit("/", dict(clean))),
        (
            "agent",
            "activity:desk",
            PageAudit("/activite/guichet/", {**clean, "contrast": ["a.tab (hover): 1:1"]}),
        ),
    ]
    views = {"directory:home", "activity:desk", "labels:coverage"}
    reached = {"directory:home", "activity:desk"}
    return report.audit_document(audits, reached=reached, views=views, day=dt.date(2026, 12, 3))


def test_the_document_counts_pages_findings_and_patterns_not_reached():
    document = _document()
    assert (document["pages"], document["distinct_views"]) == (2, 2)
    assert document["checks"]["contrast"] == {
        "criteria": ["3.2"],
        "pages": 2,
        "failing": 1,
        "findings": 1,
    }
    assert document["roles"]["agent"] == {"pages": 1, "failing": 1}
    assert document["views_not_reached"] == ["labels:coverage"]
    assert "| contrast | 3.2 | 2 | 1 | 1 |" in report.table(document)


def test_the_docs_section_is_rewritten_between_its_markers(tmp_path):
    page = tmp_path / "accessibility.md"
    section = f"{report.BEGIN}\nold figures\n{report.END}"
    page.write_text(f"# Accessibility\n\n## Last audit\n\n{section}\n\nAfter.\n", encoding="utf-8")
    document = _document()
    for _ in range(2):  # a second run replaces the first one's figures
        report.write_docs(document, page)
    text = page.read_text(encoding="utf-8")
    assert "old figures" not in text
    assert text.count("| check | RGAA criteria |") == 1
    assert "2 role × page audits, 2 distinct pages" in text
    assert "`labels:coverage`" in text
    assert text.startswith("# Accessibility\n") and text.endswith(f"{report.END}\n\nAfter.\n")
