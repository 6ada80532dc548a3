"""Make the journal append-only in the database itself.

PostgreSQL: a trigger refuses UPDATE and DELETE (TRUNCATE, used only by test flushes, is a
table-level operation left to the database owner).
SQLite: a trigger refuses UPDATE; DELETE stays possible at the SQL level because Django's test
flush empties tables with DELETE (the ORM and every interface refuse it).

`maillon restore` (maillon/core/backup/) needs neither DELETE nor TRUNCATE: it restores into
an empty database (pg_restore creates the table, loads its rows, then creates the trigger;
SQLite's backup API copies the pages, trigger included), `--replace` makes pg_restore drop and
recreate the table, and the restore checks the trigger exists afterwards.
"""

from django.db import migrations

PG_INSTALL = """
CREATE OR REPLACE FUNCTION journal_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal_journalentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_entry_append_only
    BEFORE UPDATE OR DELETE ON journal_journalentry
    FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only();
"""
PG_REMOVE = """
DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_journalentry;
DROP FUNCTION IF EXISTS journal_entry_append_only();
"""
SQLITE_INSTALL = """
CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_journalentry
BEGIN
    SELECT RAISE(ABORT, 'journal_journalentry is append-only (UPDATE refused)');
END;
"""
SQLITE_REMOVE = "DROP TRIGGER IF EXISTS journal_entry_no_update;"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_INSTALL)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REMOVE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REMOVE)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
