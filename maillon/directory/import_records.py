"""The record of each import of public data and the rows it rejected, read by the live
data-quality check (`maillon check`, the network head's quality page)."""

from django.db import transaction

from maillon.core.importing import Problem
from maillon.directory.models import ImportRecord

KEPT_REJECTS = 5000  # a whole file of rejects is not kept, its count is


@transaction.atomic
def import_record_save(
    *, kind: str, file_name: str, rows: int, rejected: list[Problem]
) -> ImportRecord:
    return ImportRecord.objects.create(
        kind=kind,
        file_name=file_name[:300],
        rows=rows,
        rejected=[
            {"line": p.line, "column": p.column, "value": p.value[:300], "reason": p.reason}
            for p in rejected[:KEPT_REJECTS]
        ],
    )


def last_imports() -> list[ImportRecord]:
    """The latest record of each kind of import."""
    latest: dict[str, ImportRecord] = {}
    for record in ImportRecord.objects.order_by("kind", "-ran_at", "-pk"):
        latest.setdefault(record.kind, record)
    return list(latest.values())
