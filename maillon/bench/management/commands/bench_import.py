import os
import random
import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from maillon.activity.exchange import COLUMNS, activity_import, import_agent
from maillon.activity.rollups import total_visits_and_requests
from maillon.activity.rollups_verify import rollups_compare
from maillon.bench import desk as bench
from maillon.bench.copy_limit import raw_copy_rate
from maillon.bench.memory import children_peak_rss_mb, memory_summary, peak_rss_mb
from maillon.bench.results import BenchResult, result_record
from maillon.core.progress import command_console
from maillon.network.enums import OrganisationKind
from maillon.network.models import Organisation, Site

THEMES = ("famille", "social-sante", "travail", "logement", "argent-impots", "papiers", "numerique")
PARTNERS = ("caf", "cpam", "cnav", "france-travail", "dgfip", "edf", "sncf", "")
DEFAULT_FILE = Path("/tmp/maillon_bench_import.csv")  # noqa: S108
CHANNELS = ("sur-site", "sur-site", "sur-site", "telephone", "hors-les-murs")


def write_file(path: Path, rows: int, sites: int, seed: int = 2020) -> None:
    """A deterministic CSV of `rows` requests (≈ 1.94 per visit) over `sites` sites."""
    rng = random.Random(seed)  # noqa: S311
    with path.open("w", encoding="utf-8") as handle:
        handle.write(";".join(COLUMNS) + "\n")
        written, visit = 0, 0
        while written < rows:
            visit += 1
            site = f"fs:banc-{rng.randrange(sites)}"
            day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            hour = f"{rng.randint(9, 16):02d}:{rng.randint(0, 59):02d}"
            channel = rng.choice(CHANNELS)
            for _ in range(min(rows - written, rng.choice((1, 1, 2, 2, 3)))):
                handle.write(
                    f"v{visit};{site};{day};{hour};{channel};;;;;{rng.choice(PARTNERS)};"
                    f"{rng.choice(THEMES)};;;\n"
                )
                written += 1


class Command(BaseCommand):
    help = "Benchmark `maillon import activity` on PostgreSQL: rows/s and peak memory (RSS)."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", default=bench.DEFAULT_IMPORT_URL)
        parser.add_argument("--rows", type=int, default=500_000)
        parser.add_argument("--sites", type=int, default=50)
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument("--no-copy", action="store_true")
        parser.add_argument("--batch", type=int, default=5_000, help="Visits per batch.")
        parser.add_argument("--inner", action="store_true")

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        if not options["inner"]:
            started = time.perf_counter()
            write_file(options["file"], options["rows"], options["sites"])
            size = options["file"].stat().st_size / 1e6
            console.print(
                f"Fichier de {options['rows']:,} lignes ({size:.0f} Mo) écrit en "
                f"{time.perf_counter() - started:.1f} s : {options['file']}"
            )
            bench.recreate_database(options["database_url"])
            argv = [
                f"--rows={options['rows']}",
                f"--sites={options['sites']}",
                f"--file={options['file']}",
            ]
            argv.append(f"--batch={options['batch']}")
            if options["no_copy"]:
                argv.append("--no-copy")
            code = bench.run_inner("bench_import", options["database_url"], argv)
            # the import, its parsing process and the verification all ran in that child
            console.print(f"maillon bench import, commande entière : {memory_summary()}")
            sys.exit(code)
        call_command("migrate", interactive=False, verbosity=0)
        organisation = Organisation.objects.create(
            name="Banc d'import", kind=OrganisationKind.ASSOCIATION
        )
        Site.objects.bulk_create(
            Site(organisation=organisation, name=f"Banc {i}", fs_id=f"banc-{i}")
            for i in range(options["sites"])
        )
        agent = import_agent()
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        report = activity_import(
            options["file"],
            agent=agent,
            use_copy=not options["no_copy"],
            batch_visits=options["batch"],
        )
        elapsed = time.perf_counter() - started
        rss = peak_rss_mb()
        # the file is read in a forked process (COPY): its peak counts as well
        rss_parser = children_peak_rss_mb()
        totals = total_visits_and_requests()
        _, _, differences = rollups_compare()
        console.print(
            f"[bold]maillon bench import[/] ({connection.vendor}, "
            f"{'COPY' if not options['no_copy'] else 'executemany'}) : "
            f"{report.rows:,} lignes, {report.visits:,} passages en {elapsed:.1f} s → "
            f"[bold]{report.rows / elapsed:,.0f} lignes/s[/] ; mémoire max {rss:.0f} Mo "
            f"(avant import {rss_before:.0f} Mo ; processus de lecture {rss_parser:.0f} Mo ; "
            f"vérification comprise {peak_rss_mb():.0f} Mo) ; "
            f"charge {os.getloadavg()[0]:.2f} ; problèmes {len(report.problems)} ; "
            f"en base {totals['visits']:,} passages / {totals['requests']:,} demandes ; "
            f"différences cumuls/détail {differences}"
        )
        if report.timings:  # the set-based path: where the time went
            stages = " ; ".join(f"{k} {v:.2f} s" for k, v in report.timings.items())
            rest = elapsed - sum(report.timings.values())
            console.print(f"Étapes : {stages} ; reste (enregistrement, validation) {rest:.2f} s")
        if differences == 0 and not report.problems:  # a figure only for a correct run
            raw_rate = raw_copy_rate(options["file"], COLUMNS, report.rows)
            console.print(f"COPY brut du même fichier : {raw_rate:,.0f} lignes/s")
            rate = report.rows / elapsed
            result_record(
                BenchResult(
                    workload=f"import ({report.rows:,} rows, {connection.vendor})",
                    figure=rate,
                    limit=raw_rate,
                    unit="rows/s",
                    limit_label="raw COPY",
                    ratio=rate / raw_rate,
                    note=f"target ≥ 50 000 rows/s {'✓' if rate >= 50_000 else '✗'}, "
                    f"peak RSS {max(rss, rss_parser):.0f} MB",
                )
            )
