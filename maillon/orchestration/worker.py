"""The demo's background worker: `maillon demo` starts one `maillon worker` process beside the
web server (its e-mails, console backend, print in the same terminal) and stops it on exit."""

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

STOP_TIMEOUT_SECONDS = 10


def worker_command() -> list[str]:
    """The worker as the demo runs it: no autoreload, a short poll, the daily scheduler on."""
    return [sys.executable, "-m", "maillon", "worker", "--no-reload", "--interval", "2"]


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def demo_worker() -> Iterator[subprocess.Popen]:
    """Run the worker while the block runs; on exit ask it to stop (SIGTERM: it finishes the
    job in hand), and kill it if it has not within STOP_TIMEOUT_SECONDS."""
    process = subprocess.Popen(worker_command())  # noqa: S603 (our own interpreter and module)
    # SIGTERM (a service manager, `kill`, the audit's --demo) would end the demo without running
    # `finally`, leaving the worker behind: turn it into SystemExit while the block runs.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield process
    finally:
        signal.signal(signal.SIGTERM, previous)
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
