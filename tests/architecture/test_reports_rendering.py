"""Reports compute numbers and plain data; the rendering side formats them. The computing
modules of `maillon.reports` import nothing from `maillon.reports.rendering` (charts, the
Markdown block, PDF, XLSX, French number formatting), so a selector's result can be rendered
any way — a page, a PDF, a spreadsheet, the API — and tested as numbers."""

import ast
from pathlib import Path

import maillon.reports

ROOT = Path(maillon.reports.__file__).parent
RENDERING = "maillon.reports.rendering"
# the rendering package itself, and the package's edges: commands write files (they render),
# the system check (checks.py) asks whether PDFs can be made on this server
EDGES = ("rendering", "management", "migrations", "checks.py")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_computing_modules_import_no_rendering_module():
    computing = [
        path for path in sorted(ROOT.rglob("*.py")) if path.relative_to(ROOT).parts[0] not in EDGES
    ]
    assert len(computing) > 5  # keyfigures, dashboards, partner, monthly, indicators…
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(
            name for name in _imports(path) if name.startswith(RENDERING)
        )
        for path in computing
    }
    assert {module: names for module, names in offenders.items() if names} == {}
