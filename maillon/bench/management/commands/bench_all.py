"""`maillon bench all [--quick]`: every bench, each with its limit, in one Markdown table.

Runs, one after the other and each in its own process, `bench desk` at 32 clients (the ratio to
the framework floor) and at 4 clients (the p95), `bench import` (rows/s against a raw COPY of
the same file), `bench reports` (key figures from the rollups against a raw GROUP BY) and
`bench directory` (the public search's p95, on the reports bench's database: the 2,843 France
Services sites). Each bench records its figure (`maillon.bench.results`); the table goes to
stdout and to `--output`. The benches' own output goes to stderr."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from maillon.bench.results import RESULTS_VARIABLE, markdown_table, results_read


@dataclass(frozen=True)
class Step:
    name: str  # as the table names a bench that gave no figure
    command: str
    database: str  # suffix of the database name ("": the database of the previous step)
    arguments: tuple[str, ...]
    quick: tuple[str, ...]


STEPS = (
    Step(
        "desk, 32 clients",
        "bench_desk",
        "desk",
        ("--clients=32", "--seconds=20", "--raw-seconds=5"),
        ("--clients=32", "--seconds=5", "--raw-seconds=2"),
    ),
    Step(
        "desk, 4 clients",
        "bench_desk",
        "desk",
        ("--clients=4", "--seconds=20", "--raw-seconds=5"),
        ("--clients=4", "--seconds=5", "--raw-seconds=2"),
    ),
    Step("import", "bench_import", "import", ("--rows=500000",), ("--rows=50000", "--sites=20")),
    Step(
        "reports",
        "bench_reports",
        "reports",
        (),
        ("--requests=100000", "--repeat=5", "--raw-repeat=1"),
    ),
    Step("directory", "bench_directory", "reports", ("--rounds=10",), ("--rounds=2",)),
)


def step_argv(
    step: Step, base_url: str, quick: bool, folder: Path
) -> tuple[list[str], dict[str, str]]:
    """The command line of `step` and the environment it adds (its database); files it writes
    go to `folder`."""
    url = f"{base_url}_{step.database}"
    argv = [step.command, *(step.quick if quick else step.arguments)]
    if step.command == "bench_import":  # its CSV, not a shared default path
        argv.append(f"--file={folder / 'activity.csv'}")
    if step.command == "bench_directory":  # it searches the database it is configured with
        return argv, {"DATABASE_URL": url}
    return [*argv, f"--database-url={url}"], {}


class Command(BaseCommand):
    help = (
        "Run every bench (desk, import, reports, directory) with its limit measured alongside "
        "and write one Markdown table (workload, figure, limit, ratio, load average) to stdout "
        "and to a file. --quick: small sizes, a few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
        parser.add_argument(
            "--output",
            type=Path,
            help="the Markdown file (default: bench/all-<date>.md under the data directory)",
        )
        parser.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/maillon_bench",
            help="PostgreSQL URL of the benches' databases, without suffix: each bench uses "
            "<name>_desk, <name>_import, <name>_reports",
        )
        parser.add_argument(
            "--only", action="append", help="run only these commands (e.g. bench_desk)"
        )

    def handle(self, *args, **options):
        quick = options["quick"]
        base = options["database_url"].rstrip("/")
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        maillon = os.path.join(os.path.dirname(sys.executable), "maillon")
        missing = []
        with tempfile.TemporaryDirectory(prefix="maillon-bench-") as folder:
            collected = Path(folder) / "results.jsonl"
            for step in STEPS:
                if options["only"] and step.command not in options["only"]:
                    continue
                argv, env = step_argv(step, base, quick, Path(folder))
                before = len(results_read(collected))
                self.stderr.write(f"== maillon {' '.join(argv)}")
                code = subprocess.call(  # noqa: S603 - our own command
                    [maillon, *argv],
                    env={**os.environ, **env, RESULTS_VARIABLE: str(collected)},
                    stdout=sys.stderr,
                )
                if code != 0 or len(results_read(collected)) == before:
                    missing.append(step.name)
            results = results_read(collected)
        header = (
            f"`maillon bench all{' --quick' if quick else ''}`, {started}, "
            f"{os.cpu_count()} cœurs\n\n"
        )
        table = header + markdown_table(results, missing=missing)
        output = options["output"] or (
            Path(settings.DATA_DIR) / "bench" / f"all-{time.strftime('%Y%m%d-%H%M%S')}.md"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(table, encoding="utf-8")
        self.stdout.write(table)
        self.stderr.write(f"Tableau écrit dans {output}")
        if missing:
            sys.exit(1)
