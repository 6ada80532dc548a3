"""Cursors for hot statements: prepared on PostgreSQL, and the request's first statement doing
the connection health check's job without its extra round trip.

Django binds parameters on the client and never prepares (`prepare_threshold = None`), and with
`CONN_HEALTH_CHECKS` it sends `SELECT 1` before a request's first query. The desk's write path
(`POST /api/v1/visits`) runs three statements; each of those costs PostgreSQL a parse and a
plan when sent as text, and the health check is a fourth round trip.
"""

from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import DatabaseError, connection
from django.db.backends.utils import CursorDebugWrapper

PREPARE_THRESHOLD = 5


class _LoggedCursor(CursorDebugWrapper):
    """Django cannot show the SQL of a prepared statement (it logs None): log the text."""

    def execute(self, sql, params=None):
        try:
            return super().execute(sql, params)
        finally:
            log = self.db.queries_log
            if log and log[-1]["sql"] is None:
                log[-1]["sql"] = sql


@contextmanager
def prepared_cursor():
    """A cursor binding parameters on the server, so that psycopg prepares a statement after
    it ran 5 times: PostgreSQL then parses and plans the hot statements once per connection.
    (Django turns preparing off with `prepare_threshold = None`; its own cursors bind on the
    client and never prepare, so turning it back on changes only the cursors made here.)"""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = PREPARE_THRESHOLD
    cursor = psycopg.Cursor(raw)
    try:
        yield (
            _LoggedCursor(cursor, connection)
            if connection.queries_logged
            # the stub types the argument as Django's CursorWrapper; Django wraps a DB-API cursor
            else connection.make_cursor(cursor)  # type: ignore[arg-type]
        )
    finally:
        cursor.close()


def hot_cursor():
    """The cursor for hot statements: prepared on PostgreSQL, plain elsewhere."""
    return prepared_cursor() if connection.vendor == "postgresql" else connection.cursor()


def _fetch_one(sql: str, params: Sequence[Any] | dict[str, Any]) -> tuple | None:
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def first_fetch_one(sql: str, params: Sequence[Any] | dict[str, Any]) -> tuple | None:
    """The first row of a read-only statement run first in a request, on a prepared cursor.

    It stands for the connection's health check (`CONN_HEALTH_CHECKS`): a persistent
    connection that the server dropped fails this statement instead of `SELECT 1`; it is then
    closed, reopened and the statement run once more — the same outcome (no error 500) without
    a round trip for every request. Only outside a transaction and before the request's check,
    like Django's; either way the check is then done for the request."""
    # Django's own attributes for its check (4.1+), absent from django-stubs
    check = (
        connection.connection is not None
        and getattr(connection, "health_check_enabled", False)
        and not getattr(connection, "health_check_done", True)
        and not connection.in_atomic_block
    )
    try:
        row = _fetch_one(sql, params)
    except DatabaseError:
        if not check or connection.is_usable():
            raise
        connection.close()
        row = _fetch_one(sql, params)
    if check:
        connection.health_check_done = True  # type: ignore[attr-defined]
    return row
