"""« Réorienté vers » stores its target (a partner and/or a structure's name) in a side table
one-to-one with the request: the desk's detailed rows, the edit page, the API, the history and
the journal show it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillon.activity.models import Referral, Request, Visit
from maillon.activity.rollups_verify import rollups_compare
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from tests.activity.factories import bearer
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
DESK = reverse("activity:desk")


def _row(structure: str = "Mission locale", partner: str = "", outcome: str = "reoriente"):
    return {
        "r0_partner": "caf",
        "r0_theme": "famille",
        "r0_help_kind": "orientation",
        "r0_outcome": outcome,
        "r0_referral_partner": partner,
        "r0_referral_structure": structure,
    }


@time_machine.travel(NOON, tick=False)
def test_the_desks_detailed_row_stores_the_target_and_every_page_shows_it(client):
    site = SiteFactory()
    agent = agent_of(site)
    client.force_login(agent)
    page = client.get(DESK).content.decode()
    assert "jamais le nom d&#x27;une personne" in page  # the UI says it: no personal data
    response = client.post(
        DESK,
        {"site": site.pk, "channel": "sur-site", "quick": "cpam3", **_row(partner="cpam")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    referral = Referral.objects.get()
    assert referral.request.position == 1  # the quick field's request comes first
    assert (referral.partner.code, referral.structure) == ("cpam", "Mission locale")
    log = client.get(DESK).content.decode()
    assert "réorienté vers" in log and "Mission locale" in log
    history = client.get(reverse("activity:history")).content.decode()
    assert "Mission locale" in history
    edit = client.get(reverse("activity:visit_edit", args=[visit.pk])).content.decode()
    assert 'value="Mission locale"' in edit  # the request is in the detailed rows
    assert 'value="cpam3"' in edit
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_editing_replaces_the_target_and_the_journal_names_it(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    client.post(DESK, {"site": site.pk, "channel": "sur-site", **_row()})
    visit = Visit.objects.get()
    url = reverse("activity:visit_edit", args=[visit.pk])
    response = client.post(url, {"channel": "sur-site", **_row(structure="CCAS de Narbonne")})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Referral.objects.values_list("structure", flat=True)) == ["CCAS de Narbonne"]
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE)
    assert entry.changes["requests"] == [
        ["caf famille orientation reoriente → « Mission locale »"],
        ["caf famille orientation reoriente → « CCAS de Narbonne »"],
    ]
    client.post(url, {"channel": "sur-site", "quick": "caf2"})  # no longer redirected
    assert not Referral.objects.exists() and Request.objects.count() == 1


@time_machine.travel(NOON, tick=False)
def test_a_target_goes_with_the_redirected_outcome_and_its_name_is_bounded(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    response = client.post(DESK, {"site": site.pk, "channel": "sur-site", **_row(outcome="resolu")})
    assert "va avec l&#x27;issue « Réorienté vers »" in response.content.decode()
    response = client.post(DESK, {"site": site.pk, "channel": "sur-site", **_row("x" * 81)})
    assert response.status_code == 422  # the form's bound: 80 characters
    assert not Visit.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_api_takes_and_answers_the_target(client):
    site = SiteFactory()
    headers = bearer(agent_of(site))
    payload = {
        "site_id": site.pk,
        "requests": [
            {
                "partner": "caf",
                "theme": "famille",
                "outcome": "reoriente",
                "referral": {"partner": "cpam", "structure": "  Point  justice "},
            },
            {"partner": "caf", "theme": "famille"},
        ],
    }
    response = client.post(
        "/api/v1/visits", payload, content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    created = [r["referral"] for r in response.json()["requests"]]
    assert created == [{"partner": "cpam", "structure": "Point justice"}, None]
    fetched = client.get(f"/api/v1/visits/{response.json()['id']}", headers=headers).json()
    assert [r["referral"] for r in fetched["requests"]] == created
    bad = {**payload, "requests": [{**payload["requests"][0], "outcome": "resolu"}]}
    response = client.post("/api/v1/visits", bad, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == [
        "body",
        "payload",
        "requests",
        0,
        "referral",
        "partner",
    ]
    long = {
        **payload,
        "requests": [{**payload["requests"][0], "referral": {"structure": "y" * 81}}],
    }
    response = client.post("/api/v1/visits", long, content_type="application/json", headers=headers)
    assert "dépasse 80 caractères" in response.json()["detail"][0]["msg"]
    assert Visit.objects.count() == 1 and Referral.objects.count() == 1


@time_machine.travel(NOON, tick=False)
def test_same_as_last_repeats_the_target(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    client.post(DESK, {"site": site.pk, "channel": "sur-site", **_row(partner="cpam")})
    client.post(DESK, {"site": site.pk, "channel": "sur-site", "quick": "="})
    assert Visit.objects.count() == 2
    assert list(Referral.objects.values_list("partner__code", "structure")) == [
        ("cpam", "Mission locale"),
        ("cpam", "Mission locale"),
    ]
