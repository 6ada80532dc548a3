from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillon.core.progress import command_console, progress_bar
from maillon.network.models import Network, Organisation
from maillon.orchestration.generators.activity import period
from maillon.orchestration.generators.staff import staff_generate


class Command(BaseCommand):
    help = (
        "Generate fictitious demo staff (employees, contracts, France Services trainings, exits) "
        "for the organisations of a network, over the last N months."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", default="pimms", help="Slug of a network.")
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"Réseau inconnu : {options['network']}")
        organisations = list(Organisation.objects.in_network(network).order_by("pk"))
        start, end = period(options["months"], end=timezone.localdate())
        total = {"employees": 0, "exits": 0, "skipped": 0}
        with progress_bar(console) as progress:
            task = progress.add_task("structures", total=len(organisations))
            for organisation in organisations:
                report = staff_generate(
                    organisations=[organisation], start=start, end=end, seed=options["seed"]
                )
                for key in total:
                    total[key] += getattr(report, key)
                progress.advance(task)
        console.print(
            f"Équipes : {total['employees']} salariés, {total['exits']} sorties "
            f"({total['skipped']} structure(s) déjà renseignée(s))."
        )
