"""`maillon worker` and `maillon retention run` are reachable from the console command, and
the demo's worker process is stopped when the demo stops."""

import signal
import sys

from maillon.cli import command_argv
from maillon.orchestration import worker


def test_console_verbs():
    assert command_argv(["maillon", "worker", "--batch"]) == ["maillon", "worker", "--batch"]
    assert command_argv(["maillon", "retention", "run", "--dry-run"]) == [
        "maillon",
        "retention_run",
        "--dry-run",
    ]


def test_the_demo_worker_runs_the_shipped_command_without_reloader():
    command = worker.worker_command()
    assert command[:4] == [sys.executable, "-m", "maillon", "worker"]
    assert "--no-reload" in command


def test_the_demo_worker_stops_with_the_demo(monkeypatch):
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    monkeypatch.setattr(worker, "worker_command", lambda: sleeper)
    with worker.demo_worker() as process:
        assert process.poll() is None  # running beside the server
    assert process.returncode == -signal.SIGTERM  # asked to stop, not left behind
