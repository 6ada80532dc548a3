"""PostgreSQL backups and restores through its client tools: `pg_dump --format=custom` (one
snapshot, compressed) and `pg_restore` in one transaction, the tools chosen for the server's
major version, the password passed through libpq's environment."""

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.utils.translation import gettext as _

from maillon.core.backup.terms import BackupError, Progress, last_line

logger = logging.getLogger(__name__)

POSTGRESQL_LIB = Path("/usr/lib/postgresql")  # Debian: one bin/ folder per client major version
PG_DUMP_TABLE = re.compile(r'dumping contents of table "?([^"\s]+)')
PG_RESTORE_TABLE = re.compile(r'processing data for table "?([^"\s]+)')


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
    for version, installed in sorted(versioned):
        if version >= server_major:
            return installed
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


def pg_environment(settings_dict: dict) -> dict[str, str]:
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
            % {"tool": Path(argv[0]).name, "error": last_line("\n".join(errors))}
        )
    on_progress(total, total)


def backup_migrations(path: Path, pg_restore: str) -> set[tuple[str, str]]:
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
            % {"path": path, "error": last_line(completed.stderr)}
        )
    return completed.stdout


def dump(connection, path: Path, on_progress: Progress) -> None:
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
        env=pg_environment(settings_dict),
        pattern=PG_DUMP_TABLE,
        total=tables,
        on_progress=on_progress,
    )


def restore(
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
        env=pg_environment(settings_dict),
        pattern=PG_RESTORE_TABLE,
        total=data,
        on_progress=on_progress,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    return triggers
