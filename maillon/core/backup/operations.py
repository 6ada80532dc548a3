"""`database_backup` and `database_restore`: the checks made before anything is touched, then
the engine's own backup or restore (`postgresql`, `sqlite`)."""

import logging
import os
from pathlib import Path

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils.translation import gettext as _

from maillon.core.backup import postgresql, sqlite
from maillon.core.backup.schema import schema_check
from maillon.core.backup.terms import (
    ENGINE_NAMES,
    MAGIC,
    POSTGRESQL,
    SQLITE,
    BackupError,
    BackupResult,
    Progress,
    RestoreResult,
    ignore_progress,
    last_line,
)

logger = logging.getLogger(__name__)


def backup_engine(path: Path) -> str:
    """The engine a backup file was made on, from its first bytes; BackupError if none."""
    if not path.is_file():
        raise BackupError(_("Fichier de sauvegarde introuvable : %(path)s.") % {"path": path})
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError as error:
        raise BackupError(
            _("Fichier de sauvegarde illisible : %(path)s (%(error)s).")
            % {"path": path, "error": error.strerror}
        ) from error
    for engine, magic in MAGIC.items():
        if head.startswith(magic):
            return engine
    raise BackupError(
        _(
            "%(path)s n'est pas une sauvegarde de Maillon : ni une archive pg_dump (format "
            "custom) ni une base SQLite."
        )
        % {"path": path}
    )


def database_backup(
    *,
    path: Path,
    using: str = DEFAULT_DB_ALIAS,
    overwrite: bool = False,
    on_progress: Progress = ignore_progress,
) -> BackupResult:
    """Write a consistent backup of the whole database to `path`, while the application runs.

    The file is written beside `path` under a `.partial` name and renamed when complete, so a
    backup that fails half-way never has the final name."""
    if path.exists() and not overwrite:
        raise BackupError(
            _("%(path)s existe déjà : choisissez un autre nom ou ajoutez --overwrite.")
            % {"path": path}
        )
    if not path.parent.is_dir():
        raise BackupError(_("Dossier introuvable : %(folder)s.") % {"folder": path.parent})
    connection = _connected(using)
    partial = path.with_name(f"{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == POSTGRESQL:
            postgresql.dump(connection, partial, on_progress)
        elif connection.vendor == SQLITE:
            sqlite.backup(connection, partial, on_progress)
        else:
            raise BackupError(_("Moteur de base non pris en charge : %s.") % connection.vendor)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        migrations = cursor.fetchone()[0]
    size = path.stat().st_size
    logger.info("Backup of the %s database written to %s (%d bytes)", connection.vendor, path, size)
    return BackupResult(path=path, engine=connection.vendor, size=size, migrations=migrations)


def _connected(using: str):
    connection = connections[using]
    try:
        connection.ensure_connection()
    except OperationalError as error:
        raise BackupError(
            _("Connexion à la base de données impossible : %(error)s")
            % {"error": last_line(str(error))}
        ) from error
    return connection


def database_restore(
    *,
    path: Path,
    using: str = DEFAULT_DB_ALIAS,
    replace: bool = False,
    on_progress: Progress = ignore_progress,
) -> RestoreResult:
    """Restore the backup at `path` into the database `using`, empty unless `replace`.

    Every check (file, engine, schema version, empty target) is made before the target is
    touched; the restore itself is all or nothing."""
    engine = backup_engine(path)
    connection = _connected(using)
    if engine != connection.vendor:
        raise BackupError(
            _(
                "Cette sauvegarde est une base %(backup)s et la base cible est %(target)s : une "
                "sauvegarde se restaure sur le même moteur."
            )
            % {
                "backup": ENGINE_NAMES[engine],
                "target": ENGINE_NAMES.get(connection.vendor, connection.vendor),
            }
        )
    pg_restore = None
    if engine == POSTGRESQL:
        pg_restore = postgresql.pg_tool("pg_restore", server_major=connection.pg_version // 10000)
        schema_check(postgresql.backup_migrations(path, pg_restore))
    else:
        schema_check(sqlite.backup_migrations(path))
    _empty_check(connection, replace=replace)
    connection.close()
    if pg_restore:
        expected = postgresql.restore(
            connection, path, pg_restore, replace=replace, on_progress=on_progress
        )
    else:
        expected = sqlite.restore(connection, path, on_progress=on_progress)
    connection.close()
    triggers = database_triggers(using)
    missing = sorted(set(expected) - set(triggers))
    if missing:
        logger.error("Restore from %s: triggers missing after restore: %s", path, missing)
        raise BackupError(
            _("Restauration incomplète : déclencheurs absents après la restauration (%(names)s).")
            % {"names": ", ".join(missing)}
        )
    tables = len(connection.introspection.table_names())
    for cache in caches.all():
        cache.clear()  # cached ids and pages describe the data the restore replaced
    logger.info(
        "Restored %s into the %s database (%d tables, triggers: %s)",
        path,
        connection.vendor,
        tables,
        ", ".join(triggers),
    )
    return RestoreResult(engine=engine, tables=tables, triggers=triggers)


def _empty_check(connection, *, replace: bool) -> None:
    tables = connection.introspection.table_names()
    if not tables or replace:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        rows = 0
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 — introspected names
            rows += cursor.fetchone()[0]
    raise BackupError(
        _(
            "La base cible n'est pas vide (%(tables)d tables, %(rows)d lignes). Restaurez dans "
            "une base neuve, ou ajoutez --replace pour la remplacer entièrement par la sauvegarde."
        )
        % {"tables": len(tables), "rows": rows}
    )


def database_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The names of the triggers the database holds (the journal's append-only guards…)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == POSTGRESQL:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return sorted(name for (name,) in cursor.fetchall())
