"""PostgreSQL: the import as a handful of set-based statements in the import's transaction.

1. The file is streamed (`iter_columns`) into a temporary staging table by COPY, each row with its
   line, its run (a visit: consecutive rows with one non-empty `passage`) and its position in
   the run. Python holds one row at a time. A plain CSV (`reading.plain_csv`: no quote, no
   carriage return, no blank line, no value beginning or ending with white space) is parsed by
   PostgreSQL itself (`setbased_copy`: `COPY … (FORMAT csv)` of its lines by large chunks, each
   prefixed with its line, run, position and first-row texts); anything else, or a file
   PostgreSQL refuses (rolled back to a savepoint), is read row by row by `iter_columns`.
2. Each column's distinct values are checked ONCE in Python by the portable path's own functions
   (`_Lookups`, `_tristate`, `_time`, `_duration`) into a small mapping table: parsed value, or
   not valid. The sites' time zones become a table of UTC offsets per zone and day.
3. One statement joins every row to the mappings and computes its first problem in the portable
   path's order of checks (`CHECKS`); a run with a problem is rejected from its first bad row.
4. Each rejected run's Problem comes from re-running the portable checks on that one row in
   Python: line, column, value and reason are the portable path's (test_import_paths compares).
5. Unless there is a problem and bad rows are not skipped: one INSERT … SELECT per fact table
   and one aggregation per rollup table (`rollups_add_visits_where`).
"""

import contextlib
import datetime
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

from django.db import connection
from django.utils import timezone

from maillon.activity import bounds, taxonomy
from maillon.activity.exchange.parsing import (
    KEY_MISSING,
    KEY_NOT_CONSECUTIVE,
    KEY_OTHER_VISIT,
    _duration,
    _Lookups,
    _parse_request,
    _parse_visit,
    _Rejected,
    _time,
    _tristate,
)
from maillon.activity.exchange.reading import COLUMNS, iter_columns, plain_csv
from maillon.activity.exchange.setbased_checks import (
    CHECKS,
    LOOKED_UP,
    NOT_CONSECUTIVE,
    OTHER_VISIT,
    TOO_MANY,
    VOCABULARY,
    zone_days,
)
from maillon.activity.exchange.setbased_copy import copy_plain_csv
from maillon.activity.followups import TO_REVIEW, followups_attach_many
from maillon.activity.models import Request, Visit
from maillon.activity.rollups import Batch, rollups_add_batch, rollups_add_visits_where
from maillon.core.importing import Problem
from maillon.core.text import fold

ROWS = "maillon_import_rows"
VALUES = "maillon_import_values"
ZONES = "maillon_import_zone_days"
CHECKED = "maillon_import_checked"
BAD = "maillon_import_bad_runs"
IDS = "maillon_import_ids"
DEFAULTS = "maillon_import_defaults"
REPEATED = "maillon_import_repeated_keys"
TABLES = (ROWS, VALUES, ZONES, CHECKED, BAD, IDS, DEFAULTS, REPEATED)
# The columns a visit's rows must repeat (`_same_visit`) → (the mapping's field, the name of the
# first row's value). A row that is not its visit's first carries the first row's text of each
# where it differs (else NULL): compared without a window over the visit (a sort of every row).
HEAD_VALUES = {
    "point_accueil": ("num", "site_id"),
    "date": ("day", "day"),
    "heure": ("t", "t"),
    "canal": ("num", "channel_id"),
}
HEAD = tuple(HEAD_VALUES)
SOURCE = ", ".join(f"s.{c}" for c in ("line", "run", "pos", *COLUMNS))  # a staged row, as read
FETCH = 2_000  # rows per round trip when reading results back
# Memory for each sort and hash of the import's statements (the checks' window functions, the
# rollup aggregations), for its transaction only: at 4 MB (the default) they spill to disk.
WORK_MEM = "64MB"


class SetBasedImport:
    """One import on PostgreSQL, inside the caller's transaction (see the module doc)."""

    def __init__(self, cursor, lookups: _Lookups, timings: dict[str, float]) -> None:
        self.cursor, self.lookups = cursor, lookups  # a psycopg cursor
        self.timings = timings  # seconds per stage, filled as the stages run

    @contextlib.contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started

    def stage(self, path: Path, on_rows: Callable[[int], None] | None) -> int:
        """Create the work tables, stream the file into the staging table, check every row."""
        self.cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
        columns = ", ".join(f"{c} text DEFAULT ''" for c in COLUMNS)  # '': a column absent
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {ROWS} (line integer, run integer, pos integer, {columns},"
            f" {', '.join(f'h_{c} text' for c in HEAD)})"
        )
        with self.timed("copy"):
            rows = self._copy_rows(path, on_rows)
        with self.timed("resolve"):
            self._resolve()
        with self.timed("check"):
            self._check()
        return rows

    def _copy_rows(self, path: Path, on_rows: Callable[[int], None] | None) -> int:
        plan = plain_csv(path)
        rows = None
        if plan is not None and not plan.spaced:  # else Python strips each value
            rows = copy_plain_csv(self.cursor, path, plan, ROWS, HEAD)
        if rows is None:
            rows = self._copy_each_row(path, on_rows)
        elif on_rows and rows:
            on_rows(rows)
        self.cursor.execute(f"ANALYZE {ROWS}")
        return rows

    def _copy_each_row(self, path: Path, on_rows: Callable[[int], None] | None) -> int:
        """Python reads each row (`iter_columns`) and sends it: any file `plain_csv` refuses."""
        rows, run, pos, previous = 0, 0, 0, ""
        width = len(HEAD)
        head: list[str] = []
        same: list[str | None] = [None] * width  # a visit's first row: NULLs
        heads = same
        assert COLUMNS[1 : 1 + width] == HEAD  # the first row's texts: values[1 : 1 + width]
        with self.cursor.copy(f"COPY {ROWS} FROM STDIN") as copy:
            for line, values in iter_columns(path):
                key = values[0]  # passage
                if key and key == previous:
                    pos += 1
                    texts = values[1 : 1 + width]
                    heads = (
                        same
                        if texts == head
                        else [h if h != v else None for h, v in zip(head, texts, strict=True)]
                    )
                else:
                    run, pos, heads = run + 1, 0, same
                    head = values[1 : 1 + width]
                previous = key
                copy.write_row((line, run, pos, *values, *heads))
                rows += 1
                if on_rows and rows % 10_000 == 0:
                    on_rows(10_000)
        if on_rows and rows % 10_000:
            on_rows(rows % 10_000)
        return rows

    def _resolve(self) -> None:
        """The mapping table: every distinct value of every looked-up column, checked once;
        and the UTC offsets of each time zone on each day met."""
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {VALUES} (col text, value text, ok boolean, num bigint,"
            " day date, t time, flag boolean, zone integer, valid_from date, valid_until date)"
        )
        zones: dict[str, tuple[int, datetime.tzinfo]] = {}
        days: set[datetime.date] = set()
        records = []  # a column's distinct values: few (no COPY may run beside a query)
        for column, value in self._distinct_values():
            record = self._resolved(column, value, zones)
            if column == "date" and record[0]:
                days.add(record[2])
            records.append((column, value, *record))
        with self.cursor.copy(f"COPY {VALUES} FROM STDIN") as copy:
            for record in records:
                copy.write_row(record)
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {ZONES} (zone integer, day date, before_s integer,"
            " after_s integer, switch time)"
        )
        with self.cursor.copy(f"COPY {ZONES} FROM STDIN") as copy:
            for number, zone in zones.values():
                for record in zone_days(zone, sorted(days)):
                    copy.write_row((number, *record))
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {DEFAULTS} (site_id bigint, help_kind_id bigint,"
            " outcome_id bigint)"
        )
        with self.cursor.copy(f"COPY {DEFAULTS} FROM STDIN") as copy:
            for site_id, defaults in self.lookups.defaults.items():
                copy.write_row((site_id, defaults.help_kind_id, defaults.outcome_id))
        for table in (VALUES, ZONES, DEFAULTS):  # their sizes: hash joins, not sorts
            self.cursor.execute(f"ANALYZE {table}")

    def _distinct_values(self) -> list[tuple[str, str]]:
        """(column, value) for each distinct value of each looked-up column, in ONE scan of the
        staging table (grouping sets; `GROUPING(…)` has a 0 bit for the column grouped on)."""
        columns, expressions = list(LOOKED_UP), ", ".join(LOOKED_UP.values())
        sets = ", ".join(f"({sql})" for sql in LOOKED_UP.values())
        self.cursor.execute(
            f"SELECT GROUPING({expressions}), {expressions} FROM {ROWS} s"  # noqa: S608
            f" GROUP BY GROUPING SETS ({sets})"
        )
        last = len(columns) - 1
        distinct = []
        for grouping, *values in self.cursor.fetchall():
            index = last - (((1 << len(columns)) - 1) ^ grouping).bit_length() + 1
            distinct.append((columns[index], values[index]))
        return distinct

    def _resolved(self, column: str, value: str, zones: dict) -> tuple:
        """(ok, num, day, t, flag, zone, valid_from, valid_until) of one value of `column`."""
        num = day = moment = flag = zone = start = end = None
        lookups = self.lookups
        try:
            if column == "point_accueil":
                num = lookups.sites.get(value)
                if num is None:
                    return (False, *[None] * 7)
                tz = lookups.zones[num]
                zone = zones.setdefault(str(tz), (len(zones), tz))[0]
            elif column == "date":
                day = lookups.day(value, 0)
            elif column == "heure":
                moment = _time(value, 0)
            elif column in VOCABULARY:
                terms = lookups.terms[VOCABULARY[column]]
                term = terms.get(value) or terms.get(fold(value))
                if term is None:
                    return (False, *[None] * 7)
                num, start, end = term.id, term.valid_from, term.valid_until
            elif column == "duree":
                num = _duration(value, 0)
            else:
                flag = _tristate(value, 0, column)
        except _Rejected:
            return (False, *[None] * 7)
        return True, num, day, moment, flag, zone, start, end

    def _check(self) -> None:
        """The checked rows: resolved ids, their visit's first row, each row's first problem;
        then the rejected runs (visits) with their first bad row."""
        aliases = {c: f"m{i}" for i, c in enumerate(LOOKED_UP)}
        joins = " ".join(
            f"LEFT JOIN {VALUES} {a} ON {a}.col = '{c}' AND {a}.value = {LOOKED_UP[c]}"
            for c, a in aliases.items()
        )
        oks = ", ".join(f"{a}.ok AS ok_{c}" for c, a in aliases.items())
        periods = ", ".join(
            f"{aliases[c]}.valid_from AS vf_{c}, {aliases[c]}.valid_until AS vu_{c}"
            for c in VOCABULARY
        )
        problem = " ".join(f"WHEN {sql} THEN {i}" for i, (_, sql) in enumerate(CHECKS))
        m = aliases
        # the first row's values of a visit: the row's own where its text is the first row's
        joins += " ".join(
            f" LEFT JOIN {VALUES} n{i} ON n{i}.col = '{c}' AND n{i}.value = s.h_{c}"
            for i, c in enumerate(HEAD)
        )
        heads = ", ".join(
            f"CASE WHEN s.h_{c} IS NULL THEN {m[c]}.{field} ELSE n{i}.{field} END AS h_{name}"
            for i, (c, (field, name)) in enumerate(HEAD_VALUES.items())
        )
        # a key met in two runs (not consecutive): few, found without sorting every row
        self.cursor.execute(
            f'CREATE TEMPORARY TABLE {REPEATED} AS SELECT passage COLLATE "C" AS passage,'  # noqa: S608
            f" min(run) AS first_run FROM {ROWS} WHERE pos = 0 GROUP BY 1 HAVING count(*) > 1"
        )
        self.cursor.execute(f"ANALYZE {REPEATED}")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {CHECKED} AS WITH r AS ("  # noqa: S608 - constants only
            " SELECT s.line, s.run, s.pos, s.passage, s.theme, s.tranche_age, s.partenaire,"
            " s.aide, s.issue,"
            f" {m['point_accueil']}.num AS site_id, {m['date']}.day, {m['heure']}.t,"
            f" {m['canal']}.num AS channel_id, {m['tranche_age']}.num AS age_band_id,"
            f" {m['qpv']}.flag AS qpv, {m['premiere_visite']}.flag AS first_visit,"
            f" {m['duree']}.num AS minutes, {m['partenaire']}.num AS partner_id,"
            f" {m['theme']}.num AS theme_id, CASE s.aide WHEN '' THEN d.help_kind_id"
            f" ELSE {m['aide']}.num END AS help_kind_id, CASE s.issue WHEN '' THEN d.outcome_id"
            f" ELSE {m['issue']}.num END AS outcome_id,"
            f" COALESCE({m['suite']}.flag, false) AS follow_up,"
            f" (({m['date']}.day + {m['heure']}.t) - make_interval(secs => CASE WHEN z.switch"
            f" IS NULL OR {m['heure']}.t < z.switch THEN z.before_s ELSE z.after_s END))"
            " AT TIME ZONE 'UTC' AS occurred_at,"
            f" k.first_run, {heads}, {oks}, {periods}"
            f" FROM {ROWS} s {joins}"
            f" LEFT JOIN {ZONES} z ON z.zone = {m['point_accueil']}.zone"
            f" AND z.day = {m['date']}.day"
            f" LEFT JOIN {DEFAULTS} d ON d.site_id = {m['point_accueil']}.num"
            f' LEFT JOIN {REPEATED} k ON k.passage = s.passage COLLATE "C"'
            ") SELECT x.line, x.run, x.pos, x.site_id, x.day, x.occurred_at, x.channel_id,"
            " x.age_band_id, x.qpv, x.first_visit, x.minutes, x.partner_id, x.theme_id,"
            " x.help_kind_id, x.outcome_id, x.follow_up, x.aide = '' AS help_defaulted,"
            f" x.issue = '' AS outcome_defaulted, CASE {problem} END AS problem FROM r x"
        )
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {BAD} AS SELECT DISTINCT ON (run) run, line AS bad_line,"  # noqa: S608
            f" problem, day FROM {CHECKED} WHERE problem IS NOT NULL ORDER BY run, line"
        )

    # --- the report ------------------------------------------------------------------------

    def counts(self, *, skip_invalid: bool) -> tuple[int, int, int]:
        """(visits, requests, rejected rows): as the portable path counts them (when bad rows
        are not skipped, the rows of a visit before its bad row are not counted as rejected)."""
        self.cursor.execute(
            "SELECT count(*) FILTER (WHERE b.run IS NULL AND c.pos = 0),"  # noqa: S608
            " count(*) FILTER (WHERE b.run IS NULL),"
            " count(*) FILTER (WHERE b.run IS NOT NULL AND (%s OR c.line >= b.bad_line))"
            f" FROM {CHECKED} c LEFT JOIN {BAD} b ON b.run = c.run",
            [skip_invalid],
        )
        return self.cursor.fetchone()

    def _stream(self, sql: str, params: list | None = None) -> Iterator[tuple]:
        """The rows of a query, through a server-side cursor (a few thousand at a time)."""
        with self.cursor.connection.cursor(name="maillon_import_read") as server:
            server.itersize = FETCH
            server.execute(sql, params)
            yield from server

    def problems(self) -> Iterator[tuple[int, Problem]]:
        """(run, Problem) of each rejected visit, in the order of the file."""
        rows = self._stream(
            f"SELECT b.run, b.problem, b.day, c.pos, {SOURCE} FROM {BAD} b"  # noqa: S608
            f" JOIN {ROWS} s ON s.line = b.bad_line JOIN {CHECKED} c ON c.line = b.bad_line"
            " ORDER BY b.bad_line"
        )
        for run, code, day, pos, line, _run, _pos, *values in rows:
            row = dict(zip(COLUMNS, values, strict=True))
            yield run, self.problem(code, line, row, day, pos)

    def problem(self, code: int, line: int, row: dict[str, str], day, pos: int) -> Problem:
        """The Problem of check `code` on a row, worded by the portable path's own checks."""
        key = row["passage"]
        if code == 0:
            return Problem(line, "passage", "", KEY_MISSING)
        if code == NOT_CONSECUTIVE:
            return Problem(line, "passage", key, KEY_NOT_CONSECUTIVE)
        if code == OTHER_VISIT:
            return Problem(line, "passage", key, KEY_OTHER_VISIT)
        if code == TOO_MANY:
            return Problem(line, "passage", key, str(bounds.REQUESTS.error(pos + 1)))
        try:
            if code < OTHER_VISIT:
                _parse_visit(line, row, self.lookups)
            else:
                site_id = self.lookups.sites[row["point_accueil"]]  # checked: a request's check
                visit = SimpleNamespace(day=day, site_id=site_id)
                _parse_request(line, row, visit, self.lookups)  # type: ignore[arg-type]
        except _Rejected as rejected:
            if rejected.problem.column == CHECKS[code][0]:
                return rejected.problem
        raise AssertionError(f"line {line}: check {code} failed in SQL, not in Python")

    def rejected_rows(self, *, skip_invalid: bool) -> Iterator[tuple[int, int, dict[str, str]]]:
        """(run, line, row) of the rows of every rejected visit, in the order of the file."""
        rows = self._stream(
            f"SELECT {SOURCE} FROM {ROWS} s JOIN {BAD} b ON b.run = s.run"  # noqa: S608
            " WHERE %s OR s.line >= b.bad_line ORDER BY s.line",
            [skip_invalid],
        )
        for line, run, _pos, *values in rows:
            yield run, line, dict(zip(COLUMNS, values, strict=True))

    # --- writing ---------------------------------------------------------------------------

    def write(self, *, agent_id: int) -> None:
        """The valid visits and their requests, then their contribution to the rollups."""
        with self.timed("facts"):
            self._write_facts(agent_id)
        with self.timed("follow-ups"):
            self._open_follow_ups()
        with self.timed("rollups"):
            self.cursor.execute(f"SELECT min(id), max(id), count(*) FROM {IDS}")  # noqa: S608
            low, high, count = self.cursor.fetchone()
            if count and high - low + 1 == count:  # no concurrent writer drew ids meanwhile
                # a range on both fact tables: each is read by its index, no join to find the
                # batch's requests
                rollups_add_batch(
                    Batch(
                        "v.id BETWEEN %s AND %s",
                        [low, high],
                        "r.visit_id BETWEEN %s AND %s",
                        [low, high],
                    ),
                    bulk=True,
                )
            elif count:
                rollups_add_visits_where(f"v.id IN (SELECT id FROM {IDS})", [], bulk=True)  # noqa: S608

    def _write_facts(self, agent_id: int) -> None:
        visits, requests = Visit._meta.db_table, Request._meta.db_table
        now = timezone.now()
        # the sequence looked up once: `pg_get_serial_sequence` in the statement would resolve
        # the table's name (and lock it) again for every visit
        self.cursor.execute(f"SELECT pg_get_serial_sequence('{visits}', 'id')::regclass::oid")
        sequence = self.cursor.fetchone()[0]
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {IDS} AS SELECT c.run,"  # noqa: S608
            " nextval(%s::oid) AS id"
            f" FROM {CHECKED} c WHERE c.pos = 0"
            f" AND NOT EXISTS (SELECT FROM {BAD} b WHERE b.run = c.run) ORDER BY c.run",
            [sequence],
        )
        self.cursor.execute(f"ANALYZE {IDS}")  # its size: a hash join, not two sorts
        self.cursor.execute(
            f"INSERT INTO {visits} (id, site_id, agent_id, occurred_at, day, channel_id,"  # noqa: S608
            " age_band_id, qpv_resident, first_visit, duration_minutes, created_at, updated_at)"
            " SELECT i.id, c.site_id, %s, c.occurred_at, c.day, c.channel_id, c.age_band_id,"
            " c.qpv, c.first_visit, c.minutes, %s, %s"
            f" FROM {CHECKED} c JOIN {IDS} i ON i.run = c.run WHERE c.pos = 0",  # file order
            [agent_id, now, now],
        )
        self.cursor.execute(
            f"INSERT INTO {requests} (visit_id, position, partner_id, theme_id, help_kind_id,"  # noqa: S608
            " outcome_id, follow_up, help_defaulted, outcome_defaulted) SELECT i.id, c.pos,"
            " c.partner_id, c.theme_id, c.help_kind_id, c.outcome_id, c.follow_up,"
            " c.help_defaulted, c.outcome_defaulted"
            f" FROM {CHECKED} c JOIN {IDS} i ON i.run = c.run"  # in the order of the file
        )

    def _open_follow_ups(self) -> None:
        """The follow-ups of the « à revoir » requests imported, as every write path opens them
        (`followups_attach_many`, on the few visits that have such a request)."""
        term = taxonomy.term_by_code("outcome", TO_REVIEW)
        if term is None:
            return
        self.cursor.execute(
            f"SELECT DISTINCT i.id FROM {IDS} i JOIN {CHECKED} c ON c.run = i.run"  # noqa: S608
            " WHERE c.outcome_id = %s ORDER BY i.id",
            [term.id],
        )
        ids = [row[0] for row in self.cursor.fetchall()]
        for start in range(0, len(ids), 5_000):
            followups_attach_many(visit_ids=ids[start : start + 5_000])

    def drop(self) -> None:
        self.cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")


def set_based_import(*, path, agent_id, report, skip_invalid, rejects, on_rows, max_problems):
    """Fill `report` and, unless a row is bad and bad rows are not skipped, write the valid
    visits. `rejects` (or None) has `write(source, problem)` as in the portable path."""
    with connection.cursor() as wrapper:
        wrapper.cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        work = SetBasedImport(wrapper.cursor, _Lookups(), report.timings)
        report.rows = work.stage(path, on_rows)
        with work.timed("counts"):
            report.visits, report.requests, report.rejected_rows = work.counts(
                skip_invalid=skip_invalid
            )
        reasons: dict[int, Problem] = {}
        for run, problem in work.problems():
            if len(report.problems) < max_problems:
                report.problems.append(problem)
            if rejects is not None:
                reasons[run] = problem
            elif len(report.problems) >= max_problems:
                break
        if rejects is not None:
            for run, line, row in work.rejected_rows(skip_invalid=skip_invalid):
                rejects.write([(line, row)], reasons[run])
        if skip_invalid or not report.problems:
            work.write(agent_id=agent_id)
        work.drop()
