"""Background jobs that are retried, never silently dropped (django-tasks).

`retried_job` turns a function into a django-tasks `Task` whose failures are logged and
re-enqueued with an exponential back-off (`run_after`), up to `max_attempts`. The failed
attempt itself stays recorded by the backend as FAILED, with its traceback (the database
backend keeps the row: `maillon admin` lists it), and the last failure is logged as an error.

`email_send` is the job that sends one e-mail (SMTP failures are retried).

Arguments must be JSON values (the database backend stores them); the attempt number travels
as the keyword `attempt`.
"""

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger("maillon.jobs")

T = TypeVar("T")

MAX_ATTEMPTS = 5
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)


def retry_delay(attempt: int, first: datetime.timedelta = FIRST_RETRY_DELAY) -> datetime.timedelta:
    """Wait after the failed `attempt` (1, 2, …): 1 min, 2, 4, 8 … by default."""
    return first * 2 ** (attempt - 1)


def retried_job(
    *, max_attempts: int = MAX_ATTEMPTS, first_delay: datetime.timedelta = FIRST_RETRY_DELAY
) -> Callable[[Callable[..., T]], Task[..., T]]:
    """Decorator: a django-tasks job retried on failure (see the module's docstring)."""

    def decorate(func: Callable[..., T]) -> Task[..., T]:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> T:
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= max_attempts:
                    logger.exception(
                        "Job %s failed for good after %d attempts (kept as failed)",
                        name,
                        attempt,
                    )
                    raise
                delay = retry_delay(attempt, first_delay)
                logger.warning(
                    "Job %s failed (attempt %d of %d), retried in %s",
                    name,
                    attempt,
                    max_attempts,
                    delay,
                    exc_info=True,
                )
                job = jobs[0]
                if job.get_backend().supports_defer:
                    job = job.using(run_after=timezone.now() + delay)
                job.enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        jobs: list[Task[..., T]] = [task()(run)]
        return jobs[0]

    return decorate


@retried_job()
def email_send(*, to: str, subject: str, text: str, html: str = "") -> None:
    """One e-mail, to one address, plain text with an optional HTML alternative."""
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
