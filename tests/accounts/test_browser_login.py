"""In a real browser: a manager logs in with the keyboard, finds his sites, logs out."""

import re

import pytest

from maillon.network.models import Site
from tests.factories import DEFAULT_PASSWORD, SiteFactory, manager_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_logs_in_by_keyboard_and_sees_only_his_sites(page):
    mine = SiteFactory(name="PIMMS Clair", opening_hours="Mo-Fr 09:00-12:00,13:30-17:00")
    SiteFactory(name="PIMMS Voisin")
    user = manager_of(mine.organisation)

    page.goto("/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.goto("/reseau/points-d-accueil/")
    assert "/compte/connexion/" in page.url  # login required
    page.get_by_label("Identifiant").fill(user.username)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/reseau/points-d-accueil/$"))
    assert page.get_by_role("link", name="PIMMS Clair").is_visible()
    assert page.get_by_role("link", name="PIMMS Voisin").count() == 0

    page.get_by_role("link", name="PIMMS Clair").click()
    assert page.get_by_role("heading", name="PIMMS Clair").is_visible()
    assert page.get_by_text("du lundi au vendredi 9 h–12 h, 13 h 30–17 h").is_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"/reseau/points-d-accueil/{Site.objects.get(name='PIMMS Clair').pk}/")
    assert "/compte/connexion/" in page.url


def test_wrong_password_gets_a_french_message(page):
    page.goto("/compte/connexion/")
    page.get_by_label("Identifiant").fill("personne")
    page.get_by_label("Mot de passe").fill("faux")
    page.get_by_role("button", name="Se connecter").click()
    assert (
        page.get_by_role("alert")
        .inner_text()
        .strip()
        .startswith("Identifiant ou mot de passe incorrect")
    )
    assert page.evaluate("document.documentElement.lang") == "fr"
