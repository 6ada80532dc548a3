"""PostgreSQL: a visit written in one statement, one round trip.

The idempotency claim, the visit, its requests and its contribution to the four visit rollups
are data-modifying CTEs of a single statement. A statement is atomic by itself, so outside a
transaction the desk pays no BEGIN/COMMIT round trips either; inside one (tests, "same as last")
it is simply part of it. The visit id is drawn from its sequence first so the idempotency key is
inserted already bound to it; if the key was claimed before (a retry, or a concurrent request
with the same key: `ON CONFLICT DO NOTHING` waits for it), nothing else is written and the
caller reads the first result. The generic path (`services.visit_record` on SQLite, or with
`ACTIVITY_SINGLE_STATEMENT = False`) writes the same rows with one statement per table.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import connection

from maillon.activity.models import IdempotencyKey, Request, Visit
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
VISIT_CASTS = ("bigint", "bigint", "timestamptz", "date", "bigint", "bigint", "boolean")
VISIT_CASTS += ("boolean", "integer", "timestamptz", "timestamptz")
REQUEST_COLUMNS = ("position", "partner_id", "theme_id", "help_kind_id", "outcome_id", "follow_up")
REQUEST_CASTS = ("integer", "bigint", "bigint", "bigint", "bigint", "boolean")


def enabled() -> bool:
    single = getattr(settings, "ACTIVITY_SINGLE_STATEMENT", True)
    return single and connection.vendor == "postgresql"


def _placeholders(casts: tuple[str, ...]) -> str:
    return ", ".join(f"%s::{cast}" for cast in casts)


def visit_insert(
    *,
    fields: dict[str, Any],
    requests: list[Request],
    delta: Delta,
    key: str | None,
    kind: str,
    fingerprint: str,
    now: datetime.datetime,
) -> int | None:
    """Write the visit `fields` (VISIT_COLUMNS), its `requests` and the rollup `delta`; return
    the visit id, or None if `key` was already claimed by this user (then nothing is written)."""
    visit_table, request_table = Visit._meta.db_table, Request._meta.db_table
    ctes = [f"new_visit AS (SELECT nextval(pg_get_serial_sequence('{visit_table}', 'id')) AS id)"]
    params: list = []
    source = "new_visit"
    if key:
        ctes.append(
            f"claim AS (INSERT INTO {IdempotencyKey._meta.db_table}"  # noqa: S608
            " (user_id, key, kind, fingerprint, object_id, created_at)"
            " SELECT %s, %s, %s, %s, id, %s FROM new_visit"
            " ON CONFLICT (user_id, key) DO NOTHING RETURNING object_id AS id)"
        )
        params += [fields["agent_id"], key, kind, fingerprint, now]
        source = "claim"
    ctes.append(
        f"visit AS (INSERT INTO {visit_table} (id, {', '.join(VISIT_COLUMNS)})"  # noqa: S608
        f" SELECT id, {_placeholders(VISIT_CASTS)} FROM {source} RETURNING id)"
    )
    params += [fields[column] for column in VISIT_COLUMNS]
    row_sql = f"({_placeholders(REQUEST_CASTS)})"
    ctes.append(
        f"requests AS (INSERT INTO {request_table} (visit_id, {', '.join(REQUEST_COLUMNS)})"  # noqa: S608
        f" SELECT visit.id, r.* FROM visit CROSS JOIN"
        f" (VALUES {', '.join([row_sql] * len(requests))}) AS r({', '.join(REQUEST_COLUMNS)}))"
    )
    for r in requests:
        params += [r.position, r.partner_id, r.theme_id, r.help_kind_id, r.outcome_id, r.follow_up]
    rollup_ctes, rollup_params = delta.upsert_ctes(gate="visit")
    ctes += rollup_ctes
    params += rollup_params
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT id FROM visit", params)  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None
