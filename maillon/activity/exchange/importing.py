"""`maillon import activity`: one transaction, batches, rejects; on PostgreSQL the file is read in
a second process while this one writes."""

import hashlib
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format

from maillon.accounts.models import User
from maillon.activity.exchange.parsing import (
    VisitRow,
    _Lookups,
    _parse_request,
    _parse_visit,
    _Rejected,
    _same_visit,
    add_request,
    visit_columns,
)
from maillon.activity.exchange.reading import COLUMNS, iter_rows
from maillon.activity.exchange.writing import BatchWriter, copy_available, visit_copy_text
from maillon.activity.models import ActivityImport
from maillon.core.importing import ImportFileError, Problem
from maillon.core.spreadsheets import csv_writer

BATCH_VISITS = 5_000
IMPORT_USERNAME = "maillon-import"


@dataclass
class AlreadyImported(ImportFileError):
    """The same content was imported before: refused unless `again` (nothing is written)."""

    def __init__(self, path: Path, earlier: ActivityImport):
        self.earlier = earlier
        at = timezone.localtime(earlier.imported_at)
        super().__init__(
            f"{path.name} : ce fichier a déjà été importé le {at:%d/%m/%Y à %H:%M} "
            f"(« {earlier.file_name} », {number_format(earlier.visits, force_grouping=True)} "
            f"passages) ; rien n'a été importé. Pour l'importer une seconde fois (les passages "
            f"seraient comptés deux fois), relancez avec --again."
        )


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read by blocks (`hashlib.file_digest`)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise ImportFileError(f"Impossible d'ouvrir le fichier {path} : {exc.strerror}") from exc


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
    again: bool = False,
) -> ImportReport:
    """Import a CSV/XLSX file of requests. Atomic unless `skip_invalid` (see module doc).

    A file whose content was imported before raises AlreadyImported unless `again`; each
    written import is recorded (ActivityImport) in the same transaction.

    With COPY, the file is read and checked in a second process (`parser_process`, default:
    wherever `fork` exists) that hands batches of COPY text to this one, which writes them:
    reading the next batch overlaps with the database writing the previous one."""
    sha256 = file_sha256(path)
    earlier = ActivityImport.objects.filter(sha256=sha256).order_by("-imported_at").first()
    if earlier is not None and not again:
        raise AlreadyImported(path, earlier)
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
            ActivityImport.objects.create(
                sha256=sha256,
                file_name=path.name[:300],
                agent=agent,
                rows=report.rows,
                visits=report.visits,
                requests=report.requests,
            )
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
        self.writer = csv_writer(self.handle, delimiter=";")
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
                parsed.raw = visit_columns(row)
                parsed.requests.append(_parse_request(line, row, parsed, lookups))
                finish(current)
                current = parsed
                seen_keys.add(key)
                if skip_invalid:
                    current.source.append((line, row))
            else:
                if visit_columns(row) != current.raw and not _same_visit(
                    _parse_visit(line, row, lookups), current
                ):
                    raise _Rejected(
                        Problem(
                            line,
                            "passage",
                            key,
                            "ce passage a déjà une autre date, heure, point d'accueil ou canal",
                        )
                    )
                add_request(current, _parse_request(line, row, current, lookups), line)
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
