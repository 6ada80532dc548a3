"""What `maillon backup` and `maillon restore` share: the console, the progress bar, and
`BackupError` (French, for the operator) turned into a command error."""

from collections.abc import Callable
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from maillon.core.backup import BackupError, Progress
from maillon.core.progress import command_console, progress_callback

R = TypeVar("R")


def run_with_progress(
    command: BaseCommand, options: dict, *, description: str, work: Callable[[Progress], R]
) -> tuple[Console, R]:
    console = command_console(command, width=120, quiet=options["verbosity"] == 0)
    try:
        with progress_callback(console, description=description) as advance:
            return console, work(advance)
    except BackupError as error:
        raise CommandError(str(error)) from error
