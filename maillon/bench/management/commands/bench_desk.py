import json
import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from rich.table import Table

from maillon.accounts.enums import Role, TokenScope
from maillon.accounts.services import api_token_create, user_create_with_membership
from maillon.activity import taxonomy
from maillon.activity.followups import TO_REVIEW
from maillon.activity.models import IdempotencyKey, Visit
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.selectors import FALLBACK_FOLLOW_UP_DAYS
from maillon.bench import desk as bench
from maillon.bench import floor as floor_app
from maillon.bench.results import BenchResult, result_record
from maillon.core.progress import command_console
from maillon.network.enums import OrganisationKind
from maillon.network.models import Organisation, Site


class Command(BaseCommand):
    help = (
        "Benchmark the desk write path: gunicorn on PostgreSQL, N concurrent clients over "
        "loopback for a bounded time, first on the framework floor (a minimal Django view "
        "writing the same rows), then on Maillon; throughput, p50/p95/p99, errors, ratio to "
        "the floor and to raw inserts; then checks every acknowledged write is stored exactly "
        "once."
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
        parser.add_argument(
            "--no-floor",
            action="store_true",
            help="skip the framework floor (a minimal Django view, run before the product)",
        )
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
            argv += [f"--{k.replace('_', '-')}" for k in ("keep_alive", "no_floor") if options[k]]
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
        vocab = taxonomy.vocabularies(refresh=True)
        code = lambda name, c: vocab[name].by_code[c].id  # noqa: E731
        rule = bench.FollowUpRule(code("outcome", TO_REVIEW), FALLBACK_FOLLOW_UP_DAYS)
        env = dict(os.environ)
        dsn = env["DATABASE_URL"]
        tokens = [(t, s) for t, s, _u in agents]
        floor = None
        if not options["no_floor"]:
            # the framework floor first: a minimal Django view writing the same rows
            env_floor = {**env, floor_app.IDS_VARIABLE: floor_ids(vocab, agents, rule)}
            body = json.dumps({**bench.VISIT_BODY, "site_id": agents[0][1]}).encode()
            floor = bench.serve_and_drive(
                app="maillon.bench.floor:application()",
                env=env_floor,
                agents=tokens,
                options=options,
                warm_body=body,
                retries=False,
            )
            with connection.cursor() as cursor:  # its rows go: the product starts from empty
                cursor.execute(f"TRUNCATE {Visit._meta.db_table} CASCADE")  # noqa: S608
        console.print(
            f"gunicorn : {options['workers']} processus × {options['threads']} fil(s), "
            f"{clients} clients ({options['client_processes']} processus clients, "
            f"connexions {'gardées' if options['keep_alive'] else 'une par requête'}), "
            f"{options['seconds']:.0f} s ; charge avant : {os.getloadavg()[0]:.2f}"
        )
        connection.close()
        run = bench.serve_and_drive(
            app="maillon.config.wsgi", env=env, agents=tokens, options=options
        )
        result, elapsed = run.result, run.elapsed
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
        raw_rate = bench.raw_insert_rate(dsn, rows, clients, options["raw_seconds"], rule)

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
        table.add_row("CPU par requête : gunicorn / PostgreSQL / clients", cpu_per_request(run))
        table.add_row("charge de la machine (1 min) à la fin", f"{run.load:.2f}")
        floor_figures = bench.summarise(floor.result, floor.elapsed) if floor else None
        if floor is not None and floor_figures is not None:
            table.add_row(
                "plancher Django (vue minimale, même gunicorn, mêmes clients)",
                f"{floor_figures['throughput']:.0f} passages/s, "
                f"p95 {floor_figures['p95_ms']:.1f} ms, erreurs {floor_figures['errors'] or 0}",
            )
            table.add_row("CPU par requête du plancher", cpu_per_request(floor))
            table.add_row(
                "[bold]rapport produit / plancher[/]",
                f"[bold]{figures['throughput'] / floor_figures['throughput']:.2f}[/]",
            )
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
        if exactly_once and not rollup_differences:  # a figure only for a correct run
            record_results(clients, figures, floor_figures, run.load)


P95_TARGET_MS = 50.0  # at 4 clients (a large network's peak)
RATIO_TARGET = 0.40  # of the framework floor, at 32 clients


def record_results(clients: int, figures: dict, floor: dict | None, load: float) -> None:
    """The desk's lines of `bench all`: throughput against the floor, and the p95 at 4 clients
    or fewer against its target."""
    if floor is not None:
        result_record(
            BenchResult(
                workload=f"desk write (HTTP, {clients} clients)",
                figure=figures["throughput"],
                limit=floor["throughput"],
                unit="visits/s",
                limit_label="Django floor",
                ratio=figures["throughput"] / floor["throughput"],
                goal=RATIO_TARGET if clients >= 32 else None,
                load=load,
                note=f"p95 {figures['p95_ms']:.0f} ms",
            )
        )
    if clients <= 4:
        result_record(
            BenchResult(
                workload=f"desk write p95 ({clients} clients)",
                figure=figures["p95_ms"],
                limit=P95_TARGET_MS,
                unit="ms",
                limit_label="target <",
                ratio=P95_TARGET_MS / figures["p95_ms"],
                goal=1.0,
                load=load,
            )
        )


def cpu_per_request(run: bench.Run) -> str:
    """Gunicorn / PostgreSQL / clients CPU per request sent, in ms."""
    per_request = 1000 / max(1, len(run.result.latencies))
    return (
        f"{run.server_cpu * per_request:.2f} / {run.database_cpu * per_request:.2f} / "
        f"{run.result.cpu_seconds * per_request:.2f} ms"
    )


def floor_ids(vocab, agents: list[tuple[str, int, int]], rule: bench.FollowUpRule) -> str:
    """What the floor's view needs to know (JSON): site → agent, codes → ids, the follow-up."""
    return json.dumps(
        {
            "agents": {str(site): user for _t, site, user in agents},
            "codes": {
                name: {term.code: term.id for term in vocab[name].by_code.values()}
                for name in ("channel", "partner", "theme", "help_kind", "outcome")
            },
            "follow_up_days": rule.days,
            "to_review": rule.outcome_id,
        }
    )


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
