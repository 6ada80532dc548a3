"""In a real browser: a login lock, a password change, and who gets into Django's admin."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser import LOGIN, log_in
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, SiteFactory, agent_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MAILLON_SCREENSHOTS")  # a folder to keep screenshots in, if set


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _type_login(page, username: str, password: str) -> None:
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_ten_wrong_passwords_lock_the_login_with_a_french_message(page):
    user = agent_of(SiteFactory())
    page.goto(LOGIN)
    for _ in range(10):
        _type_login(page, user.username, "mauvais-passe")
    _type_login(page, user.username, DEFAULT_PASSWORD)  # even the right one, now
    expect(page.get_by_role("alert")).to_contain_text("Trop de tentatives de connexion échouées")
    assert LOGIN in page.url
    expect(page.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    _shot(page, "login-locked")


def test_an_agent_changes_his_password(page):
    user = agent_of(SiteFactory())
    log_in(page, user.username)
    page.get_by_role("link", name="Changer mon mot de passe").click()
    page.get_by_label(re.compile("^Ancien mot de passe")).fill(DEFAULT_PASSWORD)
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill("Nouveau-Passe-2026")
    page.get_by_label(re.compile("^Confirmation du nouveau")).fill("Nouveau-Passe-2026")
    _shot(page, "password-change")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/compte/$"))
    assert page.get_by_text("Votre mot de passe a été modifié.").is_visible()
    page.get_by_role("button", name=re.compile("Se déconnecter")).click()
    page.goto(LOGIN)
    _type_login(page, user.username, "Nouveau-Passe-2026")
    assert re.search(r"/compte/$", page.url)


@pytest.mark.parametrize("who", ["superuser", "network-admin", "agent"])
def test_only_a_superuser_enters_the_admin(page, who):
    if who == "superuser":
        user = get_user_model().objects.create_superuser("racine", "r@example.org")
        user.set_password(DEFAULT_PASSWORD)
        user.save()
    elif who == "network-admin":
        user = MembershipFactory(network_admin=True).user
    else:
        user = agent_of(SiteFactory())
    log_in(page, user.username)
    link = page.get_by_role("link", name="Administration")
    assert link.count() == (1 if who == "superuser" else 0)
    page.goto("/admin/accounts/user/")
    _shot(page, f"admin-{who}")
    if who == "superuser":
        assert page.get_by_role("link", name="racine").count() >= 1
    else:
        assert "/admin/login/" in page.url
        assert page.get_by_role("link", name="racine").count() == 0
