"""The network head's « Règles de saisie » page (journaled, his network only) and the agent's
part of the home page (his figures, his site's, the follow-ups due)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillon.accounts.enums import Role
from maillon.activity.inputs import RequestInput
from maillon.activity.models import ActivityPolicy
from maillon.journal.models import JournalEntry
from maillon.network.models import Network, NetworkMembership
from tests.activity.factories import record_visit
from tests.factories import MembershipFactory, NetworkFactory, SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)
RULES = {
    "author_edit_days": "1",
    "manager_edit_days": "10",
    "late_entry_days": "3",
    "default_help_kind": "",
    "default_outcome": "",
    "follow_up_days": "5",
}


def test_the_network_head_sets_the_rules_and_the_journal_keeps_them(client):
    network = NetworkFactory()
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    client.force_login(head)
    url = f"{reverse('activity:policy')}?reseau={network.slug}"
    page = client.get(url).content.decode()
    assert "valeurs ci-dessous sont celles par défaut" in page
    assert client.post(url, RULES).status_code == 302
    policy = ActivityPolicy.objects.get(network=network)
    assert (policy.author_edit_days, policy.follow_up_days, policy.default_outcome) == (1, 5, None)
    assert client.post(url, {**RULES, "follow_up_days": "400"}).status_code == 200
    assert client.post(url, {**RULES, "follow_up_days": "14"}).status_code == 302
    entries = JournalEntry.objects.filter(object_id=str(policy.pk)).order_by("pk")
    assert [e.changes.get("follow_up_days") for e in entries] == [[None, 5], [5, 14]]
    assert "Règles de saisie" in client.get(reverse("accounts:home")).content.decode()


def test_a_manager_or_another_networks_head_gets_404(client):
    network = NetworkFactory()
    site = SiteFactory()
    NetworkMembership.objects.create(network=network, organisation=site.organisation)
    url = f"{reverse('activity:policy')}?reseau={network.slug}"
    client.force_login(manager_of(site.organisation))
    assert client.get(url).status_code == 404
    assert client.post(url, RULES).status_code == 404
    other = Network.objects.create(slug="autre-reseau", name="Autre réseau")
    other_head = MembershipFactory(role=Role.NETWORK_ADMIN, network=other).user
    client.force_login(other_head)
    assert client.post(url, RULES).status_code == 404
    assert not ActivityPolicy.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_agents_home_shows_his_day_his_sites_and_the_follow_ups_due(client):
    site = SiteFactory(name="PIMMS du Port")
    me, colleague = agent_of(site), agent_of(site)
    record_visit(me, site)  # caf + cpam (à revoir)
    record_visit(colleague, site, requests=[RequestInput(partner="caf", theme="famille")])
    late = NOON - datetime.timedelta(days=9)
    record_visit(
        me, site, occurred_at=late, requests=[RequestInput(theme="logement", outcome="a-revoir")]
    )
    client.force_login(me)
    page = client.get(reverse("accounts:home")).content.decode()
    assert "Ma journée — PIMMS du Port" in page
    today = page.split("<caption>Aujourd&#x27;hui</caption>")[1].split("</table>")[0]
    assert "<td>1</td><td>2</td>" in today  # visits: mine, the site's
    assert "<td>2</td><td>3</td>" in today  # requests
    assert "CAF (2)" in today
    assert "1 en retard" in page
    assert reverse("activity:followups") in page and reverse("activity:history") in page
