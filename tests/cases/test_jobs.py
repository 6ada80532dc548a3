"""Jobs: a failing job is retried with back-off and logged, never dropped; the worker's
scheduler enqueues the daily jobs once per day."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from maillon.cases.models import DailyJobRun
from maillon.cases.tasks import daily_jobs_enqueue
from maillon.core.jobs import email_send, retry_delay
from tests.cases.worker import run_worker

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def test_back_off_doubles_from_one_minute():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_a_failed_email_is_retried_after_its_delay_then_sent(caplog):
    real_send = mail.EmailMultiAlternatives.send
    failures = iter([smtplib.SMTPServerDisconnected("down")])

    def flaky(message, *args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real_send(message, *args, **kwargs)

    with (
        time_machine.travel(NOON, tick=False) as traveller,
        mock.patch.object(mail.EmailMultiAlternatives, "send", flaky),
    ):
        email_send.enqueue(to="a@example.org", subject="Objet", text="texte", html="<p>html</p>")
        run_worker("--no-scheduler")
        assert mail.outbox == []
        assert "failed (attempt 1 of 5), retried in 0:01:00" in caplog.text
        rows = list(DBTaskResult.objects.order_by("enqueued_at"))
        assert [r.status for r in rows] == ["FAILED", "READY"]  # the failure is kept
        assert rows[1].args_kwargs["kwargs"]["attempt"] == 2

        traveller.shift(datetime.timedelta(seconds=30))
        run_worker("--no-scheduler")  # not yet due
        assert mail.outbox == []
        traveller.shift(datetime.timedelta(seconds=31))
        run_worker("--no-scheduler")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_a_job_failing_every_time_stops_after_five_attempts_and_says_so(caplog):
    def down(message, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    with (
        time_machine.travel(NOON, tick=False) as traveller,
        mock.patch.object(mail.EmailMultiAlternatives, "send", down),
    ):
        email_send.enqueue(to="a@example.org", subject="Objet", text="texte", html="<p>html</p>")
        for _ in range(6):
            run_worker("--no-scheduler")
            traveller.shift(datetime.timedelta(hours=1))
    assert DBTaskResult.objects.filter(status="FAILED").count() == 5
    assert not DBTaskResult.objects.ready().exists()
    assert "failed for good after 5 attempts" in caplog.text


def test_daily_jobs_are_enqueued_once_per_day():
    day = datetime.date(2026, 3, 10)
    assert daily_jobs_enqueue(day) == ["deadlines_check", "retention_run"]
    assert daily_jobs_enqueue(day) == []
    assert DBTaskResult.objects.count() == 2
    assert daily_jobs_enqueue(day + datetime.timedelta(days=1)) == [
        "deadlines_check",
        "retention_run",
    ]
    assert DailyJobRun.objects.count() == 4


def test_the_batch_worker_enqueues_and_runs_the_days_jobs():
    with time_machine.travel(NOON, tick=False):
        output = run_worker()
        assert "Daily jobs enqueued: deadlines_check, retention_run" in output
        assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
        assert "Daily jobs enqueued: none" in run_worker()
