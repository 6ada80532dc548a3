"""`maillon serve`: gunicorn with gthread workers (processes × threads).

A sync worker handles one connection at a time and closes it after each response, and sits
idle while its client closes it. A gthread worker serves several requests at once with its
threads and keeps idle connections open without holding a thread, so clients that keep their
connection (the desk API, a proxy with keep-alive) are served better: `maillon bench desk`
measures the desk with gthread workers for that reason (docs/activity.md).

Each thread has its own database connection (Django's connections are per thread): on
PostgreSQL, with persistent connections (`DB_CONN_MAX_AGE`), a server holds up to
workers × threads of them, hence the cap on the default number of workers. On SQLite every
request opens and closes its connection (CONN_MAX_AGE 0); WAL lets readers run beside the one
writer and `BEGIN IMMEDIATE` with a busy timeout makes writers queue.
"""

import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4


def default_workers(cpu_count: int | None) -> int:
    """One process per core plus one, at most MAX_DEFAULT_WORKERS (threads do the rest)."""
    return min((cpu_count or 1) + 1, MAX_DEFAULT_WORKERS)


def gunicorn_argv(gunicorn: str, *, bind: str, workers: int, threads: int) -> list[str]:
    return [
        gunicorn,
        "maillon.config.wsgi",
        "--bind",
        bind,
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
    ]


class Command(BaseCommand):
    help = (
        "Serve Maillon with gunicorn (production server), gthread workers: "
        "maillon serve [--bind] [--workers N] [--threads N]. Each thread holds its own database "
        "connection: on PostgreSQL allow workers × threads connections per server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("MAILLON_BIND", "127.0.0.1:8000"),
            help="address:port (default: MAILLON_BIND, else 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help=(
                "worker processes (default: WEB_CONCURRENCY, else one per core plus one, "
                f"at most {MAX_DEFAULT_WORKERS})"
            ),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=DEFAULT_THREADS,
            help=f"threads per worker process (default: {DEFAULT_THREADS})",
        )

    def handle(self, *args, **options):
        try:
            workers = options["workers"] or int(os.environ.get("WEB_CONCURRENCY") or 0)
        except ValueError as error:
            raise CommandError("WEB_CONCURRENCY doit être un nombre entier.") from error
        workers = workers or default_workers(os.cpu_count())
        threads = options["threads"]
        if workers < 1 or threads < 1:
            raise CommandError("--workers et --threads valent au moins 1.")
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        if not os.path.exists(gunicorn):
            raise CommandError("gunicorn est introuvable : pip install -e . l'installe.")
        argv = gunicorn_argv(gunicorn, bind=options["bind"], workers=workers, threads=threads)
        self.stdout.write(
            f"gunicorn sur http://{options['bind']}/ ({workers} processus × {threads} fils)"
        )
        self.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 - replaces this process with gunicorn
