"""Writing batches of imported visits: COPY on PostgreSQL, `executemany` elsewhere, with rollups."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from maillon.activity.exchange.parsing import VisitRow
from maillon.activity.followups import followups_attach_many
from maillon.activity.rollups import rollups_add_visits, rollups_add_visits_where
from maillon.activity.rollups_copy import copy_value


def _new_visit_ids(cursor, n: int) -> list[int]:
    """Ids for `n` new visits: from the sequence on PostgreSQL; after the maximum elsewhere
    (SQLite: inside the write transaction, a concurrent writer fails rather than collides)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('activity_visit', 'id')) "
            "FROM generate_series(1, %s)",
            [n],
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM activity_visit")
    first = cursor.fetchone()[0] + 1
    return list(range(first, first + n))


def _db_datetime(value: datetime.datetime):
    """What Django's backend stores for an aware datetime (UTC on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


class BatchWriter:
    """Writes batches of visits with their requests and rollups.

    With `defer_rollups` (COPY only), the ids of the visits written are kept in a temporary
    table and `finish()` adds the whole import to the rollups in one aggregation per table,
    still inside the import's transaction: a site × day × … key met in several batches is
    upserted once, which is most of the rollup work of an import."""

    def __init__(
        self,
        *,
        agent_id: int,
        use_copy: bool,
        defer_rollups: bool = False,
        open_follow_ups: bool = True,
        add_rollups: bool = True,
    ) -> None:
        """`open_follow_ups`: open the follow-ups of the « à revoir » requests written (the
        import); the demo generator turns it off and opens recent ones itself.
        `add_rollups=False`: the caller adds the rollups itself (the generator aggregates its
        rows in memory, `rollups_copy.delta_apply_copy`)."""
        self.open_follow_ups = open_follow_ups
        self.add_rollups = add_rollups
        self.now = timezone.now()  # created_at and updated_at of the rows written
        self.agent_id = agent_id
        self.use_copy = use_copy
        self.defer_rollups = defer_rollups and use_copy
        self.deferred = False

    def finish(self) -> None:
        if self.deferred:
            imported = f"v.id IN (SELECT id FROM {IMPORTED_IDS})"  # noqa: S608 - a constant
            rollups_add_visits_where(imported, [])
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {IMPORTED_IDS}")
            self.deferred = False

    def _defer(self, cursor, ids: list[int]) -> None:
        if not self.deferred:
            cursor.execute(f"CREATE TEMPORARY TABLE {IMPORTED_IDS} (id bigint) ON COMMIT DROP")
            self.deferred = True
        with cursor.cursor.copy(f"COPY {IMPORTED_IDS} (id) FROM STDIN") as copy:
            copy.write("".join([f"{pk}\n" for pk in ids]))

    def write(self, batch: list[VisitRow]) -> None:
        if not batch:
            return
        if self.use_copy:
            visits, requests = visit_copy_text(batch, agent_id=self.agent_id, now=self.now)
            self.write_copy_text(visits, requests)
        else:
            ids = self._bulk(batch)
            if self.add_rollups:
                rollups_add_visits(ids)
            if self.open_follow_ups:
                followups_attach_many(visit_ids=ids)

    def write_copy_text(self, visits: list[str], requests: list[list[str]]) -> None:
        """PostgreSQL: a batch already in COPY text (`visit_copy_text`), e.g. from the parsing
        process; only the ids are added here."""
        visit_copy = f"COPY activity_visit (id, {VISIT_COPY_COLUMNS}) FROM STDIN"
        request_copy = f"COPY activity_request (visit_id, {REQUEST_COPY_COLUMNS}) FROM STDIN"
        with connection.cursor() as cursor:
            ids = _new_visit_ids(cursor, len(visits))
            with cursor.cursor.copy(visit_copy) as copy:
                copy.write("".join([f"{pk}\t{v}\n" for pk, v in zip(ids, visits, strict=True)]))
            with cursor.cursor.copy(request_copy) as copy:
                copy.write(
                    "".join(
                        [
                            f"{pk}\t{line}\n"
                            for pk, lines in zip(ids, requests, strict=True)
                            for line in lines
                        ]
                    )
                )
            if self.defer_rollups:
                self._defer(cursor, ids)
        if self.add_rollups and not self.defer_rollups:
            rollups_add_visits(ids)
        if self.open_follow_ups:
            followups_attach_many(visit_ids=ids)

    def _bulk(self, batch: list[VisitRow]) -> list[int]:
        """Portable path: `executemany` of plain tuples."""
        now = self.now
        with connection.cursor() as cursor:
            ids = _new_visit_ids(cursor, len(batch))
            cursor.executemany(
                "INSERT INTO activity_visit (id, site_id, agent_id, occurred_at, day, channel_id,"
                " age_band_id, qpv_resident, first_visit, duration_minutes, created_at,"
                " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        pk,
                        v.site_id,
                        self.agent_id,
                        _db_datetime(v.occurred_at),
                        v.day,
                        v.channel_id,
                        v.age_band_id,
                        v.qpv_resident,
                        v.first_visit,
                        v.duration_minutes,
                        _db_datetime(now),
                        _db_datetime(now),
                    )
                    for pk, v in zip(ids, batch, strict=True)
                ],
            )
            cursor.executemany(
                "INSERT INTO activity_request (visit_id, position, partner_id, theme_id,"
                " help_kind_id, outcome_id, follow_up, help_defaulted, outcome_defaulted)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (pk, i, *r)
                    for pk, v in zip(ids, batch, strict=True)
                    for i, r in enumerate(v.requests)
                ],
            )
        return ids


IMPORTED_IDS = "maillon_imported_visits"
VISIT_COPY_COLUMNS = (
    "site_id, agent_id, occurred_at, day, channel_id, age_band_id, qpv_resident, first_visit,"
    " duration_minutes, created_at, updated_at"
)
REQUEST_COPY_COLUMNS = (
    "position, partner_id, theme_id, help_kind_id, outcome_id, follow_up, help_defaulted,"
    " outcome_defaulted"
)


def visit_copy_text(batch: list[VisitRow], *, agent_id: int, now: datetime.datetime):
    """A batch as COPY text without the visit ids (VISIT_COPY_COLUMNS, REQUEST_COPY_COLUMNS):
    plain strings cross a process boundary much more cheaply than objects."""
    stamp = now.isoformat()
    visits, requests = [], []
    for v in batch:
        visits.append(
            "\t".join(
                [
                    str(v.site_id),
                    str(agent_id),
                    v.occurred_at.isoformat(),
                    v.day.isoformat(),
                    str(v.channel_id),
                    copy_value(v.age_band_id),
                    copy_value(v.qpv_resident),
                    copy_value(v.first_visit),
                    copy_value(v.duration_minutes),
                    stamp,
                    stamp,
                ]
            )
        )
        requests.append(
            [f"{i}\t" + "\t".join(map(copy_value, r)) for i, r in enumerate(v.requests)]
        )
    return visits, requests


def copy_available() -> bool:
    """COPY is a PostgreSQL acceleration; `ACTIVITY_IMPORT_COPY=false` turns it off."""
    return connection.vendor == "postgresql" and getattr(settings, "ACTIVITY_IMPORT_COPY", True)
