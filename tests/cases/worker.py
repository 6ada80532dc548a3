"""Run the shipped worker (`maillon worker --batch`) inside a test, then restore the signal
handlers it installs."""

import io
import signal

from django.core.management import call_command

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run_worker(*options: str) -> str:
    saved = {number: signal.getsignal(number) for number in SIGNALS}
    out = io.StringIO()
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", *options, stdout=out)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    return out.getvalue()
