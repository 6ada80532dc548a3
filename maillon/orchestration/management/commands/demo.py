import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.table import Table

from maillon.core.progress import command_console
from maillon.orchestration.demo import (
    DemoAccount,
    demo_accounts_create,
    demo_agreements_create,
    demo_stops_create,
)
from maillon.orchestration.generators.cases import demo_cases_create, demo_referents_create
from maillon.orchestration.generators.followups import demo_followups_create
from maillon.orchestration.worker import demo_worker


class Command(BaseCommand):
    help = (
        "Create the embedded database, load the official geography, the France Services list "
        "and the demo accounts, then serve http://127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load, then stop.")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        started = time.perf_counter()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        console.print(f"[bold]Maillon — démo[/] ({settings.DATABASES['default']['NAME']})")
        call_command("migrate", interactive=False, verbosity=0)
        console.print("Base de données prête.")
        call_command("import_geo", stdout=self.stdout)
        call_command("import_france_services", stdout=self.stdout, verbosity=0)
        call_command("import_pimms_network", stdout=self.stdout)
        accounts = demo_accounts_create()
        agreements = demo_agreements_create()
        if agreements:
            console.print(f"Conventions de démonstration : {agreements} créées.")
        stops = demo_stops_create()
        if stops:
            console.print(f"Arrêts de démonstration des bus : {stops} créés.")
        call_command("generate_activity", network="pimms", scale=0.1, full_scale="fs:62,fs:63")
        call_command("generate_staff", network="pimms", stdout=self.stdout)
        accounts += [
            DemoAccount(
                r.username,
                r.password,
                "référent partenaire",
                f"{r.partner} — départements {r.territory}",
            )
            for r in demo_referents_create()
        ]
        cases_started = time.perf_counter()
        cases = demo_cases_create()
        console.print(
            f"Dossiers transmis aux partenaires : {cases} créés "
            f"en {time.perf_counter() - cases_started:.1f} s."
        )
        # after the cases: a request sent to a partner is no longer « à revoir », so the demo
        # agent's recent cases and his follow-ups are different requests, as at a real desk
        opened = demo_followups_create()
        console.print(f"Suites à donner ouvertes pour l'agent de démonstration : {opened}.")

        table = Table(title="Comptes de démonstration")
        for column in ("identifiant", "mot de passe", "rôle", "périmètre"):
            table.add_column(column)
        for account in accounts:
            table.add_row(account.username, account.password, account.role, account.scope)
        console.print(table)
        console.print(f"Démo prête en {time.perf_counter() - started:.0f} s.")
        if options["no_serve"]:
            return
        console.print(f"Ouvrez http://{options['addr']}/ (Ctrl+C pour arrêter).")
        with demo_worker() as worker:
            console.print(f"Tâches de fond : un worker tourne (processus {worker.pid}).")
            call_command("runserver", options["addr"], use_reloader=False, skip_checks=True)
