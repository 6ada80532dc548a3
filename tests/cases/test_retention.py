"""Retention: after the network's period, no identifier, description, message text or
attachment remains (database and disk); what the scorecard reads is unchanged."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command

from maillon.cases.enums import CaseAnswer, CaseStatus, Side, Usefulness
from maillon.cases.models import Case, CaseAttachment, CaseMessage
from maillon.cases.retention import cases_to_erase, months_later
from maillon.journal.models import JournalEntry
from tests.cases.builders import caf, case_create, site_in
from tests.cases.worker import run_worker

pytestmark = pytest.mark.django_db

SECRETS = ("Mme Durand", "1234567", "270059912345678", "0123456789012", "DOS-42-XY", "IBAN FR76")
FIGURES = (
    "partner_id",
    "site_id",
    "subject",
    "status",
    "answer",
    "useful",
    "sent_at",
    "first_answer_at",
    "last_answer_at",
    "answered_at",
    "closed_at",
    "due_on",
)
CLOSED_AT = datetime.datetime(2026, 1, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture
def closed_case(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sent = CLOSED_AT - datetime.timedelta(days=20)
    case = case_create(
        site=site_in("75056"),
        partner=caf(),
        sent_at=sent,
        description="Mme Durand ne perçoit plus son RSA",
        allocataire_number="1234567",
        nir="270059912345678",
        tax_number="0123456789012",
        file_number="DOS-42-XY",
    )
    message = CaseMessage.objects.create(
        case=case, author=case.opened_by, side=Side.SITE, body="Voici l'IBAN FR76 de Mme Durand"
    )
    attachment = CaseAttachment(
        case=case,
        message=message,
        name="attestation.pdf",
        content_type="application/pdf",
        size=12,
        uploaded_by=case.opened_by,
    )
    attachment.file.save("attestation.pdf", ContentFile(b"%PDF-1.4 Mme Durand"), save=False)
    attachment.save()
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED,
        answer=CaseAnswer.SOLVED,
        useful=Usefulness.YES,
        first_answer_at=sent + datetime.timedelta(days=1),
        last_answer_at=sent + datetime.timedelta(days=2),
        answered_at=sent + datetime.timedelta(days=2),
        closed_at=CLOSED_AT,
        due_on=None,
    )
    case.refresh_from_db()
    return case, tmp_path / attachment.file.name


def database_text() -> str:
    out = io.StringIO()
    call_command("dumpdata", "cases", "journal", "django_tasks_database", stdout=out)
    return out.getvalue()


def test_months_later_keeps_the_day_or_the_months_last():
    assert months_later(datetime.date(2026, 1, 15), 6) == datetime.date(2026, 7, 15)
    assert months_later(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_later(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_nothing_is_due_before_six_months(closed_case):
    assert cases_to_erase(datetime.date(2026, 7, 14)) == []
    assert [c.pk for c in cases_to_erase(datetime.date(2026, 7, 15))] == [closed_case[0].pk]


def test_the_daily_job_erases_every_personal_trace_and_keeps_the_figures(closed_case):
    case, path = closed_case
    figures = Case.objects.filter(pk=case.pk).values(*FIGURES).get()
    assert path.exists()
    assert all(secret in database_text() for secret in ("Mme Durand", "1234567", "IBAN FR76"))

    with time_machine.travel(datetime.datetime(2026, 7, 15, 7, tzinfo=datetime.UTC), tick=False):
        run_worker()  # the scheduler enqueues retention_run for the day, the worker runs it

    case.refresh_from_db()
    assert case.erased_at is not None
    assert Case.objects.filter(pk=case.pk).values(*FIGURES).get() == figures
    assert not path.exists()
    assert not any(path.parent.iterdir())
    assert CaseAttachment.objects.filter(case=case).count() == 0
    assert CaseMessage.objects.get(case=case).body == (
        "Message effacé après la durée de conservation."
    )
    text = database_text()
    for secret in SECRETS:
        assert secret not in text, secret
    entry = JournalEntry.objects.filter(object_id=str(case.pk), changes__has_key="erased_at").get()
    assert json.loads(json.dumps(entry.changes))["attachments"] == [1, 0]


def test_dry_run_lists_and_erases_nothing_then_run_erases(closed_case):
    case, path = closed_case
    out = io.StringIO()
    call_command("retention_run", dry_run=True, day="2026-08-01", stdout=out)
    assert "1 dossiers seraient effacés" in out.getvalue()
    case.refresh_from_db()
    assert case.erased_at is None and case.nir and path.exists()

    out = io.StringIO()
    call_command("retention_run", day="2026-08-01", stdout=out)
    assert "1 dossiers effacés" in out.getvalue()
    case.refresh_from_db()
    assert case.erased_at is not None and case.nir == "" and not path.exists()
    out = io.StringIO()
    call_command("retention_run", dry_run=True, day="2026-08-01", stdout=out)
    assert "0 dossiers seraient effacés" in out.getvalue()


def test_open_cases_are_never_erased(closed_case):
    case, _path = closed_case
    open_case = case_create(site=case.site, partner=case.partner, nir="270059912345678")
    assert open_case.pk not in {c.pk for c in cases_to_erase(datetime.date(2030, 1, 1))}
