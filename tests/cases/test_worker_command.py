"""`maillon worker` and `maillon retention run` are reachable from the console command, and
the demo's worker process is stopped when the demo stops."""

import os
import signal
import subprocess
import sys
import time

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


def test_the_demo_worker_stops_when_the_demo_is_terminated(tmp_path):
    """SIGTERM to the demo (a service manager, the audit's --demo) stops its worker too: before,
    the demo died without running `finally` and the worker ran on, orphaned."""
    pid_file = tmp_path / "worker.pid"
    script = (
        "import sys, time\n"
        "from maillon.orchestration import worker\n"
        "worker.worker_command = lambda: [sys.executable, '-c', 'import time; time.sleep(120)']\n"
        "with worker.demo_worker() as process:\n"
        f"    open({str(pid_file)!r}, 'w').write(str(process.pid))\n"
        "    time.sleep(120)\n"
    )
    demo = subprocess.Popen([sys.executable, "-c", script])
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.1)
    child = int(pid_file.read_text())
    demo.terminate()
    assert demo.wait(timeout=20) == 128 + signal.SIGTERM
    for _ in range(100):
        try:
            os.kill(child, 0)  # still there?
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the worker {child} outlived the demo")
