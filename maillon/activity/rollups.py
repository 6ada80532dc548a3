"""Daily rollups, kept exactly equal to the fact tables in the same transaction as each write.

Choice (see docs/activity.md): every service that writes a visit, a request, an outreach act or
a workshop also adds (or subtracts) its contribution to the rollup rows with one upsert per
rollup table (`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, same SQL on SQLite and
PostgreSQL). There is no watermark and no lag: a committed write is in the rollups, a rolled
back one is not. Rows are sorted by key before the upsert so that concurrent transactions lock
rollup rows in the same order (no deadlock). Bulk loads (import, generator) aggregate their
rows in memory and upsert once per batch, in the same transaction as the rows.

Monthly rollups (visits per site × month × channel with their request count; requests per
site × month × partner × theme × channel) are maintained the same way, by the same upserts: they
are what key figures and dashboards read (see `maillon.reports`).

`maillon.activity.rollups_verify` rebuilds the tables from the facts (GROUP BY) and lists every
difference: that is `maillon rollups verify`.
"""

import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from maillon.activity.models import (
    OutreachDailyRollup,
    OutreachMonthlyRollup,
    RequestDailyRollup,
    RequestMonthlyRollup,
    VisitDailyRollup,
    VisitMonthlyRollup,
    WorkshopDailyRollup,
)


def month_sql(column: str) -> str:
    """SQL for the first day of the month of a date column, on the current database."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


@dataclass(frozen=True)
class Batch:
    """Some visits to aggregate: `visits` selects them on the alias `v` of activity_visit and
    `requests` selects their requests on the alias `r` of activity_request, each predicate with
    its own parameters. Both sides are restricted explicitly so that the plan reads the batch by
    index on both fact tables, whatever their size (an equivalence through the join is not
    enough: PostgreSQL does not carry a range from v.id to r.visit_id)."""

    visits: str
    visit_params: Sequence
    requests: str
    request_params: Sequence


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: cheap as a dict key
class RollupSpec:
    table: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]
    # SELECT … FROM … producing keys + measures from the fact tables, and its GROUP BY
    select_sql: str
    group_sql: str
    visit_alias: str = ""  # alias of activity_visit in select_sql, when it is there
    joins_requests: bool = False  # select_sql joins activity_request r to activity_visit v

    # select_sql and group_sql may contain {month}: the month of v.day on the current database,
    # and {requests}: where a subquery on activity_request r restricts itself to a batch

    @property
    def source_sql(self) -> str:
        return self._sql(f"{self.select_sql} GROUP BY {self.group_sql}")

    def source_sql_batch(self, batch: Batch) -> tuple[str, list]:
        """The aggregation of the visits of `batch` only, and its parameters."""
        if self.joins_requests:
            where = f"{batch.visits} AND {batch.requests}"
            params = [*batch.visit_params, *batch.request_params]
        else:
            where, params = batch.visits, list(batch.visit_params)
        if "{requests}" in self.select_sql:  # the subquery comes first in the statement
            params = [*batch.request_params, *params]
        sql = f"{self.select_sql} WHERE {where} GROUP BY {self.group_sql}"
        return self._sql(sql, requests=f" WHERE {batch.requests}"), params

    @staticmethod
    def _sql(sql: str, *, requests: str = "") -> str:
        return sql.replace("{month}", month_sql("v.day")).replace("{requests}", requests)


REQUESTS = RollupSpec(
    table=RequestDailyRollup._meta.db_table,
    keys=("site_id", "day", "partner_id", "theme_id", "channel_id", "help_kind_id", "outcome_id"),
    measures=("requests", "follow_ups", "defaulted_outcomes"),
    select_sql=(
        "SELECT v.site_id, v.day, COALESCE(r.partner_id, 0), r.theme_id, v.channel_id,"
        " r.help_kind_id, r.outcome_id, COUNT(*), SUM(CASE WHEN r.follow_up THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN r.outcome_defaulted THEN 1 ELSE 0 END)"
        " FROM activity_request r JOIN activity_visit v ON v.id = r.visit_id"
    ),
    group_sql=(
        "v.site_id, v.day, COALESCE(r.partner_id, 0), r.theme_id, v.channel_id,"
        " r.help_kind_id, r.outcome_id"
    ),
    visit_alias="v",
    joins_requests=True,
)
VISITS = RollupSpec(
    table=VisitDailyRollup._meta.db_table,
    keys=("site_id", "day", "channel_id", "age_band_id"),
    measures=("visits", "first_visits", "qpv_residents", "minutes"),
    select_sql=(
        "SELECT v.site_id, v.day, v.channel_id, COALESCE(v.age_band_id, 0), COUNT(*),"
        " SUM(CASE WHEN v.first_visit THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN v.qpv_resident THEN 1 ELSE 0 END), SUM(COALESCE(v.duration_minutes, 0))"
        " FROM activity_visit v"
    ),
    group_sql="v.site_id, v.day, v.channel_id, COALESCE(v.age_band_id, 0)",
    visit_alias="v",
)
OUTREACH = RollupSpec(
    table=OutreachDailyRollup._meta.db_table,
    keys=("site_id", "day", "place_id", "partner_id"),
    measures=("acts", "people_reached"),
    select_sql=(
        "SELECT site_id, day, place_id, COALESCE(partner_id, 0), COUNT(*), SUM(people_reached)"
        " FROM activity_outreachact"
    ),
    group_sql="site_id, day, place_id, COALESCE(partner_id, 0)",
)
WORKSHOPS = RollupSpec(
    table=WorkshopDailyRollup._meta.db_table,
    keys=("site_id", "day", "theme_id"),
    measures=("workshops", "participants"),
    select_sql="SELECT site_id, day, theme_id, COUNT(*), SUM(participants) FROM activity_workshop",
    group_sql="site_id, day, theme_id",
)
VISITS_MONTHLY = RollupSpec(
    table=VisitMonthlyRollup._meta.db_table,
    keys=("site_id", "month", "channel_id"),
    measures=("visits", "requests", "first_visits", "qpv_residents", "minutes"),
    # the requests per visit are counted once by a GROUP BY joined to the visits (never a
    # subquery per visit); {requests} restricts that count to the same visits as the outer WHERE
    select_sql=(
        "SELECT v.site_id, {month}, v.channel_id, COUNT(*), SUM(COALESCE(rc.n, 0)),"
        " SUM(CASE WHEN v.first_visit THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN v.qpv_resident THEN 1 ELSE 0 END), SUM(COALESCE(v.duration_minutes, 0))"
        " FROM activity_visit v LEFT JOIN (SELECT r.visit_id, COUNT(*) AS n"
        " FROM activity_request r{requests} GROUP BY r.visit_id) rc ON rc.visit_id = v.id"
    ),
    group_sql="v.site_id, {month}, v.channel_id",
    visit_alias="v",
)
REQUESTS_MONTHLY = RollupSpec(
    table=RequestMonthlyRollup._meta.db_table,
    keys=("site_id", "month", "partner_id", "theme_id", "channel_id"),
    measures=("requests", "follow_ups", "defaulted_outcomes"),
    select_sql=(
        "SELECT v.site_id, {month}, COALESCE(r.partner_id, 0), r.theme_id, v.channel_id,"
        " COUNT(*), SUM(CASE WHEN r.follow_up THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN r.outcome_defaulted THEN 1 ELSE 0 END)"
        " FROM activity_request r JOIN activity_visit v ON v.id = r.visit_id"
    ),
    group_sql="v.site_id, {month}, COALESCE(r.partner_id, 0), r.theme_id, v.channel_id",
    visit_alias="v",
    joins_requests=True,
)
OUTREACH_MONTHLY = RollupSpec(
    table=OutreachMonthlyRollup._meta.db_table,
    keys=("site_id", "month", "place_id"),
    measures=("acts", "people_reached"),
    # aliased v like the visits: {month} is the month of v.day
    select_sql=(
        "SELECT v.site_id, {month}, v.place_id, COUNT(*), SUM(v.people_reached)"
        " FROM activity_outreachact v"
    ),
    group_sql="v.site_id, {month}, v.place_id",
)
ALL_SPECS = (
    VISITS,
    REQUESTS,
    OUTREACH,
    WORKSHOPS,
    VISITS_MONTHLY,
    REQUESTS_MONTHLY,
    OUTREACH_MONTHLY,
)
VISIT_SPECS = (VISITS, REQUESTS, VISITS_MONTHLY, REQUESTS_MONTHLY)


class Delta:
    """Contributions to add to the rollups, accumulated then applied in one upsert per table."""

    def __init__(self) -> None:
        self.rows: dict[RollupSpec, dict[tuple, list[int]]] = {spec: {} for spec in ALL_SPECS}

    def add(self, spec: RollupSpec, key: tuple, measures: Sequence[int], sign: int = 1) -> None:
        current = self.rows[spec].get(key)
        if current is None:
            self.rows[spec][key] = [sign * m for m in measures]
        else:
            for i, m in enumerate(measures):
                current[i] += sign * m

    def visit(self, visit, requests: Iterable, sign: int = 1) -> None:
        """The contribution of one visit (a model instance) and its requests."""
        self.raw_visit(
            visit.site_id,
            visit.day,
            visit.channel_id,
            visit.age_band_id,
            visit.first_visit,
            visit.qpv_resident,
            visit.duration_minutes,
            [
                (
                    r.partner_id,
                    r.theme_id,
                    r.help_kind_id,
                    r.outcome_id,
                    r.follow_up,
                    r.outcome_defaulted,
                )
                for r in requests
            ],
            sign,
        )

    def raw_visit(
        self,
        site_id: int,
        day,
        channel_id: int,
        age_band_id: int | None,
        first_visit: bool | None,
        qpv_resident: bool | None,
        minutes: int | None,
        requests: Iterable[tuple],
        sign: int = 1,
    ) -> None:
        """Same, from plain values; `requests` are (partner, theme, help, outcome, follow_up)
        and, optionally, whether the outcome was the policy's default (False when absent)."""
        requests = list(requests)
        first, qpv, minutes = int(bool(first_visit)), int(bool(qpv_resident)), minutes or 0
        self.add(
            VISITS, (site_id, day, channel_id, age_band_id or 0), (1, first, qpv, minutes), sign
        )
        month = day.replace(day=1)
        self.add(
            VISITS_MONTHLY,
            (site_id, month, channel_id),
            (1, len(requests), first, qpv, minutes),
            sign,
        )
        rows, monthly = self.rows[REQUESTS], self.rows[REQUESTS_MONTHLY]
        for partner_id, theme_id, help_id, outcome_id, follow_up, *defaulted in requests:
            follow = sign * int(follow_up)
            default = sign * int(bool(defaulted and defaulted[0]))
            for table, key in (
                (rows, (site_id, day, partner_id or 0, theme_id, channel_id, help_id, outcome_id)),
                (monthly, (site_id, month, partner_id or 0, theme_id, channel_id)),
            ):
                current = table.get(key)
                if current is None:
                    table[key] = [sign, follow, default]
                else:
                    current[0] += sign
                    current[1] += follow
                    current[2] += default

    def outreach(self, act, sign: int = 1) -> None:
        self.add(
            OUTREACH,
            (act.site_id, act.day, act.place_id, act.partner_id or 0),
            (1, act.people_reached),
            sign,
        )
        month = act.day.replace(day=1)
        self.add(
            OUTREACH_MONTHLY, (act.site_id, month, act.place_id), (1, act.people_reached), sign
        )

    def workshop(self, workshop, sign: int = 1) -> None:
        self.add(
            WORKSHOPS,
            (workshop.site_id, workshop.day, workshop.theme_id),
            (1, workshop.participants),
            sign,
        )

    def apply(self) -> None:
        """Upsert every accumulated row. Call inside the transaction of the facts."""
        with connection.cursor() as cursor:
            for spec in ALL_SPECS:
                rows = self.rows[spec]
                items = [(k, v) for k, v in sorted(rows.items()) if any(v)]
                if items:
                    _upsert(cursor, spec, items)
                rows.clear()

    def upsert_ctes(self, *, gate: str) -> tuple[list[str], dict[str, str]]:
        """PostgreSQL: the accumulated rows as data-modifying CTEs (`rollup_<n> AS (INSERT …
        ON CONFLICT … DO UPDATE)`) to put in the same statement as the facts, inserting only if
        the CTE `gate` returned a row (the visit was written). The rows of a table are one
        JSON parameter, so the statement's text does not depend on how many there are (it is
        prepared once). Tables in a fixed order and keys sorted, as in `apply`: concurrent
        statements lock rollup rows in the same order."""
        ctes, params = [], {}
        for n, spec in enumerate(ALL_SPECS):
            rows = self.rows[spec]
            items = [(k, v) for k, v in sorted(rows.items()) if any(v)]
            rows.clear()
            if not items:
                continue
            ctes.append(_upsert_cte(n, gate))
            columns = spec.keys + spec.measures
            params[f"rollup_{n}"] = json.dumps(
                [dict(zip(columns, (*key, *measures), strict=True)) for key, measures in items],
                default=str,
            )
        return ctes, params


@functools.cache
def _upsert_cte(n: int, gate: str) -> str:
    """The CTE upserting the rows of ALL_SPECS[n] (its text is built once per process)."""
    spec = ALL_SPECS[n]
    columns = spec.keys + spec.measures
    types = ", ".join(f"{c} {_PG_CAST.get(c, 'bigint')}" for c in columns)
    # the table aliased `t`: the desk's statement stays short enough for psycopg to cache its
    # parsing (`pg_writes._visit_param`)
    updates = ", ".join(f"{m} = t.{m} + excluded.{m}" for m in spec.measures)
    return (
        f"rollup_{n} AS (INSERT INTO {spec.table} AS t ({', '.join(columns)})"  # noqa: S608
        f" SELECT r.* FROM {gate}"
        f" CROSS JOIN jsonb_to_recordset(%(rollup_{n})s::jsonb) AS r({types})"
        f" ON CONFLICT ({', '.join(spec.keys)}) DO UPDATE SET {updates})"
    )


_PG_CAST = {"day": "date", "month": "date"}
_CHUNK = 500


def _upsert(cursor, spec: RollupSpec, items: list[tuple[tuple, list[int]]]) -> None:
    columns = spec.keys + spec.measures
    width = len(columns)
    updates = ", ".join(f"{m} = {spec.table}.{m} + excluded.{m}" for m in spec.measures)
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
        params = [value for key, measures in chunk for value in (*key, *measures)]
        cursor.execute(
            f"INSERT INTO {spec.table} ({', '.join(columns)}) VALUES {placeholders} "  # noqa: S608
            f"ON CONFLICT ({', '.join(spec.keys)}) DO UPDATE SET {updates}",
            params,
        )


def rollups_add_visits(ids: list[int]) -> None:
    """Add the contribution of the visits `ids` (just bulk-inserted, with their requests) to
    the rollups, aggregated by the database itself: one statement per rollup table, reading
    only these visits and their requests by index (its cost is that of the batch, not of the
    tables already stored)."""
    if not ids:
        return
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids):  # contiguous: a range scan of both indexes
        batch = Batch(
            "v.id BETWEEN %s AND %s", [low, high], "r.visit_id BETWEEN %s AND %s", [low, high]
        )
    else:  # ids interleaved with a concurrent writer's (PostgreSQL sequence)
        batch = Batch("v.id = ANY(%s)", [list(ids)], "r.visit_id = ANY(%s)", [list(ids)])
    rollups_add_batch(batch)


def rollups_add_visits_where(where: str, params: list, *, bulk: bool = False) -> None:
    """Same, for the visits `where` selects (on the alias `v`), e.g. every visit of an import
    listed in a temporary table: one aggregation for the whole import, not one per batch.
    Their requests are those whose visit `where` selects (a semi-join on the same predicate)."""
    requests = f"r.visit_id IN (SELECT v.id FROM activity_visit v WHERE {where})"  # noqa: S608
    rollups_add_batch(Batch(where, params, requests, params), bulk=bulk)


def rollups_add_batch(batch: Batch, *, bulk: bool = False) -> None:
    """Add the contribution of the visits of `batch` to the four visit rollups: one upsert per
    rollup table, or, for a large batch on PostgreSQL (`bulk`), `_add_bulk`."""
    with connection.cursor() as cursor:
        for spec in VISIT_SPECS:
            if not bulk:
                sql, params = batch_upsert_sql(spec, batch)
                cursor.execute(sql, params)
            elif spec in FROM_DAILY:
                source = FROM_DAILY[spec].replace("{month}", month_sql("day"))
                source = source.replace("{visits}", _bulk_table(VISITS))
                _add_bulk(cursor, spec, batch, source.replace("{requests}", _bulk_table(REQUESTS)))
            else:
                _add_bulk(cursor, spec, batch, *spec.source_sql_batch(batch))
        if bulk:
            cursor.execute(f"DROP TABLE {', '.join(_bulk_table(spec) for spec in VISIT_SPECS)}")


BULK = "maillon_rollup_bulk"  # + a rollup's table: the temporary table of its aggregation
# The monthly rollups of a bulk batch summed from its daily aggregations, the temporary tables
# {visits} and {requests} (fewer rows than the facts, no second join of requests to visits);
# {month} is the month of their day. Each visit's requests share its site, day and channel.
FROM_DAILY = {
    VISITS_MONTHLY: (
        "SELECT v.site_id, v.month, v.channel_id, v.n, COALESCE(r.n, 0), v.first_visits,"
        " v.qpv_residents, v.minutes FROM (SELECT site_id, {month} AS month, channel_id,"
        " SUM(visits) AS n, SUM(first_visits) AS first_visits,"
        " SUM(qpv_residents) AS qpv_residents, SUM(minutes) AS minutes"
        " FROM {visits} GROUP BY 1, 2, 3) v LEFT JOIN (SELECT site_id, {month} AS month,"
        " channel_id, SUM(requests) AS n FROM {requests} GROUP BY 1, 2, 3) r"
        " ON r.site_id = v.site_id AND r.month = v.month AND r.channel_id = v.channel_id"
    ),
    REQUESTS_MONTHLY: (
        "SELECT site_id, {month}, partner_id, theme_id, channel_id, SUM(requests),"
        " SUM(follow_ups), SUM(defaulted_outcomes) FROM {requests} GROUP BY 1, 2, 3, 4, 5"
    ),
}


def _bulk_table(spec: RollupSpec) -> str:
    return f"{BULK}_{spec.table}"


def _add_bulk(cursor, spec: RollupSpec, batch: Batch, source: str, params=()) -> None:
    """The aggregation `source` of `batch` into a temporary table, then an UPDATE of the keys
    already in the rollup and a plain INSERT of the others: on new keys a plain INSERT costs
    about a third less than `INSERT … ON CONFLICT DO UPDATE` (no speculative insertion). A
    concurrent writer that inserts one of these keys meanwhile makes the INSERT fail on the
    unique key: the savepoint is rolled back and `batch` is upserted (`batch_upsert_sql`)."""
    table, columns = _bulk_table(spec), ", ".join(spec.keys + spec.measures)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {table} AS SELECT * FROM ({source}) s ({columns})",  # noqa: S608
        params,
    )
    cursor.execute(f"ANALYZE {table}")  # its size: hash joins, not a probe per key
    try:
        with transaction.atomic():
            for sql in bulk_sql(spec):
                cursor.execute(sql)
    except IntegrityError:  # a key inserted meanwhile by another transaction
        cursor.execute(*batch_upsert_sql(spec, batch))


def bulk_sql(spec: RollupSpec) -> tuple[str, ...]:
    """The UPDATE of the keys of the aggregation `_add_bulk` wrote already in the rollup
    `spec`, then the INSERT of the others."""
    columns = ", ".join(spec.keys + spec.measures)
    same = " AND ".join(f"t.{k} = s.{k}" for k in spec.keys)
    updates = ", ".join(f"{m} = t.{m} + s.{m}" for m in spec.measures)
    table = _bulk_table(spec)
    return (
        f"UPDATE {spec.table} t SET {updates} FROM {table} s WHERE {same}",  # noqa: S608
        f"INSERT INTO {spec.table} ({columns}) SELECT {columns} FROM {table} s"  # noqa: S608
        f" WHERE NOT EXISTS (SELECT FROM {spec.table} t WHERE {same})",
    )


def batch_upsert_sql(spec: RollupSpec, batch: Batch) -> tuple[str, list]:
    """The upsert adding the aggregation of `batch` to the rollup `spec`, and its parameters
    (what `rollups_add_batch` runs; the plan tests EXPLAIN it)."""
    source, params = spec.source_sql_batch(batch)
    columns = ", ".join(spec.keys + spec.measures)
    updates = ", ".join(f"{m} = {spec.table}.{m} + excluded.{m}" for m in spec.measures)
    return (
        f"INSERT INTO {spec.table} ({columns}) {source} "  # noqa: S608
        f"ON CONFLICT ({', '.join(spec.keys)}) DO UPDATE SET {updates}",
        params,
    )


def total_visits_and_requests() -> Counter:
    """Grand totals from the rollups (cheap), used by the CLI summaries."""
    totals: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(visits), 0) FROM {VISITS.table}")  # noqa: S608
        totals["visits"] = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT COALESCE(SUM(requests), 0) FROM {REQUESTS.table}")  # noqa: S608
        totals["requests"] = int(cursor.fetchone()[0])
    return totals
