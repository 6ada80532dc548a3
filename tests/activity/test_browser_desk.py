"""In a real browser: an agent records a visit with two requests by keyboard only, sees it in
today's log, edits it; an agent of another organisation cannot see it."""

import re

import pytest

from maillon.activity.models import Visit
from tests.accessibility import axe_problems, low_contrast
from tests.activity.factories import record_visit, seed_reference_data
from tests.factories import DEFAULT_PASSWORD, SiteFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user) -> None:
    page.goto("/activite/guichet/")
    assert "/compte/connexion/" in page.url
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))


def test_agent_records_a_visit_by_keyboard_and_edits_it(page):
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    other_site = SiteFactory(name="PIMMS d'ailleurs")
    agent, stranger = agent_of(site), agent_of(other_site)

    _login(page, agent)
    assert page.evaluate("document.activeElement.name") == "quick"  # ready to type
    keystrokes = "caf2 cpam3"
    page.keyboard.type(keystrokes)
    page.keyboard.press("Enter")
    assert len(keystrokes) + 1 <= 12
    status = page.get_by_role("status").filter(has_text="Passage enregistré")
    status.wait_for()
    log = page.locator(".desk-log")
    assert "CAF · Famille - Scolarité · Information · Résolu lors du passage" in log.inner_text()
    assert "CPAM · Social - Santé" in log.inner_text()
    assert page.evaluate("document.activeElement.name") == "quick"  # next visitor at once
    visit = Visit.objects.get()
    assert visit.requests.count() == 2

    page.get_by_role("link", name=re.compile("^Modifier")).click()
    page.get_by_label("Issue 2").select_option("reoriente")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))
    assert (
        "CPAM · Social - Santé · Information · Réorienté" in page.locator(".desk-log").inner_text()
    )

    page.get_by_role("button", name=re.compile("Se déconnecter")).click()
    _login(page, stranger)
    assert "Aucun passage enregistré aujourd'hui." in page.locator(".desk-log").inner_text()
    assert "CPAM" not in page.locator(".desk-log").inner_text()
    response = page.goto(f"/activite/passages/{visit.pk}/")
    assert response.status == 404


def test_desk_outreach_and_workshop_pages_pass_axe(page):
    pytest.importorskip("axe_playwright_python")
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    visit = record_visit(agent, site)  # the log has a row, with its buttons
    _login(page, agent)
    assert axe_problems(page) == [], "guichet"
    for url in (
        f"/activite/passages/{visit.pk}/",
        "/activite/mediation-sortante/",
        "/activite/ateliers/",
    ):
        page.goto(url)
        assert axe_problems(page) == [], url


def test_every_link_and_button_of_the_desk_tabs_is_readable(page):
    """The tabs and « Supprimer » were white on white (the header's link colour); axe only
    lists equal colours as "needs review". Each tab, in each state, is measured."""
    seed_reference_data()
    site = SiteFactory(name="PIMMS du Port")
    agent = agent_of(site)
    record_visit(agent, site)
    _login(page, agent)
    for tab in ("Passages", "Médiation sortante", "Ateliers collectifs"):
        page.get_by_role("navigation", name="Activité").get_by_role("link", name=tab).click()
        page.wait_for_load_state()
        assert low_contrast(page) == [], tab
    page.get_by_role("link", name="Passages").click()
    assert page.get_by_role("button", name="Supprimer").is_visible()
