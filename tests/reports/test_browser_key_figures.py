"""In a real browser: the network head asks for the 2018 key figures of the PIMMS network,
reads the block of the first press release, sees the contradiction flagged, downloads the
Markdown; an unreadable period gets a French message."""

from pathlib import Path

import pytest

from maillon.accounts.enums import Role
from maillon.geo.services import geo_import
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelProgramme
from maillon.network.models import Network
from maillon.orchestration.importers.pimms import pimms_network_import
from tests.accessibility import axe_problems
from tests.browser import log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_network_head_reads_and_downloads_the_2018_key_figures(page):
    LabelProgramme.objects.get_or_create(slug=FRANCE_SERVICES, defaults={"name": "France Services"})
    geo_import()
    pimms_network_import()
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=Network.objects.get(slug="pimms"))
    log_in(page, head.user.username)

    page.goto("/rapports/")
    page.get_by_role("link", name="Chiffres clés").first.click()
    page.get_by_label("Du mois").fill("2018-01")
    page.get_by_label("Au mois (inclus)").fill("2018-12")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_label("Sites labellisés France Services au (facultatif)").fill("2020-01-01")
    page.get_by_role("button", name="Recalculer").click()

    block = page.locator("ul.key-figures")
    text = " ".join(block.inner_text().replace("\u202f", " ").split())
    assert "1 829 881 demandes accompagnées par an" in text
    assert "33 labellisés « France Services » au 1er janvier 2020" in text
    assert "Plus de 943 000 personnes accompagnées" in text
    assert page.get_by_role("heading", name="Incohérences relevées").is_visible()
    assert axe_problems(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger en Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("Chiffres clés (données 2018) :")

    page.get_by_label("Du mois").fill("2018-12")
    page.get_by_label("Au mois (inclus)").fill("2018-01")
    page.get_by_role("button", name="Afficher").click()
    assert page.get_by_role("alert").filter(has_text="La période se termine avant de commencer.")
