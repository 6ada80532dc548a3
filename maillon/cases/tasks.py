"""The background jobs of cases (django-tasks, database backend), each retried on failure.

- `maillon.core.jobs.email_send` sends each e-mail (one job each, so an SMTP failure retries
  that one);
- `deadlines_check`: once a day, refresh the due days of open cases (a holiday or a network
  rule changed), then e-mail the digest of late cases;
- `retention_run`: once a day, erase the personal data of cases closed long enough ago.

`daily_jobs_enqueue(day)` enqueues the daily ones at most once per day (a `DailyJobRun` row
per job and day): the scheduler of `maillon worker` calls it, and so may cron.
"""

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django_tasks.base import Task

from maillon.cases.deadlines import case_policy_for_site, due_on
from maillon.cases.models import Case, CasePolicy, DailyJobRun
from maillon.cases.notifications import late_cases_digest
from maillon.cases.retention import cases_erase, cases_to_erase
from maillon.core.jobs import retried_job

logger = logging.getLogger("maillon.cases")


def deadlines_refresh() -> int:
    """Store each open case's due day again (a policy or a holiday may have changed it);
    the number of cases whose due day moved."""
    changed = []
    policies: dict[int, CasePolicy] = {}
    for case in Case.objects.open().select_related("site__commune", "site__organisation"):
        if case.site_id not in policies:
            policies[case.site_id] = case_policy_for_site(case.site)
        day = due_on(case, policies[case.site_id])
        if day != case.due_on:
            case.due_on = day
            changed.append(case)
    Case.objects.bulk_update(changed, ["due_on"], batch_size=500)
    return len(changed)


@retried_job()
def deadlines_refresh_job() -> int:
    """After the network's rules changed: the open cases' due days again."""
    moved = deadlines_refresh()
    logger.info("Due days refreshed: %d moved", moved)
    return moved


@retried_job()
def deadlines_check(*, day: str) -> dict[str, int]:
    """Refresh due days, then the digest of the cases late on `day` (ISO date)."""
    moved = deadlines_refresh()
    recipients = late_cases_digest(datetime.date.fromisoformat(day))
    logger.info("Deadlines of %s: %d due day(s) moved, %d digest(s)", day, moved, recipients)
    return {"moved": moved, "recipients": recipients}


@retried_job()
def retention_run(*, day: str) -> int:
    """Erase the personal data of the cases due for it on `day` (ISO date)."""
    erased = cases_erase(cases_to_erase(datetime.date.fromisoformat(day)))
    logger.info("Retention of %s: %d case(s) erased", day, erased)
    return erased


DAILY_JOBS: dict[str, Task[..., Any]] = {
    "deadlines_check": deadlines_check,
    "retention_run": retention_run,
}


def daily_jobs_enqueue(day: datetime.date) -> list[str]:
    """Enqueue each daily job for `day` unless it already was; the names enqueued now."""
    enqueued = []
    for name, job in DAILY_JOBS.items():
        try:
            with transaction.atomic():
                DailyJobRun.objects.create(job=name, day=day)
                job.enqueue(day=day.isoformat())
        except IntegrityError:  # already enqueued for that day (another worker, a restart)
            continue
        enqueued.append(name)
        logger.info("Daily job %s enqueued for %s", name, day)
    return enqueued
