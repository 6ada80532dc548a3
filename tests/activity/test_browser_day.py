"""In a real browser: an agent closes a follow-up from the site's list with the keyboard only,
and the pages of the mediator's day (history, follow-ups, outreach and workshop lists) fit a
phone (390 × 844) with no horizontal scroll; the rollups stay exact."""

import datetime
import re

import pytest
from django.utils import timezone

from maillon.activity.inputs import RequestInput
from maillon.activity.models import FollowUp
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import outreach_record, workshop_record
from tests.activity.factories import record_visit, seed_reference_data
from tests.browser import log_in
from tests.factories import SiteFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _agent_with_a_day():
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port de Narbonne et de ses environs immédiats")
    agent = agent_of(site)
    late = timezone.now() - datetime.timedelta(days=9)
    record_visit(
        agent,
        site,
        occurred_at=late,
        requests=[RequestInput(partner="caf", theme="famille", outcome="a-revoir")],
    )
    record_visit(agent, site)  # caf + cpam (à revoir): due later
    today = timezone.localdate()
    outreach_record(agent=agent, site_id=site.pk, day=today, place="domicile", people_reached=3)
    workshop_record(
        agent=agent,
        site_id=site.pk,
        day=today,
        theme="numerique",
        title="Créer son adresse électronique et sécuriser ses comptes en ligne",
        participants=8,
    )
    return site, agent


def test_an_agent_closes_a_late_follow_up_with_the_keyboard(page):
    site, agent = _agent_with_a_day()
    start = f"/activite/suites/?site={site.pk}"
    log_in(page, agent.username, start=start, landing=r"^[^?]*/activite/suites/")
    late = page.locator('section[aria-labelledby="late-title"]')
    assert late.locator(".followup").count() == 1
    select = late.get_by_label("Issue finale")
    for _ in range(60):  # Tab until the late follow-up's outcome has the focus
        page.keyboard.press("Tab")
        if select.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the outcome of the late follow-up is out of keyboard reach")
    page.keyboard.press("ArrowDown")  # the first outcome after « résolu »
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Clore")
    page.keyboard.press("Enter")
    page.get_by_text("Suite close").wait_for()
    assert late.locator(".followup").count() == 0
    closed = FollowUp.objects.exclude(closed_on=None).get()
    assert closed.final_outcome.code != "resolu" and closed.closed_by == agent
    assert rollups_compare()[2] == 0


def test_the_pages_of_the_day_fit_a_phone(page):
    site, agent = _agent_with_a_day()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, agent.username)
    for url in (
        "/compte/",
        "/activite/historique/?vue=semaine",
        f"/activite/suites/?site={site.pk}",
        f"/activite/mediation-sortante/liste/?site={site.pk}",
        f"/activite/ateliers/liste/?site={site.pk}",
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url}: {width} px wide"
    assert re.search(r"\d+ passages?", page.goto("/activite/historique/").text())
