"""`maillon worker`: django-tasks-db's worker (`db_worker`, reused as is) plus a tiny scheduler
that enqueues the daily jobs (deadline check and digest, retention) once a day.

The scheduler is a thread that wakes every minute and, from MAILLON_DAILY_JOBS_HOUR (local
time) on, enqueues the day's jobs unless they already were (`daily_jobs_enqueue`: one row per
job and day, so any number of workers enqueue them once). With `--batch` it enqueues them at
once, then the worker runs every ready job and exits (a cron line, or a test).
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from maillon.cases.tasks import daily_jobs_enqueue

logger = logging.getLogger("maillon.cases")

TICK_SECONDS = 60


def scheduler_tick(*, hour: int | None = None) -> list[str]:
    """Enqueue today's daily jobs if it is `hour` o'clock or later (any hour when None)."""
    now = timezone.localtime()
    if hour is not None and now.hour < hour:
        return []
    return daily_jobs_enqueue(now.date())


def scheduler_loop(stop: threading.Event, hour: int) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            scheduler_tick(hour=hour)
        except Exception:  # the database went away: log, and try again at the next tick
            logger.exception("Scheduler: the daily jobs could not be enqueued")
        finally:
            connection.close()
        stop.wait(TICK_SECONDS)


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background jobs (e-mails, deadline checks and digests, retention): "
        "django-tasks-db's worker, with a scheduler that enqueues the daily jobs once a day."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Run jobs only; another worker (or cron) enqueues the daily ones.",
        )

    def handle(self, *args, **options):
        if not options.pop("no_scheduler"):
            if options["batch"]:
                enqueued = scheduler_tick()
                self.stdout.write(f"Daily jobs enqueued: {', '.join(enqueued) or 'none'}")
            else:
                stop = threading.Event()
                thread = threading.Thread(
                    target=scheduler_loop,
                    args=(stop, settings.MAILLON_DAILY_JOBS_HOUR),
                    name="maillon-scheduler",
                    daemon=True,
                )
                thread.start()
        return super().handle(*args, **options)
