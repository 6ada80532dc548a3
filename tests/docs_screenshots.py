"""The screenshots of docs/activity.md, taken from the demo with Playwright (not a test).

    maillon demo                      # loads the demo and serves it on 127.0.0.1:8000
    python -m tests.docs_screenshots  # in another shell: writes docs/img/*.png

Logs in as the demo agent (the history and the follow-up list of his site) and writes the desk
at 1280 and 390 px wide, the desk right after a deletion (« Passage supprimé — Annuler »), the
history (this week) and the follow-up list at 1280 px. Run it again when those pages change."""

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from tests.conftest import chromium_path

AGENT = ("agent", "agent-demo-2020")  # printed by `maillon demo`
WIDE = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)


def _login(page: Page, base: str) -> None:
    page.goto(f"{base}/compte/connexion/?next=/activite/guichet/")
    page.get_by_label("Identifiant").fill(AGENT[0])
    page.get_by_label("Mot de passe").fill(AGENT[1])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/activite/guichet/"))


def _shoot(page: Page, out: Path, name: str, *, full_page: bool = False) -> None:
    """The window (a long list: its first screen), or the whole page."""
    page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
    print(out / f"{name}.png")


def take(base: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        page = browser.new_page(viewport=WIDE, locale="fr-FR")
        _login(page, base)
        page.get_by_label("Demandes (saisie rapide)").fill("caf2 cpam3/av")
        page.keyboard.press("Enter")
        page.get_by_role("status").filter(has_text="Passage enregistré").wait_for()
        _shoot(page, out, "desk-1280", full_page=True)
        page.get_by_role("link", name=re.compile("^Supprimer")).first.click()
        page.get_by_role("button", name="Supprimer définitivement").click()
        page.get_by_role("status").filter(has_text="Passage supprimé —").wait_for()
        _shoot(page, out, "desk-undo")
        page.get_by_role("button", name=re.compile("^Annuler")).click()  # the demo is unchanged
        page.get_by_role("status").filter(has_text="Suppression annulée").wait_for()
        page.goto(f"{base}/activite/historique/?vue=semaine")
        _shoot(page, out, "activity-history")
        page.goto(f"{base}/activite/suites/")
        _shoot(page, out, "activity-follow-ups")
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/activite/guichet/")
        _shoot(page, out, "desk-390", full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the demo's address")
    parser.add_argument("--out", type=Path, default=Path("docs/img"), help="where to write")
    args = parser.parse_args()
    take(args.base.rstrip("/"), args.out)


if __name__ == "__main__":
    main()
