"""Backups and restores of the whole database (`maillon backup FILE`, `maillon restore FILE`).

- PostgreSQL: `pg_dump --format=custom` (compressed, read by `pg_restore`), one snapshot, so the
  file is consistent while the application writes. A restore runs `pg_restore` in one
  transaction: it succeeds entirely or leaves the target as it was.
- SQLite: the online backup API (`sqlite3.Connection.backup`) copies the pages under one read
  transaction, a consistent snapshot in WAL mode while the application writes; the copy is a
  plain SQLite file (rollback journal, no `-wal` beside it). A restore copies it back page by
  page with the same API.

A backup describes itself: it holds `django_migrations`, the schema version it was taken at.
A restore reads it first and refuses a backup whose migrations differ from the code's, or a
file that is not a backup of the target's engine. It restores into an empty database only
(no table at all) unless `replace` is given. Tables, data and the journal's append-only
triggers are restored together (the triggers refuse UPDATE/DELETE, not the inserts and table
creation a restore makes), and a restore checks that every trigger of the backup exists in the
target afterwards.

Messages meant for the operator are in French (`BackupError`); logs are in English.
"""

from maillon.core.backup.operations import (
    backup_engine,
    database_backup,
    database_restore,
    database_triggers,
)
from maillon.core.backup.postgresql import pg_tool
from maillon.core.backup.schema import code_migrations, schema_check
from maillon.core.backup.terms import (
    ENGINE_NAMES,
    BackupError,
    BackupResult,
    Progress,
    RestoreResult,
)

__all__ = [
    "ENGINE_NAMES",
    "BackupError",
    "BackupResult",
    "Progress",
    "RestoreResult",
    "backup_engine",
    "code_migrations",
    "database_backup",
    "database_restore",
    "database_triggers",
    "pg_tool",
    "schema_check",
]
