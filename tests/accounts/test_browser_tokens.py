"""In a real browser, at a phone's width: an agent creates a read-only token (its secret shown
once), sees it in his list and revokes it after confirming — without the page scrolling
sideways and with every link and button readable."""

import re

import pytest
from playwright.sync_api import expect

from maillon.accounts.models import ApiToken
from tests.accessibility import axe_problems, contrast_problems
from tests.browser import log_in
from tests.factories import SiteFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_creates_and_revokes_a_token_on_a_phone(page):
    agent = agent_of(SiteFactory())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, agent.username)
    page.get_by_role("link", name="Jetons d'API").click()
    page.get_by_label("Nom").fill("tableur du siège")
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.locator("#token-secret").inner_text()
    token = ApiToken.objects.get(user=agent)
    assert secret.startswith(token.prefix) and token.scope == "read"
    row = page.get_by_role("row", name=re.compile("tableur du siège"))
    expect(row).to_contain_text("lecture seule")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert contrast_problems(page) == []
    assert axe_problems(page) == []

    row.get_by_role("link", name=re.compile("Révoquer")).click()
    page.get_by_role("button", name=re.compile("Révoquer")).click()
    expect(page.get_by_role("row", name=re.compile("tableur du siège"))).to_contain_text("révoqué")
    token.refresh_from_db()
    assert token.revoked_at is not None
