"""`maillon import activity`: one transaction, rejects; set-based on PostgreSQL
(`exchange.setbased`), row by row with batches of writes elsewhere."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format

from maillon.accounts.models import User
from maillon.activity.exchange.parsing import (
    KEY_MISSING,
    KEY_NOT_CONSECUTIVE,
    KEY_OTHER_VISIT,
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
from maillon.activity.exchange.setbased import set_based_import
from maillon.activity.exchange.writing import BatchWriter, copy_available
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
    # seconds spent in each stage of the set-based path (empty on the portable path)
    timings: dict[str, float] = field(default_factory=dict)


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

    With COPY (PostgreSQL, `use_copy`), the import is set-based (`exchange.setbased`): the file
    is copied into a staging table and checked by joins. Elsewhere (the portable path) each row
    is checked here and visits are written by batches of `batch_visits`. Both paths report the
    same problems. `parser_process` is accepted for older callers and has no effect: the
    set-based path leaves nothing to overlap with reading."""
    del parser_process
    sha256 = file_sha256(path)
    earlier = ActivityImport.objects.filter(sha256=sha256).order_by("-imported_at").first()
    if earlier is not None and not again:
        raise AlreadyImported(path, earlier)
    use_copy = copy_available() if use_copy is None else use_copy
    report = ImportReport()
    rejects = _Rejects(rejects_path) if skip_invalid and rejects_path else None
    try:
        with transaction.atomic():
            if use_copy:
                set_based_import(
                    path=path,
                    agent_id=agent.pk,
                    report=report,
                    skip_invalid=skip_invalid,
                    rejects=rejects,
                    on_rows=on_rows,
                    max_problems=max_problems,
                )
            else:
                writer = BatchWriter(agent_id=agent.pk, use_copy=False)
                options = (batch_visits, on_rows, skip_invalid, max_problems)
                _run(path, writer, report, rejects, *options)
            if report.problems and not skip_invalid:
                raise _Rollback
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
    finally:
        if rejects:
            rejects.close()
    return report


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


class _Assembler:
    """Rows → visits: consecutive rows with the same `passage` are one visit; a bad row rejects
    its whole visit (kept for the rejects file); complete visits are written by batches."""

    def __init__(self, writer, report, rejects, batch_visits, skip_invalid, max_problems, lookups):
        self.writer, self.report, self.rejects, self.lookups = writer, report, rejects, lookups
        self.batch_visits, self.skip_invalid, self.max_problems = (
            batch_visits,
            skip_invalid,
            max_problems,
        )
        self.batch: list[VisitRow] = []
        self.current: VisitRow | None = None
        self.bad_key: str | None = None  # the visit being skipped after a bad row
        self.bad_problem: Problem | None = None
        self.bad_source: list = []
        self.seen_keys: set[str] = set()

    @property
    def writing(self) -> bool:
        return not self.report.problems or self.skip_invalid

    def _flush_bad(self) -> None:
        if self.bad_key is not None:
            self.report.rejected_rows += len(self.bad_source)
            if self.rejects:
                self.rejects.write(self.bad_source, self.bad_problem)
        self.bad_key, self.bad_source, self.bad_problem = None, [], None

    def _finish(self, visit: VisitRow | None) -> None:
        if visit is None:
            return
        self.batch.append(visit)
        self.report.visits += 1
        self.report.requests += len(visit.requests)
        if len(self.batch) >= self.batch_visits:
            if self.writing:
                self.writer.write(self.batch)
            self.batch.clear()

    def row(self, line: int, row: dict[str, str]) -> None:
        key = row.get("passage", "")
        if self.bad_key is not None and key == self.bad_key:
            self.bad_source.append((line, row))
            return
        self._flush_bad()
        if self.current is not None and key != self.current.key:
            # a visit is a run of consecutive rows: another key, or none, ends it
            self._finish(self.current)
            self.current = None
        try:
            if not key:
                raise _Rejected(Problem(line, "passage", "", KEY_MISSING))
            if self.current is None:
                self._start(line, row, key)
            else:
                self._continue(line, row, key)
        except _Rejected as rejected:
            self._reject(line, row, key, rejected.problem)

    def _start(self, line: int, row: dict[str, str], key: str) -> None:
        """The first row of a visit."""
        if key in self.seen_keys:
            raise _Rejected(Problem(line, "passage", key, KEY_NOT_CONSECUTIVE))
        parsed = _parse_visit(line, row, self.lookups)
        parsed.raw = visit_columns(row)
        parsed.requests.append(_parse_request(line, row, parsed, self.lookups))
        self.current = parsed
        self.seen_keys.add(key)
        if self.skip_invalid:
            parsed.source.append((line, row))

    def _continue(self, line: int, row: dict[str, str], key: str) -> None:
        """A further request of the current visit."""
        current = self.current
        assert current is not None  # called once a visit has started (`_start`)
        if visit_columns(row) != current.raw and not _same_visit(
            _parse_visit(line, row, self.lookups), current
        ):
            raise _Rejected(Problem(line, "passage", key, KEY_OTHER_VISIT))
        add_request(current, _parse_request(line, row, current, self.lookups), line)
        if self.skip_invalid:
            current.source.append((line, row))

    def _reject(self, line: int, row: dict[str, str], key: str, problem: Problem) -> None:
        if len(self.report.problems) < self.max_problems:
            self.report.problems.append(problem)
        self.bad_key, self.bad_problem, self.bad_source = key or None, problem, [(line, row)]
        self.seen_keys.add(key)
        if self.current is not None and self.current.key == key:
            # the visit this row belongs to is rejected as a whole
            self.bad_source = [*self.current.source, *self.bad_source]
            self.current = None
        if not key:
            self.report.rejected_rows += 1
            if self.rejects:
                self.rejects.write([(line, row)], problem)
            self.bad_key = None

    def end(self) -> None:
        self._flush_bad()
        self._finish(self.current)
        if self.batch and self.writing:
            self.writer.write(self.batch)


def _run(path, writer, report, rejects, batch_visits, on_rows, skip_invalid, max_problems):
    assembler = _Assembler(
        writer, report, rejects, batch_visits, skip_invalid, max_problems, _Lookups()
    )
    for line, row in iter_rows(path):
        report.rows += 1
        if on_rows and report.rows % 10_000 == 0:
            on_rows(10_000)
        assembler.row(line, row)
    assembler.end()
    if on_rows:
        on_rows(report.rows % 10_000)
