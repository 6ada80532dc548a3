import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.publications import FORMATS, labelled_sites_list, render
from maillon.network.models import Network


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date illisible « {value} » : format attendu AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = (
        "Publish the list of a network's sites labelled on a date, grouped by région then "
        "département, new ones since --new-since marked with an asterisk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", default="pimms", help="Network slug.")
        parser.add_argument("--on", required=True, help="Date of the list (YYYY-MM-DD).")
        parser.add_argument("--new-since", help="Mark sites not labelled on this date.")
        parser.add_argument("--format", choices=FORMATS, default="html")
        parser.add_argument("--programme", default=FRANCE_SERVICES)
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"Réseau inconnu « {options['network']} ».")
        listing = labelled_sites_list(
            network=network,
            on=_day(options["on"]),
            new_since=_day(options["new_since"]) if options["new_since"] else None,
            programme=options["programme"],
        )
        content = render(listing, options["format"])
        if options["output"]:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(
                options["output"], mode, **({} if mode == "wb" else {"encoding": "utf-8"})
            ) as out:
                out.write(content)
            self.stderr.write(
                f"{listing.total} points d'accueil ({listing.new} nouveaux, "
                f"{listing.department_count} départements) → {options['output']}"
            )
        elif isinstance(content, bytes):
            if sys.stdout.isatty():
                raise CommandError("Le format docx s'écrit dans un fichier : ajoutez --output.")
            self.stdout.buffer.write(content) if hasattr(
                self.stdout, "buffer"
            ) else sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content, ending="")
