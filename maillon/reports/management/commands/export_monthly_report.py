"""`maillon export monthly-report --site 12 --period 2024-03 --format csv --output mars.csv`"""

from pathlib import Path

from maillon.core.management.base import DomainCommand
from maillon.reports.management.options import period_option
from maillon.reports.monthly import monthly_report
from maillon.reports.rendering.monthly import (
    monthly_report_csv,
    monthly_report_filename,
    monthly_report_xlsx,
)


class Command(DomainCommand):
    help = "Export the France Services monthly report of a site (XLSX or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--site", type=int, required=True, help="Maillon id of the site.")
        parser.add_argument("--period", required=True, help="2024-03 (or any run of months)")
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        parser.add_argument("--output", "-o", type=Path, help="File; default generated name")

    def handle(self, *args, **options):
        period = period_option(options["period"])
        report = monthly_report(user=None, site_id=options["site"], period=period)
        fmt = options["format"]
        content = monthly_report_xlsx(report) if fmt == "xlsx" else monthly_report_csv(report)
        output = options["output"] or Path(monthly_report_filename(report, fmt))
        output.write_bytes(content)
        self.stderr.write(f"Rapport mensuel de {report.site.name} ({period.code}) → {output}")
