"""PostgreSQL: a visit written in one statement, one round trip.

The idempotency claim, the visit, its requests, the follow-ups of its « à revoir » requests and
its contribution to the four visit rollups are data-modifying CTEs of a single statement. A
statement is atomic by itself, so outside a transaction the desk pays no BEGIN/COMMIT round
trips either; inside one (tests, "same as last") it is simply part of it. The visit id is drawn
from its sequence first so the idempotency key is inserted already bound to it; if the key was
claimed before (a retry, or a concurrent request with the same key: `ON CONFLICT DO NOTHING`
waits for it), nothing else is written and the caller reads the first result. The generic path
(`services.visit_record` on SQLite, or with `ACTIVITY_SINGLE_STATEMENT = False`) writes the
same rows with one statement per table.
"""

import datetime
import functools
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import connection

from maillon.activity.models import FollowUp, IdempotencyKey, Request, Visit
from maillon.core.cursors import prepared_cursor

if TYPE_CHECKING:
    from maillon.activity.rollups import Delta

VISIT_COLUMNS = (
    "site_id",
    "agent_id",
    "occurred_at",
    "day",
    "channel_id",
    "age_band_id",
    "qpv_resident",
    "first_visit",
    "duration_minutes",
    "created_at",
    "updated_at",
)
VISIT_CASTS: tuple[str, ...] = (
    "bigint",
    "bigint",
    "timestamptz",
    "date",
    "bigint",
    "bigint",
    "boolean",
)
VISIT_CASTS += ("boolean", "integer", "timestamptz", "timestamptz")
REQUEST_COLUMNS = (
    "position",
    "partner_id",
    "theme_id",
    "help_kind_id",
    "outcome_id",
    "follow_up",
    "help_defaulted",
    "outcome_defaulted",
)
REQUEST_CASTS = ("integer", "bigint", "bigint", "bigint", "bigint", "boolean", "boolean", "boolean")


class FollowUpOpen(NamedTuple):
    """The follow-ups a visit opens: one per request of outcome `outcome_id`, due on `due`."""

    outcome_id: int | None
    due: datetime.date


def enabled() -> bool:
    single = getattr(settings, "ACTIVITY_SINGLE_STATEMENT", True)
    return single and connection.vendor == "postgresql"


def visit_insert(
    *,
    fields: dict[str, Any],
    requests: list[Request],
    delta: "Delta",
    key: str | None,
    kind: str,
    fingerprint: str,
    now: datetime.datetime,
    follow_up: FollowUpOpen | None = None,
) -> int | None:
    """Write the visit `fields` (VISIT_COLUMNS), its `requests`, the rollup `delta` and, given
    `follow_up`, the follow-ups of its requests of that outcome; return the visit id, or None
    if `key` was already claimed by this user (then nothing is written).

    Parameters are named and the requests are arrays (`unnest`), so the text of the statement
    is the same for every visit: psycopg prepares it once per connection."""
    params: dict[str, Any] = {f"v{i}": fields[c] for i, c in enumerate(VISIT_COLUMNS)}
    if key:
        params.update(key=key, kind=kind, fingerprint=fingerprint, now=now)
    for i, column in enumerate(REQUEST_COLUMNS):
        params[f"r{i}"] = [getattr(r, column) for r in requests]
    if follow_up is not None:
        params.update(fo=follow_up.outcome_id, fd=follow_up.due)
    rollup_ctes, rollup_params = delta.upsert_ctes(gate="visit")
    params.update(rollup_params)
    sql = _visit_sql(
        claim=bool(key), follow_up=follow_up is not None, rollup_ctes=tuple(rollup_ctes)
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _visit_param(column: str) -> str:
    """The placeholder of a visit column (parameters are named by position: the statement must
    stay under psycopg's `MAX_CACHED_STATEMENT_LENGTH`, 4,096 bytes, or psycopg parses its
    text again at every call)."""
    i = VISIT_COLUMNS.index(column)
    return f"%(v{i})s::{VISIT_CASTS[i]}"


@functools.lru_cache(maxsize=64)
def _visit_sql(*, claim: bool, follow_up: bool, rollup_ctes: tuple[str, ...]) -> str:
    """The text of the statement (the same for every visit of the same shape: built once)."""
    visit_table, request_table = Visit._meta.db_table, Request._meta.db_table
    ctes = [f"new_visit AS (SELECT nextval(pg_get_serial_sequence('{visit_table}', 'id')) AS id)"]
    source = "new_visit"
    if claim:
        ctes.append(
            f"claim AS (INSERT INTO {IdempotencyKey._meta.db_table}"  # noqa: S608
            " (user_id, key, kind, fingerprint, object_id, created_at)"
            f" SELECT {_visit_param('agent_id')}, %(key)s, %(kind)s, %(fingerprint)s, id,"
            " %(now)s::timestamptz FROM new_visit"
            " ON CONFLICT (user_id, key) DO NOTHING RETURNING object_id AS id)"
        )
        source = "claim"
    values = ", ".join(_visit_param(column) for column in VISIT_COLUMNS)
    ctes.append(
        f"visit AS (INSERT INTO {visit_table} (id, {', '.join(VISIT_COLUMNS)})"  # noqa: S608
        f" SELECT id, {values} FROM {source} RETURNING id)"
    )
    arrays = ", ".join(f"%(r{i})s::{cast}[]" for i, cast in enumerate(REQUEST_CASTS))
    ctes.append(
        f"requests AS (INSERT INTO {request_table} (visit_id, {', '.join(REQUEST_COLUMNS)})"  # noqa: S608
        f" SELECT visit.id, r.* FROM visit CROSS JOIN unnest({arrays})"
        f" AS r({', '.join(REQUEST_COLUMNS)})"
        f"{' RETURNING id, outcome_id' if follow_up else ''})"
    )
    if follow_up:
        ctes.append(
            f"follow_ups AS (INSERT INTO {FollowUp._meta.db_table}"  # noqa: S608
            " (request_id, site_id, due_on, reference, created_at)"
            f" SELECT id, {_visit_param('site_id')}, %(fd)s::date, '',"
            f" {_visit_param('created_at')}"
            " FROM requests"
            " WHERE outcome_id = %(fo)s::bigint)"
        )
    return f"WITH {', '.join(ctes + list(rollup_ctes))} SELECT id FROM visit"  # noqa: S608
