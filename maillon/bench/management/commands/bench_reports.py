import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from rich.console import Console
from rich.table import Table

from maillon.accounts.models import User
from maillon.accounts.services import api_token_create
from maillon.activity.models import Request, Visit, VisitMonthlyRollup
from maillon.bench.desk import free_port, percentile, run_inner, wait_for_port
from maillon.bench.memory import memory_summary
from maillon.bench.reports import COMPARED, raw_key_figures
from maillon.bench.results import BenchResult, result_record
from maillon.core.progress import command_console
from maillon.network.models import Network, Site
from maillon.orchestration.generators.activity import REQUESTS_PER_YEAR
from maillon.reports.periods import Period, add_months, first_of_month
from maillon.reports.scopes import Scope, scope_get

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/maillon_bench_reports"
NETWORK = "pimms"  # the network level of the bench: the PIMMS network on the FS sites


class Command(BaseCommand):
    help = (
        "Benchmark key figures over ~10 M requests on PostgreSQL: each scope level and period "
        "through HTTP (rollups) and as a raw GROUP BY on the fact tables; p50/p95, the ratio, "
        "and a check that both give identical numbers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database-url", default=DEFAULT_URL)
        parser.add_argument("--requests", type=int, default=10_000_000, help="requests wanted")
        parser.add_argument("--repeat", type=int, default=20, help="HTTP calls per query")
        parser.add_argument("--raw-repeat", type=int, default=3, help="raw GROUP BY runs")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--fresh", action="store_true", help="drop the database and generate again"
        )
        parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["inner"]:
            return self.run(options)
        url = options["database_url"]
        _ensure_database(url, fresh=options["fresh"])
        argv = [
            f"--{k.replace('_', '-')}={options[k]}"
            for k in ("database_url", "requests", "repeat", "raw_repeat", "workers")
        ]
        code = run_inner("bench_reports", url, argv)
        # generation, gunicorn's workers and the comparisons all ran under that child
        command_console(self).print(f"maillon bench reports, commande entière : {memory_summary()}")
        sys.exit(code)

    def run(self, options):
        console = command_console(self, width=130)
        if connection.vendor != "postgresql":
            raise CommandError("bench reports runs on PostgreSQL (DATABASE_URL=postgres://…)")
        started = time.monotonic()
        self._prepare(console, options["requests"])
        console.print(f"Préparation : {time.monotonic() - started:.0f} s")

        user, _created = User.objects.get_or_create(
            username="banc-rapports", defaults={"is_superuser": True, "is_staff": True}
        )
        _token, token = api_token_create(user=user, name="banc rapports")
        queries = _queries(user)
        port = free_port()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        server = subprocess.Popen(  # noqa: S603
            [
                gunicorn,
                "maillon.config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options["workers"]),
                "--log-level",
                "warning",
            ],
            env=dict(os.environ),
        )
        rows, mismatches = [], 0
        try:
            wait_for_port(port)
            api = {"Authorization": f"Bearer {token}"}
            for _i in range(3 * options["workers"]):  # every worker imports and connects
                _get(port, "/api/v1/reports/key-figures?scope=all:&period=2020", api)
            for label, scope, period in queries:
                params = urllib.parse.urlencode({"scope": scope.key, "period": period.code})
                path = f"/api/v1/reports/key-figures?{params}"
                latencies, body = _timed(port, path, api, options["repeat"])
                answer = json.loads(body)
                raw_times: list[float] = []
                raw: dict[str, int] = {}
                for _i in range(options["raw_repeat"]):
                    t0 = time.perf_counter()
                    raw = raw_key_figures(scope=scope, period=period)
                    raw_times.append(time.perf_counter() - t0)
                served = {f["code"]: f["value"] or 0 for f in answer["figures"]}
                same = all(served[code] == raw[code] for code in COMPARED)
                mismatches += not same
                p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
                raw_p50 = percentile(raw_times, 50)
                rows.append(
                    (label, period.code, raw["requests"], p50, p95, raw_p50, raw_p50 / p50, same)
                )
                console.print(
                    f"{label:<28} {period.code:<8} {raw['requests']:>11,} demandes  "
                    f"HTTP p50 {p50 * 1000:7.1f} ms p95 {p95 * 1000:7.1f} ms  "
                    f"GROUP BY {raw_p50 * 1000:8.1f} ms  ×{raw_p50 / p50:6.1f}  "
                    f"{'identiques' if same else 'DIFFÉRENTS'}"
                )
            dashboards = self._dashboards(console, port, user, queries, options["repeat"])
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

        table = Table(title="Chiffres clés : cumuls via HTTP contre GROUP BY brut")
        for column in (
            "périmètre",
            "période",
            "demandes",
            "HTTP p50 (ms)",
            "HTTP p95 (ms)",
            "GROUP BY p50 (ms)",
            "rapport",
            "identiques",
        ):
            table.add_column(column, justify="right" if "ms" in column else "left")
        for label, code, n, p50, p95, raw_p50, ratio, same in rows:
            table.add_row(
                label,
                code,
                f"{n:,}".replace(",", " "),
                f"{p50 * 1000:.1f}",
                f"{p95 * 1000:.1f}",
                f"{raw_p50 * 1000:.0f}",
                f"×{ratio:.1f}",
                "oui" if same else "NON",
            )
        console.print(table)
        all_p95 = [r[4] for r in rows]
        console.print(
            f"p95 le plus lent : {max(all_p95) * 1000:.1f} ms (cible < 300 ms) ; rapport le plus "
            f"faible : ×{min(r[6] for r in rows):.1f} (cible ≥ 10) ; "
            f"{len(rows) - mismatches}/{len(rows)} requêtes identiques au GROUP BY ; "
            f"{Request.objects.count():,} demandes en base, charge {os.getloadavg()[0]:.1f} ; "
            f"{memory_summary()}"
        )
        console.print(
            "Tableaux de bord (page entière, 12 mois comparés aux 12 précédents) : p95 le plus "
            f"lent {max(p95 for _label, _p50, p95 in dashboards) * 1000:.0f} ms"
        )
        if mismatches:
            raise CommandError(f"{mismatches} key figure queries differ from the raw GROUP BY")
        weakest = min(rows, key=lambda row: row[6])
        result_record(
            BenchResult(
                workload=f"key figures (rollups, HTTP), {weakest[0]} {weakest[1]}",
                figure=weakest[3] * 1000,
                limit=weakest[5] * 1000,
                unit="ms",
                limit_label="raw GROUP BY",
                ratio=weakest[6],
                goal=10.0,
                note=f"HTTP p50; slowest p95 of {len(rows)} queries {max(all_p95) * 1000:.0f} ms",
            )
        )

    def _dashboards(
        self,
        console: Console,
        port: int,
        user: User,
        queries: list[tuple[str, Scope, Period]],
        repeat: int,
    ) -> list[tuple[str, float, float]]:
        """The dashboard page of each scope over the year (no raw equivalent: timings only)."""
        cookie = {"Cookie": _session_cookie(user)}
        year = queries[0][2]
        rows = []
        for label, scope, period in queries:
            if period != year:
                continue
            params = urllib.parse.urlencode({"perimetre": scope.key, "periode": period.code})
            latencies, _body = _timed(
                port, f"/rapports/tableau-de-bord/?{params}", cookie, max(5, repeat // 2)
            )
            p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
            rows.append((label, p50, p95))
            console.print(
                f"tableau de bord {label:<40} {period.code:<17} "
                f"p50 {p50 * 1000:7.1f} ms p95 {p95 * 1000:7.1f} ms"
            )
        return rows

    def _prepare(self, console, wanted: int) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not Site.objects.exists():
            call_command("import_geo", verbosity=0)
            call_command("import_france_services", verbosity=0)
        if not Network.objects.filter(slug=NETWORK).exists():
            # the network and structure levels: the PIMMS network on the France Services sites
            call_command("import_pimms_network", stdout=io.StringIO())
            call_command("generate_staff", network=NETWORK, stdout=io.StringIO())
        have = Request.objects.count()
        if have >= wanted * 0.9:
            console.print(f"{have:,} demandes déjà générées : réutilisées.")
        else:
            self._generate(console, wanted)
        with connection.cursor() as cursor:
            # fresh statistics for the planner, and the visibility map the index-only scans of
            # the rollups need (rows just written by COPY are all "maybe not visible" until a
            # VACUUM: every read would visit the table too, as before autovacuum's first pass)
            cursor.execute("VACUUM (ANALYZE)")

    def _generate(self, console, wanted: int) -> None:
        sites = Site.objects.count()
        scale = wanted / (sites * REQUESTS_PER_YEAR)
        console.print(
            f"Génération de ~{wanted:,} demandes sur {sites} points d'accueil "
            f"(échelle {scale:.3f}, 12 mois)…"
        )
        call_command("generate_activity", all_sites=True, months=12, scale=scale)


def _ensure_database(url: str, *, fresh: bool) -> None:
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"maillon_\w*bench\w*", name):
        raise CommandError("the benchmark database must be named maillon_bench…")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _queries(user: User) -> list[tuple[str, Scope, Period]]:
    """All sites, the busiest région, département and site; the last year, quarter, month."""
    last_day = Visit.objects.order_by("-day").values_list("day", flat=True).first()
    if last_day is None:
        raise CommandError("no activity generated")
    last_month = add_months(first_of_month(last_day), -1)  # the last complete month
    year = Period(add_months(last_month, -11), last_month)
    quarter_end = add_months(last_month, -((last_month.month) % 3))  # last complete quarter
    quarter = Period(add_months(quarter_end, -2), quarter_end)
    month = Period(last_month, last_month)

    def busiest(field: str) -> str:
        rows = Site.objects.filter(**{f"{field}__isnull": False}).values(field)
        return str(rows.annotate(n=Count("pk")).order_by("-n").first()[field])

    busiest_site = (
        VisitMonthlyRollup.objects.filter(month__gte=year.start, month__lte=year.end)
        .values("site_id")
        .annotate(n=Sum("visits"))
        .order_by("-n")
        .values_list("site_id", flat=True)
        .first()
    )
    scopes = [
        ("tous les points d'accueil", "all:"),
        ("réseau", f"network:{NETWORK}"),
        ("région la plus dense", f"region:{busiest('commune__region_id')}"),
        ("département le plus dense", f"department:{busiest('commune__department_id')}"),
        ("structure la plus grande", f"organisation:{busiest('organisation_id')}"),
        ("le point d'accueil le plus actif", f"site:{busiest_site}"),
    ]
    return [
        (f"{label} ({key})", scope_get(user=user, key=key), period)
        for label, key in scopes
        for period in (year, quarter, month)
    ]


def _get(port: int, path: str, headers: dict[str, str]) -> bytes:
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise CommandError(f"HTTP {response.status} on {path}: {body[:300]!r}")
        return body
    finally:
        conn.close()


def _timed(port: int, path: str, headers: dict[str, str], repeat: int) -> tuple[list, bytes]:
    """Latencies of `repeat` GETs after a warm-up (imports, connection), and the last body."""
    body = _get(port, path, headers)
    latencies = []
    for _i in range(repeat):
        t0 = time.perf_counter()
        body = _get(port, path, headers)
        latencies.append(time.perf_counter() - t0)
    return latencies, body


def _session_cookie(user: User) -> str:
    """A logged-in session of `user`, as the Cookie header of the dashboard pages."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
