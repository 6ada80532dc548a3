"""Bulk rows by COPY (PostgreSQL): the facts a bulk writer already holds, and the rollups it
aggregated in memory (a `Delta`).

A bulk writer that knows every row it writes (the generator) does not need the database to
aggregate them again: its `Delta` holds the rollup rows, sent with COPY straight into each
rollup table, under a savepoint. When a key is already stored (a site generated again, the
first month of a period that already has days, a concurrent desk write) the COPY fails on the
unique key: back to the savepoint, the rows go by COPY into a temporary staging table and are
added by one `INSERT … SELECT … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n` — the same
upsert as `Delta.apply`. Either way the keys are sorted, as in `Delta.apply`. Call inside the
transaction of the facts.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence

from django.db import IntegrityError, connection, transaction

from maillon.activity.rollups import ALL_SPECS, Delta, RollupSpec

STAGING = "maillon_rollup_staging_{n}"


def copy_value(value) -> str:
    """COPY text of a plain value (ids, counts, dates, booleans: nothing to escape)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date):  # and datetimes
        return value.isoformat()
    return str(value)


def copy_rows(
    cursor,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    value: Callable[[object], str] = copy_value,
) -> None:
    """COPY `rows` (tuples of plain values, no tab nor newline inside) into `table`; `value`
    writes one value (`str` is enough for ints and dates, never None: the rollups)."""
    text = "".join(["\t".join(map(value, row)) + "\n" for row in rows])
    if text:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(text)


def delta_apply_copy(delta: Delta) -> int:
    """Add every row of `delta` to its rollup table (see the module); returns the number of
    rollup rows sent."""
    sent = 0
    with connection.cursor() as cursor:
        for spec in ALL_SPECS:
            rows = delta.rows[spec]
            items = [(*key, *measures) for key, measures in sorted(rows.items()) if any(measures)]
            rows.clear()
            if items:
                _copy_rollup(cursor, spec, items)
                sent += len(items)
    return sent


def _copy_rollup(cursor, spec: RollupSpec, items: list[tuple]) -> None:
    """COPY straight into the rollup table when none of the keys is stored yet (a first
    generation: every key is new); if one is (unique violation), roll back to the savepoint and
    add them up through a staging table instead."""
    from psycopg.errors import UniqueViolation  # PostgreSQL only; raised as is by COPY

    columns = spec.keys + spec.measures
    try:
        with transaction.atomic():  # a savepoint
            copy_rows(cursor, spec.table, columns, items, str)
        return
    except (IntegrityError, UniqueViolation):
        pass
    staging = STAGING.format(n=ALL_SPECS.index(spec))
    names, keys = ", ".join(columns), ", ".join(spec.keys)
    # same column types as the rollup table; created once per connection
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS"  # noqa: S608
        f" SELECT {names} FROM {spec.table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {staging}")
    copy_rows(cursor, staging, columns, items, str)
    updates = ", ".join(f"{m} = {spec.table}.{m} + excluded.{m}" for m in spec.measures)
    cursor.execute(
        f"INSERT INTO {spec.table} ({names}) SELECT {names} FROM {staging}"  # noqa: S608
        f" ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )
