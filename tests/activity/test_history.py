"""« Mes passages »: an agent's history by day or week with filters and counts; a manager sees
his sites' agents and filters by agent; nobody sees another site's visits; the query count of
the page does not grow with its rows."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from maillon.activity import taxonomy
from maillon.activity.inputs import RequestInput
from tests.activity.factories import record_visit
from tests.factories import SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)  # a Wednesday
HISTORY = "/activite/historique/"


def _at(days_ago: int) -> datetime.datetime:
    return NOON - datetime.timedelta(days=days_ago)


def _rows(page: str) -> int:
    return len(re.findall(r'href="/activite/passages/\d+/"', page))


@pytest.fixture
def week():
    """Two agents of one site and an agent elsewhere, with visits on this week's days."""
    site = SiteFactory(name="PIMMS du Port")
    other = SiteFactory(name="PIMMS d'ailleurs")
    me, colleague, stranger = agent_of(site), agent_of(site), agent_of(other)
    with time_machine.travel(NOON, tick=False):
        record_visit(me, site, occurred_at=_at(0))  # caf famille + cpam à revoir
        record_visit(me, site, occurred_at=_at(1), requests=[RequestInput(theme="logement")])
        record_visit(colleague, site, occurred_at=_at(0))
        record_visit(stranger, other, occurred_at=_at(0))
    return site, me, colleague, stranger


@time_machine.travel(NOON, tick=False)
def test_an_agent_sees_his_own_day_with_counts_and_each_row_opens_the_visit(client, week):
    site, me, colleague, _stranger = week
    client.force_login(me)
    page = client.get(HISTORY).content.decode()
    assert _rows(page) == 1
    assert "1 passage · 2 demandes · 1 suite à donner" in page
    assert "PIMMS d&#x27;ailleurs" not in page and str(colleague) not in page
    week_page = client.get(HISTORY, {"vue": "semaine"}).content.decode()
    assert _rows(week_page) == 2 and "2 passages · 3 demandes" in week_page
    yesterday = client.get(HISTORY, {"jour": "2026-03-10"}).content.decode()
    assert _rows(yesterday) == 1 and "Logement" in yesterday


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("name", "value", "rows"),
    [("partenaire", "caf", 1), ("theme", "logement", 1), ("issue", "a-revoir", 1)],
    ids=["partner", "theme", "outcome"],
)
def test_filters_by_partner_theme_and_outcome(client, week, name, value, rows):
    _site, me, _colleague, _stranger = week
    vocabulary = {"partenaire": "partner", "theme": "theme", "issue": "outcome"}[name]
    term = taxonomy.term_by_code(vocabulary, value)
    client.force_login(me)
    page = client.get(HISTORY, {"vue": "semaine", name: term.id}).content.decode()
    assert _rows(page) == rows


@time_machine.travel(NOON, tick=False)
def test_a_manager_sees_his_sites_agents_and_filters_by_agent(client, week):
    site, me, colleague, _stranger = week
    client.force_login(manager_of(site.organisation))
    page = client.get(HISTORY).content.decode()
    assert _rows(page) == 2 and str(colleague) in page
    only = client.get(HISTORY, {"agent": colleague.pk}).content.decode()
    assert _rows(only) == 1
    stranger_site = client.get(HISTORY, {"site": 10**6}).content.decode()
    assert _rows(stranger_site) == 0


@time_machine.travel(NOON, tick=False)
def test_the_history_never_shows_another_sites_visits(client, week):
    _site, _me, _colleague, stranger = week
    client.force_login(stranger)
    page = client.get(HISTORY, {"vue": "semaine"}).content.decode()
    assert _rows(page) == 1 and "PIMMS du Port" not in page


@time_machine.travel(NOON, tick=False)
def test_the_query_count_does_not_grow_with_the_rows(client, week, django_assert_num_queries):
    site, me, _colleague, _stranger = week
    manager = manager_of(site.organisation)
    client.force_login(manager)
    client.get(HISTORY)  # warm the taxonomy cache and the session
    # session, user, grants, sites, agents, counts, visits, requests, the menu: 9, whatever
    # the number of rows
    with django_assert_num_queries(9) as captured:
        client.get(HISTORY, {"vue": "semaine"})
    with time_machine.travel(NOON, tick=False):
        for _ in range(5):
            record_visit(me, site, occurred_at=_at(2))
    with django_assert_num_queries(len(captured)):
        response = client.get(HISTORY, {"vue": "semaine"})
    assert _rows(response.content.decode()) == 8


def test_the_page_is_in_the_navigation_of_the_day(client, week):
    _site, me, _colleague, _stranger = week
    client.force_login(me)
    assert reverse("activity:history") in client.get(reverse("activity:followups")).content.decode()
