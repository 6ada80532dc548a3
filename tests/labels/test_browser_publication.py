"""In a real browser: the network head asks for the autumn 2020 list, reads it grouped by région
with the new sites marked, downloads the DOCX and finds the same list in it."""

import pytest
from docx import Document

from maillon.accounts.enums import Role
from maillon.geo.services import geo_import
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelProgramme
from maillon.network.models import Network
from maillon.orchestration.importers.pimms import pimms_network_import
from tests.browser import log_in
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_network_head_publishes_the_autumn_2020_list(page):
    # A transactional test starts from a flushed database: the programme that the data
    # migration creates is gone.
    LabelProgramme.objects.get_or_create(slug=FRANCE_SERVICES, defaults={"name": "France Services"})
    geo_import()
    pimms_network_import()
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=Network.objects.get(slug="pimms"))
    log_in(page, head.user.username)

    page.goto("/label/listes/")
    page.get_by_label("Liste des points d'accueil labellisés au").fill("2020-09-30")
    page.get_by_label("Marquer d'un astérisque les nouveaux depuis le").fill("2020-02-01")
    page.get_by_role("button", name="Afficher la liste").click()

    table = page.get_by_role("table")
    assert "13 nouveaux" in table.locator("caption").inner_text()
    assert page.locator(".new-mark").count() == 13
    loire = page.get_by_role("row").filter(has_text="Loire (42)")
    assert loire.count() == 3
    assert page.get_by_role("rowgroup").filter(has_text="Total Auvergne-Rhône-Alpes").count() == 1

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger (DOCX)").click()
    document = Document(str(info.value.path()))
    cells = [row.cells[2].text for row in document.tables[0].rows]
    assert sum(text.endswith(" *") for text in cells) == 13
    assert "PIMMS Métropole Stéphanoise - Montreynaud *" in cells
