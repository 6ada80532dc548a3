"""Bulk import and export of visits and requests (CSV or XLSX), one row per request.

Columns (French headers; the English names in brackets are accepted too):

| colonne | contenu |
|---|---|
| passage (visit) | visit id in the file; consecutive rows with one value = one visit |
| point_accueil (site) | Maillon id of the site, or `fs:<id France Services>` |
| date | `AAAA-MM-JJ` or `JJ/MM/AAAA` (local day of the site) |
| heure (time) | `HH:MM`, optional (12:00 if empty) |
| canal (channel) | code or label of the channel |
| tranche_age (age_band) | code or label, optional |
| qpv | oui / non / empty |
| premiere_visite (first_visit) | oui / non / empty |
| duree (duration) | minutes, optional |
| partenaire (partner) | code or name of the partner, optional |
| theme | code or label |
| aide (help) | code or label (default: information) |
| issue (outcome) | code or label (default: résolu lors du passage) |
| suite (follow_up) | oui / non (default: non) |

The import streams the file, validates each row and writes by batches (COPY on PostgreSQL,
`bulk_create` elsewhere) in ONE transaction, with the rollups updated batch by batch. By default
any bad row means nothing is written; with `skip_invalid` the visits with a bad row are left out
and their rows are written to a rejects file with the reason.
"""

import csv
import datetime
import io
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from maillon.accounts.models import User
from maillon.activity import taxonomy
from maillon.activity.models import Request
from maillon.activity.rollups import rollups_add_visits, rollups_add_visits_where
from maillon.activity.services import EARLIEST_DAY
from maillon.core.importing import ImportFileError, Problem
from maillon.core.text import fold
from maillon.network.models import Site
from maillon.network.selectors import site_timezone

COLUMNS = (
    "passage",
    "point_accueil",
    "date",
    "heure",
    "canal",
    "tranche_age",
    "qpv",
    "premiere_visite",
    "duree",
    "partenaire",
    "theme",
    "aide",
    "issue",
    "suite",
)
REQUIRED = ("passage", "point_accueil", "date", "canal", "theme")
ALIASES = {
    "visit": "passage",
    "site": "point_accueil",
    "point d'accueil": "point_accueil",
    "day": "date",
    "time": "heure",
    "channel": "canal",
    "age_band": "tranche_age",
    "tranche d'age": "tranche_age",
    "first_visit": "premiere_visite",
    "premiere visite": "premiere_visite",
    "duration": "duree",
    "partner": "partenaire",
    "help": "aide",
    "help_kind": "aide",
    "outcome": "issue",
    "follow_up": "suite",
}
BATCH_VISITS = 5_000
NOON = datetime.time(12, 0)
IMPORT_USERNAME = "maillon-import"


class _Rejected(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


@dataclass
class ImportReport:
    rows: int = 0
    visits: int = 0
    requests: int = 0
    rejected_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


def import_agent(username: str | None = None) -> User:
    """The user the imported visits are attributed to (a technical, inactive account by default)."""
    if username:
        return User.objects.get(username=username)
    user, created = User.objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"is_active": False, "last_name": "Import historique"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _canonical(header: str) -> str:
    key = fold(header.strip()).replace("-", "_")
    key = ALIASES.get(key, key)
    return key.replace(" ", "_")


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row with canonical keys) for a CSV (`,` or `;`) or XLSX file, streamed."""
    if path.suffix.lower() == ".xlsx":
        yield from _iter_xlsx(path)
    else:
        yield from _iter_csv(path)


def _check_header(path: Path, header: list[str]) -> list[str]:
    keys = [_canonical(h or "") for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise ImportFileError(
            f"{path.name} : colonnes manquantes dans l'en-tête : {', '.join(missing)}."
        )
    return keys


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFileError(f"Impossible d'ouvrir le fichier {path} : {exc.strerror}") from exc
    with handle:
        try:
            first = handle.readline()
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{path.name} n'est pas encodé en UTF-8.") from exc
        delimiter = ";" if first.count(";") > first.count(",") else ","
        keys = _check_header(path, next(csv.reader([first], delimiter=delimiter)))
        reader = csv.reader(handle, delimiter=delimiter)
        line = 1
        try:
            for values in reader:
                line += 1
                if not values:
                    continue
                yield line, dict(zip(keys, (v.strip() for v in values), strict=False))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(
                f"{path.name}, ligne {line} : fichier illisible ({exc})."
            ) from exc


def _iter_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError(f"{path.name} n'est pas un classeur XLSX lisible ({exc}).") from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(f"{path.name} : la première feuille est vide.")
        keys = _check_header(path, [str(h or "") for h in header])
        for line, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield line, {k: _cell_text(v) for k, v in zip(keys, values, strict=False)}
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Lookups:
    """Codes and labels → terms; sites; dates. Built once per import."""

    def __init__(self) -> None:
        vocab = taxonomy.vocabularies(refresh=True)
        self.terms = {name: self._index(v.terms) for name, v in vocab.items()}
        self.sites: dict[str, int] = {}
        self.zones: dict[int, datetime.tzinfo] = {}
        for site in Site.objects.select_related("commune__region").only(
            "pk", "fs_id", "commune__region__timezone"
        ):
            self.sites[str(site.pk)] = site.pk
            if site.fs_id:
                self.sites[f"fs:{site.fs_id}"] = site.pk
            self.zones[site.pk] = site_timezone(site)
        self.dates: dict[str, datetime.date | None] = {}
        self.today = timezone.localdate()

    @staticmethod
    def _index(terms) -> dict[str, Any]:
        index = {}
        for term in terms:
            index[fold(term.label)] = term
            index[term.code] = term
        return index

    def term(self, name: str, value: str, line: int, column: str, *, day):
        term = self.terms[name].get(value) or self.terms[name].get(fold(value))
        if term is None:
            raise _Rejected(Problem(line, column, value, "valeur inconnue"))
        if not term.is_valid_on(day):
            raise _Rejected(
                Problem(line, column, value, f"n'est pas valable le {day.strftime('%d/%m/%Y')}")
            )
        return term.id

    def day(self, value: str, line: int) -> datetime.date:
        if value not in self.dates:
            self.dates[value] = _parse_day(value)
        day = self.dates[value]
        if day is None:
            raise _Rejected(
                Problem(line, "date", value, "date illisible (AAAA-MM-JJ ou JJ/MM/AAAA)")
            )
        if day > self.today:
            raise _Rejected(Problem(line, "date", value, "la date est dans le futur"))
        if day < EARLIEST_DAY:
            raise _Rejected(
                Problem(
                    line, "date", value, "la date est antérieure à l'ouverture du point d'accueil"
                )
            )
        return day


def _parse_day(value: str) -> datetime.date | None:
    try:
        if len(value) == 10 and value[4] == "-":
            return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        if len(value) == 10 and value[2] == "/":
            return datetime.date(int(value[6:]), int(value[3:5]), int(value[:2]))
    except ValueError:
        return None
    return None


_YES = {"oui": True, "o": True, "1": True, "vrai": True, "true": True, "yes": True}
_NO = {"non": False, "n": False, "0": False, "faux": False, "false": False, "no": False}


def _tristate(value: str, line: int, column: str) -> bool | None:
    if not value:
        return None
    key = value.lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise _Rejected(Problem(line, column, value, "attendu : oui, non ou vide"))


def _time(value: str, line: int) -> datetime.time:
    if not value:
        return NOON
    try:
        hours, minutes = value.split(":")[:2]
        return datetime.time(int(hours), int(minutes))
    except ValueError:
        raise _Rejected(Problem(line, "heure", value, "heure illisible (HH:MM)")) from None


def _duration(value: str, line: int) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > 600:
        raise _Rejected(Problem(line, "duree", value, "durée en minutes entre 0 et 600 attendue"))
    return int(value)


@dataclass
class VisitRow:
    key: str
    line: int
    site_id: int
    day: datetime.date
    occurred_at: datetime.datetime
    channel_id: int
    age_band_id: int | None
    qpv_resident: bool | None
    first_visit: bool | None
    duration_minutes: int | None
    requests: list[tuple] = field(default_factory=list)  # (partner, theme, help, outcome, follow)
    source: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _parse_visit(line: int, row: dict[str, str], lookups: _Lookups) -> VisitRow:
    site_id = lookups.sites.get(row.get("point_accueil", ""))
    if site_id is None:
        raise _Rejected(
            Problem(line, "point_accueil", row.get("point_accueil", ""), "point d'accueil inconnu")
        )
    day = lookups.day(row.get("date", ""), line)
    moment = datetime.datetime.combine(day, _time(row.get("heure", ""), line)).replace(
        tzinfo=lookups.zones[site_id]
    )
    age = row.get("tranche_age", "")
    return VisitRow(
        key=row.get("passage", ""),
        line=line,
        site_id=site_id,
        day=day,
        occurred_at=moment,
        channel_id=lookups.term("channel", row.get("canal", ""), line, "canal", day=day),
        age_band_id=lookups.term("age_band", age, line, "tranche_age", day=day) if age else None,
        qpv_resident=_tristate(row.get("qpv", ""), line, "qpv"),
        first_visit=_tristate(row.get("premiere_visite", ""), line, "premiere_visite"),
        duration_minutes=_duration(row.get("duree", ""), line),
    )


def _parse_request(line: int, row: dict[str, str], visit: VisitRow, lookups: _Lookups) -> tuple:
    day = visit.day
    partner = row.get("partenaire", "")
    help_kind = row.get("aide", "") or "information"
    outcome = row.get("issue", "") or "resolu"
    if not row.get("theme"):
        raise _Rejected(Problem(line, "theme", "", "le thème est obligatoire"))
    return (
        lookups.term("partner", partner, line, "partenaire", day=day) if partner else None,
        lookups.term("theme", row["theme"], line, "theme", day=day),
        lookups.term("help_kind", help_kind, line, "aide", day=day),
        lookups.term("outcome", outcome, line, "issue", day=day),
        bool(_tristate(row.get("suite", ""), line, "suite")),
    )


def _same_visit(a: VisitRow, b: VisitRow) -> bool:
    return (a.site_id, a.day, a.occurred_at, a.channel_id) == (
        b.site_id,
        b.day,
        b.occurred_at,
        b.channel_id,
    )


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

    def __init__(self, *, agent_id: int, use_copy: bool, defer_rollups: bool = False) -> None:
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
            visits, requests = visit_copy_text(batch, agent_id=self.agent_id, now=timezone.now())
            self.write_copy_text(visits, requests)
        else:
            rollups_add_visits(self._bulk(batch))

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
        if not self.defer_rollups:
            rollups_add_visits(ids)

    def _bulk(self, batch: list[VisitRow]) -> list[int]:
        """Portable path: `executemany` of plain tuples."""
        now = timezone.now()
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
                " help_kind_id, outcome_id, follow_up) VALUES (%s, %s, %s, %s, %s, %s, %s)",
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
REQUEST_COPY_COLUMNS = "position, partner_id, theme_id, help_kind_id, outcome_id, follow_up"


def _copy_value(value) -> str:
    """COPY text of the values an import writes (ids, dates, booleans: nothing to escape)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


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
                    _copy_value(v.age_band_id),
                    _copy_value(v.qpv_resident),
                    _copy_value(v.first_visit),
                    _copy_value(v.duration_minutes),
                    stamp,
                    stamp,
                ]
            )
        )
        requests.append(
            [f"{i}\t" + "\t".join(map(_copy_value, r)) for i, r in enumerate(v.requests)]
        )
    return visits, requests


def copy_available() -> bool:
    """COPY is a PostgreSQL acceleration; `ACTIVITY_IMPORT_COPY=false` turns it off."""
    return connection.vendor == "postgresql" and getattr(settings, "ACTIVITY_IMPORT_COPY", True)


def activity_import(
    path: Path,
    *,
    agent: User,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    use_copy: bool | None = None,
    batch_visits: int = BATCH_VISITS,
    on_rows: Callable[[int], None] | None = None,
    max_problems: int = 1_000,
    parser_process: bool | None = None,
) -> ImportReport:
    """Import a CSV/XLSX file of requests. Atomic unless `skip_invalid` (see module doc).

    With COPY, the file is read and checked in a second process (`parser_process`, default:
    wherever `fork` exists) that hands batches of COPY text to this one, which writes them:
    reading the next batch overlaps with the database writing the previous one."""
    use_copy = copy_available() if use_copy is None else use_copy
    if parser_process is None:
        parser_process = use_copy and "fork" in multiprocessing.get_all_start_methods()
    writer = BatchWriter(agent_id=agent.pk, use_copy=use_copy, defer_rollups=True)
    report = ImportReport()
    lookups = _Lookups()
    rejects_path = rejects_path if skip_invalid else None
    options = (path, lookups, rejects_path, batch_visits, skip_invalid, max_problems)
    try:
        with transaction.atomic():
            if parser_process:
                _run_beside_parser(writer, report, on_rows, *options)
            else:
                _run_here(writer, report, on_rows, *options)
            if report.problems and not skip_invalid:
                raise _Rollback
            writer.finish()
            report.written = True
    except _Rollback:
        report.visits = report.requests = 0
    return report


def _run_here(writer, report, on_rows, path, lookups, rejects_path, batch, skip, max_problems):
    rejects = _Rejects(rejects_path) if rejects_path else None
    try:
        _run(path, writer, report, rejects, batch, on_rows, skip, max_problems, lookups)
    finally:
        if rejects:
            rejects.close()


class _Sender:
    """In the parsing process: each batch goes to the writing process as COPY text."""

    def __init__(self, pipe, agent_id: int) -> None:
        self.pipe, self.agent_id, self.now = pipe, agent_id, timezone.now()

    def write(self, batch: list[VisitRow]) -> None:
        visits, requests = visit_copy_text(batch, agent_id=self.agent_id, now=self.now)
        self.pipe.send(("batch", visits, requests))


def _parser_main(pipe, agent_id: int, *options) -> None:
    """The parsing process (forked: it has the lookups, and never touches the database)."""
    report = ImportReport()
    try:
        _run_here(_Sender(pipe, agent_id), report, lambda n: pipe.send(("rows", n)), *options)
        pipe.send(("done", report))
    except Exception as exc:  # noqa: BLE001 - handed to the writing process, which raises it
        pipe.send(("error", exc))
    finally:
        pipe.close()


def _run_beside_parser(writer: BatchWriter, report: ImportReport, on_rows, *options) -> None:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)  # a pipe: the parser is ≤ 1 batch ahead
    process = context.Process(
        target=_parser_main, args=(sender, writer.agent_id, *options), daemon=True
    )
    process.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise ImportFileError("La lecture du fichier s'est interrompue.") from None
            if message[0] == "batch":
                writer.write_copy_text(*message[1:])
            elif message[0] == "rows":
                if on_rows:
                    on_rows(message[1])
            elif message[0] == "error":
                raise message[1]
            else:
                parsed: ImportReport = message[1]
                break
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        receiver.close()
    for name in ("rows", "visits", "requests", "rejected_rows", "problems"):
        setattr(report, name, getattr(parsed, name))


class _Rollback(Exception):
    pass


class _Rejects:
    def __init__(self, path: Path) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, delimiter=";")
        self.writer.writerow(["ligne", *COLUMNS, "erreur"])

    def write(self, source: list[tuple[int, dict[str, str]]], problem: Problem) -> None:
        for line, row in source:
            self.writer.writerow([line, *(row.get(c, "") for c in COLUMNS), str(problem)])

    def close(self) -> None:
        self.handle.close()


def _run(path, writer, report, rejects, batch_visits, on_rows, skip_invalid, max_problems, lookups):
    batch: list[VisitRow] = []
    current: VisitRow | None = None
    bad_key: str | None = None  # the visit being skipped after a bad row
    bad_problem: Problem | None = None
    bad_source: list = []
    seen_keys: set[str] = set()

    def flush_bad():
        nonlocal bad_key, bad_source, bad_problem
        if bad_key is not None:
            report.rejected_rows += len(bad_source)
            if rejects:
                rejects.write(bad_source, bad_problem)
        bad_key, bad_source, bad_problem = None, [], None

    def finish(visit: VisitRow | None):
        if visit is None:
            return
        batch.append(visit)
        report.visits += 1
        report.requests += len(visit.requests)
        if len(batch) >= batch_visits:
            if not report.problems or skip_invalid:
                writer.write(batch)
            batch.clear()

    for line, row in iter_rows(path):
        report.rows += 1
        if on_rows and report.rows % 10_000 == 0:
            on_rows(10_000)
        key = row.get("passage", "")
        if bad_key is not None and key == bad_key:
            bad_source.append((line, row))
            continue
        flush_bad()
        try:
            if not key:
                raise _Rejected(Problem(line, "passage", "", "identifiant de passage obligatoire"))
            if current is None or key != current.key:
                if key in seen_keys:
                    raise _Rejected(
                        Problem(
                            line,
                            "passage",
                            key,
                            "les lignes d'un même passage doivent se suivre",
                        )
                    )
                parsed = _parse_visit(line, row, lookups)
                parsed.requests.append(_parse_request(line, row, parsed, lookups))
                finish(current)
                current = parsed
                seen_keys.add(key)
                if skip_invalid:
                    current.source.append((line, row))
            else:
                again = _parse_visit(line, row, lookups)
                if not _same_visit(again, current):
                    raise _Rejected(
                        Problem(
                            line,
                            "passage",
                            key,
                            "ce passage a déjà une autre date, heure, point d'accueil ou canal",
                        )
                    )
                current.requests.append(_parse_request(line, row, current, lookups))
                if skip_invalid:
                    current.source.append((line, row))
        except _Rejected as rejected:
            if len(report.problems) < max_problems:
                report.problems.append(rejected.problem)
            bad_key, bad_problem, bad_source = key or None, rejected.problem, [(line, row)]
            seen_keys.add(key)
            if current is not None and current.key == key:
                # the visit this row belongs to is rejected as a whole
                bad_source = [*current.source, *bad_source]
                current = None
            if not key:
                report.rejected_rows += 1
                if rejects:
                    rejects.write([(line, row)], rejected.problem)
                bad_key = None
    flush_bad()
    finish(current)
    if batch and (not report.problems or skip_invalid):
        writer.write(batch)
    if on_rows:
        on_rows(report.rows % 10_000)


# --- export ----------------------------------------------------------------------------------


def export_rows(
    *, site_ids: list[int] | None = None, start=None, end=None, chunk: int = 10_000
) -> Iterator[list[str]]:
    """Rows of the import format, visit by visit, streamed from the database."""
    vocab = taxonomy.vocabularies(refresh=True)
    zones = {
        s.pk: site_timezone(s)
        for s in Site.objects.select_related("commune__region").only(
            "pk", "commune__region__timezone"
        )
    }
    requests = Request.objects.all()
    if site_ids:
        requests = requests.filter(visit__site_id__in=site_ids)
    if start:
        requests = requests.filter(visit__day__gte=start)
    if end:
        requests = requests.filter(visit__day__lte=end)
    rows = requests.order_by("visit_id", "position").values_list(
        "visit_id",
        "visit__site_id",
        "visit__day",
        "visit__occurred_at",
        "visit__channel_id",
        "visit__age_band_id",
        "visit__qpv_resident",
        "visit__first_visit",
        "visit__duration_minutes",
        "partner_id",
        "theme_id",
        "help_kind_id",
        "outcome_id",
        "follow_up",
    )
    yes_no = {True: "oui", False: "non", None: ""}

    def code(name, pk):
        return vocab[name].by_id[pk].code if pk else ""

    for (
        visit_id,
        site_id,
        day,
        occurred_at,
        channel_id,
        age_id,
        qpv,
        first,
        duration,
        partner_id,
        theme_id,
        help_id,
        outcome_id,
        follow_up,
    ) in rows.iterator(chunk_size=chunk):
        yield [
            str(visit_id),
            str(site_id),
            day.isoformat(),
            occurred_at.astimezone(zones[site_id]).strftime("%H:%M"),
            code("channel", channel_id),
            code("age_band", age_id),
            yes_no[qpv],
            yes_no[first],
            "" if duration is None else str(duration),
            code("partner", partner_id),
            code("theme", theme_id),
            code("help_kind", help_id),
            code("outcome", outcome_id),
            yes_no[follow_up],
        ]


def export_csv(rows: Iterator[list[str]], handle: io.TextIOBase) -> int:
    writer = csv.writer(handle, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export_xlsx(rows: Iterator[list[str]], path: Path) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("demandes")
    sheet.append(list(COLUMNS))
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count
