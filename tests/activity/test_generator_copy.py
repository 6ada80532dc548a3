"""The generator's rollups: aggregated in memory, written by COPY (PostgreSQL) or by upserts,
exactly equal to the facts whether their keys are new or already stored."""

import datetime

import pytest
import time_machine
from django.db import connection

from maillon.activity.exchange import import_agent
from maillon.activity.models import Request, VisitMonthlyRollup
from maillon.activity.rollups_verify import rollups_compare
from maillon.orchestration.generators.activity import activity_generate
from tests.activity.factories import record_visit
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
DESK = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)  # a Monday in the period


def _generate(sites, **options):
    return activity_generate(
        sites=sites, agent=import_agent(), months=1, scale=0.05, seed=3, **options
    )


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("use_copy", [None, False], ids=["default", "portable"])
def test_rollups_stay_exact_when_their_keys_are_new_or_already_stored(use_copy):
    """A first site: every rollup key is new (COPY straight into the rollups on PostgreSQL). A
    second site already has a desk visit in the period, generated again: its keys of that day
    and month exist, so the COPY of those tables fails and they are added up by upsert."""
    fresh, busy = SiteFactory(fs_id="9971"), SiteFactory(fs_id="9972")
    record_visit(agent_of(busy), busy, occurred_at=DESK)
    desk_month = VisitMonthlyRollup.objects.get(site_id=busy.pk, month=datetime.date(2026, 3, 1))
    report = _generate([fresh, busy], skip_filled=False, use_copy=use_copy)
    assert report.sites == 2 and report.requests > 100
    assert rollups_compare()[2] == 0
    month = VisitMonthlyRollup.objects.get(pk=desk_month.pk)
    assert month.visits > desk_month.visits  # the desk's visit and the generated ones
    generated = Request.objects.filter(visit__agent=import_agent()).count()
    assert generated == report.requests
    assert Request.objects.filter(visit__site=busy).exclude(visit__agent=import_agent()).exists()


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
def test_the_foreign_key_triggers_are_skipped_only_inside_each_site_write():
    """A superuser's generation skips the foreign key triggers while it writes a site, and
    gives them back at once: the caller's transaction (here the test's) checks its own rows."""
    _generate([SiteFactory(fs_id="9973")])
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        cursor.execute(
            "SELECT count(*) FROM activity_request r LEFT JOIN activity_visit v"
            " ON v.id = r.visit_id WHERE v.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0
    assert rollups_compare()[2] == 0
