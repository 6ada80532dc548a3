"""Domain packages do not speak HTTP: they raise `maillon.core.errors.NotFound`, and the edges
(pages, API, commands) turn it into a 404, a JSON error or a command error.

Read from the source (the `import` statements), so that a new module is checked as soon as it
exists, whether or not a test imports it."""

import ast
from pathlib import Path

import pytest

import maillon

ROOT = Path(maillon.__file__).parent
# The packages below the edges (`web`, `api`, `config`, `cli`, `bench`).
DOMAIN = (
    "core",
    "journal",
    "geo",
    "network",
    "accounts",
    "access",
    "activity",
    "people",
    "labels",
    "reports",
    "directory",
    "orchestration",
)
FORBIDDEN = ("django.http", "django.shortcuts")
# module → why it may speak HTTP
ALLOWED = {
    "core/http.py": "facts about the HTTP client (its address), private downloads: every edge",
    "core/middleware.py": "the middlewares are the pages' edge: they map domain errors to 404",
    "directory/views.py": "the public directory's pages: the views of the directory's own edge",
    "directory/correction_views.py": "the public « signaler une erreur » page, same edge",
}


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _speaks_http(name: str) -> bool:
    return any(name == forbidden or name.startswith(forbidden + ".") for forbidden in FORBIDDEN)


def _modules():
    for package in DOMAIN:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_import_neither_django_http_nor_shortcuts(package):
    offenders = {
        relative: sorted(name for name in _imported(path) if _speaks_http(name))
        for relative, path in _modules()
        if relative.startswith(package + "/") and relative not in ALLOWED
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_every_exception_is_still_needed():
    """An allowed module that no longer imports HTTP leaves the list."""
    stale = [
        module
        for module in ALLOWED
        if not any(_speaks_http(name) for name in _imported(ROOT / module))
    ]
    assert stale == []
