import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillon.core.importing import ImportFileError
from maillon.core.progress import command_console
from maillon.network.merging import add_overwrite_argument
from maillon.orchestration.importers.pimms import DATA_DIR, SITE_FIELDS, pimms_network_import


class Command(BaseCommand):
    help = (
        "Load (or reload) the curated dataset of the Union nationale des PIMMS: organisations, "
        "sites, labelling waves and decisions, printed lists, declared figures, certification."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DATA_DIR), help="Dataset directory.")
        add_overwrite_argument(parser, SITE_FIELDS)

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        started = time.perf_counter()
        try:
            with console.status("Jeu de données PIMMS…"):
                result = pimms_network_import(
                    directory=Path(options["dir"]), overwrite=frozenset(options["overwrite"])
                )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        console.print(
            f"[bold]Réseau PIMMS[/] : {result.organisations} structures, "
            f"{result.sites_created} points d'accueil créés et {result.sites_updated} mis à jour "
            f"({result.sites_kept} valeurs gardées : structure porteuse, saisies d'un "
            f"gestionnaire), "
            f"{result.waves} vagues, {result.decisions_created} décisions ajoutées et "
            f"{result.decisions_linked} rattachées à leur vague, {result.publications} listes "
            f"publiées ({result.entries} lignes), {result.figures} chiffres déclarés, "
            f"{result.certifications} certifications. Durée {time.perf_counter() - started:.1f} s."
        )
