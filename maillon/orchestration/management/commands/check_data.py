import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.table import Table

from maillon.core.progress import command_console
from maillon.core.spreadsheets import csv_writer
from maillon.labels.enums import Severity
from maillon.network.models import Network
from maillon.orchestration.quality import data_quality_findings

STYLE: dict[str, str] = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}


class Command(BaseCommand):
    help = (
        "Data-quality check (`maillon check`): printed lists against the data and the official "
        "geography, declared figures, duplicate sites, INSEE codes, opening hours vs criteria; "
        "live checks of the public data (hours, holiday rule, freshness, geography, the last "
        "imports' rejected rows, stops outside their territory), each with its link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", default="", help="Network slug (default: all).")
        parser.add_argument("--on", help="Date for label-dependent checks (default: today).")
        parser.add_argument("--csv", help="Also write the findings to this CSV file.")
        parser.add_argument(
            "--fail-on-error", action="store_true", help="Exit with status 1 on any error."
        )

    def handle(self, *args, **options):
        console = command_console(self, width=140)
        network = None
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"Réseau inconnu « {options['network']} ».")
        try:
            day = datetime.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as exc:
            raise CommandError(f"Date illisible « {options['on']} ».") from exc
        findings = data_quality_findings(network=network, on=day)
        base = getattr(settings, "MAILLON_BASE_URL", "").rstrip("/")

        table = Table(title="Contrôle de la qualité des données", show_lines=True, expand=True)
        for column in ("gravité", "quoi", "où", "pourquoi", "correction proposée"):
            table.add_column(column, overflow="fold")
        for finding in findings:
            table.add_row(
                f"[{STYLE[finding.severity]}]{finding.severity_label}[/]",
                finding.what,
                finding.where,
                finding.why,
                finding.fix + (f"\n→ {base}{finding.link}" if finding.link else ""),
            )
        console.print(table)
        counts = {s: sum(f.severity == s for f in findings) for s in Severity}
        console.print(
            f"{len(findings)} constats : {counts[Severity.ERROR]} erreurs, "
            f"{counts[Severity.WARNING]} avertissements, {counts[Severity.INFO]} informations."
        )
        if options["csv"]:
            with open(options["csv"], "w", encoding="utf-8", newline="") as handle:
                writer = csv_writer(handle)
                writer.writerow(["code", "gravité", "quoi", "où", "pourquoi", "correction", "lien"])
                for f in findings:
                    link = f"{base}{f.link}" if f.link else ""
                    writer.writerow([f.code, f.severity_label, f.what, f.where, f.why, f.fix, link])
        if options["fail_on_error"] and counts[Severity.ERROR]:
            raise SystemExit(1)
