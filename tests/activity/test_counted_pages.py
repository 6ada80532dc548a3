"""Outreach acts and workshops beyond their forms: listed by day or week, edited and deleted
like visits (the same window, a confirmation page, the journal), the rollups exact."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillon.activity.models import OutreachAct, OutreachMonthlyRollup, Workshop
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import outreach_record, workshop_record
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from tests.factories import SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)  # a Wednesday
TODAY = NOON.date()


def _act(agent, site, day=TODAY, people=2) -> OutreachAct:
    return outreach_record(
        agent=agent, site_id=site.pk, day=day, place="domicile", people_reached=people
    ).object


def _workshop(agent, site, day=TODAY) -> Workshop:
    return workshop_record(
        agent=agent, site_id=site.pk, day=day, theme="numerique", title="Mails", participants=6
    ).object


@time_machine.travel(NOON, tick=False)
def test_the_lists_show_the_week_or_a_day_with_totals(client):
    site = SiteFactory()
    agent = agent_of(site)
    _act(agent, site, people=2)
    _act(agent, site, day=TODAY - datetime.timedelta(days=2), people=5)
    _act(agent, site, day=TODAY - datetime.timedelta(days=9), people=40)  # last week
    _workshop(agent, site)
    client.force_login(agent)
    url = reverse("activity:outreach_list")
    week = client.get(url, {"site": site.pk}).content.decode()
    assert "2 actes · 7 personnes touchées" in week
    day = client.get(url, {"site": site.pk, "vue": "jour"}).content.decode()
    assert "1 acte · 2 personnes touchées" in day
    workshops = client.get(reverse("activity:workshop_list"), {"site": site.pk}).content.decode()
    assert "1 atelier · 6 participants" in workshops and "Mails" in workshops


@time_machine.travel(NOON, tick=False)
def test_the_author_edits_an_act_the_same_day_and_the_rollups_follow(client):
    site = SiteFactory()
    agent = agent_of(site)
    act = _act(agent, site, people=2)
    client.force_login(agent)
    url = reverse("activity:outreach_edit", args=[act.pk])
    page = client.get(url).content.decode()
    assert 'name="people_reached" value="2"' in page and "2026-03-11" in page
    response = client.post(
        url, {"day": "2026-03-10", "place": "transports", "partner": "", "people_reached": "9"}
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert (act.day, act.place.code, act.people_reached) == (
        datetime.date(2026, 3, 10),
        "transports",
        9,
    )
    assert sum(r.people_reached for r in OutreachMonthlyRollup.objects.all()) == 9
    assert rollups_compare()[2] == 0
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE)
    assert entry.changes["people_reached"] == [2, 9]


@time_machine.travel(NOON, tick=False)
def test_delete_asks_for_confirmation_then_deletes(client):
    site = SiteFactory()
    agent = agent_of(site)
    workshop = _workshop(agent, site)
    client.force_login(agent)
    url = reverse("activity:workshop_delete", args=[workshop.pk])
    page = client.get(url).content.decode()
    assert "Confirmer la suppression" in page and Workshop.objects.exists()
    assert client.post(url).status_code == 302
    assert not Workshop.objects.exists()
    assert JournalEntry.objects.filter(action=JournalAction.DELETE).count() == 1
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_a_past_act_is_locked_for_its_author_and_corrected_by_a_manager(client):
    site = SiteFactory()
    agent = agent_of(site)
    act = _act(agent, site, day=TODAY - datetime.timedelta(days=1))
    client.force_login(agent)
    response = client.get(reverse("activity:outreach_edit", args=[act.pk]))
    assert response.status_code == 403
    assert "ne peut plus être modifié" in response.content.decode()
    assert client.post(reverse("activity:outreach_delete", args=[act.pk])).status_code == 403
    client.force_login(manager_of(site.organisation))
    assert client.post(reverse("activity:outreach_delete", args=[act.pk])).status_code == 302
    assert not OutreachAct.objects.exists()
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_another_sites_agent_gets_404(client):
    site = SiteFactory()
    act = _act(agent_of(site), site)
    client.force_login(agent_of(SiteFactory()))
    for name in ("activity:outreach_edit", "activity:outreach_delete"):
        assert client.get(reverse(name, args=[act.pk])).status_code == 404
    assert client.get(reverse("activity:outreach_list"), {"site": site.pk}).status_code == 404


@time_machine.travel(NOON, tick=False)
def test_the_lists_offer_changes_only_where_they_would_be_allowed(client):
    """An act of two days ago is locked for its author (same-day window): the list says so
    instead of offering « Modifier » / « Supprimer » links that would answer 403."""
    site = SiteFactory()
    agent = agent_of(site)
    today_act = _act(agent, site)
    old_act = _act(agent, site, day=TODAY - datetime.timedelta(days=2))
    client.force_login(agent)
    page = client.get(reverse("activity:outreach_list"), {"site": site.pk}).content.decode()
    assert reverse("activity:outreach_edit", args=[today_act.pk]) in page
    assert reverse("activity:outreach_edit", args=[old_act.pk]) not in page
    assert reverse("activity:outreach_delete", args=[old_act.pk]) not in page
    assert "Verrouillé" in page
    assert client.get(reverse("activity:outreach_edit", args=[old_act.pk])).status_code == 403
    # the manager corrects within 7 days: links offered
    client.force_login(manager_of(site.organisation))
    page = client.get(reverse("activity:outreach_list"), {"site": site.pk}).content.decode()
    assert reverse("activity:outreach_edit", args=[old_act.pk]) in page
