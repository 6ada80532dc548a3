"""The documents a manager downloads are accessible (RGAA 13.3). The PDFs are tagged (PDF/UA-1, a
structure tree with headings and table headers), in French, titled with their scope and period,
the title shown by the reader instead of the file name; each XLSX table is an Excel table with
a named header row and no merged cell."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from tests.reports.test_dashboard import build_world
from tests.reports.test_partner_report import build_network

pytestmark = pytest.mark.django_db


def _structure_types(node, found: set[str], depth: int = 0) -> set[str]:
    """The structure types (/H1, /Table, /TH…) under a structure element."""
    if depth > 40:
        return found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, ArrayObject):
        for child in node:
            _structure_types(child, found, depth + 1)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found, depth + 1)
    return found


def _accessibility(content: bytes) -> dict:
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    return {
        "lang": str(root.get("/Lang", "")),
        "title": (reader.metadata or {}).get("/Title", ""),
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "shows title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "types": _structure_types(tree["/K"], set()) if tree else set(),
    }


@pytest.mark.usefixtures("pdf_rendering")
@pytest.mark.parametrize(
    ("url", "query", "title"),
    [
        (
            "/rapports/chiffres-cles/",
            {"perimetre": "network:{network}", "periode": "2025"},
            "Réseau",
        ),
        (
            "/rapports/tableau-de-bord/",
            {"perimetre": "network:{network}", "periode": "2025"},
            "Tableau de bord",
        ),
    ],
    ids=["key-figures", "dashboard"],
)
def test_report_pdfs_are_tagged_french_and_titled(client, url, query, title):
    world = build_world()
    client.force_login(world.head)
    query = {key: value.format(network=world.network.slug) for key, value in query.items()}
    response = client.get(url, {**query, "format": "pdf"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    found = _accessibility(response.content)
    assert found["lang"] == "fr"
    assert title in found["title"]
    assert found["marked"] and found["shows title"]
    assert {"/H1", "/Table", "/TH", "/TD"} <= found["types"], found["types"]


@pytest.mark.usefixtures("pdf_rendering")
def test_the_partner_report_pdf_is_tagged_french_and_titled(client):
    world = build_network()
    client.force_login(world["users"]["network_head"])
    response = client.get(
        "/rapports/partenaire/", {"partenaire": "caf", "periode": "2024", "format": "pdf"}
    )
    assert response.status_code == 200
    found = _accessibility(response.content)
    assert found["lang"] == "fr"
    assert found["title"] == "Rapport partenaire — Caisse d'allocations familiales — année 2024"
    assert found["marked"] and found["shows title"]
    assert {"/H1", "/Table", "/TH", "/TD"} <= found["types"], found["types"]


def test_the_partner_report_xlsx_names_its_headers(client):
    world = build_network()
    client.force_login(world["users"]["network_head"])
    response = client.get(
        "/rapports/partenaire/", {"partenaire": "caf", "periode": "2024", "format": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    tables = 0
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        for table in sheet.tables.values():
            tables += 1
            assert table.ref.startswith("A1:") and table.headerRowCount == 1
            headers = [cell.value for cell in sheet[1]]
            assert all(isinstance(h, str) and h for h in headers), (sheet.title, headers)
            assert sheet.print_title_rows == "$1:$1"
    assert tables == len(workbook.worksheets) - 1  # every sheet but the cover
