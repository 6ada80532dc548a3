"""Every number of the activity has a bound, refused with the same French message whether it
comes from the desk's forms, the API or an import; the rollups add up beyond 32 bits."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from maillon.activity.bounds import MAX_PARTICIPANTS, MAX_PEOPLE_REACHED
from maillon.activity.exchange import COLUMNS, activity_import, import_agent
from maillon.activity.models import OutreachAct, OutreachMonthlyRollup, Visit, Workshop
from maillon.activity.rollups import OUTREACH_MONTHLY, Delta
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import outreach_record
from maillon.network.models import NetworkMembership
from maillon.reports.keyfigures import key_figures
from maillon.reports.periods import Period
from maillon.reports.scopes import scope_get
from tests.activity.factories import bearer
from tests.factories import MembershipFactory, NetworkFactory, SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
ATTACK = 2_147_483_647  # the largest 32-bit integer: one more and the rollups overflowed
PEOPLE = "Le nombre de personnes touchées doit être compris entre 1 et 500."
PARTICIPANTS = "Le nombre de participants doit être compris entre 1 et 500."
MINUTES = "La durée doit être comprise entre 0 et 600 minutes."


def test_the_bounds_are_the_documented_ones():
    assert (MAX_PEOPLE_REACHED, MAX_PARTICIPANTS) == (500, 500)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("people", [ATTACK, 10**30, 501, 0], ids=["int32", "huge", "501", "0"])
def test_the_outreach_page_refuses_an_unbounded_number_of_people(client, people):
    site = SiteFactory()
    client.force_login(agent_of(site))
    response = client.post(
        reverse("activity:outreach"),
        {"site": site.pk, "day": "2026-03-10", "place": "domicile", "people_reached": people},
    )
    assert response.status_code == 200
    assert PEOPLE in response.content.decode()
    assert not OutreachAct.objects.exists()


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("participants", ATTACK, PARTICIPANTS), ("duration_minutes", 601, MINUTES)],
    ids=["participants", "duration"],
)
def test_the_workshop_page_refuses_unbounded_numbers(client, field, value, message):
    site = SiteFactory()
    client.force_login(agent_of(site))
    data = {"site": site.pk, "day": "2026-03-10", "theme": "numerique", "title": "Mails"}
    data |= {"participants": 5, field: value}
    response = client.post(reverse("activity:workshops"), data)
    assert message in response.content.decode()
    assert not Workshop.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_desk_refuses_a_visit_longer_than_the_bound(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    response = client.post(
        reverse("activity:desk"),
        {"site": site.pk, "quick": "caf2", "channel": "sur-site", "duration_minutes": 601},
    )
    assert response.status_code == 422
    assert MINUTES in response.content.decode()
    assert not Visit.objects.exists()


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("url", "body", "field", "message"),
    [
        (
            "/api/v1/outreach-acts",
            {"place": "domicile", "people_reached": ATTACK},
            "people_reached",
            PEOPLE,
        ),
        (
            "/api/v1/outreach-acts",
            {"place": "domicile", "people_reached": 10**30},
            "people_reached",
            PEOPLE,
        ),
        (
            "/api/v1/workshops",
            {"theme": "numerique", "title": "Mails", "participants": ATTACK},
            "participants",
            PARTICIPANTS,
        ),
        (
            "/api/v1/workshops",
            {"theme": "numerique", "title": "Mails", "participants": 3, "duration_minutes": ATTACK},
            "duration_minutes",
            MINUTES,
        ),
        (
            "/api/v1/visits",
            {"requests": [{"theme": "famille"}], "duration_minutes": ATTACK},
            "duration_minutes",
            MINUTES,
        ),
    ],
    ids=["outreach-int32", "outreach-huge", "workshop-participants", "workshop-duration", "visit"],
)
def test_the_api_refuses_unbounded_numbers_with_a_french_message(client, url, body, field, message):
    site = SiteFactory()
    body = {"site_id": site.pk, "day": "2026-03-10", **body}
    response = client.post(
        url, body, content_type="application/json", headers=bearer(agent_of(site))
    )
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert [(d["loc"][-1], d["msg"]) for d in detail] == [(field, message)]
    assert not (OutreachAct.objects.exists() or Workshop.objects.exists() or Visit.objects.exists())


def _import_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "activite.csv"
    path.write_text("\n".join([";".join(COLUMNS), *lines]) + "\n", encoding="utf-8")
    return path


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "duration", ["601", "²", "2147483647", "-1"], ids=["601", "sup2", "int32", "neg"]
)
def test_the_import_refuses_a_duration_out_of_bounds_naming_row_and_column(tmp_path, duration):
    site = SiteFactory()
    line = f"p1;{site.pk};2025-11-03;09:15;sur-site;;;;{duration};caf;famille;;;"
    report = activity_import(_import_file(tmp_path, [line]), agent=import_agent())
    assert not report.written
    assert [str(p) for p in report.problems] == [
        f"ligne 2, colonne « duree », valeur « {duration} » : {MINUTES}"
    ]
    assert not Visit.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_import_refuses_a_visit_of_more_than_twenty_requests(tmp_path):
    site = SiteFactory()
    line = f"p1;{site.pk};2025-11-03;09:15;sur-site;;;;;caf;famille;;;"
    report = activity_import(_import_file(tmp_path, [line] * 21), agent=import_agent())
    assert not report.written
    assert [str(p) for p in report.problems] == [
        "ligne 22, colonne « passage », valeur « p1 » : Un passage comporte entre 1 et 20 demandes."
    ]
    assert not Visit.objects.exists()
    twenty = activity_import(_import_file(tmp_path, [line] * 20), agent=import_agent())
    assert twenty.written and Visit.objects.get().requests.count() == 20


@time_machine.travel(NOON, tick=False)
def test_network_figures_add_up_beyond_32_bits():
    """A year of a large network can pass 2³¹ people in a sum: rollups and key figures hold it
    (on PostgreSQL an `integer` column overflowed; SQLite integers are 64-bit anyway)."""
    network = NetworkFactory()
    site = SiteFactory()
    NetworkMembership.objects.create(
        network=network, organisation=site.organisation, start_date=datetime.date(2020, 1, 1)
    )
    agent = agent_of(site)
    day = datetime.date(2026, 3, 2)
    outreach_record(agent=agent, site_id=site.pk, day=day, place="domicile", people_reached=500)
    place_id = OutreachAct.objects.get().place_id
    delta = Delta()
    for _ in range(2):  # the contribution of millions of acts, added as the rollups add it
        delta.add(OUTREACH_MONTHLY, (site.pk, day.replace(day=1), place_id), (0, ATTACK))
        delta.apply()
    row = OutreachMonthlyRollup.objects.get()
    assert row.people_reached == 2 * ATTACK + 500
    admin = MembershipFactory(network_admin=True, network=network).user
    figures = key_figures(
        scope=scope_get(user=admin, key=f"network:{network.slug}"), period=Period.year(2026)
    )
    assert figures.value("outreach_people") == 2 * ATTACK + 500
    assert rollups_compare()[2] == 1  # the hand-made contribution is not in the facts
