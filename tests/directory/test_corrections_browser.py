"""In a real browser: a citizen reports an error from a site's page without an account, by
keyboard; the form and the thanks pass axe-core; the manager finds it in his inbox."""

import re

import pytest

from tests.browser import log_in
from tests.directory.test_browser import check_page_basics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reports_an_error_and_the_manager_handles_it(page):
    pytest.importorskip("axe_playwright_python")
    from maillon.directory.models import ErrorReport
    from tests.factories import SiteFactory, manager_of

    site = SiteFactory(name="PIMMS de la gare")
    manager = manager_of(site.organisation)
    page.goto(f"/lieux/{site.pk}/")
    assert "Informations pas encore confirmées par le gestionnaire." in page.inner_text("main")
    page.get_by_role("link", name="Signaler une erreur").click()
    page.wait_for_url(re.compile(rf"/lieux/{site.pk}/signaler/$"))
    check_page_basics(page, "Signaler une erreur")

    page.get_by_label("Les horaires").check()
    page.get_by_label("Décrivez l'erreur").fill("Fermé le mercredi après-midi depuis septembre.")
    page.get_by_role("button", name="Envoyer le signalement").press("Enter")
    page.wait_for_url(re.compile(r"\?merci=1$"))
    assert "Merci ! Votre signalement a été transmis" in page.inner_text("main")
    check_page_basics(page, "Signaler une erreur")
    assert ErrorReport.objects.get().site_id == site.pk

    log_in(page, manager.username)
    page.get_by_role("link", name="Signalements", exact=True).click()
    page.wait_for_url(re.compile(r"/annuaire/signalements/$"))
    assert "Fermé le mercredi après-midi" in page.inner_text("main")
    check_page_basics(page, "Signalements d'erreur")
