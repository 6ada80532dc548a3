"""Run the shipped worker (`maillon worker --batch`) inside a test, then restore the signal
handlers it installs.

The worker calls `close_old_connections` between jobs, which closes a connection found outside
autocommit: in a real worker it never is, in a test it is the test's transaction (PostgreSQL
would lose it). It is a no-op here."""

import io
import signal
from unittest import mock

from django.core.management import call_command

SIGNALS = (signal.SIGINT, signal.SIGTERM)
WORKER_CLOSE_CONNECTIONS = "django_tasks_db.management.commands.db_worker.close_old_connections"


def run_worker(*options: str) -> str:
    saved = {number: signal.getsignal(number) for number in SIGNALS}
    out = io.StringIO()
    try:
        with mock.patch(WORKER_CLOSE_CONNECTIONS):
            call_command(
                "worker", "--batch", "--no-startup-delay", "--no-reload", *options, stdout=out
            )
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    return out.getvalue()
