import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from rich.table import Table

from maillon.core.progress import command_console
from maillon.labels.criteria import site_self_check
from maillon.labels.enums import FRANCE_SERVICES, CriterionStatus
from maillon.network.models import Site

STYLE: dict[str, str] = {
    CriterionStatus.MET: "green",
    CriterionStatus.NOT_MET: "bold red",
    CriterionStatus.UNKNOWN: "yellow",
    CriterionStatus.NOT_APPLICABLE: "dim",
}


class Command(BaseCommand):
    help = "Self-check of a site against the label criteria: met / not met / unknown, and why."

    def add_arguments(self, parser):
        parser.add_argument("site", help="Site id, or France Services id (id_fs) with --fs-id.")
        parser.add_argument("--fs-id", action="store_true", help="SITE is an ANCT id_fs.")
        parser.add_argument("--programme", default=FRANCE_SERVICES)
        parser.add_argument("--on", help="Date (YYYY-MM-DD), default today.")

    def handle(self, *args, **options):
        console = command_console(self, width=140)
        key = options["site"]
        lookup = Q(fs_id=key) if options["fs_id"] else Q(pk=int(key) if key.isdigit() else 0)
        site = Site.objects.filter(lookup).first()
        if site is None:
            raise CommandError(f"Point d'accueil introuvable : {key}.")
        try:
            day = datetime.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as exc:
            raise CommandError(f"Date illisible « {options['on']} ».") from exc
        table = Table(title=f"Autodiagnostic — {site.name}", show_lines=True)
        for column in ("critère", "résultat", "pourquoi"):
            table.add_column(column, overflow="fold")
        for result in site_self_check(site=site, programme=options["programme"], on=day):
            table.add_row(
                result.criterion.title,
                f"[{STYLE[result.status]}]{result.status_label}[/]",
                result.why,
            )
        console.print(table)
