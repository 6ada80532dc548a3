import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from rich.table import Table

from maillon.accounts.enums import Role, TokenScope
from maillon.accounts.services import api_token_create, user_create_with_membership
from maillon.activity import taxonomy
from maillon.activity.models import IdempotencyKey, Visit
from maillon.activity.rollups_verify import rollups_compare
from maillon.bench import desk as bench
from maillon.core.progress import command_console
from maillon.network.enums import OrganisationKind
from maillon.network.models import Organisation, Site


class Command(BaseCommand):
    help = (
        "Benchmark the desk write path: gunicorn on PostgreSQL, N concurrent clients over "
        "loopback for a bounded time; throughput, p50/p95/p99, errors, ratio to raw inserts; "
        "then checks every acknowledged write is stored exactly once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database-url", default=bench.DEFAULT_DESK_URL)
        parser.add_argument("--clients", type=int, default=32)
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
        parser.add_argument(
            "--keep-alive",
            action="store_true",
            help="clients keep their connection (needs --threads > 1: sync workers close it)",
        )
        parser.add_argument("--client-processes", type=int, default=2)
        parser.add_argument("--raw-seconds", type=float, default=10.0)
        parser.add_argument("--inner", action="store_true", help=argparse_hidden())

    def handle(self, *args, **options):
        if not options["inner"]:
            bench.recreate_database(options["database_url"])
            argv = [
                f"--{k.replace('_', '-')}={options[k]}"
                for k in (
                    "database_url",
                    "clients",
                    "seconds",
                    "workers",
                    "threads",
                    "client_processes",
                    "raw_seconds",
                )
            ]
            if options["keep_alive"]:
                argv.append("--keep-alive")
            sys.exit(bench.run_inner("bench_desk", options["database_url"], argv))
        self.run(options)

    def run(self, options):
        console = command_console(self, width=120)
        assert connection.vendor == "postgresql", "bench desk runs on PostgreSQL"
        call_command("migrate", interactive=False, verbosity=0)
        clients = options["clients"]
        organisation = Organisation.objects.create(
            name="PIMMS du banc d'essai", kind=OrganisationKind.ASSOCIATION
        )
        agents = []
        for i in range(clients):
            site = Site.objects.create(organisation=organisation, name=f"Banc {i}")
            user = user_create_with_membership(
                username=f"banc{i}",
                password="banc-essai-1",  # noqa: S106
                role=Role.AGENT,
                site=site,
            )
            _token, raw = api_token_create(user=user, name="banc", scope=TokenScope.WRITE)
            agents.append((raw, site.pk, user.pk))
        port = bench.free_port()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        env = dict(os.environ)
        server = subprocess.Popen(  # noqa: S603
            [
                gunicorn,
                "maillon.config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        try:
            bench.wait_for_port(port)
            bench._post(port, agents[0][0], b"{}", "warm-up")  # import everything once
            time.sleep(1)
            console.print(
                f"gunicorn : {options['workers']} processus × {options['threads']} fil(s), "
                f"{clients} clients ({options['client_processes']} processus clients, "
                f"connexions {'gardées' if options['keep_alive'] else 'une par requête'}), "
                f"{options['seconds']:.0f} s ; charge avant : {os.getloadavg()[0]:.2f}"
            )
            dsn = os.environ["DATABASE_URL"]
            workers_before = bench.cpu_seconds(bench.child_pids(server.pid))
            backends_before = bench.cpu_seconds(bench.backend_pids(dsn))
            started = time.monotonic()
            result = bench.drive(
                port,
                [(t, s) for t, s, _u in agents],
                options["seconds"],
                options["client_processes"],
                keep_alive=options["keep_alive"],
            )
            elapsed = time.monotonic() - started
            server_cpu = bench.cpu_used(
                workers_before, bench.cpu_seconds(bench.child_pids(server.pid))
            )
            database_cpu = bench.cpu_used(
                backends_before, bench.cpu_seconds(bench.backend_pids(dsn))
            )
            load = os.getloadavg()[0]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        figures = bench.summarise(result, elapsed)

        # exactly once: every acknowledged key → its visit, stored once; nothing else stored
        acked_ids = list(result.acked.values())
        stored = Visit.objects.filter(pk__in=acked_ids).count()
        bound = dict(
            IdempotencyKey.objects.filter(key__in=list(result.acked)).values_list(
                "key", "object_id"
            )
        )
        mismatched = sum(1 for k, v in result.acked.items() if bound.get(k) != v)
        total_visits = Visit.objects.count()
        total_keys = IdempotencyKey.objects.count()
        _, _, rollup_differences = rollups_compare()

        # raw inserts of the same rows, same concurrency
        vocab = taxonomy.vocabularies(refresh=True)
        code = lambda name, c: vocab[name].by_code[c].id  # noqa: E731
        requests = [
            (
                code("partner", r["partner"]),
                code("theme", r["theme"]),
                code("help_kind", r.get("help_kind", "information")),
                code("outcome", r.get("outcome", "resolu")),
                r.get("follow_up", False),
            )
            for r in bench.VISIT_REQUESTS
        ]
        rows = [(s, u, code("channel", "sur-site"), requests) for _t, s, u in agents]
        connection.close()
        raw_rate = bench.raw_insert_rate(
            os.environ["DATABASE_URL"], rows, clients, options["raw_seconds"]
        )

        table = Table(title="maillon bench desk — POST /api/v1/visits (2 demandes par passage)")
        table.add_column("mesure")
        table.add_column("valeur", justify="right")
        table.add_row("durée", f"{elapsed:.1f} s")
        table.add_row("requêtes envoyées", f"{figures['requests']:,}")
        table.add_row("passages acquittés (201)", f"{figures['acknowledged']:,}")
        table.add_row("débit", f"{figures['throughput']:.0f} passages/s")
        table.add_row(
            "latence p50 / p95 / p99",
            f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} / {figures['p99_ms']:.1f} ms",
        )
        table.add_row("erreurs", str(figures["errors"] or 0))
        per_visit = 1000 / max(1, figures["requests"])
        table.add_row(
            "CPU par requête : gunicorn / PostgreSQL / clients",
            f"{server_cpu * per_visit:.2f} / {database_cpu * per_visit:.2f} / "
            f"{result.cpu_seconds * per_visit:.2f} ms",
        )
        table.add_row("charge de la machine (1 min) à la fin", f"{load:.2f}")
        table.add_row("insertions SQL brutes (même concurrence)", f"{raw_rate:.0f} passages/s")
        table.add_row("rapport HTTP / SQL brut", f"{figures['throughput'] / raw_rate:.2f}")
        table.add_row(
            "rejeux même clé → même passage",
            f"{result.retries_consistent} ok, {result.retries_inconsistent} incohérent(s)",
        )
        table.add_row("acquittés présents en base", f"{stored:,} / {len(acked_ids):,}")
        table.add_row("clé ↔ passage incohérents", str(mismatched))
        table.add_row(
            "passages en base / clés",
            f"{total_visits:,} / {total_keys:,} (avant insertions brutes)",
        )
        table.add_row("différences cumuls / détail", str(rollup_differences))
        console.print(table)
        exactly_once = stored == len(acked_ids) and mismatched == 0 and total_visits == total_keys
        console.print(
            "[green]Chaque écriture acquittée est enregistrée exactement une fois.[/]"
            if exactly_once
            else "[red]Écritures perdues ou en double ![/]"
        )


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
