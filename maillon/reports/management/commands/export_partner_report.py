"""`maillon export partner-report --partner caf --period 2024 --format xlsx --output caf.xlsx`"""

from pathlib import Path

from django.core.management.base import CommandError

from maillon.core.management.base import DomainCommand
from maillon.reports.management.options import period_option
from maillon.reports.partner import partner_report
from maillon.reports.rendering.partner import (
    partner_report_filename,
    partner_report_pdf,
    partner_report_xlsx,
)
from maillon.reports.rendering.pdf import PdfUnavailable


class Command(DomainCommand):
    help = (
        "Export the partner report (XLSX or PDF) over every site under agreement with the "
        "partner during the period (the installation administrator's view)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="Partner code (caf, cpam, edf…).")
        parser.add_argument(
            "--period", required=True, help="2024, 2024-T2, 2024-03, 2024-01..2024-06"
        )
        parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
        parser.add_argument(
            "--output", "-o", type=Path, help="File; default rapport-CODE-PERIOD.EXT"
        )

    def handle(self, *args, **options):
        period = period_option(options["period"])
        report = partner_report(user=None, partner_code=options["partner"], period=period)
        fmt = options["format"]
        try:
            content = partner_report_xlsx(report) if fmt == "xlsx" else partner_report_pdf(report)
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error
        output = options["output"] or Path(partner_report_filename(report, fmt))
        output.write_bytes(content)
        self.stderr.write(
            f"Rapport {report.partner.code} {period.code} : {len(report.sites)} points d'accueil, "
            f"{report.total} demandes → {output}"
        )
