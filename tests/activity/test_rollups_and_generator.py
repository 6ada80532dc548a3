import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from maillon.activity.exchange import import_agent
from maillon.activity.models import Request, RequestDailyRollup, Visit, VisitDailyRollup
from maillon.activity.rollups_verify import rollups_compare
from maillon.orchestration.generators.activity import activity_generate
from tests.activity.factories import record_visit
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOON, tick=False)
def test_verify_finds_a_tampered_rollup_and_repair_rebuilds_it(capsys):
    site = SiteFactory()
    record_visit(agent_of(site), site)
    call_command("rollups_verify")
    assert "exactement égaux" in capsys.readouterr().out
    VisitDailyRollup.objects.update(visits=5)
    with pytest.raises(CommandError, match="1 différence"):
        call_command("rollups_verify")
    call_command("rollups_verify", repair=True)
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_the_generator_is_deterministic_calibrated_and_keeps_rollups_exact():
    site = SiteFactory(fs_id="9999")

    def generate():
        return activity_generate(sites=[site], agent=import_agent(), months=12, scale=0.05, seed=7)

    report = generate()
    fingerprint = list(Request.objects.order_by("pk").values_list("theme_id", "partner_id"))
    # ~14,300 visits and ~27,700 requests a year at scale 1
    assert 14_300 * 0.05 * 0.75 < report.visits < 14_300 * 0.05 * 1.25
    assert 1.8 < report.requests / report.visits < 2.1
    assert Visit.objects.filter(day__gte=datetime.date(2026, 3, 10)).count() == 0  # not today
    assert rollups_compare()[2] == 0
    assert sum(RequestDailyRollup.objects.values_list("requests", flat=True)) == report.requests
    Request.objects.all().delete()
    Visit.objects.all().delete()
    generate()
    assert list(Request.objects.order_by("pk").values_list("theme_id", "partner_id")) == fingerprint
