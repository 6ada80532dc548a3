import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillon.labels.differences import publication_differences
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import Publication
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
        parser.add_argument("--on", help="Date of the list (YYYY-MM-DD).")
        parser.add_argument(
            "--printed",
            help="Slug of a printed list: regenerate it (its date and 'new since') and write "
            "the differences with the printed list to standard error.",
        )
        parser.add_argument("--new-since", help="Mark sites not labelled on this date.")
        parser.add_argument("--format", choices=FORMATS, default="html")
        parser.add_argument("--programme", default=FRANCE_SERVICES)
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"Réseau inconnu « {options['network']} ».")
        publication = None
        if options["printed"]:
            publication = Publication.objects.filter(slug=options["printed"]).first()
            if publication is None:
                raise CommandError(f"Liste publiée inconnue « {options['printed']} ».")
            network = publication.network
            options["on"] = options["on"] or publication.labelled_on.isoformat()
            if publication.new_since and not options["new_since"]:
                options["new_since"] = publication.new_since.isoformat()
        if not options["on"]:
            raise CommandError("Indiquez la date de la liste : --on AAAA-MM-JJ.")
        listing = labelled_sites_list(
            network=network,
            on=_day(options["on"]),
            new_since=_day(options["new_since"]) if options["new_since"] else None,
            programme=options["programme"],
        )
        if publication is not None:
            differences = publication_differences(publication, listing)
            self.stderr.write(f"Différences avec la liste imprimée ({len(differences)}) :")
            for difference in differences:
                self.stderr.write(
                    f"- {difference.where} : « {difference.printed} » → "
                    f"« {difference.corrected} » — {difference.explanation}"
                )
        content = render(listing, options["format"])
        if options["output"]:
            output = Path(options["output"])
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8")
            self.stderr.write(
                f"{listing.total} points d'accueil ({listing.new} nouveaux, "
                f"{listing.department_count} départements) → {options['output']}"
            )
        elif isinstance(content, bytes):
            if sys.stdout.isatty():
                raise CommandError("Le format docx s'écrit dans un fichier : ajoutez --output.")
            (getattr(self.stdout, "buffer", None) or sys.stdout.buffer).write(content)
        else:
            self.stdout.write(content, ending="")
