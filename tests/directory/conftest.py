"""Fixtures of the directory tests: the real list of 2,845 France Services, loaded once per
module (and removed afterwards with the journal entries of its import, so that other modules
start without sites and with an empty journal)."""

import datetime
import zoneinfo

import pytest

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Tuesday of November at 10:30 in Paris: most sites are open.
TUESDAY_MORNING = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=PARIS)
SUNDAY = datetime.datetime(2026, 11, 22, 15, 0, tzinfo=PARIS)


@pytest.fixture(scope="module")
def france_services(django_db_setup, django_db_blocker):
    from maillon.directory.models import ImportRecord
    from maillon.labels.models import LabelDecision
    from maillon.network.models import Site
    from maillon.orchestration.importers.france_services import france_services_import

    with django_db_blocker.unblock():
        france_services_import()
    yield
    with django_db_blocker.unblock():
        LabelDecision.objects.all().delete()
        Site.objects.all().delete()
        ImportRecord.objects.all().delete()
        _journal_empty()


def _journal_empty() -> None:
    """Remove the journal entries the import wrote (one per site). The journal refuses DELETE
    through the ORM, and on PostgreSQL in a trigger; this empties it as a test flush does."""
    from django.db import connection

    statement = {"postgresql": "TRUNCATE journal_journalentry"}.get(
        connection.vendor, "DELETE FROM journal_journalentry"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
