"""What backups and restores share: the error for the operator, the progress callback, the
results, the engines and how to recognise their files."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Progress = Callable[[int, int], None]
"""Called with (work done, total work) as a backup or a restore advances."""

POSTGRESQL, SQLITE = "postgresql", "sqlite"
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
ENGINE_NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}


class BackupError(Exception):
    """A backup or a restore refused or failed; the message is for the operator, in French."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    size: int
    migrations: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    tables: int
    triggers: list[str] = field(default_factory=list)


def ignore_progress(done: int, total: int) -> None:
    return None


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "?"
