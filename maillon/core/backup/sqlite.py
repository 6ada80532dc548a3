"""SQLite backups and restores with the online backup API (`sqlite3.Connection.backup`):
a consistent snapshot under one read transaction while the application writes (WAL), copied
back page by page in one write transaction."""

import sqlite3
from contextlib import closing
from pathlib import Path

from django.utils.translation import gettext as _

from maillon.core.backup.terms import BackupError, Progress

SQLITE_PAGES_PER_STEP = 4096  # 16 MB at SQLite's default page size, between two progress updates


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def backup_migrations(path: Path) -> set[tuple[str, str]]:
    try:
        with closing(open_read_only(path)) as backup:
            check = backup.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(
                    _("La sauvegarde %(path)s est endommagée (%(check)s).")
                    % {"path": path, "check": check}
                )
            tables = {name for (name,) in backup.execute("SELECT name FROM sqlite_master")}
            if "django_migrations" not in tables:
                return set()  # not a Maillon backup: schema_check says so
            rows = backup.execute("SELECT app, name FROM django_migrations").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("La sauvegarde %(path)s est illisible ou endommagée (%(error)s).")
            % {"path": path, "error": error}
        ) from error
    return {(app, name) for app, name in rows}


def backup(connection, path: Path, on_progress: Progress) -> None:
    # A connection of its own, holding one read transaction for the whole copy: in WAL mode
    # writers go on, and every step copies pages of the same snapshot (no restart).
    source = sqlite3.connect(
        str(connection.settings_dict["NAME"]), uri=True, isolation_level=None, timeout=20
    )
    with closing(source):
        source.execute("BEGIN DEFERRED")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        with closing(sqlite3.connect(path, isolation_level=None)) as target:
            source.backup(
                target,
                pages=SQLITE_PAGES_PER_STEP,
                progress=lambda _status, remaining, total: on_progress(total - remaining, total),
            )
            # one self-contained file: no -wal or -shm beside the backup
            target.execute("PRAGMA journal_mode=DELETE")
        source.execute("ROLLBACK")


def restore(connection, path: Path, *, on_progress: Progress) -> list[str]:
    """Copy the backup's pages over the target (one write transaction: all or nothing)."""
    with closing(open_read_only(path)) as source:
        triggers = triggers_of(source)
        target = sqlite3.connect(
            str(connection.settings_dict["NAME"]), uri=True, isolation_level=None, timeout=20
        )
        with closing(target):
            source.backup(
                target,
                pages=SQLITE_PAGES_PER_STEP,
                progress=lambda _status, remaining, total: on_progress(total - remaining, total),
            )
    return triggers


def triggers_of(database: sqlite3.Connection) -> list[str]:
    rows = database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return sorted(name for (name,) in rows)
