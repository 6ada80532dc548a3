"""PostgreSQL: the rollup tables keep 30 % of each page free (fillfactor 70), so that adding to
a counter (an upsert's conflict path, at every desk write and for every existing key of an
import) is a HOT update: the new row version stays in its page and no index entry is written.
Full pages (the default, 100) made each such update write a new entry in the three indexes of
the table. Only pages written from now on keep the free space (no table rewrite here)."""

from django.db import migrations

TABLES = (
    "activity_visitdailyrollup",
    "activity_requestdailyrollup",
    "activity_outreachdailyrollup",
    "activity_workshopdailyrollup",
    "activity_visitmonthlyrollup",
    "activity_requestmonthlyrollup",
    "activity_outreachmonthlyrollup",
)


def _fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("activity", "0012_fact_taxonomy_without_db_constraints")]

    operations = [migrations.RunPython(_fillfactor(70), _fillfactor(100), elidable=False)]
