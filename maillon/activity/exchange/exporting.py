"""`maillon export activity`: the import format, streamed from the database."""

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from maillon.activity import taxonomy
from maillon.activity.exchange.reading import COLUMNS
from maillon.activity.models import Request
from maillon.core.spreadsheets import csv_writer, sheet_append
from maillon.network.models import Site
from maillon.network.selectors import site_timezone


def export_rows(
    *, site_ids: list[int] | None = None, start=None, end=None, chunk: int = 10_000
) -> Iterator[list[str]]:
    """Rows of the import format, visit by visit, streamed from the database."""
    vocab = taxonomy.vocabularies(refresh=True)
    zones = {
        s.pk: site_timezone(s)
        for s in Site.objects.select_related("commune__region").only(
            "pk", "commune__timezone", "commune__region__timezone"
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


def export_csv(rows: Iterator[list[str]], handle: TextIO) -> int:
    writer = csv_writer(handle, delimiter=";", lineterminator="\n")
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
    sheet_append(sheet, COLUMNS)
    count = 0
    for row in rows:
        sheet_append(sheet, row)
        count += 1
    workbook.save(path)
    return count
