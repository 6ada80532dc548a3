"""`maillon backup` / `maillon restore`: the round trip on both databases, and every refusal.

The round trips back up the test database while it is live, restore the file with the real
`maillon restore` command (another process) into a scratch database of their own, and compare
what a user would: the row count of every table, the network's key figures for the year, the
journal still append-only.
"""

import contextlib
import datetime
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from maillon.core.backup import BackupError, code_migrations, database_triggers, pg_tool
from maillon.core.backup import postgresql as postgresql_backup
from maillon.core.backup import sqlite as sqlite_backup
from maillon.geo.models import Commune
from maillon.geo.services import geo_import
from maillon.journal.models import JournalEntry
from maillon.network.models import Network, Site
from maillon.network.services import site_update
from maillon.orchestration.demo import PIMMS_NETWORK_SLUG
from maillon.orchestration.generators.activity import activity_generate
from maillon.orchestration.importers.pimms import pimms_network_import
from maillon.reports.keyfigures import key_figures
from maillon.reports.periods import Period
from maillon.reports.rendering.block import key_figures_block
from maillon.reports.scopes import scope_get
from tests.activity.factories import seed_reference_data
from tests.factories import agent_of

YEAR = "2025"


def maillon(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """Run the `maillon` command in another process, on another database."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 — our own command
        [sys.executable, "-m", "maillon.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def live_world() -> str:
    """The PIMMS network with a quarter of activity on two sites and a journaled change;
    returns the network's key figures block for the year, as `maillon export` prints it."""
    # an earlier transactional test may have flushed the geography and the reference rows
    # that the data migrations insert
    seed_reference_data()
    for migration in ("0002_france_services_programme", "0004_france_services_criteria"):
        import_module(f"maillon.labels.migrations.{migration}").create(apps, None)
    if not Commune.objects.exists():
        geo_import()
    pimms_network_import()
    sites = list(Site.objects.in_network(Network.objects.get(slug=PIMMS_NETWORK_SLUG))[:2])
    agent = agent_of(sites[0])
    activity_generate(
        sites=sites, agent=agent, months=3, scale=0.05, end=datetime.date(2025, 12, 31)
    )
    site_update(
        actor=agent,
        site=sites[0],
        data={"phone": "04 72 00 00 00"},
        expected_version=sites[0].version,
    )
    return key_figures_markdown()


def key_figures_markdown() -> str:
    scope = scope_get(user=_operator(), key=f"network:{PIMMS_NETWORK_SLUG}")
    return key_figures_block(key_figures(scope=scope, period=Period.parse(YEAR))).markdown()


def _operator():
    from maillon.accounts.models import User

    return User(username="maillon-cli", is_superuser=True, is_active=True)


def live_row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {
            table: _count(cursor, connection.ops.quote_name(table))
            for table in connection.introspection.table_names()
        }


def _count(cursor, quoted_table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {quoted_table}")  # noqa: S608 — introspected names
    return cursor.fetchone()[0]


@dataclass
class Scratch:
    """A scratch database the restore goes into: its URL and a DB-API connection to it."""

    url: str
    connect: object

    def row_counts(self) -> dict[str, int]:
        with contextlib.closing(self.connect()) as db:
            cursor = db.cursor()
            return {table: _count(cursor, f'"{table}"') for table in self.tables(cursor)}

    def tables(self, cursor) -> list[str]:
        if self.url.startswith("sqlite"):
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'sqlite_sequence'"
            )
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [name for (name,) in cursor.fetchall()]

    def journal_update_refused(self) -> bool:
        with contextlib.closing(self.connect()) as db:
            try:
                db.cursor().execute("UPDATE journal_journalentry SET note = 'changed'")
            except (sqlite3.DatabaseError, psycopg.DatabaseError) as error:
                return "append-only" in str(error)
            return False


@pytest.fixture
def sqlite_scratch(tmp_path) -> Scratch:
    path = tmp_path / "restored.sqlite3"
    return Scratch(
        url=f"sqlite:///{path}",
        connect=lambda: sqlite3.connect(path),
    )


def pg_params() -> dict:
    settings = connection.settings_dict
    return {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }


@contextlib.contextmanager
def pg_database(suffix: str) -> Iterator[str]:
    """A scratch database beside the test database (never the test database itself)."""
    name = f"{connection.settings_dict['NAME']}_{suffix}_{os.getpid()}"[:63]
    with psycopg.connect(dbname="postgres", autocommit=True, **pg_params()) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **pg_params()) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgresql_scratch() -> Iterator[Scratch]:
    """`<test database>_restore_<pid>`, created empty and dropped afterwards."""
    settings = connection.settings_dict
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    with pg_database("restore") as name:
        yield Scratch(
            url=f"postgres://{user}{password}@{host}/{name}",
            connect=lambda: psycopg.connect(dbname=name, **pg_params()),
        )


def round_trip(tmp_path: Path, scratch: Scratch, capsys) -> None:
    figures = live_world()
    assert JournalEntry.objects.exists()
    counts = live_row_counts()
    file = tmp_path / "maillon.backup"

    call_command("backup", str(file))
    assert "Sauvegarde" in capsys.readouterr().out
    restored = maillon("restore", str(file), database_url=scratch.url)

    assert restored.returncode == 0, restored.stderr
    assert "Sauvegarde restaurée" in restored.stdout
    assert scratch.row_counts() == counts
    assert counts["activity_visit"] > 0
    exported = maillon(
        "export", "key-figures", f"--scope=network:{PIMMS_NETWORK_SLUG}", f"--period={YEAR}",
        database_url=scratch.url,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == figures.strip()
    assert scratch.journal_update_refused()

    again = maillon("restore", str(file), database_url=scratch.url)
    assert again.returncode == 1
    assert "La base cible n'est pas vide" in again.stderr
    replaced = maillon("restore", "--replace", str(file), database_url=scratch.url)
    assert replaced.returncode == 0, replaced.stderr
    assert scratch.row_counts() == counts
    assert scratch.journal_update_refused()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_round_trip_on_sqlite_restores_every_row_and_the_key_figures(
    tmp_path, sqlite_scratch, capsys
):
    round_trip(tmp_path, sqlite_scratch, capsys)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_round_trip_on_postgresql_restores_every_row_and_the_key_figures(
    tmp_path, postgresql_scratch, capsys
):
    round_trip(tmp_path, postgresql_scratch, capsys)


# --- refusals: checked before the target is touched ------------------------------------------


CREATE_MIGRATIONS = "CREATE TABLE django_migrations (id integer, app text, name text, applied text)"
INSERT_MIGRATION = (
    "INSERT INTO django_migrations (app, name, applied) VALUES ({0}, {0}, '2026-01-01')"
)


def sqlite_backup_file(path: Path, migrations: set[tuple[str, str]]) -> Path:
    """A SQLite file that passes for a backup at the given schema version."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(CREATE_MIGRATIONS)
        db.executemany(INSERT_MIGRATION.format("?"), sorted(migrations))
        db.commit()
    return path


def backup_file(path: Path, migrations: set[tuple[str, str]]) -> Path:
    """A backup of the test database's engine at the given schema version (for PostgreSQL a
    real pg_dump archive of a scratch database holding only `django_migrations`)."""
    if connection.vendor == "sqlite":
        return sqlite_backup_file(path, migrations)
    with pg_database("file") as name:
        with psycopg.connect(dbname=name, **pg_params()) as db:
            db.execute(CREATE_MIGRATIONS)
            db.cursor().executemany(INSERT_MIGRATION.format("%s"), sorted(migrations))
        pg_dump = pg_tool("pg_dump", server_major=connection.pg_version // 10000)
        env = postgresql_backup.pg_environment(connection.settings_dict)
        subprocess.run(  # noqa: S603 — the located pg_dump
            [pg_dump, "--format=custom", f"--file={path}", name], env=env, check=True
        )
    return path


def restore_error(file: Path, **options) -> str:
    with pytest.raises(CommandError) as error:
        call_command("restore", str(file), **options)
    return str(error.value)


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_data(tmp_path):
    communes = Commune.objects.count()
    file = backup_file(tmp_path / "same-schema.backup", code_migrations())

    message = restore_error(file)

    assert "La base cible n'est pas vide" in message
    assert "--replace" in message
    assert Commune.objects.count() == communes


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_an_older_or_newer_schema(tmp_path):
    migrations = code_migrations()
    latest = max(migrations)
    older = backup_file(tmp_path / "older.backup", migrations - {latest})
    newer = backup_file(tmp_path / "newer.backup", migrations | {("network", "9999_x")})

    assert "version plus ancienne" in restore_error(older)
    assert f"{latest[0]}.{latest[1]}" in restore_error(older)
    assert "version plus récente" in restore_error(newer)
    assert "network.9999_x" in restore_error(newer)


@pytest.mark.django_db
def test_restore_says_what_is_wrong_with_the_file(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("pas une sauvegarde")
    other_engine = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other_engine.write_bytes(b"PGDMP" + b"\0" * 100)
        engines = "est une base PostgreSQL et la base cible est SQLite"
    else:
        sqlite_backup_file(other_engine, code_migrations())
        engines = "est une base SQLite et la base cible est PostgreSQL"

    assert "Fichier de sauvegarde introuvable" in restore_error(tmp_path / "absent.dump")
    assert "pas une sauvegarde de Maillon" in restore_error(backup_file(tmp_path / "e", set()))
    assert "n'est pas une sauvegarde de Maillon" in restore_error(text)
    assert engines in restore_error(other_engine)


@pytest.mark.django_db
def test_backup_never_overwrites_a_file_unless_asked(tmp_path):
    file = tmp_path / "maillon.backup"
    file.write_text("la sauvegarde d'hier")

    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup", str(file))
    assert file.read_text() == "la sauvegarde d'hier"


# --- the PostgreSQL client tools -------------------------------------------------------------


def fake_tool(folder: Path, name: str, major: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {major}.4'\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def test_pg_dump_of_the_server_major_version_is_chosen_among_several(tmp_path, monkeypatch):
    lib = tmp_path / "usr/lib/postgresql"
    for major in (13, 15, 16):
        fake_tool(lib / str(major) / "bin", "pg_dump", major)
    monkeypatch.setattr(postgresql_backup, "POSTGRESQL_LIB", lib)

    assert pg_tool("pg_dump", server_major=15) == str(lib / "15/bin/pg_dump")
    assert pg_tool("pg_dump", server_major=14) == str(lib / "15/bin/pg_dump")


def test_missing_or_too_old_pg_dump_names_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(postgresql_backup, "POSTGRESQL_LIB", tmp_path / "none")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    with pytest.raises(BackupError, match="installez le paquet Debian postgresql-client"):
        pg_tool("pg_dump", server_major=15)

    fake_tool(tmp_path / "bin", "pg_dump", 13)
    with pytest.raises(BackupError, match="trop ancien.*postgresql-client-15"):
        pg_tool("pg_dump", server_major=15)


# --- a consistent SQLite copy while the application writes ----------------------------------


def test_sqlite_backup_is_one_snapshot_while_another_connection_writes(tmp_path, monkeypatch):
    live = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE visit (note text)")
    writer.execute("BEGIN")
    writer.executemany("INSERT INTO visit VALUES (?)", [("x" * 200,)] * 20_000)
    writer.execute("COMMIT")
    monkeypatch.setattr(sqlite_backup, "SQLITE_PAGES_PER_STEP", 64)  # many steps
    steps = []

    def write_meanwhile(done: int, total: int) -> None:
        steps.append(done)
        if len(steps) > 1000:
            raise AssertionError("the copy restarts at every write: it is not one snapshot")
        writer.execute("INSERT INTO visit VALUES ('written during the backup')")

    class LiveConnection:
        settings_dict = {"NAME": str(live)}

    copy = tmp_path / "copy.sqlite3"
    sqlite_backup.backup(LiveConnection(), copy, write_meanwhile)

    assert len(steps) > 10
    assert writer.execute("SELECT count(*) FROM visit").fetchone()[0] == 20_000 + len(steps)
    with contextlib.closing(sqlite3.connect(copy)) as restored:
        assert restored.execute("SELECT count(*) FROM visit").fetchone()[0] == 20_000
        assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not Path(f"{copy}-wal").exists()
    writer.close()


@pytest.mark.django_db
def test_the_journal_triggers_are_listed(db):
    assert any("journal" in name for name in database_triggers())
