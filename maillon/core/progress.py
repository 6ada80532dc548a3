"""Progress bars and summaries for long-running CLI work (rich)."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar, cast

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

T = TypeVar("T")


def command_console(
    command: BaseCommand, *, width: int | None = None, quiet: bool = False
) -> Console:
    """A rich console writing to a management command's stdout, so that `call_command(...,
    stdout=...)` captures what it prints. Django's OutputWrapper is a text stream at run time
    but not an `IO[str]` to typeshed (io.TextIOBase is not typing.IO): the cast says so."""
    return Console(file=cast(TextIO, command.stdout), width=width, quiet=quiet)


def progress_bar(
    console: Console | None = None, *, transient: bool = False, unit: str | None = None
) -> Progress:
    """done/total, elapsed time and ETA; with `unit`, the rate too (« 12 345 demandes/s »)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        *([RateColumn(unit)] if unit else []),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=transient,
        disable=console is not None and not console.is_terminal and console.quiet,
    )


class RateColumn(ProgressColumn):
    """The speed of a task in its own unit (« 12 345 demandes/s »), smoothed by rich."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None and task.finished and task.elapsed:  # finished by a new total
            speed = task.completed / task.elapsed
        return Text("" if speed is None else f"{speed:,.0f} {self.unit}/s".replace(",", " "))


def track(
    items: Iterable[T], *, description: str, total: int | None, console: Console | None = None
) -> Iterator[T]:
    """Yield `items` while a progress bar advances; quiet when the console is quiet."""
    with progress_bar(console) as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)


@contextmanager
def progress_callback(
    console: Console, *, description: str
) -> Iterator[Callable[[int, int], None]]:
    """A progress bar driven by a `(done, total)` callback, for work that reports its own pace
    (a database copy, pg_dump's tables); shown from the first report, so checks that refuse
    the work before it starts print no empty bar."""
    progress = progress_bar(console)
    task = None

    def advance(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task(description, total=total)
        progress.update(task, completed=done, total=total)

    try:
        yield advance
    finally:
        progress.stop()
