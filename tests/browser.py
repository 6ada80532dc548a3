"""Helpers of the browser tests (Playwright on Debian's Chromium)."""

import re

from tests.factories import DEFAULT_PASSWORD

LOGIN = "/compte/connexion/"


def log_in(page, username: str, *, start: str = LOGIN, landing: str = r"/compte/$") -> None:
    """Open `start` (a page that asks to log in, or the login page), log in by typing the
    username and the password and pressing Enter, and wait for the page `landing` (a regex)."""
    page.goto(start)
    assert LOGIN in page.url
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(landing))
