"""`maillon bench directory`: p50/p95 of the public search through HTTP.

Starts Maillon in a thread on a free local port (or uses --url), then sends a fixed list of
real queries (commune names in every spelling, postal codes, arrondissements, positions, site
names, typos, filters) to the search page and the public API, several rounds each.
"""

import http.client
import socket
import statistics
import threading
import time
import urllib.parse

from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import override_settings
from rich.table import Table

from maillon.bench.memory import memory_summary
from maillon.bench.results import BenchResult, result_record
from maillon.core.progress import command_console, track
from maillon.network.models import Site

QUERIES = [
    {"q": "saint etienne"},
    {"q": "St-Étienne"},
    {"q": "42000"},
    {"q": "Lyon"},
    {"q": "Lyon 8"},
    {"q": "69008"},
    {"q": "Paris"},
    {"q": "75015"},
    {"q": "Marseille"},
    {"q": "Marseille 13e"},
    {"q": "Brest"},
    {"q": "Narbonne"},
    {"q": "Valence"},
    {"q": "Ajaccio"},
    {"q": "97400"},
    {"q": "Cayenne"},
    {"q": "60240"},
    {"q": "pimms"},
    {"q": "mediatheque"},
    {"q": "Sant-Etienne"},
    {"q": "99999"},
    {"lat": "45.4397", "lon": "4.3872"},
    {"lat": "48.8566", "lon": "2.3522", "rayon": "10"},
    {"lat": "43.70", "lon": "7.25", "ouvert": "on"},
    {"q": "Toulouse", "samedi": "on"},
    {"q": "Rennes", "partenaire": "caf"},
    {"q": "Lille", "itinerant": "on", "rayon": "100"},
]
API_QUERIES = [
    {"q": "saint etienne"},
    {"q": "69008"},
    {"near": "45.4397,4.3872", "radius_km": "20"},
    {"q": "Paris", "partner": "caf"},
    {"q": "Sant-Etienne"},
]


class _QuietHandler(WSGIRequestHandler):
    def setup(self):
        # Without TCP_NODELAY the response's headers and body wait for the client's delayed
        # ACK (40 ms on Linux): that would measure TCP, not Maillon.
        # django-stubs types `request` as a WSGIRequest; on a socketserver handler it is the socket.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[attr-defined]
        super().setup()

    def log_message(self, *args):
        pass


class Command(BaseCommand):
    help = "Benchmark the public directory search through HTTP (p50/p95 over real queries)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=10)
        parser.add_argument("--url", help="Benchmark a running server instead (http://host:port).")
        parser.add_argument("--target-p95-ms", type=float, default=30.0)

    def handle(self, *args, **options):
        console = command_console(self)
        count = Site.objects.public().count()
        if count == 0 and not options["url"]:
            raise CommandError(
                "L'annuaire est vide : lancez `maillon demo` ou `maillon import france-services`."
            )
        server = None
        if options["url"]:
            parsed = urllib.parse.urlsplit(options["url"])
            host, port = parsed.hostname, parsed.port or 80
        else:
            server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
            server.set_app(get_wsgi_application())
            threading.Thread(target=server.serve_forever, daemon=True).start()
            host, port = "127.0.0.1", server.server_port
        try:
            with override_settings(MAILLON_PUBLIC_API_RATE=""):
                results = self._run(console, host, port, options["rounds"])
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
        self._report(console, results, count, options["target_p95_ms"])

    def _run(self, console, host, port, rounds):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        paths = [("page", "/?" + urllib.parse.urlencode(params)) for params in QUERIES]
        paths += [
            ("api", "/api/v1/public/sites?" + urllib.parse.urlencode(params))
            for params in API_QUERIES
        ]

        def get(path: str) -> tuple[int, float]:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Accept-Language": "fr"})
            response = connection.getresponse()
            response.read()
            return response.status, (time.perf_counter() - started) * 1000

        for _kind, path in paths:  # warm-up: per-process indexes, caches
            get(path)
        timings: dict[str, list[float]] = {"page": [], "api": []}
        self.by_path: dict[str, list[float]] = {}
        errors = []
        plan = [item for _round in range(rounds) for item in paths]
        for kind, path in track(plan, description="Requêtes", total=len(plan), console=console):
            status, elapsed = get(path)
            if status != 200:
                errors.append((status, path))
            timings[kind].append(elapsed)
            self.by_path.setdefault(path, []).append(elapsed)
        connection.close()
        if errors:
            raise CommandError(f"{len(errors)} réponses en erreur, par exemple {errors[0]}")
        return timings

    def _report(self, console, timings, count, target):
        table = Table(title=f"Recherche publique — {count} points d'accueil, via HTTP")
        for column in ("requêtes", "n", "p50 (ms)", "p95 (ms)", "max (ms)"):
            table.add_column(column, justify="right" if column != "requêtes" else "left")
        overall = []
        for kind, label in (("page", "page /?q=…"), ("api", "API /api/v1/public/sites")):
            values = sorted(timings[kind])
            overall += values
            table.add_row(label, *self._figures(values))
        table.add_row("tout", *self._figures(sorted(overall)))
        console.print(table)
        slowest = sorted(self.by_path.items(), key=lambda item: -statistics.median(item[1]))
        console.print("Les plus lentes (médiane) :")
        for path, values in slowest[:5]:
            console.print(
                f"  {statistics.median(values):6.1f} ms  {urllib.parse.unquote_plus(path)}"
            )
        p95 = self._percentile(sorted(overall), 95)
        verdict = "atteint" if p95 < target else "NON atteint"
        console.print(f"Objectif p95 < {target:.0f} ms : {verdict} (p95 = {p95:.1f} ms).")
        result_record(
            BenchResult(
                workload=f"directory search ({count:,} sites, {connection.vendor})",
                figure=p95,
                limit=target,
                unit="ms",
                limit_label="target p95 <",
                ratio=target / p95,
                goal=1.0,
            )
        )
        console.print(f"Commande entière (un seul processus) : {memory_summary()}.")

    @staticmethod
    def _percentile(values: list[float], percent: float) -> float:
        if not values:
            return 0.0
        index = max(0, min(len(values) - 1, round(percent / 100 * len(values) + 0.5) - 1))
        return values[index]

    def _figures(self, values: list[float]) -> list[str]:
        return [
            str(len(values)),
            f"{statistics.median(values):.1f}",
            f"{self._percentile(values, 95):.1f}",
            f"{max(values):.1f}",
        ]
