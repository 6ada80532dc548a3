"""In a real browser: the CAF's partner viewer logs in, downloads his XLSX report (the numbers of
the hand-built network of test_partner_report) and can reach nothing else."""

import importlib
import re

import pytest
from django.apps import apps
from openpyxl import load_workbook

from maillon.activity import taxonomy
from tests.browser import log_in
from tests.reports.test_partner_report import build_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_reference_data() -> None:
    """Transactional tests start from a flushed database: put the taxonomies back."""
    importlib.import_module("maillon.network.migrations.0002_partner_taxonomy").create(apps, None)
    importlib.import_module("maillon.activity.migrations.0002_taxonomies").create(apps, None)
    taxonomy.cache_clear()


def test_partner_viewer_downloads_his_report_and_reaches_nothing_else(page, tmp_path):
    _seed_reference_data()
    world = build_network()
    viewer = world["users"]["caf_viewer"]

    log_in(
        page, viewer.username, start="/rapports/partenaire/", landing=r"^[^?]*/rapports/partenaire/"
    )

    partner = page.get_by_label("Partenaire")
    assert partner.locator("option").all_inner_texts() == ["Caisse d'allocations familiales"]
    page.get_by_label("Du mois").fill("2024-01")
    page.get_by_label("Au mois (inclus)").fill("2024-12")
    page.get_by_role("button", name="Afficher").click()
    heading = page.get_by_role("heading", name="Caisse d'allocations familiales — année 2024")
    heading.wait_for()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le tableur (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "rapport-caf-2024.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    cover = {r[0]: r[1] for r in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert (cover["Partenaire"], cover["Demandes"], cover["Demandes de la période précédente"]) == (
        "Caisse d'allocations familiales",
        6,
        3,
    )
    sites = list(workbook["Par point d'accueil"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3]) for r in sites] == [
        ("Alpha Centre", 3),
        ("Alpha Gare", 1),
        ("Bêta Bourg", 2),
        ("Total", 6),
    ]

    site = world["sites"]["A1"]
    refused = [
        "/activite/guichet/",  # the desk
        f"/reseau/points-d-accueil/{site.pk}/",  # a site record
        "/rapports/chiffres-cles/",
        "/rapports/tableau-de-bord/",
        "/rapports/mensuel/",
        "/journal/",
        "/label/",
        "/rapports/partenaire/?partenaire=edf&periode=2024",  # another partner
        "/rapports/partenaire/?partenaire=edf&periode=2024&format=xlsx",
    ]
    for url in refused:
        response = page.goto(url)
        assert response.status == 404, url
    # the reports home offers his report only
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rapports"
    ).click()
    page.wait_for_url(re.compile(r"/rapports/$"))
    assert page.locator("main a").all_inner_texts() == [
        "Rapport partenaire — Caisse d'allocations familiales"
    ]
    # the lists he may open are empty: no site, no organisation
    for url in ("/reseau/points-d-accueil/", "/reseau/structures/", "/compte/"):
        page.goto(url)
        text = page.locator("main").inner_text()
        assert "Alpha Centre" not in text and "PIMMS Alpha" not in text, url
    assert (
        page.evaluate(
            "fetch('/api/v1/reports/partner?partner=edf&period=2024').then(r => r.status)"
        )
        == 404
    )
