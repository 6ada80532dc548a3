import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Maillon with gunicorn (production server): maillon serve [--bind] [--workers]"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("MAILLON_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None
        )
        parser.add_argument("--threads", type=int, default=1)

    def handle(self, *args, **options):
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        if not os.path.exists(gunicorn):
            raise CommandError("gunicorn est introuvable : pip install -e . l'installe.")
        workers = options["workers"] or (2 * (os.cpu_count() or 1) + 1)
        argv = [
            gunicorn,
            "maillon.config.wsgi",
            "--bind",
            options["bind"],
            "--workers",
            str(workers),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"gunicorn sur http://{options['bind']}/ ({workers} processus)")
        self.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 - replaces this process with gunicorn
