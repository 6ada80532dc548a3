"""In a real browser, with the shipped settings (DEBUG off): the French 404 page and the 403 of
a locked visit are in the site's style, say what happened and lead back; axe-core finds no
serious or critical violation."""

import datetime
import os
import re

import pytest
import time_machine
from django.urls import reverse

from tests.accessibility import axe_problems
from tests.activity.factories import record_visit, seed_reference_data
from tests.browser import log_in
from tests.factories import SiteFactory, agent_of, manager_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("MAILLON_SCREENSHOTS")  # a folder, to look at the pages


def _look(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_a_missing_page_and_a_locked_visit_in_the_browser(page):
    pytest.importorskip("axe_playwright_python")
    response = page.goto("/cette-page-n-existe-pas/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.title() == "Page introuvable — Maillon"
    _look(page, "404")
    assert axe_problems(page) == []
    page.get_by_role("link", name="Revenir à l'accueil").click()
    page.wait_for_url(re.compile(r"://[^/]+/$"))

    seed_reference_data()
    site = SiteFactory(organisation__name="PIMMS Lyon")
    agent = agent_of(site)
    manager_of(site.organisation, user__first_name="Awa", user__last_name="Diallo")
    yesterday = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        visit = record_visit(agent, site)
    log_in(page, agent.username)
    response = page.goto(reverse("activity:visit_edit", args=[visit.pk]))
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Ce passage ne peut plus être modifié"
    alert = page.get_by_role("alert").inner_text()
    assert "se modifie le jour même, par l'agent qui l'a enregistré" in alert
    assert "« PIMMS Lyon » : Awa Diallo" in alert
    _look(page, "403-locked-visit")
    assert axe_problems(page) == []
