"""The layer map of pyproject.toml's `[tool.importlinter]` holds: each package imports only from
the layers below it, and no sub-packages import each other in a cycle.

`.ci/run` runs `lint-imports` too; this test puts the same check in the README's test command,
so that a developer sees a broken layer before pushing."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_follows_the_layer_map():
    command = shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: install the test extras (pip install -e '.[test]')")
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
