"""Maillon's console command in a process of its own, with an environment of the test's
choosing (the security tests start real servers on their own databases)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def venv_path() -> str:
    """PATH with this interpreter's folder first (gunicorn, maillon)."""
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def maillon(env: dict[str, str], *args: str) -> str:
    """Run `maillon ARGS…` from the repository (so `tests` is importable by `shell -c`) and
    return the last line it printed; a failure shows its error output."""
    done = subprocess.run(
        [sys.executable, "-m", "maillon", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
