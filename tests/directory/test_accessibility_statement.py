"""The « Déclaration d'accessibilité »: public, linked from every footer with the conformance
level, and its figures are those of the audit file (`maillon audit accessibility`), never
hand-written."""

import json

import pytest

from maillon.directory import statement as statement_module
from maillon.directory.statement import statement_read


def _audit(tmp_path, *, failing_focus: int):
    document = {
        "date": "2026-12-03",
        "method": "test",
        "pages": 10,
        "distinct_views": 8,
        "roles": {"anonyme": {"pages": 10, "failing": failing_focus}},
        "checks": {
            "axe": {"criteria": ["1.1", "3.2"], "pages": 10, "failing": 0, "findings": 0},
            "focus": {
                "criteria": ["3.3", "10.7"],
                "pages": 10,
                "failing": failing_focus,
                "findings": failing_focus,
            },
        },
        "failures": [
            {
                "role": "anonyme",
                "view": "directory:home",
                "url": "/",
                "check": "focus",
                "findings": ["a: focus indicator below 3:1 (2.08:1)"],
            }
        ][:failing_focus],
    }
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_level_follows_the_criteria_met(tmp_path, monkeypatch):
    full = statement_read(_audit(tmp_path, failing_focus=0))
    # every audited criterion met, but 102 of the RGAA's 106 not audited: never « total »
    assert (full.share_met, full.criteria_not_audited, full.level) == (100, 102, "partial")
    monkeypatch.setattr(statement_module, "RGAA_CRITERIA", 4)  # as if the audit covered all
    assert statement_read(_audit(tmp_path, failing_focus=0)).level == "total"
    partial = statement_read(_audit(tmp_path, failing_focus=1))
    assert partial.criteria_failed == ["3.3", "10.7"]
    assert (partial.share_met, partial.level) == (50, "partial")
    assert statement_read(tmp_path / "absent.json") is None


@pytest.mark.django_db
def test_the_statement_page_shows_the_audit_and_the_recourse(client, tmp_path, monkeypatch):
    monkeypatch.setattr(statement_module, "AUDIT_FILE", _audit(tmp_path, failing_focus=1))
    monkeypatch.setattr(
        "maillon.directory.views.statement_read",
        lambda: statement_module.statement_read(statement_module.AUDIT_FILE),
    )
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "partiellement conforme" in html
    assert "50 % des critères contrôlés sont respectés (2 critères sur 4)" in html
    assert "visibilité et contraste de l&#x27;indicateur de focus" in html.lower()
    assert "Défenseur des droits" in html and "09 69 39 00 00" in html
    assert "mailto:" in html


@pytest.mark.django_db
def test_every_footer_links_to_the_statement(client):
    html = client.get("/").content.decode()
    assert 'href="/accessibilite/"' in html
    assert "Accessibilité : " in html
