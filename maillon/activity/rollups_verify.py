"""The independent recount of the rollups: `rollups_recompute()` rebuilds every rollup table from
the facts (GROUP BY) and `rollups_compare()` lists every difference between the stored rows and
that recount, streaming both sides in key order (flat memory). `maillon rollups verify` runs them;
tests call `rollups_compare()` after every write path."""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from maillon.activity.rollups import ALL_SPECS


def rollups_recompute() -> None:
    """Rebuild every rollup table from the facts (after a restore or a manual SQL fix)."""
    with connection.cursor() as cursor:
        for spec in ALL_SPECS:
            cursor.execute(f"DELETE FROM {spec.table}")  # noqa: S608
            columns = ", ".join(spec.keys + spec.measures)
            cursor.execute(f"INSERT INTO {spec.table} ({columns}) {spec.source_sql}")  # noqa: S608


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    expected: tuple
    stored: tuple


def rollups_compare(
    *, limit: int = 50, chunk_size: int = 20_000
) -> tuple[dict[str, int], list[Difference], int]:
    """Recompute each rollup with GROUP BY on the facts and compare with the stored rows.

    Returns the rows compared per table, up to `limit` differences and their total. Both sides
    come sorted by key from the database (the GROUP BY runs on the server) and are merged
    `chunk_size` rows at a time, so memory stays flat whatever the size of the tables; one
    transaction gives both sides the same snapshot (and PostgreSQL server-side cursors)."""
    counts: dict[str, int] = {}
    differences: list[Difference] = []
    total = 0
    with transaction.atomic():
        for spec in ALL_SPECS:
            n_keys = len(spec.keys)
            order = ", ".join(str(i) for i in range(1, n_keys + 1))
            columns = ", ".join(spec.keys + spec.measures)
            expected = _sorted_rows(f"{spec.source_sql} ORDER BY {order}", n_keys, chunk_size)
            stored = _sorted_rows(
                f"SELECT {columns} FROM {spec.table} ORDER BY {order}",  # noqa: S608
                n_keys,
                chunk_size,
            )
            zero = (0,) * len(spec.measures)
            counts[spec.table] = 0
            for key, e, s in _merge(expected, stored, zero):
                counts[spec.table] += e is not zero
                if e != s:
                    total += 1
                    if len(differences) < limit:
                        differences.append(Difference(spec.table, key, e, s))
    return counts, differences, total


def _sorted_rows(sql: str, n_keys: int, chunk_size: int) -> Iterator[tuple[tuple, tuple]]:
    """(key, measures) of the rows of `sql` (sorted by key), fetched `chunk_size` at a time
    through a server-side cursor on PostgreSQL. All-zero rows are skipped: a rollup row whose
    contributions were all subtracted counts as absent."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                measures = tuple(int(v or 0) for v in row[n_keys:])
                if any(measures):
                    yield _norm_key(row[:n_keys]), measures


def _merge(
    expected: Iterator[tuple[tuple, tuple]], stored: Iterator[tuple[tuple, tuple]], zero: tuple
) -> Iterator[tuple[tuple, tuple, tuple]]:
    """Merge two key-sorted streams: (key, expected, stored), `zero` for the missing side."""
    e, s = next(expected, None), next(stored, None)
    while e is not None or s is not None:
        if s is None or (e is not None and e[0] < s[0]):
            assert e is not None  # noqa: S101 — for mypy: s is None or e comes first
            yield e[0], e[1], zero
            e = next(expected, None)
        elif e is None or s[0] < e[0]:
            yield s[0], zero, s[1]
            s = next(stored, None)
        else:
            yield e[0], e[1], s[1]
            e, s = next(expected, None), next(stored, None)


def _norm_key(key: Sequence) -> tuple:
    """A key comparable across both sides and sorted as the database sorts it: integers stay
    integers, dates become ISO text (SQLite gives text, PostgreSQL dates)."""
    return tuple(v.isoformat() if isinstance(v, datetime.date) else v for v in key)


# (fact table, column, taxonomy table) of every taxonomy reference without a database foreign
# key (see « Taxonomy references » in activity/models/facts.py)
TAXONOMY_REFERENCES = (
    ("activity_visit", "channel_id", "activity_channel"),
    ("activity_visit", "age_band_id", "activity_ageband"),
    ("activity_request", "partner_id", "network_partner"),
    ("activity_request", "theme_id", "activity_theme"),
    ("activity_request", "help_kind_id", "activity_helpkind"),
    ("activity_request", "outcome_id", "activity_outcome"),
)


def taxonomy_orphans() -> dict[str, int]:
    """`table.column` → rows whose taxonomy id is not in the taxonomy table (none expected: every
    write path resolves codes against the taxonomies before writing)."""
    orphans = {}
    with connection.cursor() as cursor:
        for table, column, taxonomy in TAXONOMY_REFERENCES:
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} f WHERE f.{column} IS NOT NULL"  # noqa: S608
                f" AND NOT EXISTS (SELECT 1 FROM {taxonomy} t WHERE t.id = f.{column})"
            )
            orphans[f"{table}.{column}"] = cursor.fetchone()[0]
    return orphans
