"""The demo's referents and cases: a year of plausible cases on generated desk activity."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from maillon.activity import taxonomy
from maillon.activity.models import Request
from maillon.activity.rollups_verify import rollups_compare
from maillon.cases.deadlines import due_on
from maillon.cases.enums import CaseAnswer, CaseStatus, Side
from maillon.cases.models import Case, CaseMessage, Referent
from maillon.network.models import Network, Site
from maillon.orchestration.demo import demo_accounts_create
from maillon.orchestration.generators.cases import (
    REFERENTS,
    demo_cases_create,
    demo_referents_create,
)
from maillon.orchestration.importers.pimms import pimms_network_import
from maillon.reports.cases import case_scorecard
from maillon.reports.periods import Period

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2025, 6, 3, 12, tzinfo=PARIS)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo for the module (its generation is the slow part), rolled back at its end."""
    with (
        time_machine.travel(NOW, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        taxonomy.cache_clear()
        pimms_network_import()
        demo_accounts_create()
        sites = Site.objects.in_network(Network.objects.get(slug="pimms")).order_by("pk")
        chosen = ",".join(str(pk) for pk in sites.values_list("pk", flat=True)[:4])
        call_command("generate_activity", sites=chosen, scale=0.05, months=12, verbosity=0)
        referents = demo_referents_create()
        yield {"referents": referents, "created": demo_cases_create(now=NOW)}
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_referents_of_three_partners_cover_the_network(demo, client):
    assert sorted(r.username for r in demo["referents"]) == sorted(
        u for u, _p in REFERENTS.values()
    )
    network_departments = set(
        Site.objects.in_network(Network.objects.get(slug="pimms"))
        .exclude(commune__isnull=True)
        .values_list("commune__department_id", flat=True)
    )
    for referent in Referent.objects.all():
        assert set(referent.departments.values_list("code", flat=True)) == network_departments
    # again (idempotent): the passwords are hashed with the tests' hasher, set per test
    assert len(demo_referents_create()) == 3
    assert Referent.objects.count() == 3
    username, password = REFERENTS["caf"]
    client.post("/compte/connexion/", {"username": username, "password": password})
    assert client.session.get("_auth_user_id") == str(
        Referent.objects.get(partner__code="caf").user_id
    )


@pytest.mark.django_db
def test_a_year_of_cases_with_every_status_some_late_some_rerouted(demo):
    cases = Case.objects.all()
    assert demo["created"] == cases.count() > 40
    assert demo_cases_create(now=NOW) == 0  # once only
    statuses = set(cases.values_list("status", flat=True))
    assert statuses == set(CaseStatus.values)
    first = cases.order_by("sent_at").first().sent_at
    assert first < NOW - datetime.timedelta(days=300)
    today = timezone.localdate()
    late = [c for c in cases.exclude(status=CaseStatus.CLOSED) if c.due_on < today]
    assert late, "some open cases are late"
    rerouted = cases.filter(answer=CaseAnswer.WRONG_PARTNER)
    assert rerouted.exists()
    for case in rerouted:
        assert case.status == CaseStatus.CLOSED
        assert case.rerouted_to.partner_id != case.partner_id
    for case in cases.select_related("site__commune__region")[:80]:
        assert case.due_on == due_on(case)  # the deadlines' own computation
        assert case.sent_at <= NOW and case.nir == "" and case.tax_number == ""
        if case.first_answer_at:
            assert case.sent_at < case.first_answer_at <= NOW
    assert cases.filter(status=CaseStatus.CLOSED).exclude(useful="").exists()


@pytest.mark.django_db
def test_messages_from_both_sides_and_internal_notes_dated_in_order(demo):
    messages = CaseMessage.objects.select_related("case")
    assert {m.side for m in messages} == {Side.SITE, Side.PARTNER}
    assert messages.filter(internal=True).exists()
    assert all(m.case.sent_at < m.created_at <= NOW for m in messages)


@pytest.mark.django_db
def test_requests_became_transmitted_and_the_rollups_stay_exact(demo):
    transmitted = taxonomy.term_by_code("outcome", "dossier-transmis")
    opened = Case.objects.filter(request__isnull=False)
    assert Request.objects.filter(outcome_id=transmitted.id).count() == opened.count()
    assert rollups_compare()[2] == 0


@pytest.mark.django_db
def test_the_scorecard_reads_the_demo_cases(demo):
    network = Network.objects.get(slug="pimms")
    scorecard = case_scorecard(
        sites=Site.objects.in_network(network), period=Period.parse("2025-01..2025-05")
    )
    sent = Case.objects.filter(
        sent_at__gte=datetime.datetime(2025, 1, 1, tzinfo=PARIS),
        sent_at__lt=datetime.datetime(2025, 6, 1, tzinfo=PARIS),
    ).count()
    assert scorecard.total.sent == sent > 0
    assert 0 < scorecard.total.on_time < scorecard.total.answer_owed
    assert {row.label for row in scorecard.by_partner} <= {
        name for name in Case.objects.values_list("partner__name", flat=True)
    }
