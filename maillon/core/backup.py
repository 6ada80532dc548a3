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

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with (work done, total work) as a backup or a restore advances."""

POSTGRESQL, SQLITE = "postgresql", "sqlite"
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
ENGINE_NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}
POSTGRESQL_LIB = Path("/usr/lib/postgresql")  # Debian: one bin/ folder per client major version
SQLITE_PAGES_PER_STEP = 4096  # 16 MB at SQLite's default page size, between two progress updates
PG_DUMP_TABLE = re.compile(r'dumping contents of table "?([^"\s]+)')
PG_RESTORE_TABLE = re.compile(r'processing data for table "?([^"\s]+)')


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


def _ignore(done: int, total: int) -> None:
    return None


# --- reading a backup file -------------------------------------------------------------------


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


def _sqlite_open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_backup_migrations(path: Path) -> set[tuple[str, str]]:
    try:
        with closing(_sqlite_open_read_only(path)) as backup:
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


def _pg_backup_migrations(path: Path, pg_restore: str) -> set[tuple[str, str]]:
    """`django_migrations` read from the archive itself (pg_restore prints its COPY data)."""
    output = _pg_output(
        [pg_restore, "--data-only", "--table=django_migrations", "--file=-", str(path)], path
    )
    rows, columns = set(), None
    for line in output.splitlines():
        if columns is None:
            if line.startswith("COPY ") and "django_migrations" in line:
                columns = [
                    c.strip() for c in line[line.index("(") + 1 : line.index(")")].split(",")
                ]
            continue
        if line == "\\.":
            break
        values = dict(zip(columns, line.split("\t"), strict=False))
        rows.add((values["app"], values["name"]))
    return rows


def _pg_output(argv: list[str], path: Path) -> str:
    completed = subprocess.run(  # noqa: S603 — a located client tool, our own arguments
        argv, capture_output=True, text=True, errors="replace", check=False
    )
    if completed.returncode:
        logger.error("%s failed: %s", argv[0], completed.stderr.strip())
        raise BackupError(
            _("La sauvegarde %(path)s est illisible ou endommagée (%(error)s).")
            % {"path": path, "error": _last_line(completed.stderr)}
        )
    return completed.stdout


def code_migrations() -> set[tuple[str, str]]:
    """Every migration of the code: the schema version a backup must have been taken at."""
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


SCHEMA_NEWER = gettext_lazy(
    "Cette sauvegarde vient d'une version plus récente de Maillon : elle contient %(count)d "
    "migration(s) que ce code ne connaît pas (%(names)s). Restaurez-la avec la version de "
    "Maillon qui l'a faite."
)
SCHEMA_OLDER = gettext_lazy(
    "Cette sauvegarde vient d'une version plus ancienne de Maillon : il lui manque %(count)d "
    "migration(s) (%(names)s). Restaurez-la avec la version de Maillon qui l'a faite, puis "
    "mettez Maillon à jour et lancez « maillon migrate »."
)


def schema_check(backup: set[tuple[str, str]]) -> None:
    """Refuse a backup of another schema version, naming what differs."""
    if not backup:
        raise BackupError(
            _(
                "Ce fichier n'est pas une sauvegarde de Maillon : il n'a pas de table "
                "django_migrations."
            )
        )
    code = code_migrations()
    for differences, message in (
        (sorted(backup - code), SCHEMA_NEWER),
        (sorted(code - backup), SCHEMA_OLDER),
    ):
        if differences:
            raise BackupError(message % {"count": len(differences), "names": _names(differences)})


def _names(migrations: list[tuple[str, str]], shown: int = 3) -> str:
    names = ", ".join(f"{app}.{name}" for app, name in migrations[:shown])
    return names + (" …" if len(migrations) > shown else "")


# --- PostgreSQL client tools -----------------------------------------------------------------


def _tool_major(tool: str) -> int | None:
    """The major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.4` → 15)."""
    try:
        output = subprocess.run(  # noqa: S603 — a located client tool
            [tool, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"\)\s+(\d+)", output)
    return int(match.group(1)) if match else None


def pg_tool(name: str, *, server_major: int) -> str:
    """The `pg_dump`/`pg_restore` for a server of `server_major`: the same major version if
    installed (Debian's /usr/lib/postgresql/<N>/bin), else the nearest newer one, else the one
    on PATH if it is not older than the server (an older pg_dump refuses a newer server)."""
    versioned = []
    for folder in POSTGRESQL_LIB.glob("*/bin"):
        tool = folder / name
        if folder.parent.name.isdigit() and tool.is_file() and os.access(tool, os.X_OK):
            versioned.append((int(folder.parent.name), str(tool)))
    for major, tool in sorted(versioned):
        if major >= server_major:
            return tool
    on_path = shutil.which(name)
    if on_path:
        major = _tool_major(on_path)
        if major is not None and major >= server_major:
            return on_path
        raise BackupError(
            _(
                "%(tool)s %(major)s est trop ancien pour le serveur PostgreSQL %(server)d : "
                "installez le paquet Debian postgresql-client-%(server)d (apt-get install "
                "postgresql-client-%(server)d)."
            )
            % {"tool": name, "major": major or "?", "server": server_major}
        )
    raise BackupError(
        _(
            "%(tool)s introuvable : installez le paquet Debian postgresql-client (apt-get install "
            "postgresql-client, ou postgresql-client-%(server)d pour la version du serveur)."
        )
        % {"tool": name, "server": server_major}
    )


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for the database (the password never appears on a command line)."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGSSLMODE", options.get("sslmode")),
        ("PGSSLROOTCERT", options.get("sslrootcert")),
        ("PGSSLCERT", options.get("sslcert")),
        ("PGSSLKEY", options.get("sslkey")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _pg_run(
    argv: list[str], *, env: dict, pattern: re.Pattern, total: int, on_progress: Progress
) -> None:
    """Run pg_dump/pg_restore --verbose, advancing the progress on each table's data."""
    done, messages = 0, []
    on_progress(done, total)
    with subprocess.Popen(  # noqa: S603 — a located client tool, our own arguments
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    ) as process:
        assert process.stderr is not None  # noqa: S101 — stderr=PIPE
        for line in process.stderr:
            if pattern.search(line):
                done += 1
                on_progress(min(done, total), total)
            else:
                messages.append(line.rstrip())
    logger.debug("%s: %s", argv[0], "\n".join(messages))
    if process.returncode:
        errors = [m for m in messages if "error" in m.lower()] or messages
        logger.error("%s failed (exit %s): %s", argv[0], process.returncode, "\n".join(errors))
        raise BackupError(
            _("%(tool)s a échoué : %(error)s")
            % {"tool": Path(argv[0]).name, "error": _last_line("\n".join(errors))}
        )
    on_progress(total, total)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "?"


# --- backup ----------------------------------------------------------------------------------


def database_backup(
    *,
    path: Path,
    using: str = DEFAULT_DB_ALIAS,
    overwrite: bool = False,
    on_progress: Progress = _ignore,
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
            _pg_backup(connection, partial, on_progress)
        elif connection.vendor == SQLITE:
            _sqlite_backup(connection, partial, on_progress)
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
            % {"error": _last_line(str(error))}
        ) from error
    return connection


def _pg_backup(connection, path: Path, on_progress: Progress) -> None:
    pg_dump = pg_tool("pg_dump", server_major=connection.pg_version // 10000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        tables = cursor.fetchone()[0]
    settings_dict = connection.settings_dict
    argv = [pg_dump, "--format=custom", "--verbose", f"--file={path}", settings_dict["NAME"]]
    _pg_run(
        argv,
        env=_pg_environment(settings_dict),
        pattern=PG_DUMP_TABLE,
        total=tables,
        on_progress=on_progress,
    )


def _sqlite_backup(connection, path: Path, on_progress: Progress) -> None:
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


# --- restore ---------------------------------------------------------------------------------


def database_restore(
    *,
    path: Path,
    using: str = DEFAULT_DB_ALIAS,
    replace: bool = False,
    on_progress: Progress = _ignore,
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
        pg_restore = pg_tool("pg_restore", server_major=connection.pg_version // 10000)
        schema_check(_pg_backup_migrations(path, pg_restore))
    else:
        schema_check(_sqlite_backup_migrations(path))
    _empty_check(connection, replace=replace)
    connection.close()
    if pg_restore:
        expected = _pg_restore(
            connection, path, pg_restore, replace=replace, on_progress=on_progress
        )
    else:
        expected = _sqlite_restore(connection, path, on_progress=on_progress)
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


def _pg_restore(
    connection, path: Path, pg_restore: str, *, replace: bool, on_progress: Progress
) -> list[str]:
    """pg_restore in one transaction; returns the triggers the archive holds."""
    listing = _pg_output([pg_restore, "--list", str(path)], path)
    entries = [line.split() for line in listing.splitlines() if line and not line.startswith(";")]
    data = sum(1 for e in entries if e[3:5] == ["TABLE", "DATA"])
    # "<id>; <oid> <oid> TRIGGER <schema> <table> <name> <owner>"
    triggers = [e[6] for e in entries if len(e) > 6 and e[3] == "TRIGGER"]
    settings_dict = connection.settings_dict
    argv = [
        pg_restore,
        "--verbose",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        f"--dbname={settings_dict['NAME']}",
        *(["--clean", "--if-exists"] if replace else []),
        str(path),
    ]
    _pg_run(
        argv,
        env=_pg_environment(settings_dict),
        pattern=PG_RESTORE_TABLE,
        total=data,
        on_progress=on_progress,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    return triggers


def _sqlite_restore(connection, path: Path, *, on_progress: Progress) -> list[str]:
    """Copy the backup's pages over the target (one write transaction: all or nothing)."""
    with closing(_sqlite_open_read_only(path)) as source:
        triggers = _sqlite_triggers(source)
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


def _sqlite_triggers(database: sqlite3.Connection) -> list[str]:
    rows = database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return sorted(name for (name,) in rows)
